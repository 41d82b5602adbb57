import { addCounts, type ClassCount } from './classes';
import type { OcrEvaluation, PageScore } from './evaluate';
import { median, microAverage } from './score';

const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : `${(v * 100).toFixed(2)} %`);

/** p50 time of each engine over the reference engine's (PP-OCR as shipped when it ran), same pages, same run. */
export function timeRatios(results: readonly OcrEvaluation[], reference: OcrEvaluation | undefined): Array<number | undefined> {
  return results.map((r) => (reference && reference.msP50 > 0 ? r.msP50 / reference.msP50 : undefined));
}

export function summaryTable(results: readonly OcrEvaluation[], reference: OcrEvaluation | undefined): string[] {
  const ratios = timeRatios(results, reference);
  const head = `${'engine'.padEnd(42)} ${'CER'.padStart(8)} ${'EN WER'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p50 cpu ms'.padStart(11)} ${'time ratio'.padStart(11)}`;
  const rows = results.map((r, k) => {
    const ratio = ratios[k] === undefined ? '' : `${ratios[k]!.toFixed(2)}×`;
    return `${r.engine.padEnd(42)} ${pct(r.cer).padStart(8)} ${pct(r.enWer).padStart(9)} ${r.msP50.toFixed(0).padStart(8)} ${r.cpuMsP50.toFixed(0).padStart(11)} ${ratio.padStart(11)}`;
  });
  return [head, ...rows];
}

/** One row per page style (the part of the name after the page number), each engine's CER / EN WER / p50. */
export function styleTable(results: readonly OcrEvaluation[]): string[] {
  const styles = [...new Set(results[0]?.pages.map((p) => p.style) ?? [])].sort();
  const cell = (pages: PageScore[]) => {
    const words = pages.flatMap((p) => (p.words ? [p.words] : []));
    const wer = words.length ? pct(microAverage(words)) : '';
    return `${pct(microAverage(pages.map((p) => p.chars))).padStart(8)} ${wer.padStart(8)} ${median(pages.map((p) => p.ms)).toFixed(0).padStart(6)}`;
  };
  const short = (name: string) => name.split(' ')[0]!.slice(0, 24);
  const head = `${'style'.padEnd(16)} ${'n'.padStart(3)} ${results.map((r) => `| ${short(r.engine).padEnd(24)}`).join(' ')}`;
  const sub = `${''.padEnd(20)} ${results.map(() => `| ${'CER'.padStart(8)} ${'WER'.padStart(8)} ${'p50'.padStart(6)}`).join(' ')}`;
  const rows = styles.map((s) => {
    const n = results[0]!.pages.filter((p) => p.style === s).length;
    return `${s.padEnd(16)} ${String(n).padStart(3)} ${results.map((r) => `| ${cell(r.pages.filter((p) => p.style === s))}`).join(' ')}`;
  });
  return [head, sub, ...rows];
}

export function pageLine(engine: string, p: PageScore): string {
  return `  ${engine.split(' ')[0]!.padEnd(10)} ${p.name.padEnd(34)} CER ${pct(p.cer).padStart(8)}  ${p.wer === undefined ? ' '.repeat(13) : `WER ${pct(p.wer).padStart(8)}`}  ${p.ms.toFixed(0).padStart(6)} ms  (cpu ${p.cpuMs.toFixed(0)} ms)`;
}

/** Issue 18's failure classes: hits / occurrences in the ground truth, per engine. */
export function classTable(results: readonly OcrEvaluation[]): string[] {
  const sums = results.map((r) => {
    const into: Record<string, ClassCount> = {};
    for (const p of r.pages) addCounts(into, p.classes);
    return into;
  });
  const names = Object.keys(sums[0] ?? {});
  const short = (name: string) => name.split(' ')[0]!.slice(0, 18);
  const head = `${'class'.padEnd(44)} ${results.map((r) => short(r.engine).padStart(18)).join(' ')}`;
  const cell = (c: ClassCount | undefined) => (c && c.total ? `${((100 * c.hits) / c.total).toFixed(1)} % of ${c.total}` : '-');
  return [head, ...names.map((n) => `${n.padEnd(44)} ${sums.map((s) => cell(s[n]).padStart(18)).join(' ')}`)];
}
