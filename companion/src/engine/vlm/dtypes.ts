import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DTYPE_PREFERENCE, type Device } from './device';

/** transformers.js dtype → ONNX file suffix (utils/dtypes.js). */
export const DTYPE_SUFFIX: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

export const SESSIONS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;


/** dtypes for which all three sessions have a file in <dir>/onnx. */
export function availableDtypes(dir: string): string[] {
  let files: Set<string>;
  try {
    files = new Set(readdirSync(join(dir, 'onnx')));
  } catch {
    return [];
  }
  return Object.entries(DTYPE_SUFFIX)
    .filter(([, suffix]) => SESSIONS.every((s) => files.has(`${s}${suffix}.onnx`)))
    .map(([dtype]) => dtype);
}

export function chooseDtype(dir: string, device: Device, requested?: string): string {
  const available = availableDtypes(dir);
  const list = available.length ? available.join(', ') : 'none';
  if (requested) {
    if (!(requested in DTYPE_SUFFIX)) throw new Error(`unknown dtype "${requested}" (known: ${Object.keys(DTYPE_SUFFIX).join(', ')})`);
    if (!available.includes(requested)) {
      const suffix = DTYPE_SUFFIX[requested];
      throw new Error(
        `dtype ${requested} is not in ${join(dir, 'onnx')}: it needs ${SESSIONS.map((s) => `${s}${suffix}.onnx`).join(', ')}; available dtypes: ${list}. Pull it with \`loupe models pull <id> --dtype ${requested}\` or pass --dtype with one of the available.`,
      );
    }
    return requested;
  }
  const pick = DTYPE_PREFERENCE[device].find((d) => available.includes(d));
  if (!pick) {
    throw new Error(`no complete set of ONNX sessions in ${join(dir, 'onnx')} (need ${SESSIONS.join(', ')} with the same dtype suffix); available dtypes: ${list}.`);
  }
  return pick;
}
