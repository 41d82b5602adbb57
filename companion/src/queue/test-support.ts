import type { ServerMessage, SubmitJobInput, TerminalMessage } from '@loupe/shared';
import { SubmitJob, isTerminal } from '@loupe/shared';
import pino from 'pino';
import { sharp } from '../intake/sharp';
import { DOUBLE_ENGINE_MODULE } from '../engine/testing/module-path';
import { createJobService, type JobServiceOptions } from './create-job-service';
import { FakeLane } from './fake-lane';
import type { JobService, JobSink } from './job-service';
import { QueueService, type QueueLimits } from './queue-service';

/** Shared by the queue's unit tests: a recording sink, jobs, and a service on the engine double. */

export const silentLog = pino({ level: 'silent' });

export class RecordingSink implements JobSink {
  readonly messages: ServerMessage[] = [];
  congested = false;
  private waiters: Array<() => void> = [];

  send(message: ServerMessage): void {
    this.messages.push(message);
    for (const w of this.waiters.splice(0)) w();
  }

  of(id: string): ServerMessage[] {
    return this.messages.filter((m) => 'id' in m && m.id === id);
  }

  terminals(id: string): TerminalMessage[] {
    return this.of(id).filter(isTerminal);
  }

  /** Resolves when `predicate` holds over the messages received so far. */
  async until(predicate: (messages: ServerMessage[]) => boolean, what = 'condition'): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!predicate(this.messages)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async terminal(id: string): Promise<TerminalMessage> {
    await this.until((ms) => ms.some((m) => isTerminal(m) && m.id === id), `terminal of ${id}`);
    return this.terminals(id)[0]!;
  }

  async started(id: string): Promise<void> {
    await this.until((ms) => ms.some((m) => m.type === 'started' && m.id === id), `started of ${id}`);
  }
}

let png: Uint8Array | undefined;
export async function testPng(): Promise<Uint8Array> {
  png ??= await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3366cc' } }).png().toBuffer();
  return png;
}

export async function submitJob(service: JobService, clientId: string, sink: JobSink, job: Omit<SubmitJobInput, 'type' | 'images'>, images?: Uint8Array[]): Promise<void> {
  const imgs = images ?? [await testPng()];
  service.submit({ clientId, job: SubmitJob.parse({ type: 'submit', ...job, images: imgs.map((i) => i.byteLength) }), images: imgs }, sink);
}

export function doubleService(o: Partial<JobServiceOptions> & { vlmModel?: string } = {}): Promise<JobService> {
  const options = (model?: string) => ({ home: '/tmp/loupe-test-home', device: 'cpu' as const, ...(model ? { model } : {}) });
  return createJobService({
    log: silentLog,
    engines: o.engines ?? [
      { engine: 'test-ocr', options: options(), modules: [DOUBLE_ENGINE_MODULE] },
      { engine: 'test-vlm', options: options(o.vlmModel), modules: [DOUBLE_ENGINE_MODULE] },
    ],
    ...(o.limits ? { limits: o.limits } : {}),
    host: o.host ?? { restart: { baseDelayMs: 20 } },
  });
}

/** Waits until every engine is loaded (or failed). */
export async function settled(service: JobService): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (service.status().engines.some((e) => e.state === 'loading')) {
    if (Date.now() > deadline) throw new Error('engines did not load');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A queue on two fake lanes (fake-ocr, fake-vlm): nothing runs until the test finishes it. */
export function fakeQueue(limits: Partial<QueueLimits> = {}, lanes?: FakeLane[]): { service: QueueService; ocr: FakeLane; vlm: FakeLane } {
  const [ocr, vlm] = lanes ?? [new FakeLane('fake-ocr', 'ocr'), new FakeLane('fake-vlm', 'vlm')];
  const service = new QueueService([ocr!, vlm!], { perClientJobs: 4, globalQueue: 10, imageBytes: 2_000_000, ...limits }, silentLog);
  return { service, ocr: ocr!, vlm: vlm! };
}

/** Waits until job `id` has been told its queue position (intake is asynchronous). */
export function queuedOrEnded(sink: RecordingSink, id: string): Promise<void> {
  return sink.until((ms) => ms.some((m) => 'id' in m && m.id === id && (m.type === 'queued' || isTerminal(m))), `${id} queued`);
}
