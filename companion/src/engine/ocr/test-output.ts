import * as ort from 'onnxruntime-node';

/** The first output of `model` on one float input, from a session created and released for the call. */
export async function firstOutput(model: Uint8Array, shape: number[], input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3, intraOpNumThreads: 1 });
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, shape) });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}
