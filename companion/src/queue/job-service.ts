import type { ServerMessage, ServerStatus, SubmitJob } from '@loupe/shared';
import type { ConversationTurn } from '../engine/engine';

/** Where a client's job messages go: one per WebSocket connection or HTTP request. */
export interface JobSink {
  send(message: ServerMessage): void;
  /** True while the peer is not reading (WebSocket bufferedAmount over its cap): deltas are coalesced, not dropped. */
  readonly congested: boolean;
}

export interface SubmitRequest {
  /** Connection id: fairness, caps and disconnect-cancel are per client. */
  clientId: string;
  /** Client identity (Origin, or "local"): the fair queue and the identity job cap count by it. Default: clientId. */
  identity?: string;
  job: SubmitJob;
  images: Uint8Array[];
  /**
   * A stateless chat API request (OpenAI, Ollama) brings its own conversation: earlier turns,
   * a system message, and it may be text only (an `ask` job with no image).
   */
  chat?: { system?: string; history: ConversationTurn[]; model?: string; newImages?: number };
}

/**
 * What the server layer (WebSocket, HTTP) sees of the queue and the engines.
 * Every accepted job ends with exactly one terminal message on its sink:
 * done | error (with id) | cancelled.
 */
export interface JobService {
  submit(request: SubmitRequest, sink: JobSink): void;
  /** False when the client has no such job in flight (unknown, or already ended). */
  cancel(clientId: string, jobId: string): boolean;
  /** Cancels every job of the client (socket closed). */
  disconnect(clientId: string): void;
  status(): ServerStatus;
  close(): Promise<void>;
}
