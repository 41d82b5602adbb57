import type { Done } from '@loupe/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharp } from '../intake/sharp';
import { createJobService } from './create-job-service';
import type { JobService } from './job-service';
import { RecordingSink, settled, silentLog, submitJob } from './test-support';

/** The real PP-OCR engine ('ppocr' from engines.ts) in a real engine host: no test double. */
let service: JobService;

beforeAll(async () => {
  service = await createJobService({ log: silentLog, engines: [{ engine: 'ppocr', options: { home: '/tmp/loupe-test-home', device: 'cpu', threads: 1 } }] });
  await settled(service);
}, 180_000);
afterAll(async () => {
  await service?.close();
}, 30_000);

async function textPng(text: string): Promise<Buffer> {
  return sharp({ text: { text, font: 'sans', dpi: 200 } })
    .extend({ top: 24, bottom: 24, left: 24, right: 24, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}

describe('real OCR through the engine host', () => {
  it('reads rendered text and returns lines with boxes in the image', async () => {
    const engine = service.status().engines[0]!;
    expect(engine).toMatchObject({ name: 'ppocr', kind: 'ocr', state: 'ready' });
    const png = await textPng('Hello Loupe 2026');
    const { width, height } = await sharp(png).metadata();
    const sink = new RecordingSink();
    await submitJob(service, 'ocr-client', sink, { id: 'real-ocr', task: 'ocr' }, [png]);
    const done = (await sink.terminal('real-ocr')) as Done;
    expect(done.type).toBe('done');
    expect(done.model).toMatchObject({ engine: 'ppocr', standIn: false });
    expect(done.text.replace(/\s+/g, ' ')).toMatch(/Hello\s*Loupe\s*2026/i);
    expect(done.lines?.length).toBeGreaterThan(0);
    for (const line of done.lines ?? []) {
      const [x0, y0, x1, y1] = line.box;
      expect(x0).toBeGreaterThanOrEqual(0);
      expect(y0).toBeGreaterThanOrEqual(0);
      expect(x1).toBeLessThanOrEqual(width);
      expect(y1).toBeLessThanOrEqual(height);
      expect(x1).toBeGreaterThan(x0);
    }
    expect(done.stats.totalMs).toBeGreaterThanOrEqual(done.stats.queueMs ?? 0);
  });
});
