import type { SpeedEstimate } from '@loupe/shared';
import type { TimedResult } from '../ws-client';
import type { PeerResult } from './llama-peer';
import type { RealModels } from './model-cache';

/** Every figure of one `vlm-real` run; null = the engine did not report it (nothing is estimated). */
export interface VlmRealResult {
  vlm_real_size: string;
  vlm_real_ttft_ms: number | null;
  /** 'engine' = the job's ttftMs; 'client' = first streamed text as the WebSocket client saw it. */
  vlm_real_ttft_source: 'engine' | 'client';
  vlm_real_intake_ms: number | null;
  vlm_real_vision_ms: number | null;
  vlm_real_prefill_ms: number | null;
  vlm_real_first_step_ms: number | null;
  vlm_real_prompt_tokens: number;
  vlm_real_prompt_tokens_source: 'engine' | 'estimate';
  vlm_real_prefill_tps: number | null;
  vlm_real_decode_tps: number | null;
  vlm_real_decode_tokens: number | null;
  vlm_real_prompt_tokens_4k: number;
  vlm_real_prefill_tps_4k: number | null;
  vlm_real_decode_tps_4k: number | null;
  vlm_real_step_ms: number | null;
  vlm_real_step_outside_run_ms: number | null;
  vlm_real_step_outside_run_ms_4k: number | null;
  vlm_real_peak_rss_mb: number;
  vlm_real_load_ms: number;
  /** What the engine told the user to expect at load (ModelInfo.speed), to hold against the measured TTFT and decode. */
  vlm_real_expected_ttft_ms: number | null;
  vlm_real_expected_decode_tps: number | null;
  llamacpp_prefill_tps: number;
  llamacpp_decode_tps: number;
  llamacpp_prefill_tps_4k: number;
  llamacpp_decode_tps_4k: number;
  llamacpp_load_ms: number;
  mem_bw_gbps: number;
  /** ONNX decoder weight bytes (all read per token) × decode tok/s ÷ bandwidth. */
  decode_bw_fraction: number | null;
  llamacpp_decode_bw_fraction: number;
  onnx_decoder_weight_bytes: number;
  gguf_weight_bytes_per_token: number;
  /** Loupe ÷ llama.cpp, same run. */
  ratio_decode_vs_llamacpp: number | null;
  ratio_decode_vs_llamacpp_4k: number | null;
  ratio_prefill_vs_llamacpp: number | null;
  threads: number;
  decode_tokens_requested: number;
  load_average: { start: number; after_loupe: number; after_peer: number };
  notes: string[];
}

interface Inputs {
  size: string;
  estimate?: SpeedEstimate | undefined;
  threads: number;
  loadMs: number;
  describe: TimedResult;
  long: TimedResult;
  /** Prompt lengths of the two jobs: the engine's, or the bench's estimate when it reports none. */
  promptTokens: [number, number];
  estimated: boolean;
  peer: PeerResult;
  bandwidth: number;
  models: RealModels;
  peakRssMb: number;
  /** 1-minute load average at the start, after Loupe's jobs and after the peer's: phases are sequential. */
  loadAverages: { start: number; afterLoupe: number; afterPeer: number };
  decode: number;
}

const r1 = (n: number | null | undefined, digits = 1): number | null => (n === undefined || n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits);
const perSecond = (tokens: number | undefined, ms: number | undefined) => (tokens && ms ? tokens / (ms / 1000) : undefined);
const ratio = (a: number | null, b: number) => (a === null ? null : r1(a / b, 2));

export function buildResult(x: Inputs): VlmRealResult {
  const s = x.describe.done.stats;
  const l = x.long.done.stats;
  const [peerShort, peerLong] = x.peer.runs;
  const decodeTps = r1(s.tokensPerSecond, 2);
  const notes = [
    'stand-in with real dimensions and random weights: speed and memory only, its text is noise',
    'llama.cpp (node-llama-cpp) has no image input: the peer covers text prefill and decode at the same prompt lengths',
  ];
  const la = x.loadAverages;
  const worst = Math.max(la.start, la.afterLoupe, la.afterPeer);
  if (worst > x.threads) notes.push(`load average up to ${worst.toFixed(1)} on ${x.threads} cores (shared machine; ${la.start.toFixed(1)} at start, ${la.afterLoupe.toFixed(1)} after Loupe's jobs, ${la.afterPeer.toFixed(1)} after the peer's): times are inflated, and ratios hold only if the load stayed level`);
  for (const [name, stats] of [['describe', s], ['long-context', l]] as const) {
    if (stats.decodeTokens !== undefined && stats.decodeTokens !== x.decode) notes.push(`${name} job decoded ${stats.decodeTokens} of ${x.decode} tokens: the engine did not ignore EOS (LOUPE_BENCH_IGNORE_EOS)`);
  }
  const ttft = s.ttftMs ?? x.describe.firstDeltaMs;
  const [shortTokens, longTokens] = x.promptTokens;
  if (x.estimated) notes.push('prompt lengths are the bench\'s estimate (smart_resize visual tokens + tokenized text + template): the engine does not report promptTokens yet');
  return {
    vlm_real_size: x.size,
    vlm_real_ttft_ms: r1(ttft || null, 0),
    vlm_real_ttft_source: s.ttftMs !== undefined ? 'engine' : 'client',
    vlm_real_intake_ms: r1(s.preprocessMs, 0),
    vlm_real_vision_ms: r1(s.visionEncodeMs, 0),
    vlm_real_prefill_ms: r1(s.prefillMs, 0),
    vlm_real_first_step_ms: r1(s.firstStepMs, 0),
    vlm_real_prompt_tokens: shortTokens,
    vlm_real_prompt_tokens_source: x.estimated ? 'estimate' : 'engine',
    vlm_real_prefill_tps: r1(perSecond(shortTokens, s.prefillMs), 2),
    vlm_real_decode_tps: decodeTps,
    vlm_real_decode_tokens: s.decodeTokens ?? null,
    vlm_real_prompt_tokens_4k: longTokens,
    vlm_real_prefill_tps_4k: r1(perSecond(longTokens, l.prefillMs), 2),
    vlm_real_decode_tps_4k: r1(l.tokensPerSecond, 2),
    vlm_real_step_ms: r1(s.decodeStepMs),
    vlm_real_step_outside_run_ms: r1(s.stepOutsideRunMs, 2),
    vlm_real_step_outside_run_ms_4k: r1(l.stepOutsideRunMs, 2),
    vlm_real_peak_rss_mb: Math.round(x.peakRssMb),
    vlm_real_load_ms: Math.round(x.loadMs),
    vlm_real_expected_ttft_ms: x.estimate?.ttft720pMs ?? null,
    vlm_real_expected_decode_tps: x.estimate?.tokensPerSecond ?? null,
    llamacpp_prefill_tps: r1(peerShort!.prefillTps, 2)!,
    llamacpp_decode_tps: r1(peerShort!.decodeTps, 2)!,
    llamacpp_prefill_tps_4k: r1(peerLong!.prefillTps, 2)!,
    llamacpp_decode_tps_4k: r1(peerLong!.decodeTps, 2)!,
    llamacpp_load_ms: Math.round(x.peer.loadMs),
    mem_bw_gbps: r1(x.bandwidth)!,
    decode_bw_fraction: decodeTps === null ? null : r1((x.models.onnxDecoderBytes * decodeTps) / (x.bandwidth * 1e9), 2),
    llamacpp_decode_bw_fraction: r1((x.models.ggufBytesPerToken * peerShort!.decodeTps) / (x.bandwidth * 1e9), 2)!,
    onnx_decoder_weight_bytes: x.models.onnxDecoderBytes,
    gguf_weight_bytes_per_token: x.models.ggufBytesPerToken,
    ratio_decode_vs_llamacpp: ratio(decodeTps, peerShort!.decodeTps),
    ratio_decode_vs_llamacpp_4k: ratio(r1(l.tokensPerSecond, 2), peerLong!.decodeTps),
    ratio_prefill_vs_llamacpp: ratio(r1(perSecond(shortTokens, s.prefillMs), 2), peerShort!.prefillTps),
    threads: x.threads,
    decode_tokens_requested: x.decode,
    load_average: { start: r1(la.start)!, after_loupe: r1(la.afterLoupe)!, after_peer: r1(la.afterPeer)! },
    notes,
  };
}

const NA = 'n/a (engine does not report it yet)';
const show = (v: number | null, unit = '') => (v === null ? NA : `${v}${unit}`);

export function vlmRealTable(r: VlmRealResult): string {
  const rows: Array<[string, string]> = [
    ['model', `${r.vlm_real_size} stand-in (real dimensions, random q4 weights), ${r.threads} threads`],
    [`TTFT, 1280×720 screenshot, describe budget (${r.vlm_real_ttft_source})`, show(r.vlm_real_ttft_ms, ' ms')],
    ['  intake + resize + patchify', show(r.vlm_real_intake_ms, ' ms')],
    ['  vision encoder', show(r.vlm_real_vision_ms, ' ms')],
    [`  prefill (${r.vlm_real_prompt_tokens} prompt tokens, ${r.vlm_real_prompt_tokens_source})`, show(r.vlm_real_prefill_ms, ' ms')],
    ['  first decode step', show(r.vlm_real_first_step_ms, ' ms')],
    ['prefill tok/s: Loupe / llama.cpp', `${show(r.vlm_real_prefill_tps)} / ${r.llamacpp_prefill_tps}  (ratio ${show(r.ratio_prefill_vs_llamacpp)})`],
    [`decode tok/s at ~${r.vlm_real_prompt_tokens} context: Loupe / llama.cpp`, `${show(r.vlm_real_decode_tps)} / ${r.llamacpp_decode_tps}  (ratio ${show(r.ratio_decode_vs_llamacpp)})`],
    [`decode tok/s at ~${r.vlm_real_prompt_tokens_4k} context: Loupe / llama.cpp`, `${show(r.vlm_real_decode_tps_4k)} / ${r.llamacpp_decode_tps_4k}  (ratio ${show(r.ratio_decode_vs_llamacpp_4k)})`],
    [`prefill tok/s at ~${r.vlm_real_prompt_tokens_4k} tokens: Loupe / llama.cpp`, `${show(r.vlm_real_prefill_tps_4k)} / ${r.llamacpp_prefill_tps_4k}`],
    ['decode step / of it outside session.run', `${show(r.vlm_real_step_ms, ' ms')} / ${show(r.vlm_real_step_outside_run_ms, ' ms')}`],
    ['memory bandwidth (streaming read)', `${r.mem_bw_gbps} GB/s`],
    ['decode_bw_fraction: Loupe / llama.cpp', `${show(r.decode_bw_fraction)} / ${r.llamacpp_decode_bw_fraction}`],
    ['what the panel told the user to expect: TTFT / decode tok/s', `${show(r.vlm_real_expected_ttft_ms, ' ms')} / ${show(r.vlm_real_expected_decode_tps)}`],
    ['peak RSS of the VLM engine host', `${r.vlm_real_peak_rss_mb} MB`],
    ['load: engine / llama.cpp', `${(r.vlm_real_load_ms / 1000).toFixed(1)} s / ${(r.llamacpp_load_ms / 1000).toFixed(1)} s`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return ['loupe bench --only vlm-real', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`), ...r.notes.map((n) => `  note: ${n}`)].join('\n');
}
