import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DECODER_GQA, deviceSessionOptions, MATMUL_ACCURACY_LEVEL, MATMUL_ACCURACY_SESSIONS, presentOutputNames, type Device } from './device';
import { DTYPE_SUFFIX, SESSIONS } from './dtypes';
import { rewriteAttentionToGqa } from './gqa-rewrite';
import { setMatMulNBitsAccuracy } from './matmul-accuracy';
import { ModelInvalidError, type ModelConfig } from './model-dir';

/**
 * Loading and device: the three ONNX sessions of a transformers.js Qwen-VL export, created
 * straight on onnxruntime-node (external data files resolve next to each .onnx file).
 */

export type SessionRole = (typeof SESSIONS)[number];
export type LoadDevice = Device;
export type VlmSessions = Record<SessionRole, ort.InferenceSession>;

export interface SessionTuning {
  threads?: number;
  /** The decoder's layer count: on WebGPU its present.* outputs are kept in GPU buffers. */
  layers?: number;
  /** Told what the load-time rewrites did (a log line; no model content). */
  note?: (message: string) => void;
}

/**
 * The one place where session options and execution providers are chosen, per device and
 * session role (a GPU device may keep the decoder's present.* outputs on the device here).
 */
export function sessionOptionsFor(device: LoadDevice, role: SessionRole, tuning: SessionTuning = {}): ort.InferenceSession.SessionOptions {
  const decoder = role === 'decoder_model_merged' && tuning.layers ? { presentOutputs: presentOutputNames(tuning.layers) } : {};
  return {
    ...deviceSessionOptions(device, decoder),
    logSeverityLevel: 2,
    ...(tuning.threads ? { intraOpNumThreads: tuning.threads } : {}),
    // onnxruntime's pool threads busy-wait after each op by default. The companion shares the
    // user's cores with the daemon, the OCR host and the browser: spinning threads starve the JS
    // thread that picks the next token (measured 27-33 → 80-107 tokens/s on 2 busy cores).
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

export async function openSessions(dir: string, device: LoadDevice, dtype: string, tuning: SessionTuning = {}): Promise<VlmSessions> {
  const suffix = DTYPE_SUFFIX[dtype] ?? '';
  const opened: Partial<VlmSessions> = {};
  try {
    // One at a time: session creation is CPU-heavy and parallel creation only adds peak memory.
    for (const role of SESSIONS) {
      const decoder = role === 'decoder_model_merged';
      const accuracyLevel = MATMUL_ACCURACY_SESSIONS.includes(role) ? MATMUL_ACCURACY_LEVEL[device] : undefined;
      const rewrites = { accuracyLevel, gqa: decoder && DECODER_GQA[device], note: tuning.note ?? (() => undefined) };
      opened[role] = await createSession(join(dir, 'onnx', `${role}${suffix}.onnx`), sessionOptionsFor(device, role, tuning), rewrites);
    }
  } catch (error) {
    await closeSessions(opened);
    throw error;
  }
  const sessions = opened as VlmSessions;
  try {
    checkSessionDtypes(dir, sessions);
  } catch (error) {
    await closeSessions(sessions);
    throw error;
  }
  return sessions;
}

interface LoadRewrites {
  accuracyLevel: number | undefined;
  /** Rewrite the attention to read a caller-held KV cache (gqa-rewrite.ts) when it matches. */
  gqa: boolean;
  note: (message: string) => void;
}

/**
 * One session; with rewrites (MatMulNBits accuracy level, the attention), the .onnx is
 * rewritten in memory and the session created from those bytes, external data still read from
 * the file's folder. An attention rewrite that does not match, or that onnxruntime refuses, leaves the
 * attention as exported (said through `note`).
 */
async function createSession(file: string, options: ort.InferenceSession.SessionOptions, rewrites: LoadRewrites): Promise<ort.InferenceSession> {
  if (rewrites.accuracyLevel === undefined && !rewrites.gqa) return ort.InferenceSession.create(file, options);
  const extra = options.extra as { session?: Record<string, unknown> } | undefined;
  const fromBytes = (model: Uint8Array) => ort.InferenceSession.create(model, { ...options, extra: { ...extra, session: { ...extra?.session, model_external_initializers_file_folder_path: dirname(file) } } });
  const original = await readFile(file);
  const accurate = rewrites.accuracyLevel === undefined ? original : setMatMulNBitsAccuracy(original, rewrites.accuracyLevel).model;
  if (rewrites.gqa) {
    const gqa = rewriteAttentionToGqa(accurate);
    if (gqa.layers === 0) rewrites.note(`decoder attention left as exported (not rewritten): ${gqa.reason}`);
    else {
      try {
        const session = await fromBytes(gqa.model);
        rewrites.note(`decoder attention rewritten on ${gqa.layers} layers (grouped-query products over a KV buffer held by the caller; present.* are the new rows only)`);
        return session;
      } catch (error) {
        rewrites.note(`decoder attention left as exported: onnxruntime refused the rewritten attention (${(error as Error).message.split('\n')[0]})`);
      }
    }
  }
  return accurate === original ? ort.InferenceSession.create(file, options) : fromBytes(accurate);
}

export async function closeSessions(sessions: Partial<VlmSessions> | undefined): Promise<void> {
  if (!sessions) return;
  await Promise.all(Object.values(sessions).map((s) => s?.release().catch(() => undefined)));
}

/** Element type of one input or output, from the session's metadata. */
export function valueType(session: ort.InferenceSession, name: string, kind: 'input' | 'output'): string | undefined {
  const meta = (kind === 'input' ? session.inputMetadata : session.outputMetadata).find((m) => m.name === name);
  return meta && meta.isTensor ? meta.type : undefined;
}

/** Image features are copied raw into the pad rows: both sessions must agree on the float type. */
function checkSessionDtypes(dir: string, sessions: VlmSessions): void {
  const vision = valueType(sessions.vision_encoder, 'image_features', 'output');
  const embeds = valueType(sessions.embed_tokens, 'inputs_embeds', 'output');
  if (!vision || !embeds) {
    throw new ModelInvalidError(dir, [
      `onnx/: expected outputs vision_encoder.image_features and embed_tokens.inputs_embeds (found ${sessions.vision_encoder.outputNames.join(', ')} / ${sessions.embed_tokens.outputNames.join(', ')}); use a transformers.js Qwen-VL export.`,
    ]);
  }
  if (vision !== embeds) {
    throw new ModelInvalidError(dir, [
      `onnx/: vision_encoder outputs ${vision} image features but embed_tokens outputs ${embeds} embeddings; merging them would silently corrupt the input. Use matching dtypes for both sessions (pass --dtype, or re-pull the model).`,
    ]);
  }
}

/** Every id that ends an answer: config, text config, generation_config and <|im_end|>. */
export function collectEos(config: ModelConfig, generationConfig: Record<string, unknown> | undefined, imEnd: number | undefined): Set<number> {
  const ids = new Set<number>();
  const add = (v: unknown) => {
    if (typeof v === 'number') ids.add(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  add(config.eos_token_id);
  add((config.text_config as Record<string, unknown> | undefined)?.eos_token_id);
  add(generationConfig?.eos_token_id);
  add(imEnd);
  return ids;
}
