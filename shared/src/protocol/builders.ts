import { PROTOCOL_VERSION } from './constants';
import type { CancelJob, ClientHello } from './client-messages';

/**
 * The client messages every client sends, built in one place (the extension link, the CLI job
 * runner, the test client), so a new field or version is added once. Each returns the JSON text.
 */
export function helloMessage(client: ClientHello['client']): string {
  const hello: ClientHello = { type: 'hello', protocols: [PROTOCOL_VERSION], client };
  return JSON.stringify(hello);
}

export function cancelMessage(id: string): string {
  const cancel: CancelJob = { type: 'cancel', id };
  return JSON.stringify(cancel);
}
