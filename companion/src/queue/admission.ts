import { MAX_IMAGES_PER_JOB, MAX_VIDEO_BYTES, ProtocolError } from '@loupe/shared';
import type { EngineLane } from '../engine/host/lane';
import { clampRegion } from '../intake/decode';
import { inspectImage } from '../intake/inspect';
import type { Logger } from '../log/logger';
import { ConversationStore } from './conversations';
import { JobRecord } from './job-record';
import type { JobSink, SubmitRequest } from './job-service';
import { route } from './routing';

export interface QueueLimits {
  /** Jobs one client may have in flight (intake + queued + running). */
  perClientJobs: number;
  /** Jobs waiting across all clients (intake + queued, not running). */
  globalQueue: number;
  /** Jobs one client identity may have in flight over all its connections (default: three quarters of the global queue). */
  perIdentityJobs?: number;
  /** Image bytes held by jobs in flight, all clients together (queued images live in memory). */
  imageBytes: number;
}

interface Client {
  jobs: Map<string, JobRecord>;
  /** Intake runs one job at a time per client so jobs enter the queue in submission order. */
  intake: Promise<void>;
}

const BUSY_HINT = 'Wait for your earlier jobs to finish, or cancel some.';

/**
 * Admission: who may submit (per-connection, per-identity, global and image-byte limits) and the
 * checks a job passes before it takes a place in a lane (routing, its images, its conversation),
 * so bad input fails at once. It owns the table of clients and their jobs in flight.
 */
export class Admission {
  private readonly clients = new Map<string, Client>();
  private readonly conversations = new ConversationStore();

  constructor(
    private readonly limits: QueueLimits,
    private readonly log: Logger,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** The record of an accepted job, or undefined when it was refused (the refusal is sent). */
  admit(request: SubmitRequest, sink: JobSink): JobRecord | undefined {
    const { clientId, job } = request;
    const client = this.clientFor(clientId);
    const refuse = (message: string, hint: string): undefined => void sink.send(new ProtocolError('busy', message, hint, job.id).toReply());
    if (client.jobs.has(job.id)) {
      // No id on this reply: it must not read as the terminal message of the job already running.
      sink.send({ type: 'error', code: 'bad_request', message: `job id "${job.id}" is already in use on this connection`, hint: 'Give every job a fresh id.' });
      return undefined;
    }
    if (client.jobs.size >= this.limits.perClientJobs) return refuse(`this connection already has ${client.jobs.size} jobs in flight (limit ${this.limits.perClientJobs})`, BUSY_HINT);
    const identity = request.identity ?? clientId;
    const identityCap = this.limits.perIdentityJobs ?? Math.max(this.limits.perClientJobs, Math.floor((this.limits.globalQueue * 3) / 4));
    if (this.count((r) => (r.fairKey ?? r.clientId) === identity) >= identityCap) return refuse(`this client already has ${identityCap} jobs in flight over all its connections`, BUSY_HINT);
    if (this.waiting() >= this.limits.globalQueue) return refuse(`the companion's queue is full (${this.limits.globalQueue} jobs waiting)`, 'Try again in a moment.');
    const bytes = request.images.reduce((n, i) => n + i.byteLength, 0);
    const held = this.heldBytes();
    if (bytes > 0 && held + bytes > this.limits.imageBytes) {
      const mb = (n: number): number => Math.ceil(n / 1048576);
      return refuse(`the companion already holds ${mb(held)} MB of queued images (limit ${mb(this.limits.imageBytes)} MB)`, 'Try again in a moment, or send smaller images.');
    }
    const record = new JobRecord(clientId, job, request.images, sink, this.log, (r) => this.forget(r));
    if (request.chat) record.chat = request.chat;
    record.fairKey = identity;
    client.jobs.set(job.id, record);
    return record;
  }

  /**
   * Checks the job (in its client's submission order) and hands it to `enqueue` with the engine
   * it goes to; a job that fails the checks ends with its error instead.
   */
  intake(record: JobRecord, engines: readonly EngineLane[], enqueue: (record: JobRecord, engine: EngineLane) => void): void {
    const client = this.clientFor(record.clientId);
    client.intake = client.intake
      .then(async () => {
        if (record.finished) return;
        const engine = await this.check(record, engines);
        if (!record.finished) enqueue(record, engine);
      })
      .catch((error: unknown) => {
        if (error instanceof ProtocolError) {
          record.finish(new ProtocolError(error.code, error.message, error.hint, record.id).toReply());
          return;
        }
        this.log.error({ jobId: record.id, err: (error as Error).message }, 'job intake failed unexpectedly');
        record.finish(new ProtocolError('internal', `intake failed: ${(error as Error).message}`, undefined, record.id).toReply());
      });
  }

  job(clientId: string, jobId: string): JobRecord | undefined {
    return this.clients.get(clientId)?.jobs.get(jobId);
  }

  /** Forgets the client and its conversations; returns its jobs still in flight (to cancel). */
  disconnect(clientId: string): JobRecord[] {
    // Its conversations end with it, even when it has no job left in flight.
    this.conversations.endOwner(clientId);
    const client = this.clients.get(clientId);
    if (!client) return [];
    this.clients.delete(clientId);
    return [...client.jobs.values()];
  }

  /** Every job in flight; the table is emptied (shutdown). */
  drain(): JobRecord[] {
    const records = [...this.clients.values()].flatMap((c) => [...c.jobs.values()]);
    this.clients.clear();
    return records;
  }

  /** Jobs not yet running (intake + queued), all clients together. */
  waiting(): number {
    return this.count((r) => r.state === 'intake' || r.state === 'queued');
  }

  private async check(record: JobRecord, engines: readonly EngineLane[]): Promise<EngineLane> {
    const { job } = record;
    const engine = route(job, engines);
    if (record.images.length === 0 && record.chat && job.task === 'ask') return engine; // text-only chat: nothing to inspect
    if (record.images.length === 0) {
      const conversation = job.conversationId ? this.conversations.get(record.clientId, job.conversationId) : undefined;
      if (!conversation) {
        throw job.conversationId
          ? new ProtocolError('not_found', `conversation "${job.conversationId}" is not known on this connection (it expired, the connection was renewed, or the companion restarted)`, 'Send the image again with your question.', job.id)
          : new ProtocolError('bad_request', 'this job has no image', 'Attach a PNG, JPEG or WebP image, or continue a conversation with its conversationId.', job.id);
      }
      record.conversation = conversation;
      return engine;
    }
    if (job.video) checkVideo(job.id, record.images, engine);
    else if (record.images.length > 1 && engine.capabilities && !engine.capabilities.multiImage) {
      throw new ProtocolError('bad_request', `the ${engine.engine} engine takes one image per job`, 'Send one image at a time.', job.id);
    }
    const infos = [];
    for (const image of record.images) infos.push(await inspectImage(image));
    if (record.finished) return engine;
    if (job.region) clampRegion(job.region, infos[0]!.width, infos[0]!.height);
    const existing = job.conversationId ? this.conversations.get(record.clientId, job.conversationId) : undefined;
    if (existing && existing.turns.length > 0 && !job.video && !existing.video && engine.capabilities?.multiImage !== false && existing.images.length + record.images.length <= MAX_IMAGES_PER_JOB) {
      // A follow-up with new images: the engine sees the earlier ones too.
      record.newImages = record.images.length;
      this.conversations.append(existing, record.images);
      record.conversation = existing;
    } else if (job.conversationId) {
      record.conversation = this.conversations.start(record.clientId, job.conversationId, record.images, job.region, job.video);
    }
    return engine;
  }

  private clientFor(clientId: string): Client {
    let client = this.clients.get(clientId);
    if (!client) {
      client = { jobs: new Map(), intake: Promise.resolve() };
      this.clients.set(clientId, client);
    }
    return client;
  }

  private count(pred: (r: JobRecord) => boolean): number {
    let n = 0;
    for (const client of this.clients.values()) for (const r of client.jobs.values()) if (pred(r)) n++;
    return n;
  }

  private heldBytes(): number {
    let n = 0;
    for (const client of this.clients.values()) for (const r of client.jobs.values()) for (const i of r.images) n += i.byteLength;
    return n;
  }

  private forget(record: JobRecord): void {
    const client = this.clients.get(record.clientId);
    if (client?.jobs.get(record.id) === record) client.jobs.delete(record.id);
    // HTTP requests are one-job clients that never disconnect: drop empty entries.
    if (client && client.jobs.size === 0) this.clients.delete(record.clientId);
  }
}

/** A video job: all its frames within MAX_VIDEO_BYTES, on an engine that takes video. */
function checkVideo(jobId: string, frames: Uint8Array[], engine: EngineLane): void {
  const bytes = frames.reduce((n, f) => n + f.byteLength, 0);
  if (bytes > MAX_VIDEO_BYTES) {
    throw new ProtocolError('image_too_large', `the video's ${frames.length} frames are ${Math.ceil(bytes / 1048576)} MB together, over the ${MAX_VIDEO_BYTES / 1048576} MB limit`, 'Send fewer frames, or smaller ones (JPEG at the per-frame cap).', jobId);
  }
  if (engine.capabilities && !engine.capabilities.video) {
    throw new ProtocolError('bad_request', `the ${engine.engine} engine does not take video`, engine.kind === 'ocr' ? 'Send one frame as an image for OCR, or ask the vision model about the video.' : 'Use a local Qwen-VL model for video (`loupe start --model <dir>`).', jobId);
  }
}
