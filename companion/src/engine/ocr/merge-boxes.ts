import type { TextBox } from './detector';

/**
 * Joins detection boxes that overlap on the same text line. Large text can split into two
 * text kernels; grown back ("unclip"), both boxes then cover the glyphs between them, and
 * reading each box on its own reads those glyphs twice ("receipt t 19"). Boxes that only
 * sit side by side (table cells, columns) do not overlap and stay apart.
 */
export function mergeLineFragments(boxes: TextBox[]): TextBox[] {
  const out = boxes.map((b) => ({ box: [...b.box] as TextBox['box'], score: b.score }));
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        if (!sameLineOverlap(out[i]!.box, out[j]!.box)) continue;
        const [a, b] = [out[i]!, out[j]!];
        a.box = [Math.min(a.box[0], b.box[0]), Math.min(a.box[1], b.box[1]), Math.max(a.box[2], b.box[2]), Math.max(a.box[3], b.box[3])];
        a.score = Math.max(a.score, b.score);
        out.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  return out;
}

function sameLineOverlap(a: TextBox['box'], b: TextBox['box']): boolean {
  const xOverlap = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const yOverlap = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const minHeight = Math.min(a[3] - a[1], b[3] - b[1]);
  // Boxes of one line share most of their height; lines above and below share little.
  return xOverlap > 0 && yOverlap >= 0.7 * minHeight;
}
