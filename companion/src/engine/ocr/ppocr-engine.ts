import type { ModelInfo } from '@loupe/shared';
import { ProtocolError } from '@loupe/shared';
import type { Engine, EngineCapabilities, EngineEvent, EngineJob, EngineOptions } from '../engine';
import { registerEngine } from '../registry';
import { OcrPipeline } from './pipeline';

export const PPOCR_MODEL: ModelInfo = { id: 'pp-ocrv4', engine: 'ppocr', device: 'cpu', standIn: false };

/** The embedded default OCR engine: PP-OCRv4 on onnxruntime-node, CPU only, no download. */
export class PpOcrEngine implements Engine {
  readonly name = 'ppocr';
  private pipeline: OcrPipeline | undefined;
  private loading: Promise<OcrPipeline> | undefined;

  constructor(private readonly options: Pick<EngineOptions, 'threads'> = {}) {}

  async load(): Promise<ModelInfo> {
    await this.ready();
    return PPOCR_MODEL;
  }

  private ready(): Promise<OcrPipeline> {
    if (this.pipeline) return Promise.resolve(this.pipeline);
    this.loading ??= OcrPipeline.load({ threads: this.options.threads ?? 2 }).then((p) => (this.pipeline = p));
    return this.loading;
  }

  async unload(): Promise<void> {
    const p = this.pipeline ?? (await this.loading?.catch(() => undefined));
    this.pipeline = undefined;
    this.loading = undefined;
    await p?.release();
  }

  capabilities(): EngineCapabilities {
    return { kind: 'ocr', tasks: ['ocr'], maxPixels: 100_000_000, multiImage: false };
  }

  async *run(job: EngineJob, signal: AbortSignal): AsyncIterable<EngineEvent> {
    if (job.task !== 'ocr') {
      throw new ProtocolError('bad_request', `the ppocr engine only reads text (task "ocr"), not "${job.task}"`, 'Send this task to the VLM engine.', job.id);
    }
    if (job.video) {
      throw new ProtocolError('bad_request', 'the ppocr engine reads still images, not video', 'Send one frame as an image, or ask the vision model about the video.', job.id);
    }
    const image = job.images[0];
    if (!image || job.images.length !== 1) {
      throw new ProtocolError('bad_request', `OCR reads exactly one image per job (got ${job.images.length})`, 'Send one image.', job.id);
    }
    signal.throwIfAborted();
    const pipeline = await this.ready();
    const out = await pipeline.recognizeBytes(image, job.region, signal);
    signal.throwIfAborted();
    if (out.text) yield { type: 'delta', text: out.text };
    yield {
      type: 'result',
      text: out.text,
      lines: out.lines,
      ...(out.text ? {} : { no_text: true }),
      ...(out.blocks.length ? { blocks: out.blocks } : {}),
      finishReason: 'stop',
      stats: { preprocessMs: Math.round(out.timings.decodeMs), device: 'cpu', dtype: pipeline.dtype },
    };
  }
}

registerEngine({
  name: 'ppocr',
  kind: 'ocr',
  describe: 'PP-OCRv4 detection + recognition (Chinese + English) on onnxruntime-node, CPU; ships with Loupe',
  create: (options) => new PpOcrEngine({ threads: options.threads }),
});
