import type * as ort from 'onnxruntime-node';
import type { OcrPipeline } from '../pipeline';
import type { RecRunner } from '../rec-runner';

/**
 * Calls `tap` with a copy of every batch the pipeline's recogniser runs (before a worker takes
 * the buffer), then lets the run go on; for calibration, A/B and profiling scripts and tests.
 * `after` gets the run's wall time.
 */
export function tapRecogniser(pipeline: OcrPipeline, tap: (data: Float32Array, dims: readonly number[]) => void | Promise<void>, after?: (ms: number, dims: readonly number[]) => void): void {
  const runner = (pipeline as unknown as { recRunner: RecRunner }).recRunner;
  const run = runner.run.bind(runner);
  (runner as { run: RecRunner['run'] }).run = async (data, dims, solo) => {
    await tap(data.slice(), dims);
    const t = performance.now();
    const out = await run(data, dims, solo);
    after?.(performance.now() - t, dims);
    return out;
  };
}

/** Calls `after` with the wall time and first input's dims of every detector and direction-classifier run; for profiling scripts. */
export function tapDetectorAndClassifier(pipeline: OcrPipeline, after: (key: 'det' | 'cls', ms: number, dims: readonly number[]) => void): void {
  const sessions = pipeline as unknown as Record<'det' | 'cls', ort.InferenceSession>;
  for (const key of ['det', 'cls'] as const) {
    const s = sessions[key];
    const run = s.run.bind(s);
    (s as { run: unknown }).run = async (feeds: ort.InferenceSession.FeedsType) => {
      const t = performance.now();
      const out = await run(feeds);
      after(key, performance.now() - t, Object.values(feeds)[0]!.dims);
      return out;
    };
  }
}
