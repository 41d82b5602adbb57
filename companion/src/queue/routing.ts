import { ProtocolError, type EngineKind, type SubmitJob } from '@loupe/shared';
import type { EngineLane } from '../engine/host/lane';

export const FIX_HINT: Record<EngineKind, string> = {
  vlm: 'Pull a vision model with `loupe models pull <id>`, or start with `loupe start --model <dir>`.',
  ocr: 'Start the companion with its OCR engine (`loupe start`); `loupe doctor` says why it did not load.',
};

export const kindOf = (job: Pick<SubmitJob, 'engine' | 'task'>): EngineKind => job.engine ?? (job.task === 'ocr' ? 'ocr' : 'vlm');

/**
 * Picks the engine lane for a job: the first configured engine of the job's kind that is not
 * broken and (once loaded) can do the task. A host still loading is chosen: the job waits.
 */
export function route(job: SubmitJob, hosts: readonly EngineLane[]): EngineLane {
  const kind = kindOf(job);
  const ofKind = hosts.filter((h) => h.kind === kind);
  const usable = ofKind.find((h) => h.state !== 'error' && h.state !== 'closed' && (!h.capabilities || h.capabilities.tasks.includes(job.task)));
  if (usable) return usable;
  const broken = ofKind.find((h) => h.state === 'error');
  if (broken) {
    throw new ProtocolError('engine_unavailable', `the ${broken.engine} engine is not available: ${broken.note ?? 'it failed to load'}`, broken.hint ?? FIX_HINT[kind], job.id);
  }
  if (ofKind.length > 0) {
    throw new ProtocolError('engine_unavailable', `no loaded ${kind === 'vlm' ? 'vision model' : 'OCR engine'} can do "${job.task}" (${ofKind.map((h) => h.engine).join(', ')} cannot)`, FIX_HINT[kind], job.id);
  }
  const what = kind === 'vlm' ? 'no vision-language model is loaded' : 'no OCR engine is running';
  throw new ProtocolError('engine_unavailable', `${what}, so "${job.task}" jobs cannot run`, FIX_HINT[kind], job.id);
}
