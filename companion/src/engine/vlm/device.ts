/**
 * The VLM engine's one door to device choice: which device (auto → CUDA, WebGPU, CPU), and the
 * onnxruntime session options and default dtypes that go with it. The probes live in ../device.
 */
import type { Device } from '../device/request';

export { chooseDevice, DeviceUnavailableError, describeSkipped, type DeviceChoice } from '../device/choose';
export { CUDA_EP_LIBS, describeCudaError, GPU_SETUP_HINT, ortBinDir, probeCuda, type CudaProbe } from '../device/cuda';
export { DEVICE_LABEL, type Device } from '../device/request';
export { describeWebGpuError, isGpuDeviceFailure } from '../device/webgpu-words';

/** dtype preference per device when the user does not choose: f16 weights where the GPU computes in f16. */
export const DTYPE_PREFERENCE: Record<Device, string[]> = {
  cuda: ['q4f16', 'fp16', 'q4', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'],
  webgpu: ['q4f16', 'fp16', 'q4', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'],
  cpu: ['q4', 'q8', 'fp32', 'int8', 'uint8', 'bnb4', 'q4f16', 'fp16'],
};

/**
 * MatMulNBits accuracy_level set at load on the decoder and the vision encoder, per device
 * (undefined = as exported). CPU: 4 = int8 activations per block with int8 dot products, like
 * llama.cpp's Q4_0 × Q8_0. Measured on the qwen2.5-vl-3b stand-in, one process, interleaved runs:
 * decoder steps 2.7× faster at 640 context and 1.8× at 4k, a 128-token prefill 1.5×; logits move
 * by ~1e-3 of their range, so greedy tokens may differ from the exported model's.
 * Vision encoder at the 720p describe budget (2,432 rows): every one of its MatMulNBits shapes was
 * faster (1.1–1.4× in CPU time, 9 interleaved runs each), the whole encoder 1.12–1.26× (4 pairs)
 * (see MATMUL_ACCURACY_SESSIONS); its image features move by ~1e-3 of their range.
 */
export const MATMUL_ACCURACY_LEVEL: Record<Device, number | undefined> = { cpu: 4, cuda: undefined, webgpu: undefined };

/** The sessions whose MatMulNBits nodes get MATMUL_ACCURACY_LEVEL (embed_tokens has none). */
export const MATMUL_ACCURACY_SESSIONS: readonly string[] = ['decoder_model_merged', 'vision_encoder'];

/**
 * Whether the decoder's attention is rewritten at load to read the KV cache from buffers the
 * engine holds, with only the new rows as outputs (gqa-rewrite.ts, gqa-nodes.ts, the 'rows' form
 * of kv-form.ts), per device. Interleaved A/B against the decoder as exported (gqa-ab.ts, one
 * process, 2 shared cores at load 3–9): decode steps 1.58× (qwen3-vl-2b) / 1.20× (qwen2.5-vl-3b)
 * at 500 context, 2.95× / 2.34× at 4,075; a 2,048-token prefill 1.83× / 1.46×. CPU only:
 * it is the CPU kernels that were measured.
 */
export const DECODER_GQA: Record<Device, boolean> = { cpu: true, cuda: false, webgpu: false };

export interface DeviceSessionOptions {
  executionProviders: string[];
  /** WebGPU: the named outputs stay on the GPU (the KV cache between decode steps). */
  preferredOutputLocation?: Record<string, 'gpu-buffer'>;
}

/** The decoder's KV outputs, present.{i}.key / .value, for a model with this many layers. */
export const presentOutputNames = (layers: number): string[] => Array.from({ length: layers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();

/**
 * onnxruntime session options for one session on one device (spread them into the session's
 * own options). On WebGPU the decoder's present.* outputs stay in GPU buffers, so the KV cache is
 * never copied to the host between steps: the caller feeds them back as past_key_values.* and
 * disposes the previous step's. Pass the decoder's present names (presentOutputNames) for that.
 */
export function deviceSessionOptions(device: Device, o: { presentOutputs?: readonly string[] } = {}): DeviceSessionOptions {
  const options: DeviceSessionOptions = { executionProviders: [device] };
  const present = (o.presentOutputs ?? []).filter((n) => n.startsWith('present'));
  if (device === 'webgpu' && present.length > 0) options.preferredOutputLocation = Object.fromEntries(present.map((n) => [n, 'gpu-buffer' as const]));
  return options;
}
