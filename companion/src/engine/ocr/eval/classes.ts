import { normalizeForScoring } from './score';

/**
 * Failure classes of issue 18, each counted as hits out of the ground truth's occurrences, so a
 * fix shows up as a number: tokens are whitespace-separated words (matched as a multiset against
 * the engine's words), lines are compared with their runs of spaces collapsed.
 */
export interface ClassCount {
  hits: number;
  total: number;
}

const CJK = /[\u3400-\u9fff]/;
const TOKEN_CLASSES: Record<string, RegExp> = {
  'backticks (inline code, fences)': /`/,
  'URLs and paths': /:\/\/|(?:^|[\s(])\.{0,2}\/\w|\w\/\w/,
  '--flags, ->, =>': /^-{1,2}[A-Za-z]|->|=>/,
  'Markdown links ](': /\]\(/,
  'identifier case (macOS, SentinelRS)': /[a-z][A-Z]|[A-Z]{2}[a-z]|[a-z][A-Z]{2}/,
  'look-alikes (0, ——, ¥)': /[0—¥]/,
};

const words = (s: string) => normalizeForScoring(s).split(/\s+/u).filter(Boolean);
const collapse = (s: string) => normalizeForScoring(s).trim().replace(/\s+/gu, ' ');

function tokenRecall(hyp: string, ref: string, re: RegExp): ClassCount {
  const pool = new Map<string, number>();
  for (const w of words(hyp)) pool.set(w, (pool.get(w) ?? 0) + 1);
  let hits = 0;
  let total = 0;
  for (const w of words(ref)) {
    if (!re.test(w)) continue;
    total++;
    const n = pool.get(w) ?? 0;
    if (n > 0) {
      hits++;
      pool.set(w, n - 1);
    }
  }
  return { hits, total };
}

function lineRecall(hyp: string, ref: string, keep: (line: string) => boolean): ClassCount {
  const pool = new Map<string, number>();
  for (const l of hyp.split('\n')) pool.set(collapse(l), (pool.get(collapse(l)) ?? 0) + 1);
  let hits = 0;
  let total = 0;
  for (const l of ref.split('\n')) {
    if (!l.trim() || !keep(l)) continue;
    total++;
    const n = pool.get(collapse(l)) ?? 0;
    if (n > 0) {
      hits++;
      pool.set(collapse(l), n - 1);
    }
  }
  return { hits, total };
}

const leading = (l: string) => /^ */.exec(l)![0].length;

/** Lines read right whose indentation (relative to the page's least indented line) is exact too. */
function indentRecall(hyp: string, ref: string): ClassCount {
  const refLines = ref.split('\n').filter((l) => l.trim());
  const hypLines = hyp.split('\n').filter((l) => l.trim());
  if (!refLines.some((l) => leading(l) > 0)) return { hits: 0, total: 0 };
  const refMin = Math.min(...refLines.map(leading));
  const hypMin = hypLines.length ? Math.min(...hypLines.map(leading)) : 0;
  const byText = new Map<string, number[]>();
  for (const l of hypLines) byText.set(collapse(l), [...(byText.get(collapse(l)) ?? []), leading(l) - hypMin]);
  let hits = 0;
  let total = 0;
  for (const l of refLines) {
    const found = byText.get(collapse(l));
    if (!found?.length) continue;
    total++;
    const k = found.indexOf(leading(l) - refMin);
    if (k >= 0) {
      hits++;
      found.splice(k, 1);
    } else found.shift();
  }
  return { hits, total };
}

const TABLE_LINE = /[│┌├└|]|^\s*\+[-+]+\+\s*$/;

/** Per-class counts for one page; `style` picks the classes that apply to it. */
export function classCounts(hyp: string, ref: string, style: string): Record<string, ClassCount> {
  const out: Record<string, ClassCount> = {};
  for (const [name, re] of Object.entries(TOKEN_CLASSES)) out[name] = tokenRecall(hyp, ref, re);
  out['table lines (borders, columns)'] = lineRecall(hyp, ref, (l) => TABLE_LINE.test(l));
  out['Chinese lines with ASCII (spacing exact)'] = lineRecall(hyp, ref, (l) => CJK.test(l) && /[A-Za-z0-9]/.test(l));
  // Editors put line numbers before the code; the indentation there is not the page's.
  out['indentation (exact, lines read right)'] = style.startsWith('ide') ? { hits: 0, total: 0 } : indentRecall(hyp, ref);
  return out;
}

export function addCounts(into: Record<string, ClassCount>, more: Record<string, ClassCount>): void {
  for (const [k, v] of Object.entries(more)) {
    const c = (into[k] ??= { hits: 0, total: 0 });
    c.hits += v.hits;
    c.total += v.total;
  }
}
