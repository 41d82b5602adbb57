/**
 * Engine host: a child process that owns one engine. A native crash here (onnxruntime, libvips)
 * kills only this process; the daemon's supervisor fails the running job and restarts it.
 * Started by supervisor.ts with `fork(..., { serialization: 'advanced' })` and tsx as loader.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { describeCudaError } from '../device/cuda';
import { describeWebGpuError, isGpuDeviceFailure } from '../device/webgpu-words';
import type { Engine } from '../engine';
import { getEngineDefinition } from '../registry';
import { parseToHost, type FromHost, type ToHost } from './messages';
import { toWireError, isAbortError } from './wire-error';

if (!process.send) {
  console.error('engine host must be started by the Loupe daemon (no IPC channel)');
  process.exit(2);
}

const send = (message: FromHost): void => {
  if (process.connected) process.send!(message);
};

/** Below the daemon's own 30 ms delta batching, so streaming latency does not grow. */
const DELTA_BATCH_MS = 15;

let engine: Engine | undefined;
/** The device the loaded engine runs on (from its ModelInfo). */
let device: string | undefined;
let loadOptions: Extract<ToHost, { type: 'load' }>['options'] | undefined;
let loading: Promise<void> | undefined;
const running = new Map<string, AbortController>();

async function importEngines(engine: string, modules: string[]): Promise<string[]> {
  const problems: string[] = [];
  try {
    const { importEngineModule } = await import('../engines');
    await importEngineModule(engine);
  } catch (error) {
    problems.push(`the ${engine} engine module failed to import: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const path of modules) {
    if (!isAbsolute(path)) {
      problems.push(`extra engine module "${path}" is not an absolute path`);
      continue;
    }
    await import(pathToFileURL(path).href);
  }
  return problems;
}

async function load(message: Extract<ToHost, { type: 'load' }>): Promise<void> {
  if (engine || loading) {
    send({ type: 'loadError', error: { code: 'internal', message: 'engine host already has an engine loaded' } });
    return;
  }
  const problems = await importEngines(message.engine, message.modules ?? []).catch((error: unknown) => [String(error)]);
  let definition;
  try {
    definition = getEngineDefinition(message.engine);
  } catch {
    const { ENGINE_MODULES } = await import('../engines').catch(() => ({ ENGINE_MODULES: {} }));
    const why = [`unknown engine "${message.engine}" (known: ${Object.keys(ENGINE_MODULES).join(', ') || 'none'})`, ...problems].join('; ');
    send({ type: 'loadError', error: { code: 'engine_unavailable', message: why } });
    return;
  }
  send({ type: 'accepted', kind: definition.kind, describe: definition.describe });
  try {
    const created = await definition.create(message.options);
    const model = await created.load();
    engine = created;
    device = model.device;
    loadOptions = message.options;
    send({ type: 'loaded', model, capabilities: created.capabilities() });
  } catch (error) {
    const retry = (error as { retryable?: unknown } | null)?.retryable === true;
    send({ type: 'loadError', error: toWireError(error, `could not load the ${message.engine} engine`), ...(retry ? { retry } : {}) });
  }
}

async function run(message: Extract<ToHost, { type: 'run' }>): Promise<void> {
  const { job } = message;
  if (!engine) {
    send({ type: 'error', jobId: job.id, error: { code: 'engine_unavailable', message: 'the engine is not loaded' } });
    return;
  }
  if (running.has(job.id)) {
    send({ type: 'error', jobId: job.id, error: { code: 'internal', message: `job ${job.id} is already running` } });
    return;
  }
  const controller = new AbortController();
  running.set(job.id, controller);
  let finished = false;
  // One IPC message per token wakes the daemon per token: the first delta goes at once (time to
  // first token), later ones are batched for up to DELTA_BATCH_MS, and flushed before the end.
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  let sentAny = false;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    send({ type: 'delta', jobId: job.id, text: pending });
    pending = '';
    sentAny = true;
  };
  try {
    for await (const event of engine.run(job, controller.signal)) {
      if (controller.signal.aborted) break;
      if (event.type === 'delta') {
        if (!event.text) continue;
        pending += event.text;
        if (!sentAny) flush();
        else timer ??= setTimeout(flush, DELTA_BATCH_MS);
      } else if (event.type === 'result') {
        flush();
        send({ type: 'result', jobId: job.id, result: event });
        finished = true;
        break;
      }
    }
    if (!finished) {
      if (controller.signal.aborted) send({ type: 'cancelled', jobId: job.id });
      else send({ type: 'error', jobId: job.id, error: { code: 'internal', message: `the ${engine.name} engine ended without a result` } });
    }
  } catch (error) {
    if (controller.signal.aborted || isAbortError(error)) send({ type: 'cancelled', jobId: job.id });
    else if (device && device !== 'cpu' && isGpuDeviceFailure(error)) {
      flush();
      gpuFailed(job.id, device, error);
    } else {
      flush();
      send({ type: 'error', jobId: job.id, error: toWireError(error, `the ${engine.name} engine failed`) });
    }
  } finally {
    if (timer) clearTimeout(timer);
    running.delete(job.id);
  }
}

/**
 * A lost or exhausted GPU leaves the sessions unusable: end the job with the reason, tell the
 * supervisor (auto then restarts on the CPU, an explicit device restarts on the same GPU) and exit.
 */
function gpuFailed(jobId: string, on: string, error: unknown): void {
  const reason = on === 'cuda' ? describeCudaError(error) : describeWebGpuError(error);
  const next = loadOptions?.device === 'auto' ? 'the engine restarts on the CPU' : `the engine restarts on ${on}`;
  send({ type: 'error', jobId, error: { code: 'engine_crashed', message: `${reason}; ${next}`, hint: 'Send the job again.' } });
  send({ type: 'deviceFailed', device: on, reason });
  engine = undefined;
  // Let the IPC messages leave before the process does.
  setTimeout(() => process.exit(75), 50);
}

async function unload(): Promise<void> {
  for (const controller of running.values()) controller.abort();
  const current = engine;
  engine = undefined;
  try {
    await current?.unload();
  } finally {
    send({ type: 'unloaded' });
  }
}

process.on('message', (raw: unknown) => {
  const parsed = parseToHost(raw);
  if (!parsed.ok) {
    const jobId = (raw as { job?: { id?: unknown } } | null)?.job?.id;
    if (typeof jobId === 'string') send({ type: 'error', jobId, error: { code: 'bad_request', message: `malformed engine job: ${parsed.problem}` } });
    else send({ type: 'badMessage', message: parsed.problem });
    return;
  }
  const message = parsed.message;
  switch (message.type) {
    case 'load':
      loading = load(message).finally(() => (loading = undefined));
      return;
    case 'run':
      void run(message);
      return;
    case 'cancel':
      running.get(message.jobId)?.abort();
      return;
    case 'unload':
      void unload();
      return;
    default:
      // A new daemon message does not compile until it is handled here.
      return message satisfies never;
  }
});

// The daemon went away (even by SIGKILL): the pipe closes and the host follows.
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (error) => {
  // The daemon closed our log pipes on its way out: nobody is left to tell.
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
  console.error(`engine host: uncaught exception: ${error.message}`);
  process.exit(70);
});
// A stray rejection inside an engine library is logged, not fatal: the job it belonged to
// (if any) ends through its own error path, and reloading a model is expensive.
process.on('unhandledRejection', (reason) => {
  console.error(`engine host: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`);
});
