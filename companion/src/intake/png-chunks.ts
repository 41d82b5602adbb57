export const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

export interface PngChunk {
  type: string;
  /** Offset of the chunk's data. */
  data: number;
  length: number;
}

/**
 * A PNG's chunks after the signature, by their lengths (no data or CRC read). Stops at the first
 * chunk that does not fit in the buffer, and after IEND.
 */
export function* pngChunks(b: Uint8Array): Generator<PngChunk> {
  for (let at = 8; at + 12 <= b.byteLength; ) {
    const length = u32(b, at);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > b.byteLength) return;
    const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    yield { type, data: at + 8, length };
    if (type === 'IEND') return;
    at = end;
  }
}
