import { ClientMessage } from './client-messages';
import { ProtocolError } from './errors';
import { ServerMessage } from './server-messages';

/** Parses and validates a JSON text frame from a client. Throws ProtocolError. */
export function parseClientMessage(text: string): ClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError('bad_request', 'message is not JSON', 'Send JSON text frames or binary submit frames.');
  }
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success) throw ProtocolError.fromZod(parsed.error, raw);
  return parsed.data;
}

/** Parses and validates a JSON text frame from the server (used by the extension and clients). */
export function parseServerMessage(text: string): ServerMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError('bad_request', 'server message is not JSON');
  }
  const parsed = ServerMessage.safeParse(raw);
  if (!parsed.success) throw ProtocolError.fromZod(parsed.error, raw);
  return parsed.data;
}
