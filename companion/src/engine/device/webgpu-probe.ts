import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { findVulkanLayers } from './vulkan-layers';
import { diagnoseWebGpu, type WebGpuProbe } from './webgpu-words';

/** A one-node ONNX graph (y = x + x, float32 [1,4]), written once with the project's graph builder. */
const TINY_MODEL_B64 =
  'CAgSDmxvdXBlLXN0YW5kLWluGgExOkwKGQoBeAoBeBIBeRoHbl9BZGRfMSIDQWRkOgASBXByb2JlWhMKAXgSDgoMCAESCAoCCAEKAggEYhMKAXkSDgoMCAESCAoCCAEKAggEQgQKABAR';

/**
 * Runs in a child node: a WebGPU init can crash the process or hang in a driver, and Dawn writes
 * the reason of each Vulkan layer to stderr (not into the error), so the parent reads both.
 */
const CHILD = `
const ort = require(process.env.LOUPE_ORT_MAIN);
const model = Buffer.from(process.env.LOUPE_PROBE_MODEL, 'base64');
(async () => {
  try {
    const s = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] });
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]) });
    const ok = Array.from(out.y.data).join(',') === '2,4,6,8';
    process.stdout.write(JSON.stringify(ok ? { ok: true } : { ok: false, error: 'WebGPU computed a wrong result: ' + Array.from(out.y.data).join(',') }) + '\\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.message || e) }) + '\\n');
  }
  process.exit(0);
})();
`;

export interface ChildOutcome {
  ok: boolean;
  error?: string;
  stderr: string;
  /** The child never answered: it hung (timeout) or died (signal, exit code). */
  timedOut?: boolean;
  exit?: string;
}

function ortMain(): string {
  return createRequire(import.meta.url).resolve('onnxruntime-node');
}

export function runProbeChild(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      env: { ...env, LOUPE_ORT_MAIN: ortMain(), LOUPE_PROBE_MODEL: TINY_MODEL_B64 },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, error: e.message, stderr, exit: 'spawn failed' });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as { ok: boolean; error?: string };
        resolve({ ok: parsed.ok, ...(parsed.error ? { error: parsed.error } : {}), stderr });
      } catch {
        resolve({ ok: false, stderr, ...(signal === 'SIGKILL' ? { timedOut: true } : {}), exit: signal ? `signal ${signal}` : `exit code ${code}` });
      }
    });
  });
}

export const WEBGPU_PROBE_TIMEOUT_MS = 20_000;

/** Can onnxruntime-node's WebGPU EP (Dawn on Vulkan) run here? Says which layer failed, and the fix. */
export async function probeWebGpu(o: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<WebGpuProbe> {
  const env = o.env ?? process.env;
  const timeoutMs = o.timeoutMs ?? WEBGPU_PROBE_TIMEOUT_MS;
  const layers = process.platform === 'linux' ? findVulkanLayers(env) : undefined;
  const outcome = await runProbeChild(env, timeoutMs);
  return diagnoseWebGpu({ platform: process.platform, layers, outcome, timeoutMs });
}
