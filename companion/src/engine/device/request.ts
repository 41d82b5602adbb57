/** What a user may ask for (flag, config.json) and what an engine can actually run on. */
export const DEVICE_REQUESTS = ['auto', 'webgpu', 'cuda', 'cpu'] as const;
export type DeviceRequest = (typeof DEVICE_REQUESTS)[number];
export type Device = Exclude<DeviceRequest, 'auto'>;

export const isDeviceRequest = (v: unknown): v is DeviceRequest => typeof v === 'string' && (DEVICE_REQUESTS as readonly string[]).includes(v);

/** The words used in every "--device must be …" message. */
export const DEVICE_CHOICES = 'auto, webgpu, cuda or cpu';

export const DEVICE_LABEL: Record<Device, string> = { cuda: 'CUDA', webgpu: 'WebGPU', cpu: 'CPU' };
