// One file over 300 lines: admission, intake and scheduling share the client table and the lanes.
import { LOUPE_VERSION, MAX_IMAGES_PER_JOB, ProtocolError, type ServerStatus } from '@loupe/shared';
import type { ConversationTurn, EngineJob } from '../engine/engine';
import type { EngineHost } from '../engine/host/supervisor';
import { clampRegion } from '../intake/decode';
import { inspectImage } from '../intake/inspect';
import type { Logger } from '../log/logger';
import { ConversationStore } from './conversations';
import { FairOrder } from './fair-order';
import { JobRecord } from './job-record';
import type { JobService, JobSink, SubmitRequest } from './job-service';
import { FIX_HINT, kindOf, route } from './routing';
import { SystemMemory } from './system-memory';

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

interface Lane {
  host: EngineHost;
  queue: FairOrder<JobRecord>;
  /** The job the host is running for a client (cleared when it ends, even if the host is still stopping). */
  running?: JobRecord;
}

interface Client {
  jobs: Map<string, JobRecord>;
  /** Intake runs one job at a time per client so jobs enter the queue in submission order. */
  intake: Promise<void>;
}

const MAX_HISTORY_TURNS = 24;
const BUSY_HINT = 'Wait for your earlier jobs to finish, or cancel some.';

/** What the user asked, as a turn in the conversation history (engines apply their own default prompts). */
const DEFAULT_ASK: Record<string, string> = {
  describe: 'Describe the image.',
  code: 'Extract the code in the image.',
  ocr: 'Read the text in the image.',
  ground: 'Locate the object in the image.',
  ask: '',
};

/**
 * The job queue: one lane (engine host, one job at a time) per configured engine, so an OCR
 * job never waits behind a long VLM generation. Within a lane: FIFO with round-robin
 * fairness across clients.
 */
export class QueueService implements JobService {
  private readonly lanes = new Map<string, Lane>();
  private readonly clients = new Map<string, Client>();
  private readonly conversations = new ConversationStore();
  private readonly memory = new SystemMemory();
  private closed = false;

  constructor(
    hosts: EngineHost[],
    private readonly limits: QueueLimits,
    private readonly log: Logger,
  ) {
    for (const host of hosts) {
      const lane: Lane = { host, queue: new FairOrder() };
      this.lanes.set(host.engine, lane);
      host.onChange(() => this.pump(lane));
    }
  }

  submit(request: SubmitRequest, sink: JobSink): void {
    const { clientId, job } = request;
    const client = this.clientFor(clientId);
    if (this.closed) {
      sink.send(new ProtocolError('engine_unavailable', 'the companion is shutting down', 'Start it again with `loupe start`.', job.id).toReply());
      return;
    }
    if (client.jobs.has(job.id)) {
      // No id on this reply: it must not read as the terminal message of the job already running.
      sink.send({ type: 'error', code: 'bad_request', message: `job id "${job.id}" is already in use on this connection`, hint: 'Give every job a fresh id.' });
      return;
    }
    if (client.jobs.size >= this.limits.perClientJobs) {
      sink.send(new ProtocolError('busy', `this connection already has ${client.jobs.size} jobs in flight (limit ${this.limits.perClientJobs})`, BUSY_HINT, job.id).toReply());
      return;
    }
    const identity = request.identity ?? clientId;
    const identityCap = this.limits.perIdentityJobs ?? Math.max(this.limits.perClientJobs, Math.floor((this.limits.globalQueue * 3) / 4));
    if (this.inFlightOf(identity) >= identityCap) {
      sink.send(new ProtocolError('busy', `this client already has ${identityCap} jobs in flight over all its connections`, BUSY_HINT, job.id).toReply());
      return;
    }
    if (this.waiting() >= this.limits.globalQueue) {
      sink.send(new ProtocolError('busy', `the companion's queue is full (${this.limits.globalQueue} jobs waiting)`, 'Try again in a moment.', job.id).toReply());
      return;
    }
    const bytes = request.images.reduce((n, i) => n + i.byteLength, 0);
    const held = this.heldBytes();
    if (bytes > 0 && held + bytes > this.limits.imageBytes) {
      const mb = (n: number): number => Math.ceil(n / 1048576);
      sink.send(new ProtocolError('busy', `the companion already holds ${mb(held)} MB of queued images (limit ${mb(this.limits.imageBytes)} MB)`, 'Try again in a moment, or send smaller images.', job.id).toReply());
      return;
    }
    const record = new JobRecord(clientId, job, request.images, sink, this.log, (r) => this.forget(r));
    if (request.chat) record.chat = request.chat;
    record.fairKey = identity;
    client.jobs.set(job.id, record);
    client.intake = client.intake
      .then(() => this.intake(record))
      .catch((error: unknown) => {
        this.log.error({ jobId: job.id, err: (error as Error).message }, 'job intake failed unexpectedly');
        record.finish(new ProtocolError('internal', 'the job could not be queued', undefined, job.id).toReply());
      });
  }

  cancel(clientId: string, jobId: string): boolean {
    const record = this.clients.get(clientId)?.jobs.get(jobId);
    if (record) this.cancelRecord(record);
    return record !== undefined;
  }

  disconnect(clientId: string): void {
    // Its conversations end with it, even when it has no job left in flight.
    this.conversations.endOwner(clientId);
    const client = this.clients.get(clientId);
    if (!client) return;
    for (const record of [...client.jobs.values()]) this.cancelRecord(record);
    this.clients.delete(clientId);
    for (const lane of this.lanes.values()) lane.queue.forgetClient(clientId);
  }

  status(): ServerStatus {
    const lanes = [...this.lanes.values()];
    return {
      version: LOUPE_VERSION,
      clients: this.clients.size,
      queue: this.waiting(),
      engines: lanes.map(({ host, queue }) => ({
        name: host.engine,
        kind: host.kind ?? 'vlm',
        state: host.state === 'closed' ? 'error' : host.state,
        tasks: [...(host.capabilities?.tasks ?? [])],
        ...(host.model ? { model: host.model } : {}),
        ...(host.note ? { note: host.note } : {}),
        queue: queue.length,
      })),
      memory: this.memory.read(lanes.map((l) => l.host.pid).filter((p): p is number => p !== undefined)),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const client of this.clients.values()) {
      for (const record of client.jobs.values()) {
        record.cancelRunning?.();
        record.finish(new ProtocolError('engine_unavailable', 'the companion is shutting down', 'Start it again with `loupe start`.', record.id).toReply());
      }
    }
    this.clients.clear();
    await Promise.all([...this.lanes.values()].map((l) => l.host.close()));
  }

  private clientFor(clientId: string): Client {
    let client = this.clients.get(clientId);
    if (!client) {
      client = { jobs: new Map(), intake: Promise.resolve() };
      this.clients.set(clientId, client);
    }
    return client;
  }

  private heldBytes(): number {
    let n = 0;
    for (const client of this.clients.values()) for (const r of client.jobs.values()) for (const i of r.images) n += i.byteLength;
    return n;
  }

  private inFlightOf(identity: string): number {
    let n = 0;
    for (const client of this.clients.values()) for (const r of client.jobs.values()) if ((r.fairKey ?? r.clientId) === identity) n++;
    return n;
  }

  private waiting(): number {
    let n = 0;
    for (const client of this.clients.values()) for (const r of client.jobs.values()) if (r.state === 'intake' || r.state === 'queued') n++;
    return n;
  }

  /** Checks images and routing before the job takes a place in the queue: bad input fails at once. */
  private async intake(record: JobRecord): Promise<void> {
    if (record.finished) return;
    const { job } = record;
    try {
      const host = route(job, [...this.lanes.values()].map((l) => l.host));
      if (record.images.length === 0 && record.chat && job.task === 'ask') {
        // Text-only chat: nothing to inspect.
      } else if (record.images.length === 0) {
        const conversation = job.conversationId ? this.conversations.get(record.clientId, job.conversationId) : undefined;
        if (!conversation) {
          throw job.conversationId
            ? new ProtocolError('not_found', `conversation "${job.conversationId}" is not known on this connection (it expired, the connection was renewed, or the companion restarted)`, 'Send the image again with your question.', job.id)
            : new ProtocolError('bad_request', 'this job has no image', 'Attach a PNG, JPEG or WebP image, or continue a conversation with its conversationId.', job.id);
        }
        record.conversation = conversation;
      } else {
        if (record.images.length > 1 && host.capabilities && !host.capabilities.multiImage) {
          throw new ProtocolError('bad_request', `the ${host.engine} engine takes one image per job`, 'Send one image at a time.', job.id);
        }
        const infos = [];
        for (const image of record.images) infos.push(await inspectImage(image));
        if (record.finished) return;
        if (job.region) clampRegion(job.region, infos[0]!.width, infos[0]!.height);
        const existing = job.conversationId ? this.conversations.get(record.clientId, job.conversationId) : undefined;
        if (existing && existing.turns.length > 0 && host.capabilities?.multiImage !== false && existing.images.length + record.images.length <= MAX_IMAGES_PER_JOB) {
          // A follow-up with new images: the engine sees the earlier ones too.
          record.newImages = record.images.length;
          this.conversations.append(existing, record.images);
          record.conversation = existing;
        } else if (job.conversationId) {
          record.conversation = this.conversations.start(record.clientId, job.conversationId, record.images, job.region);
        }
      }
      const lane = this.lanes.get(host.engine)!;
      record.lane = host.engine;
      record.state = 'queued';
      lane.queue.push(record);
      // Every job hears `queued` once, even one that starts at once (clients show "waiting").
      record.lastPosition = lane.queue.toArray().indexOf(record);
      record.send({ type: 'queued', id: job.id, position: record.lastPosition });
      this.log.debug({ jobId: job.id, task: job.task, engine: host.engine, images: record.images.length }, 'job queued');
      this.pump(lane);
    } catch (error) {
      const reply = error instanceof ProtocolError
        ? new ProtocolError(error.code, error.message, error.hint, job.id).toReply()
        : new ProtocolError('internal', `intake failed: ${(error as Error).message}`, undefined, job.id).toReply();
      record.finish(reply);
    }
  }

  /** Starts the lane's next job if its engine is free, then tells waiting jobs their positions. */
  private pump(lane: Lane): void {
    if (lane.host.state === 'error' || lane.host.state === 'closed') {
      for (let r = lane.queue.shift(); r; r = lane.queue.shift()) {
        const { host } = lane;
        r.finish(new ProtocolError('engine_unavailable', `the ${host.engine} engine is not available: ${host.note ?? 'it failed to load'}`, host.hint ?? FIX_HINT[kindOf(r.job)], r.id).toReply());
      }
      return;
    }
    while (!lane.running && !lane.host.busy && lane.host.state === 'ready' && !this.closed) {
      const record = lane.queue.shift();
      if (!record) break;
      this.start(lane, record);
    }
    lane.queue.toArray().forEach((record, position) => {
      if (position < record.lastPosition) {
        record.lastPosition = position;
        record.send({ type: 'queued', id: record.id, position });
      }
    });
  }

  private start(lane: Lane, record: JobRecord): void {
    const { host } = lane;
    const { job } = record;
    const caps = host.capabilities;
    if (caps && !caps.tasks.includes(job.task)) {
      record.finish(new ProtocolError('engine_unavailable', `the ${host.engine} engine cannot do "${job.task}"`, FIX_HINT[kindOf(job)], job.id).toReply());
      return;
    }
    const conversation = record.conversation;
    const images = record.images.length && !record.newImages ? record.images : (conversation?.images.slice() ?? []);
    const region = job.region ?? conversation?.region;
    const history: ConversationTurn[] = conversation ? conversation.turns.slice() : (record.chat?.history ?? []);
    const system = record.chat?.system;
    // A WebSocket follow-up's new images, or a chat request's last-message images.
    const newImages = record.newImages ?? record.chat?.newImages;
    // An engine without its own system message reads the system text first in the prompt.
    const folded = system && !caps?.systemPrompt && job.prompt !== undefined ? `${system}\n\n${job.prompt}` : job.prompt;
    const engineJob: EngineJob = {
      id: job.id,
      task: job.task,
      images,
      locale: job.locale,
      history,
      ...(region ? { region } : {}),
      ...(folded !== undefined ? { prompt: folded } : {}),
      ...(system && caps?.systemPrompt ? { system } : {}),
      ...(record.chat?.model ? { model: record.chat.model } : {}),
      ...(job.maxTokens !== undefined ? { maxTokens: job.maxTokens } : {}),
      ...(job.sampling !== undefined ? { sampling: job.sampling } : {}),
      ...(job.format !== undefined ? { format: job.format } : {}),
      ...(newImages ? { newImages } : {}),
    };
    record.state = 'running';
    record.startedAt = performance.now();
    lane.running = record;
    const model = host.model!;
    record.send({ type: 'started', id: job.id, model });
    const release = (): void => {
      if (lane.running === record) lane.running = undefined;
    };
    const handle = host.run(engineJob, {
      delta: (text) => record.delta(text),
      result: (result) => {
        release();
        const now = performance.now();
        const done = record.finish({
          type: 'done',
          id: job.id,
          text: result.text,
          finishReason: result.finishReason,
          model,
          stats: { ...result.stats, queueMs: Math.round(record.startedAt! - record.submittedAt), totalMs: Math.round(now - record.submittedAt) },
          ...(result.lines ? { lines: result.lines } : {}),
          ...(result.boxes ? { boxes: result.boxes } : {}),
          ...(result.no_text ? { no_text: true } : {}),
          ...(result.blocks ? { blocks: result.blocks } : {}),
        });
        if (done && conversation) {
          conversation.turns.push({ role: 'user', text: job.prompt ?? DEFAULT_ASK[job.task] ?? '', ...(record.newImages ? { images: record.newImages } : {}) }, { role: 'assistant', text: result.text });
          // Long chats keep their most recent exchanges: bounded memory and prompt length.
          if (conversation.turns.length > MAX_HISTORY_TURNS) conversation.turns.splice(0, conversation.turns.length - MAX_HISTORY_TURNS);
        }
      },
      error: (error) => {
        release();
        record.finish({ type: 'error', id: job.id, code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
      },
      cancelled: () => {
        release();
        record.finish({ type: 'cancelled', id: job.id });
      },
    });
    record.cancelRunning = handle.cancel;
  }

  private cancelRecord(record: JobRecord): void {
    if (record.finished) return;
    if (record.state === 'queued' && record.lane) {
      const lane = this.lanes.get(record.lane)!;
      lane.queue.remove(record);
      record.finish({ type: 'cancelled', id: record.id });
      this.pump(lane);
      return;
    }
    // Running: the client hears `cancelled` now; the lane stays busy until the host has stopped.
    record.cancelRunning?.();
    record.finish({ type: 'cancelled', id: record.id });
  }

  private forget(record: JobRecord): void {
    const client = this.clients.get(record.clientId);
    if (client?.jobs.get(record.id) === record) client.jobs.delete(record.id);
    // HTTP requests are one-job clients that never disconnect: drop empty entries.
    if (client && client.jobs.size === 0) this.clients.delete(record.clientId);
  }
}
