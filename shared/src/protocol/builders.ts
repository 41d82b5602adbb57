import { encodeSubmitFrame } from './binary-frame';
import { PROTOCOL_VERSION } from './constants';
import type { ClientHello, ClientMessage, ClientMessageOf, SubmitJobInput } from './client-messages';

/**
 * The client messages every client sends, built in one place (the extension link and session,
 * the Node client that the CLI, the bench and the tests share), so a new field or version is
 * added once.
 */
export function helloMessage(client: ClientHello['client']): string {
  return messageText<'hello'>({ type: 'hello', protocols: [PROTOCOL_VERSION], client });
}

export function cancelMessage(id: string): string {
  return messageText<'cancel'>({ type: 'cancel', id });
}

export function statusMessage(): string {
  return messageText<'status'>({ type: 'status' });
}

/** The application keepalive; `t` comes back in the pong. */
export function pingMessage(t: number): string {
  return messageText<'ping'>({ type: 'ping', t });
}

/** A message as a JSON text frame, checked against its type where it is built. */
function messageText<T extends ClientMessage['type']>(message: ClientMessageOf<T>): string {
  return JSON.stringify(message);
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
