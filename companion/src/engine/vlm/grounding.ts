import type { Box, GroundBox, Region } from '@loupe/shared';
import type { Family, FamilyGrounding, GroundingConvention } from '@loupe/models';

/** What the model saw for grounding: the crop of the original and the size it was resized to. */
export interface GroundingFrame {
  /** Crop in original pixels (the whole image when there was no region). */
  crop: Region;
  /** Size of the image fed to the model. */
  resized: { width: number; height: number };
  /** Original image size, for clamping. */
  original: { width: number; height: number };
}

interface RawBox {
  label: string;
  box: Box;
}

/** Qwen2-VL: <|object_ref_start|>label<|object_ref_end|><|box_start|>(x1,y1),(x2,y2)<|box_end|> (markers may be stripped). */
function parseBoxTokens(text: string): RawBox[] {
  const out: RawBox[] = [];
  const re = /(?:<\|object_ref_start\|>([^<]*?)<\|object_ref_end\|>)?\s*(?:<\|box_start\|>)?\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)\s*,\s*\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)/g;
  let lastLabel = '';
  for (const m of text.matchAll(re)) {
    const label = (m[1] ?? '').trim() || lastLabel;
    lastLabel = label;
    out.push({ label, box: [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])] });
  }
  return out;
}

function toRawBox(item: unknown): RawBox | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  const coords = o.bbox_2d ?? o.bbox ?? o.box;
  if (!Array.isArray(coords) || coords.length !== 4 || !coords.every((c) => typeof c === 'number' && Number.isFinite(c))) return undefined;
  const label = typeof o.label === 'string' ? o.label : typeof o.name === 'string' ? o.name : '';
  return { label, box: coords as Box };
}

/** Qwen2.5-VL / Qwen3-VL: a JSON array (often in a ```json fence) of {"bbox_2d": [...], "label": ...}. */
function parseJsonBoxes(text: string): RawBox[] {
  const candidates: string[] = [];
  const fence = /```(?:json)?\s*([\s\S]*?)```/g;
  for (const m of text.matchAll(fence)) if (m[1]) candidates.push(m[1]);
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1));
  for (const c of candidates) {
    try {
      const parsed: unknown = JSON.parse(c);
      const list = Array.isArray(parsed) ? parsed : [parsed];
      const boxes = list.map(toRawBox).filter((b): b is RawBox => b !== undefined);
      if (boxes.length > 0) return boxes;
    } catch {
      // not JSON: try the next candidate
    }
  }
  // Truncated JSON (max tokens): salvage the complete objects.
  const out: RawBox[] = [];
  for (const m of text.matchAll(/\{[^{}]*\}/g)) {
    try {
      const b = toRawBox(JSON.parse(m[0]));
      if (b) out.push(b);
    } catch {
      // skip
    }
  }
  return out;
}

export function parseBoxes(text: string, preferred: FamilyGrounding['format']): RawBox[] {
  if (preferred === 'qwen2-box-tokens') {
    const boxes = parseBoxTokens(text);
    return boxes.length ? boxes : parseJsonBoxes(text);
  }
  const boxes = parseJsonBoxes(text);
  return boxes.length ? boxes : parseBoxTokens(text);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Maps one box from the model's coordinate convention to original-image pixels. */
export function mapBox(box: Box, convention: GroundingConvention, frame: GroundingFrame): Box {
  const { crop, resized, original } = frame;
  const sx = convention === 'normalized-1000' ? crop.width / 1000 : crop.width / resized.width;
  const sy = convention === 'normalized-1000' ? crop.height / 1000 : crop.height / resized.height;
  const [a, b, c, d] = box;
  const x0 = Math.min(a, c) * sx + crop.x;
  const x1 = Math.max(a, c) * sx + crop.x;
  const y0 = Math.min(b, d) * sy + crop.y;
  const y1 = Math.max(b, d) * sy + crop.y;
  const r = (v: number) => Math.round(v * 10) / 10;
  return [
    r(clamp(x0, 0, original.width)),
    r(clamp(y0, 0, original.height)),
    r(clamp(x1, 0, original.width)),
    r(clamp(y1, 0, original.height)),
  ];
}

export function groundBoxes(text: string, family: Pick<Family, 'grounding'>, frame: GroundingFrame): GroundBox[] {
  return parseBoxes(text, family.grounding.format)
    .map((b) => ({ label: b.label, box: mapBox(b.box, family.grounding.convention, frame) }))
    .filter((b) => b.box[2] > b.box[0] && b.box[3] > b.box[1]);
}
