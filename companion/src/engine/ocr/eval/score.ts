/**
 * Scoring exactly as the OCR dev set's README defines it: NFKC, straight quotes,
 * CER over code points with all whitespace removed, WER over whitespace-separated words,
 * both micro-averaged (sum of edit distances / sum of reference lengths).
 */
export function normalizeForScoring(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u2035]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u2036]/g, '"');
}

export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

export interface EditCount {
  /** Edit distance between hypothesis and reference. */
  errors: number;
  /** Reference length (characters or words). */
  length: number;
}

export function charErrors(hypothesis: string, reference: string): EditCount {
  const strip = (s: string) => [...normalizeForScoring(s).replace(/\s+/gu, '')];
  const ref = strip(reference);
  return { errors: levenshtein(strip(hypothesis), ref), length: ref.length };
}

export function wordErrors(hypothesis: string, reference: string): EditCount {
  const words = (s: string) => normalizeForScoring(s).split(/\s+/u).filter(Boolean);
  const ref = words(reference);
  return { errors: levenshtein(words(hypothesis), ref), length: ref.length };
}

/** Micro-average: total errors over total reference length. */
export function microAverage(counts: readonly EditCount[]): number {
  const length = counts.reduce((s, c) => s + c.length, 0);
  const errors = counts.reduce((s, c) => s + c.errors, 0);
  return length === 0 ? 0 : errors / length;
}

/**
 * English pages: the README says "files with `_en_` in the name"; the set's files are named
 * `dev_en-00-dark`, so `en` as a whole name part (between `_`/`-` separators) counts.
 */
export function isEnglishPage(name: string): boolean {
  return /(?:^|[_-])en(?:[_-]|$)/i.test(name);
}

export { median } from '../median';
