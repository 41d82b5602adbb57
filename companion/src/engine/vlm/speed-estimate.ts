import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpeedEstimate } from '@loupe/shared';
import { fitSize } from '../../intake/fit';
import { DTYPE_SUFFIX } from './dtypes';

/**
 * What a user should expect before clicking: the time to the first word of a describe of a
 * 1280×720 screenshot, and decode tokens/s. A decode step reads every decoder weight once, so its
 * time gives the machine's weight bytes/s; prefill (per prompt token) and the vision encoder (per
 * patch) process their weights at a rate that is a multiple of that, taken from bench runs
 * (CALIBRATION). The warm-up's own prefill is too short to price a long one: on qwen3-vl-2b it
 * implied a 64 s TTFT where 17.8 s was measured. With a loaded model the decode step is the one
 * timed at load after a describe prompt's tokens (DecodeLoop.timeStep: the KV cache's reads count
 * at a real context, not at the warm-up's few dozen tokens); without one (`loupe doctor`), the
 * memory bandwidth measured there stands in.
 */
/** Screenshot size the estimate is for. */
export const ESTIMATE_SCREEN = { width: 1280, height: 720 } as const;
/** Describe prompt's text tokens around the image (system turn, question, role markers). */
const DESCRIBE_TEXT_TOKENS = 45;

/**
 * Ratios measured on this 2-vCPU AVX-512 VNNI machine (q4, accuracy_level 4 on the decoder).
 * prefillPerDecode and visionPerDecode: two runs of `npm run bench -- --only vlm-real --size
 * qwen2.5-vl-3b --decode 16` (720p describe: prefill tok/s ÷ decode tok/s 3.8 and 4.3; vision
 * weight-bytes rate ÷ decode's 2.8 and 3.6, i.e. 3.2), × 1.2 for the vision encoder's own
 * accuracy_level 4 (interleaved A/B in CPU time, device.ts). decodeBwFraction: 0.21 in a quiet
 * bench run before accuracy_level 4, × ~1.9 from the interleaved A/B of that change. The machine
 * was shared and loaded (load average 3–24 on 2 cores): against measured TTFTs these were 0.8–2.6× off.
 */
export const CALIBRATION = { decodeBwFraction: 0.4, prefillPerDecode: 4, visionPerDecode: 3.8 } as const;

export interface WeightBytes {
  decoder: number;
  vision: number;
}

/** Bytes of each session's weights (the .onnx file and its external data), for one dtype. */
export function weightBytes(modelDir: string, dtype: string): WeightBytes {
  const onnx = join(modelDir, 'onnx');
  const suffix = DTYPE_SUFFIX[dtype] ?? '';
  const files = readdirSync(onnx);
  const sum = (session: string) => files.filter((f) => f === `${session}${suffix}.onnx` || f.startsWith(`${session}${suffix}.onnx_data`)).reduce((n, f) => n + statSync(join(onnx, f)).size, 0);
  return { decoder: sum('decoder_model_merged'), vision: sum('vision_encoder') };
}

/** Vision patches and prompt tokens of a describe of ESTIMATE_SCREEN at the describe budget of the device (`pixelBudget`). */
export function describeWork(patchSize: number, mergeSize: number, describeBudget: number): { patches: number; promptTokens: number } {
  const factor = patchSize * mergeSize;
  const out = fitSize(ESTIMATE_SCREEN.width, ESTIMATE_SCREEN.height, { maxPixels: describeBudget, multipleOf: factor });
  const patches = (out.width / patchSize) * (out.height / patchSize);
  return { patches, promptTokens: patches / (mergeSize * mergeSize) + DESCRIBE_TEXT_TOKENS };
}

export interface Probe {
  /** One decode step at the describe prompt's context, as timed at load. */
  stepMs: number;
}

/** From a decode step timed at load (the warm-up run). */
export function estimateFromProbe(bytes: WeightBytes, work: Work, probe: Probe): SpeedEstimate {
  return estimate(bytes, work, probe.stepMs, 'measured at load');
}

/** From the memory bandwidth alone (GB/s). */
export function estimateFromBandwidth(bytes: WeightBytes, work: Work, bandwidthGbps: number): SpeedEstimate {
  return estimate(bytes, work, bytes.decoder / (bandwidthGbps * 1e6 * CALIBRATION.decodeBwFraction), 'model size × memory bandwidth');
}

type Work = { patches: number; promptTokens: number };

function estimate(bytes: WeightBytes, work: Work, stepMs: number, basis: SpeedEstimate['basis']): SpeedEstimate {
  const decodeBytesPerMs = bytes.decoder / stepMs;
  const visionMs = (bytes.vision * work.patches) / (decodeBytesPerMs * CALIBRATION.visionPerDecode);
  const prefillMs = (bytes.decoder * work.promptTokens) / (decodeBytesPerMs * CALIBRATION.prefillPerDecode);
  return { ttft720pMs: Math.round(visionMs + prefillMs + stepMs), tokensPerSecond: Math.round((1000 / stepMs) * 10) / 10, basis };
}

/** "~18 s to the first word of a 720p screenshot describe, then ~2.7 tokens/s (measured at load)". */
export function describeEstimate(e: SpeedEstimate): string {
  const s = e.ttft720pMs / 1000;
  const seconds = s >= 10 ? Math.round(s).toString() : s.toFixed(1);
  return `~${seconds} s to the first word of a 720p screenshot describe, then ~${e.tokensPerSecond} tokens/s (${e.basis})`;
}
