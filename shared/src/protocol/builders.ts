import { encodeSubmitFrame } from './binary-frame';
import { PROTOCOL_VERSION } from './constants';
import type { CancelJob, ClientHello, Ping, StatusRequest, SubmitJobInput } from './client-messages';

/**
 * The client messages every client sends, built in one place (the extension link and session,
 * the Node client that the CLI, the bench and the tests share), so a new field or version is
 * added once.
 */
export function helloMessage(client: ClientHello['client']): string {
  const hello: ClientHello = { type: 'hello', protocols: [PROTOCOL_VERSION], client };
  return JSON.stringify(hello);
}

export function cancelMessage(id: string): string {
  const cancel: CancelJob = { type: 'cancel', id };
  return JSON.stringify(cancel);
}

export function statusMessage(): string {
  const status: StatusRequest = { type: 'status' };
  return JSON.stringify(status);
}

/** The application keepalive; `t` comes back in the pong. */
export function pingMessage(t: number): string {
  const ping: Ping = { type: 'ping', t };
  return JSON.stringify(ping);
}

/** What a client says about a job; the builders add `type` and the image lengths. */
export type SubmitFields = Omit<SubmitJobInput, 'type' | 'images'>;

/** A job with its images: the binary submit frame (header + image bytes). */
export function submitFrame(fields: SubmitFields, images: Uint8Array[]): Uint8Array {
  return encodeSubmitFrame({ ...fields, type: 'submit' }, images);
}

/** A job without images (a follow-up in a conversation) as a JSON text frame. */
export function submitText(fields: SubmitFields): string {
  const submit: SubmitJobInput = { ...fields, type: 'submit' };
  return JSON.stringify(submit);
}
