// Over 300 lines: the CLI entry of every bench part (overhead, OCR, stand-in VLM, vlm-real) and their one table; each part's work lives in its own file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEVICE_CHOICES, isDeviceRequest } from '../engine/device/request';
import { buildStandIn, CATALOG, DEFAULT_MODEL_ID } from '@loupe/models';
import { charErrors, isEnglishPage, median, microAverage, wordErrors, type EditCount } from '../engine/ocr/eval/score';
import { launchDaemon, waitForEngines, type LaunchedDaemon } from '../client/daemon-process';
import { screenshotPng } from './screens';
import { TesseractRef } from './tesseract';
import { vlmRealTable } from './vlm-real/report';
import { runVlmReal } from './vlm-real/run';
import { BenchClient } from './ws-client';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEFAULT_OCR_DIR = resolve(REPO_ROOT, '..', 'shared', 'data', 'ocr-dev');

/** Targets the project holds itself to; the bench reports them, it does not time-box tests. */
export const TARGETS = { overhead_ms_p50_720p: 15 } as const;

export interface BenchResult {
  overhead_ms_p50_720p: number;
  overhead_ms_p50_1080p: number;
  overhead_ms_p50_4k: number;
  /** The 720p page again as an RGB PNG: no alpha channel to decode and flatten. */
  overhead_ms_p50_720p_rgb: number;
  overhead_detail: Record<OverheadCase, OverheadDetail>;
  ocr_ms_p50: number | null;
  ocr_cer: number | null;
  ocr_en_wer: number | null;
  tesseract_ms_p50: number | null;
  tesseract_cer: number | null;
  tesseract_en_wer: number | null;
  ocr_pages: number;
  vlm_standin_prefill_ms: number;
  vlm_standin_tokens_per_s: number;
  peak_rss_mb: number;
  peak_rss_daemon_mb: number;
  quick: boolean;
  device: string;
  targets: Record<string, { target: number; value: number; met: boolean }>;
  notes: string[];
}

const HELP = `loupe bench [--quick] [--json] [--ocr-dir DIR] [--only overhead,vlm,ocr]
loupe bench --only vlm-real [--size ID] [--decode N] [--device auto|webgpu|cuda|cpu] [--model DIR] [--json]
  Measures the companion: overhead around the model at 720p/1080p/4k, OCR speed and accuracy
  beside Tesseract on the OCR dev set, stand-in VLM plumbing speed, and peak memory.
  --quick   fewer repetitions (a smoke run)
  --json    print one JSON object instead of the table
  --ocr-dir the OCR set (default: ../shared/data/ocr-dev from the repository root)
  --only    run only these parts (comma-separated: overhead, vlm, ocr); the others report 0 / null
  vlm-real  (opt-in, minutes) a stand-in with a catalog model's real dimensions (--size, default
            qwen2.5-vl-3b; built once into the temp folder, GBs) through the daemon with EOS ignored:
            TTFT for a 720p screenshot and its split, prefill and decode tok/s at ~1k and ~4k context,
            beside llama.cpp on the same text dimensions and the measured memory bandwidth.
            --decode N tokens per job (default 32)`;

const PARTS = ['overhead', 'vlm', 'ocr'] as const;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Overhead = what the companion adds around the model, seen from a WebSocket client:
 *   client round trip (frame handed to the socket → `done` received)
 *   − model compute the engine reports (vision encoder + prefill forward passes).
 * The job asks for one token, so there is no decode loop; what remains is WS receive,
 * frame decode, queueing, intake (sniff + header read), image decode, EXIF, resize to the
 * pixel budget, patchify / tensor prep, tokenisation, IPC to the engine host and back, and
 * stream framing. The stand-in model makes the subtracted model time small and stable, so
 * the figure is the plumbing, not the network.
 */
export interface OverheadDetail {
  round_trip_ms: number;
  model_ms: number;
  preprocess_ms: number;
  queue_ms: number;
  /** Round trip minus the daemon's own total: WS transfer, frame decode, intake before queueing. */
  outside_job_ms: number;
  /** The daemon's total minus queue, preprocess and model: IPC to the engine host and back, generate() setup, sampling, framing. */
  in_job_other_ms: number;
}

/**
 * What each overhead case sends: RGBA PNGs, as the extension does (Chromium's canvas export
 * always writes alpha), and the 720p page as an RGB PNG, as screenshot tools often write it.
 */
const OVERHEAD_CASES = [
  { key: '720p', size: '720p', alpha: true },
  { key: '1080p', size: '1080p', alpha: true },
  { key: '4k', size: '4k', alpha: true },
  { key: '720p_rgb', size: '720p', alpha: false },
] as const;
type OverheadCase = (typeof OVERHEAD_CASES)[number]['key'];

async function measureOverhead(client: BenchClient, runs: number): Promise<Record<OverheadCase, { p50: number; detail: OverheadDetail }>> {
  const pngs = await Promise.all(OVERHEAD_CASES.map((c) => screenshotPng(c.size, { alpha: c.alpha })));
  const parts = OVERHEAD_CASES.map(() => ({ overhead: [] as number[], rtt: [] as number[], model: [] as number[], pre: [] as number[], queue: [] as number[], outside: [] as number[], other: [] as number[] }));
  for (const png of pngs) await client.run({ task: 'describe', maxTokens: 1 }, [png]); // warm-up at each size
  // Rounds over all cases, so a slow spell of the host lands on every case alike.
  for (let i = 0; i < runs; i++) {
    for (const [index, png] of pngs.entries()) {
      const p = parts[index]!;
      const { done, roundTripMs } = await client.run({ task: 'describe', maxTokens: 1 }, [png]);
      const model = (done.stats.visionEncodeMs ?? 0) + (done.stats.prefillMs ?? 0);
      p.overhead.push(Math.max(0, roundTripMs - model));
      p.rtt.push(roundTripMs);
      p.model.push(model);
      p.pre.push(done.stats.preprocessMs ?? 0);
      p.queue.push(done.stats.queueMs ?? 0);
      p.outside.push(roundTripMs - done.stats.totalMs);
      p.other.push(done.stats.totalMs - (done.stats.queueMs ?? 0) - (done.stats.preprocessMs ?? 0) - model);
    }
  }
  const out = {} as Record<OverheadCase, { p50: number; detail: OverheadDetail }>;
  for (const [index, c] of OVERHEAD_CASES.entries()) {
    const p = parts[index]!;
    out[c.key] = {
      p50: round(median(p.overhead)),
      detail: {
        round_trip_ms: round(median(p.rtt)),
        model_ms: round(median(p.model)),
        preprocess_ms: round(median(p.pre)),
        queue_ms: round(median(p.queue)),
        outside_job_ms: round(median(p.outside)),
        in_job_other_ms: round(median(p.other)),
      },
    };
  }
  return out;
}

async function measureVlm(client: BenchClient, runs: number, tokens: number): Promise<{ prefillMs: number; tokensPerS: number }> {
  const png = await screenshotPng('720p');
  const prefill: number[] = [];
  const tps: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { done } = await client.run({ task: 'describe', maxTokens: tokens }, [png]);
    if (done.stats.prefillMs !== undefined) prefill.push(done.stats.prefillMs);
    if (done.stats.tokensPerSecond) tps.push(done.stats.tokensPerSecond);
  }
  return { prefillMs: round(median(prefill)), tokensPerS: round(median(tps)) };
}

interface OcrScores {
  msP50: number;
  cer: number;
  enWer: number;
  pages: number;
}

function score(pages: Array<{ name: string; text: string; ref: string; ms: number }>): OcrScores {
  const cer: EditCount[] = [];
  const wer: EditCount[] = [];
  for (const p of pages) {
    cer.push(charErrors(p.text, p.ref));
    if (isEnglishPage(p.name)) wer.push(wordErrors(p.text, p.ref));
  }
  return { msP50: round(median(pages.map((p) => p.ms))), cer: round(microAverage(cer), 4), enWer: round(microAverage(wer), 4), pages: pages.length };
}

async function loadOcrSet(dir: string, limit: number): Promise<Array<{ name: string; bytes: Buffer; ref: string }>> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4)).sort();
  // A quick run keeps both languages: alternate English and Chinese pages.
  const en = names.filter(isEnglishPage);
  const other = names.filter((n) => !isEnglishPage(n));
  const picked: string[] = [];
  for (let i = 0; picked.length < Math.min(limit, names.length); i++) {
    if (en[i]) picked.push(en[i]!);
    if (other[i] && picked.length < limit) picked.push(other[i]!);
  }
  return Promise.all(picked.map(async (name) => ({ name, bytes: await readFile(join(dir, `${name}.png`)), ref: await readFile(join(dir, `${name}.txt`), 'utf8') })));
}

/** Loupe's OCR through the daemon (engine loaded, wall time per page from the client), then Tesseract on the same pages. */
async function measureOcr(client: BenchClient, dir: string, limit: number): Promise<{ loupe: OcrScores; tesseract: OcrScores }> {
  const set = await loadOcrSet(dir, limit);
  const loupe = [];
  if (set[0]) await client.run({ task: 'ocr' }, [set[0].bytes]); // warm-up
  for (const page of set) {
    const { done, roundTripMs } = await client.run({ task: 'ocr' }, [page.bytes]);
    loupe.push({ name: page.name, text: done.text, ref: page.ref, ms: roundTripMs });
  }
  const tess = await TesseractRef.create();
  const reference = [];
  try {
    if (set[0]) await tess.recognize(set[0].bytes, isEnglishPage(set[0].name)); // warm-up
    for (const page of set) {
      const t0 = performance.now();
      const text = await tess.recognize(page.bytes, isEnglishPage(page.name));
      reference.push({ name: page.name, text, ref: page.ref, ms: performance.now() - t0 });
    }
  } finally {
    await tess.close();
  }
  return { loupe: score(loupe), tesseract: score(reference) };
}

function table(r: BenchResult): string {
  const rows: Array<[string, string]> = [
    ['overhead_ms_p50_720p', `${r.overhead_ms_p50_720p}  (target ≤ ${TARGETS.overhead_ms_p50_720p}: ${r.targets.overhead_ms_p50_720p?.met ? 'met' : 'MISSED'})`],
    ['overhead_ms_p50_1080p', String(r.overhead_ms_p50_1080p)],
    ['overhead_ms_p50_4k', String(r.overhead_ms_p50_4k)],
    ['overhead_ms_p50_720p_rgb (the 720p page as an RGB PNG)', String(r.overhead_ms_p50_720p_rgb)],
    ...(Object.entries(r.overhead_detail) as Array<[string, OverheadDetail]>).map(([k, v]): [string, string] => [`  ${k}: round trip / model / preprocess / queue / outside job / other in job`, `${v.round_trip_ms} / ${v.model_ms} / ${v.preprocess_ms} / ${v.queue_ms} / ${v.outside_job_ms} / ${v.in_job_other_ms}`]),
    ['ocr_ms_p50 / tesseract_ms_p50', `${r.ocr_ms_p50 ?? '—'} / ${r.tesseract_ms_p50 ?? '—'}`],
    ['ocr_cer / tesseract_cer', `${r.ocr_cer ?? '—'} / ${r.tesseract_cer ?? '—'}`],
    ['ocr_en_wer / tesseract_en_wer', `${r.ocr_en_wer ?? '—'} / ${r.tesseract_en_wer ?? '—'}`],
    ['ocr pages', String(r.ocr_pages)],
    ['vlm_standin_prefill_ms', String(r.vlm_standin_prefill_ms)],
    ['vlm_standin_tokens_per_s', String(r.vlm_standin_tokens_per_s)],
    ['peak_rss_mb (daemon + engine hosts)', `${r.peak_rss_mb}  (daemon alone ${r.peak_rss_daemon_mb})`],
    ['device', r.device],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return [`loupe bench${r.quick ? ' --quick' : ''}`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`), ...r.notes.map((n) => `  note: ${n}`)].join('\n');
}

async function runVlmRealCommand(args: { json?: boolean; size?: string; decode?: string; device?: string; model?: string }): Promise<number> {
  const size = args.size ?? DEFAULT_MODEL_ID;
  if (!CATALOG.some((c) => c.id === size)) {
    console.error(`--size takes a catalog id: ${CATALOG.map((c) => c.id).join(', ')}`);
    return 2;
  }
  const decode = args.decode === undefined ? 32 : Number(args.decode);
  if (!Number.isInteger(decode) || decode < 2 || decode > 1024) {
    console.error('--decode takes a token count from 2 to 1024');
    return 2;
  }
  try {
    // Progress goes to stderr either way, so a --json run still shows each phase.
    const device = args.device ?? 'cpu';
    if (!isDeviceRequest(device)) {
      console.error(`--device takes ${DEVICE_CHOICES}`);
      return 2;
    }
    const result = await runVlmReal({ size, decode, longContext: 4096, device, ...(args.model ? { modelDir: resolve(args.model) } : {}), log: (m) => console.error(m) });
    console.log(args.json ? JSON.stringify(result) : vlmRealTable(result));
    return 0;
  } catch (e) {
    console.error(`loupe bench --only vlm-real failed: ${(e as Error).message}`);
    return 1;
  }
}

export async function runBench(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, 'ocr-dir': { type: 'string' }, only: { type: 'string' }, size: { type: 'string' }, decode: { type: 'string' }, device: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message.split('\n')[0]}\n${HELP}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (args.only === 'vlm-real') return runVlmRealCommand(args);
  if (args.size !== undefined || args.decode !== undefined || args.device !== undefined || args.model !== undefined) {
    console.error(`--size, --decode, --device and --model belong to --only vlm-real\n${HELP}`);
    return 2;
  }
  const quick = args.quick === true;
  const only = new Set(args.only ? args.only.split(',').map((p) => p.trim()) : PARTS);
  const unknown = [...only].filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    console.error(`--only: unknown part ${unknown.join(', ')} (use ${PARTS.join(', ')})\n${HELP}`);
    return 2;
  }
  const ocrDir = resolve(args['ocr-dir'] ?? DEFAULT_OCR_DIR);
  const notes: string[] = [];
  const log = (m: string) => {
    if (!args.json) console.error(m);
  };

  const work = mkdtempSync(join(tmpdir(), 'loupe-bench-model-'));
  let daemon: LaunchedDaemon | undefined;
  let peak = { daemon: 0, total: 0 };
  let sampler: NodeJS.Timeout | undefined;
  try {
    log('building a stand-in VLM…');
    // No EOS: the stand-in generates exactly maxTokens, so tokens/s has a fixed length to time.
    const model = join(work, 'standin');
    await buildStandIn(model, { family: 'qwen2_5_vl' });
    log('starting the companion…');
    daemon = await launchDaemon({ args: ['--model', model, '--device', 'cpu'], logLevel: 'warn', timeoutMs: 180_000 });
    const d = daemon;
    sampler = setInterval(() => {
      const now = d.rssMb();
      peak = { daemon: Math.max(peak.daemon, now.daemon), total: Math.max(peak.total, now.total) };
    }, 250);
    await waitForEngines(d, ['ppocr', 'qwen-vl']);
    const status = await d.status();
    const load = loadavg()[0]!;
    if (load > cpus().length) notes.push(`load average ${load.toFixed(1)} on ${cpus().length} cores during the run: timings are inflated`);
    const device = status.engines.map((e) => `${e.name}:${e.model?.device ?? '?'}`).join(' ');
    const client = await BenchClient.connect(d.port, d.token);

    log('measuring overhead at 720p / 1080p / 4k…');
    const zero: OverheadDetail = { round_trip_ms: 0, model_ms: 0, preprocess_ms: 0, queue_ms: 0, outside_job_ms: 0, in_job_other_ms: 0 };
    const none = { p50: 0, detail: zero };
    const overhead = only.has('overhead') ? await measureOverhead(client, quick ? 3 : 25) : { '720p': none, '1080p': none, '4k': none, '720p_rgb': none };
    if (only.has('vlm')) log('measuring the stand-in VLM…');
    const vlm = only.has('vlm') ? await measureVlm(client, quick ? 2 : 5, quick ? 16 : 64) : { prefillMs: 0, tokensPerS: 0 };
    let ocr: Awaited<ReturnType<typeof measureOcr>> | undefined;
    if (!only.has('ocr')) {
      notes.push(`--only ${[...only].join(',')}: the other parts were not measured`);
    } else if (existsSync(ocrDir)) {
      log(`measuring OCR and Tesseract on ${ocrDir}…`);
      ocr = await measureOcr(client, ocrDir, quick ? 2 : Number.POSITIVE_INFINITY);
    } else {
      notes.push(`OCR set not found at ${ocrDir}: pass --ocr-dir`);
    }
    client.close();
    const final = d.rssMb();
    peak = { daemon: Math.max(peak.daemon, final.daemon), total: Math.max(peak.total, final.total) };

    const result: BenchResult = {
      overhead_ms_p50_720p: overhead['720p'].p50,
      overhead_ms_p50_1080p: overhead['1080p'].p50,
      overhead_ms_p50_4k: overhead['4k'].p50,
      overhead_ms_p50_720p_rgb: overhead['720p_rgb'].p50,
      overhead_detail: { '720p': overhead['720p'].detail, '1080p': overhead['1080p'].detail, '4k': overhead['4k'].detail, '720p_rgb': overhead['720p_rgb'].detail },
      ocr_ms_p50: ocr?.loupe.msP50 ?? null,
      ocr_cer: ocr?.loupe.cer ?? null,
      ocr_en_wer: ocr?.loupe.enWer ?? null,
      tesseract_ms_p50: ocr?.tesseract.msP50 ?? null,
      tesseract_cer: ocr?.tesseract.cer ?? null,
      tesseract_en_wer: ocr?.tesseract.enWer ?? null,
      ocr_pages: ocr?.loupe.pages ?? 0,
      vlm_standin_prefill_ms: vlm.prefillMs,
      vlm_standin_tokens_per_s: vlm.tokensPerS,
      peak_rss_mb: Math.round(peak.total),
      peak_rss_daemon_mb: Math.round(peak.daemon),
      quick,
      device,
      targets: {
        overhead_ms_p50_720p: { target: TARGETS.overhead_ms_p50_720p, value: overhead['720p'].p50, met: overhead['720p'].p50 <= TARGETS.overhead_ms_p50_720p },
      },
      notes,
    };
    if (quick) notes.push('--quick: few repetitions and 2 OCR pages; use the full run for figures');
    console.log(args.json ? JSON.stringify(result) : table(result));
    return 0;
  } catch (e) {
    console.error(`loupe bench failed: ${(e as Error).message}`);
    if (daemon) console.error(daemon.logs().slice(-2000));
    return 1;
  } finally {
    if (sampler) clearInterval(sampler);
    await daemon?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
