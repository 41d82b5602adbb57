/**
 * Each token's bytes, computed once per tokenizer and cached: Qwen's byte-level BPE spells
 * every byte as one printable character (GPT-2's bytes_to_unicode), so a vocabulary entry
 * maps back to its exact UTF-8 bytes, also for tokens that hold part of a character.
 */

export interface TokenBytes {
  /** bytes[id]; undefined for special tokens and ids the tokenizer lacks. */
  bytes: (Uint8Array | undefined)[];
  /** Token ids by first byte. */
  byFirst: number[][];
  /** Tokens that only extend a JSON string from a character boundary (no `"`, `\`, control bytes, valid UTF-8), with their character counts. */
  pure: Int32Array;
  pureChars: Uint16Array;
  /** The other ordinary tokens by first byte: a string frame checks them byte by byte. */
  impureByFirst: number[][];
}

export interface VocabSource {
  get_vocab(): Map<string, number> | Record<string, number>;
  all_special_ids?: number[];
}

const cache = new WeakMap<object, TokenBytes>();

export function tokenBytesFor(tokenizer: VocabSource): TokenBytes {
  let found = cache.get(tokenizer);
  if (!found) {
    found = buildTokenBytes(tokenizer);
    cache.set(tokenizer, found);
  }
  return found;
}

function byteDecoder(): Map<number, number> {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Map<number, number>();
  for (const b of printable) map.set(b, b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (!map.has(b)) map.set(256 + n++, b);
  return map;
}

export function buildTokenBytes(tokenizer: VocabSource): TokenBytes {
  const decoder = byteDecoder();
  const vocab = tokenizer.get_vocab();
  const entries = vocab instanceof Map ? [...vocab] : Object.entries(vocab);
  const special = new Set(tokenizer.all_special_ids ?? []);
  const size = entries.reduce((m, [, id]) => Math.max(m, id + 1), 0);
  const bytes: (Uint8Array | undefined)[] = new Array(size);
  const byFirst: number[][] = Array.from({ length: 256 }, () => []);
  const pure: number[] = [];
  const pureChars: number[] = [];
  const impureByFirst: number[][] = Array.from({ length: 256 }, () => []);
  for (const [text, id] of entries) {
    if (special.has(id) || text.length === 0) continue;
    const out = new Uint8Array(text.length);
    let ok = true;
    for (let i = 0; i < text.length; i++) {
      const b = decoder.get(text.charCodeAt(i));
      if (b === undefined) {
        ok = false;
        break;
      }
      out[i] = b;
    }
    // Not byte-level (an added token such as "<think>"): it can never be part of the JSON.
    if (!ok) continue;
    bytes[id] = out;
    byFirst[out[0]!]!.push(id);
    let chars = 0;
    let clean = true;
    let owed = 0;
    for (const b of out) {
      if (b === 0x22 || b === 0x5c || b < 0x20) clean = false;
      // Pure tokens are whole UTF-8 from their first byte (a last character may be left open).
      if (owed > 0) {
        if ((b & 0xc0) === 0x80) owed--;
        else clean = false;
      } else if ((b >= 0x80 && b < 0xc2) || b >= 0xf5) {
        clean = false;
      } else {
        chars++;
        owed = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : 0;
      }
    }
    if (clean) {
      pure.push(id);
      pureChars.push(chars);
    } else {
      impureByFirst[out[0]!]!.push(id);
    }
  }
  return { bytes, byFirst, pure: Int32Array.from(pure), pureChars: Uint16Array.from(pureChars), impureByFirst };
}
