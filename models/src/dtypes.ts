/** dtype → ONNX file suffix, as transformers.js resolves it (utils/dtypes.js). */
export const DTYPE_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;

export type Dtype = keyof typeof DTYPE_SUFFIX;
export const DTYPES = Object.keys(DTYPE_SUFFIX) as Dtype[];

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && value in DTYPE_SUFFIX;
}

export function parseDtype(value: string): Dtype {
  if (!isDtype(value)) throw new Error(`unknown dtype "${value}" (known: ${DTYPES.join(', ')})`);
  return value;
}

/** Exports with these dtypes carry half-precision activations (embeddings, features, KV cache, logits). */
export const isHalfDtype = (d: Dtype): boolean => d === 'fp16' || d === 'q4f16';

export const onnxFileName = (session: string, dtype: Dtype): string => `${session}${DTYPE_SUFFIX[dtype]}.onnx`;

/** External-data chunk names for one .onnx file: X.onnx_data, X.onnx_data_1, ... */
export const externalDataNames = (onnxFile: string, chunks: number): string[] =>
  Array.from({ length: chunks }, (_, i) => `${onnxFile}_data${i === 0 ? '' : `_${i}`}`);
