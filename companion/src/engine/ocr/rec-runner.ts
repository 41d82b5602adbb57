import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { CtcSteps } from './ctc';
import { CTC_OUTPUTS } from './ctc-outputs';

/** One recogniser run: a [N, 3, 48, W] batch in, the compact CTC outputs (see ctc-outputs.ts) and steps per line out. */
export interface RecRunner {
  /** How many runs it works on at once. */
  readonly lanes: number;
  /** `solo`: nothing else runs beside this batch now or after it (see workerRunner's `soloOptions`). */
  run(data: Float32Array, dims: readonly number[], solo?: boolean): Promise<CtcSteps & { steps: number }>;
  release(): Promise<void>;
}

/** Runs batches on one in-process session (its runs are serialised on the main thread). */
export function sessionRunner(session: ort.InferenceSession): RecRunner {
  return {
    lanes: 1,
    async run(data, dims) {
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, dims) });
      const best = out[CTC_OUTPUTS.best]!;
      const result = {
        best: (best.data as Int32Array).slice(),
        bestProb: (out[CTC_OUTPUTS.bestProb]!.data as Float32Array).slice(),
        spaceProb: (out[CTC_OUTPUTS.spaceProb]!.data as Float32Array).slice(),
        steps: best.dims[1]!,
      };
      for (const t of Object.values(out)) t.dispose();
      return result;
    },
    release: () => session.release(),
  };
}

/** Whether more threads want the cores than there are (1-minute load average), checked at most once a second. */
let busy = { at: -Infinity, value: false };
function machineBusy(): boolean {
  const now = performance.now();
  if (now - busy.at > 1000) busy = { at: now, value: loadavg()[0]! > availableParallelism() };
  return busy.value;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
const names = workerData.outputs;
const create = (options) => (options ? ort.InferenceSession.create(workerData.model, options) : Promise.resolve(undefined));
Promise.all([create(workerData.options), create(workerData.soloOptions)]).then(([shared, alone]) => {
  parentPort.on('message', async ({ id, data, dims, solo }) => {
    try {
      const session = (solo && alone) || shared;
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
      const msg = { id, best: out[names.best].data, bestProb: out[names.bestProb].data, spaceProb: out[names.spaceProb].data, steps: out[names.best].dims[1] };
      parentPort.postMessage(msg, [msg.best.buffer, msg.bestProb.buffer, msg.spaceProb.buffer]);
    } catch (e) {
      parentPort.postMessage({ id, error: String(e && e.message || e) });
    }
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ ready: false, error: String(e && e.message || e) }));
`;

interface Reply extends Partial<CtcSteps> {
  id: number;
  steps?: number;
  error?: string;
}

/**
 * Runs batches on `count` worker threads, each with its own session (with `options`' intra-op
 * threads), so the batches of a page run side by side. One session's intra-op threads meet at
 * a barrier after every operator, which costs most on the recogniser's many small ones (a
 * 1 × 48 × 96 crop) and on a shared machine (a descheduled thread stalls the others); whole
 * batches on separate sessions do not wait for each other, and a page's last, lone batch
 * still gets every thread. Same model, same kernels: the outputs are bit for bit those of one
 * session. Measured on the tune part, interleaved with one in-process 2-thread session: wall
 * 0.92× (load 6.5, 2 cores), the same text on every page.
 *
 * With `soloOptions`, each worker also holds a session with those options for a batch run
 * `solo` (nothing beside it, nothing after it: a page's last batch, a lone re-read), so batches
 * side by side can run on one intra-op thread each (no barrier after every operator: less CPU)
 * while a lone batch still gets every thread. The outputs are the same either way. On a busy
 * machine (load average over the core count) every batch takes the many-thread session: the
 * scheduler shares the cores by thread, and one thread per batch then got less of them (tune,
 * interleaved, load 9–20: CPU ×0.90–0.95 but wall ×1.04–1.20).
 */
export async function workerRunner(model: Uint8Array, count: number, options: ort.InferenceSession.SessionOptions, soloOptions?: ort.InferenceSession.SessionOptions): Promise<RecRunner> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const workers = Array.from({ length: count }, () => new Worker(WORKER, { eval: true, workerData: { ort: ortPath, model, options, soloOptions, outputs: CTC_OUTPUTS } }));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', (m: { ready: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(`recogniser worker failed to load: ${m.error}`))));
            w.once('error', reject);
          }),
      ),
    );
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const pending = new Map<number, { resolve: (r: CtcSteps & { steps: number }) => void; reject: (e: Error) => void; worker: number; cost: number }>();
  /** Queued input per worker (N × W), to hand each batch to the least loaded one. */
  const queued = workers.map(() => 0);
  let nextId = 0;
  // An idle worker does not keep the process alive (a script that forgets release() still exits).
  const settle = (worker: number) => {
    if (queued[worker] === 0) workers[worker]!.unref();
  };
  const fail = (worker: number, error: Error) => {
    for (const [id, job] of pending) {
      if (job.worker !== worker) continue;
      pending.delete(id);
      job.reject(error);
    }
    queued[worker] = Infinity;
  };
  workers.forEach((w, k) => {
    w.unref();
    w.on('message', (m: Reply) => {
      const job = pending.get(m.id);
      if (!job) return;
      pending.delete(m.id);
      queued[job.worker]! -= job.cost;
      settle(job.worker);
      if (m.error !== undefined) job.reject(new Error(`recogniser run failed: ${m.error}`));
      else job.resolve({ best: m.best!, bestProb: m.bestProb!, spaceProb: m.spaceProb!, steps: m.steps! });
    });
    // A worker that dies fails its runs and takes no more.
    w.on('error', (e) => fail(k, new Error(`recogniser worker failed: ${e.message}`)));
    w.on('exit', (code) => fail(k, new Error(`recogniser worker exited (code ${code})`)));
  });
  return {
    lanes: count,
    run(data, dims, solo) {
      const cost = dims[0]! * dims[3]!;
      const worker = queued.indexOf(Math.min(...queued));
      if (queued[worker] === Infinity) return Promise.reject(new Error('recogniser workers are gone; reload the OCR engine'));
      queued[worker]! += cost;
      workers[worker]!.ref();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, worker, cost });
        workers[worker]!.postMessage({ id, data, dims, solo: solo === true || machineBusy() }, [data.buffer as ArrayBuffer]);
      });
    },
    async release() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
