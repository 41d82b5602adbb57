import type { OcrLine } from '@loupe/shared';

export type LaidLine = OcrLine;

export function layoutText(lines: LaidLine[]): { text: string; lines: OcrLine[] } {
  const sorted = [...lines].sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
  return { text: sorted.map((l) => l.text).join('\n'), lines: sorted };
}
