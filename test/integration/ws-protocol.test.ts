import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, type ErrorReply } from '@loupe/shared';
import { startDaemon, type RunningDaemon } from '../helpers/daemon';
import { LoupeClient, openSocket } from '../helpers/ws-client';
import { textPng } from '../helpers/images';
import { isTerminal } from '@loupe/shared';

let d: RunningDaemon;

beforeAll(async () => {
  d = await startDaemon();
});
afterAll(async () => {
  await d?.stop();
});

const isError = (m: { type: string }): m is ErrorReply => m.type === 'error';

describe('WebSocket protocol handling', () => {
  it('negotiates the version in hello and answers with status', async () => {
    const c = await LoupeClient.connect(d.port, { token: d.token });
    const hello = c.messages.find((m) => m.type === 'hello');
    expect(hello).toMatchObject({ type: 'hello', protocol: PROTOCOL_VERSION, server: { name: 'loupe' }, status: { clients: expect.any(Number) } });
    c.close();
  });

  it('answers an unsupported version with unsupported_version and keeps the connection', async () => {
    const c = await LoupeClient.connect(d.port, { token: d.token, hello: false });
    c.send({ type: 'hello', protocols: [99, 7], client: { name: 't', version: '0' } });
    const err = await c.waitFor(isError);
    expect(err.code).toBe('unsupported_version');
    expect(err.hint).toBeTruthy();
    c.send({ type: 'ping', t: 5 });
    expect(await c.waitFor((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 5 });
    c.close();
  });

  it('gives every malformed or unknown message an error reply and survives', async () => {
    const c = await LoupeClient.connect(d.port, { token: d.token });
    const bad: Array<string | Uint8Array> = [
      'not json',
      '{"type":"shutdown"}',
      '{"type":"submit","id":"a1","task":"paint"}',
      '{"type":"cancel","id":"x","extra":true}',
      '[]',
      'null',
      '{"type":"submit","id":"has images","task":"ocr"}',
      '{"type":"submit","id":"j1","task":"ocr","images":[10]}',
      new Uint8Array([0, 0]),
      new Uint8Array([0, 0, 0, 200, 1, 2, 3]),
      new Uint8Array([0, 0, 0, 2, 0x7b, 0x7d]),
    ];
    for (const [i, msg] of bad.entries()) {
      const before = c.messages.length;
      c.socket.send(msg);
      const err = await c.waitFor(isError, 10_000, before);
      expect(err.code, `message ${i}`).toBe('bad_request');
      expect(err.message.length).toBeGreaterThan(0);
    }
    const rejectedWithId = c.messages.filter(isError).find((m) => m.id === 'j1');
    expect(rejectedWithId?.hint).toMatch(/binary submit frame/);
    c.send({ type: 'status' });
    const status = await c.waitFor((m) => m.type === 'status');
    expect(status).toMatchObject({ type: 'status', status: { version: expect.any(String) } });
    c.close();
  });

  it('ends a job with exactly one terminal message (engine_unavailable without a VLM)', async () => {
    const c = await LoupeClient.connect(d.port, { token: d.token });
    c.submit({ id: 'vlm1', task: 'describe' }, [new Uint8Array([0x89, 0x50, 0x4e, 0x47])]);
    const t = await c.terminal('vlm1');
    expect(t.type).toBe('error');
    if (t.type === 'error') {
      expect(['engine_unavailable', 'unsupported_image']).toContain(t.code);
      expect(t.hint).toBeTruthy();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(c.forJob('vlm1').filter((m) => m.type === 'done' || m.type === 'error' || m.type === 'cancelled')).toHaveLength(1);
    c.close();
  });

  it('closes with 1009 when a frame announces more than maxPayload', async () => {
    const ws = openSocket(d.port, { token: d.token });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    // A masked binary frame header announcing MAX_FRAME_BYTES + 1 bytes: the server must not wait for them.
    const header = Buffer.alloc(14);
    header[0] = 0x82;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(MAX_FRAME_BYTES + 1), 2);
    header.writeUInt32BE(0x01020304, 10);
    (ws as unknown as { _socket: Socket })._socket.write(header);
    expect(await closed).toBe(1009);
    // The daemon keeps serving.
    const c = await LoupeClient.connect(d.port, { token: d.token });
    c.close();
  });

  it('accepts a large legal frame below maxPayload and answers it with a job error, not a close', async () => {
    const c = await LoupeClient.connect(d.port, { token: d.token });
    // 8 MB of non-image bytes: accepted by the transport, rejected by intake or routing with a job error.
    const big = new Uint8Array(8 * 1024 * 1024);
    c.submit({ id: 'big1', task: 'ocr' }, [big]);
    const t = await c.terminal('big1');
    expect(t.type).toBe('error');
    c.close();
  });

  it('answers jobs over the per-connection cap with busy, and every job still ends exactly once', async () => {
    const png = await textPng('cap', 100);
    const c = await LoupeClient.connect(d.port, { token: d.token });
    const ids = Array.from({ length: 14 }, (_, i) => `cap${i}`);
    for (const id of ids) c.submit({ id, task: 'ocr' }, [png]);
    const busy = await c.waitFor((m) => m.type === 'error' && m.code === 'busy', 30_000);
    expect(busy.type === 'error' && busy.hint).toBeTruthy();
    for (const id of ids) c.cancel(id);
    for (const id of ids) await c.terminal(id);
    await new Promise((r) => setTimeout(r, 300));
    for (const id of ids) expect(c.forJob(id).filter(isTerminal), id).toHaveLength(1);
    c.close();
  });
});

