import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { deviceSessionOptions, MATMUL_ACCURACY_LEVEL, MATMUL_ACCURACY_SESSIONS, presentOutputNames, type Device } from './device';
import { DTYPE_SUFFIX, SESSIONS } from './dtypes';
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
      const accuracy = MATMUL_ACCURACY_SESSIONS.includes(role) ? MATMUL_ACCURACY_LEVEL[device] : undefined;
      opened[role] = await createSession(join(dir, 'onnx', `${role}${suffix}.onnx`), sessionOptionsFor(device, role, tuning), accuracy);
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

/**
 * One session; with an accuracy level, its MatMulNBits nodes are rewritten in memory first and
 * the session is created from those bytes, external data still read from the file's folder.
 */
async function createSession(file: string, options: ort.InferenceSession.SessionOptions, accuracyLevel: number | undefined): Promise<ort.InferenceSession> {
  if (accuracyLevel === undefined) return ort.InferenceSession.create(file, options);
  const rewrite = setMatMulNBitsAccuracy(await readFile(file), accuracyLevel);
  if (rewrite.nodes === 0) return ort.InferenceSession.create(file, options);
  const extra = options.extra as { session?: Record<string, unknown> } | undefined;
  return ort.InferenceSession.create(rewrite.model, { ...options, extra: { ...extra, session: { ...extra?.session, model_external_initializers_file_folder_path: dirname(file) } } });
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
