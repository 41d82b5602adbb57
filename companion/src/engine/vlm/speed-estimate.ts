import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpeedEstimate } from '@loupe/shared';
import { fitSize } from '../../intake/fit';
import { DTYPE_SUFFIX } from './dtypes';
import { pixelBudgetFor } from './prompts';

/**
 * What a user should expect before clicking: the time to the first word of a describe of a
 * 1280×720 screenshot, and decode tokens/s. Prefill and the vision encoder are compute-bound and
 * do about the same work per weight byte per token (vision per patch, the decoder per prompt
 * token), so one measured rate — weight bytes × tokens per second of the warm-up prefill — prices
 * both; decode is one measured step. Without a loaded model (`loupe doctor`), the rates come from
 * the measured memory bandwidth and the ratios of one bench run (CALIBRATION).
 */

/** Screenshot size the estimate is for. */
export const ESTIMATE_SCREEN = { width: 1280, height: 720 } as const;
/** Describe prompt's text tokens around the image (system turn, question, role markers). */
const DESCRIBE_TEXT_TOKENS = 45;

/**
 * From `npm run bench -- --only vlm-real --size qwen2.5-vl-3b` (2 vCPUs, AVX-512 VNNI, q4 with
 * accuracy_level 4 on the CPU): decode weight bytes/s ÷ memory bandwidth, and prefill weight-byte
 * tokens/s ÷ memory bandwidth. Only ratios: the machine's own bandwidth scales them.
 */
export const CALIBRATION = { decodeBwFraction: 0.3, prefillBytesPerBwByte: 1.9 } as const;

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

/** Vision patches and prompt tokens of a describe of ESTIMATE_SCREEN. */
export function describeWork(patchSize: number, mergeSize: number): { patches: number; promptTokens: number } {
  const factor = patchSize * mergeSize;
  const out = fitSize(ESTIMATE_SCREEN.width, ESTIMATE_SCREEN.height, { maxPixels: pixelBudgetFor.describe, multipleOf: factor });
  const patches = (out.width / patchSize) * (out.height / patchSize);
  return { patches, promptTokens: patches / (mergeSize * mergeSize) + DESCRIBE_TEXT_TOKENS };
}

export interface Probe {
  promptTokens: number;
  prefillMs: number;
  stepMs: number;
}

/** From a measured prefill and decode step (the load's warm-up run). */
export function estimateFromProbe(bytes: WeightBytes, work: { patches: number; promptTokens: number }, probe: Probe): SpeedEstimate {
  const bytesPerMs = (bytes.decoder * probe.promptTokens) / probe.prefillMs;
  return finish(bytes, work, bytesPerMs, probe.stepMs, 'measured at load');
}

/** From the memory bandwidth alone (GB/s), with the bench's ratios. */
export function estimateFromBandwidth(bytes: WeightBytes, work: { patches: number; promptTokens: number }, bandwidthGbps: number): SpeedEstimate {
  const bwBytesPerMs = bandwidthGbps * 1e6;
  const stepMs = bytes.decoder / (bwBytesPerMs * CALIBRATION.decodeBwFraction);
  return finish(bytes, work, bwBytesPerMs * CALIBRATION.prefillBytesPerBwByte, stepMs, 'model size × memory bandwidth');
}

function finish(bytes: WeightBytes, work: { patches: number; promptTokens: number }, bytesPerMs: number, stepMs: number, basis: SpeedEstimate['basis']): SpeedEstimate {
  const ttft = (bytes.vision * work.patches + bytes.decoder * work.promptTokens) / bytesPerMs + stepMs;
  return { ttft720pMs: Math.round(ttft), tokensPerSecond: Math.round((1000 / stepMs) * 10) / 10, basis };
}

/** "~61 s to the first word of a 720p describe, then ~3.4 tokens/s (measured at load)". */
export function describeEstimate(e: SpeedEstimate): string {
  const s = e.ttft720pMs / 1000;
  const seconds = s >= 10 ? Math.round(s).toString() : s.toFixed(1);
  return `~${seconds} s to the first word of a 720p screenshot describe, then ~${e.tokensPerSecond} tokens/s (${e.basis})`;
}
