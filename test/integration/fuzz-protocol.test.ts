import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSubmitFrame,
  encodeSubmitFrame,
  ErrorCode,
  parseClientMessage,
  ProtocolError,
  type SubmitJobInput,
} from '@loupe/shared';

/**
 * Protocol fuzz: whatever a client sends, the parser either returns a valid message or throws a
 * ProtocolError carrying a known error code — never another exception, never a hang.
 * Each property runs ≥ 10,000 cases (FUZZ_RUNS raises it locally).
 */
const RUNS = Math.max(10_000, Number(process.env.FUZZ_RUNS ?? 0));
const codes = new Set<string>(ErrorCode.options);

/** Runs `fn`; passes when it returns, or throws a ProtocolError with a known code and a message. */
function acceptsOrProtocolError(fn: () => unknown): { ok: true; value: unknown } | { ok: false; error: ProtocolError } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw new Error(`non-protocol error escaped: ${String(error)}`);
    if (!codes.has(error.code)) throw new Error(`unknown error code ${error.code}`);
    if (!error.message) throw new Error('protocol error without a message');
    const reply = error.toReply();
    if (reply.type !== 'error' || reply.code !== error.code) throw new Error('toReply lost the code');
    // A reply must be serialisable as a text frame.
    JSON.stringify(reply);
    return { ok: false, error };
  }
}

const jobId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const task = fc.constantFrom('ocr', 'describe', 'code', 'ask', 'ground');
const validSubmit = fc.record(
  {
    type: fc.constant('submit' as const),
    id: jobId,
    task,
    engine: fc.constantFrom('ocr' as const, 'vlm' as const),
    prompt: fc.string({ maxLength: 200 }),
    locale: fc.constantFrom('en' as const, 'zh-CN' as const),
    conversationId: jobId,
    maxTokens: fc.integer({ min: 1, max: 8192 }),
    region: fc.record({
      x: fc.nat(5000),
      y: fc.nat(5000),
      width: fc.integer({ min: 1, max: 5000 }),
      height: fc.integer({ min: 1, max: 5000 }),
    }),
  },
  { requiredKeys: ['type', 'id', 'task'] },
);
const validMessage = fc.oneof(
  validSubmit,
  fc.record({ type: fc.constant('cancel'), id: jobId }),
  fc.constant({ type: 'status' }),
  fc.record({ type: fc.constant('ping'), t: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { requiredKeys: ['type'] }),
  fc.record({
    type: fc.constant('hello'),
    protocols: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
    client: fc.record({ name: fc.string({ maxLength: 64 }), version: fc.string({ maxLength: 32 }) }),
  }),
);

/** Replaces one field of a valid message with a random JSON value (or deletes it / adds one). */
const mutatedMessage = fc
  .tuple(validMessage, fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 20 }), fc.nat(), fc.constantFrom('replace', 'delete', 'add'))
  .map(([msg, value, extraKey, pick, op]) => {
    const copy: Record<string, unknown> = { ...(msg as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys[pick % keys.length]!;
    if (op === 'replace') copy[key] = value;
    else if (op === 'delete') delete copy[key];
    else copy[extraKey || '__proto__'] = value;
    return copy;
  });

describe('fuzz: parseClientMessage', () => {
  it(`arbitrary strings → a message or a ProtocolError (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.json({ maxDepth: 4 })), (text) => {
        acceptsOrProtocolError(() => parseClientMessage(text));
      }),
      { numRuns: RUNS },
    );
  });

  it(`valid messages parse, mutated ones get bad_request (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(validMessage, (msg) => {
        const result = acceptsOrProtocolError(() => parseClientMessage(JSON.stringify(msg)));
        expect(result.ok).toBe(true);
        if (result.ok) expect((result.value as { type: string }).type).toBe(msg.type);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(mutatedMessage, (msg) => {
        const result = acceptsOrProtocolError(() => parseClientMessage(JSON.stringify(msg)));
        if (!result.ok) expect(result.error.code).toBe('bad_request');
        // An error that names a job id must name a well-formed one (ids are echoed to clients).
        if (!result.ok && result.error.jobId !== undefined) expect(result.error.jobId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      }),
      { numRuns: RUNS },
    );
  });

  it(`never echoes client-chosen field names or values in error messages (${RUNS} cases)`, () => {
    const canary = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{11,20}$/).map((s) => `Zq${s}`);
    fc.assert(
      fc.property(validMessage, canary, fc.constantFrom('key', 'value', 'type', 'nested'), (msg, secret, where) => {
        const copy: Record<string, unknown> = { ...(msg as Record<string, unknown>) };
        if (where === 'key') copy[secret] = 1;
        else if (where === 'type') copy.type = secret;
        else if (where === 'nested') copy.client = { name: 'x', version: '1', [secret]: secret };
        else copy[Object.keys(copy).find((k) => k !== 'type' && k !== 'id') ?? 'task'] = { [secret]: secret };
        const result = acceptsOrProtocolError(() => parseClientMessage(JSON.stringify(copy)));
        if (!result.ok) {
          expect(result.error.message).not.toContain(secret);
          expect(result.error.hint ?? '').not.toContain(secret);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('deeply nested and huge JSON does not crash the parser', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    acceptsOrProtocolError(() => parseClientMessage(deep));
    const wide = JSON.stringify({ type: 'submit', id: 'a', task: 'ask', prompt: 'x'.repeat(200_000) });
    const result = acceptsOrProtocolError(() => parseClientMessage(wide));
    expect(result.ok).toBe(false);
    const proto = acceptsOrProtocolError(() => parseClientMessage('{"type":"status","__proto__":{"polluted":1}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(proto.ok).toBe(false);
  });
});

const smallImage = fc.uint8Array({ minLength: 1, maxLength: 64 });

function frameWithHeader(header: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + header.byteLength + tail.byteLength);
  new DataView(out.buffer).setUint32(0, header.byteLength, false);
  out.set(header, 4);
  out.set(tail, 4 + header.byteLength);
  return out;
}

describe('fuzz: decodeSubmitFrame', () => {
  it(`random bytes → a ProtocolError, never another exception (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        acceptsOrProtocolError(() => decodeSubmitFrame(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it(`valid frames round-trip; any mutation of one decodes consistently or errors (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(validSubmit, fc.array(smallImage, { maxLength: 4 }), (job, images) => {
        const { images: _ignored, ...rest } = job as SubmitJobInput;
        const frame = encodeSubmitFrame(rest, images);
        const result = acceptsOrProtocolError(() => decodeSubmitFrame(frame));
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const decoded = result.value as ReturnType<typeof decodeSubmitFrame>;
        expect(decoded.job.id).toBe(job.id);
        expect(decoded.images.map((i) => [...i])).toEqual(images.map((i) => [...i]));
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        validSubmit,
        fc.array(smallImage, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        (job, images, flips, cut) => {
          const { images: _ignored, ...rest } = job as SubmitJobInput;
          const frame = encodeSubmitFrame(rest, images);
          for (const [at, byte] of flips) frame[at % frame.length] = byte;
          const mutated = cut === undefined ? frame : frame.subarray(0, cut % (frame.length + 1));
          const result = acceptsOrProtocolError(() => decodeSubmitFrame(mutated));
          if (result.ok) {
            // Whatever decodes must be self-consistent: the images exactly fill the frame.
            const decoded = result.value as ReturnType<typeof decodeSubmitFrame>;
            const header = new DataView(mutated.buffer, mutated.byteOffset).getUint32(0, false);
            const sum = decoded.images.reduce((n, i) => n + i.byteLength, 0);
            expect(4 + header + sum).toBe(mutated.byteLength);
            expect(decoded.images.map((i) => i.byteLength)).toEqual(decoded.job.images);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`hostile headers (random JSON, lying lengths, non-UTF-8) → bad_request (${RUNS} cases)`, () => {
    const header = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => new TextEncoder().encode(JSON.stringify(v))),
      mutatedMessage.map((v) => new TextEncoder().encode(JSON.stringify(v))),
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc
        .record({ id: jobId, lens: fc.array(fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double(), fc.constant(2 ** 40)), { maxLength: 6 }) })
        .map(({ id, lens }) => new TextEncoder().encode(JSON.stringify({ type: 'submit', id, task: 'ocr', images: lens }))),
    );
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 128 }), (h, tail) => {
        const result = acceptsOrProtocolError(() => decodeSubmitFrame(frameWithHeader(h, tail)));
        if (!result.ok) expect(['bad_request', 'image_too_large']).toContain(result.error.code);
      }),
      { numRuns: RUNS },
    );
  });

  it('header lengths at the edges are refused without reading past the frame', () => {
    for (const len of [0, 1, 0xffffffff, 0x7fffffff, 64 * 1024 + 1]) {
      const frame = new Uint8Array(16);
      new DataView(frame.buffer).setUint32(0, len >>> 0, false);
      const result = acceptsOrProtocolError(() => decodeSubmitFrame(frame));
      expect(result.ok).toBe(false);
    }
    // A subarray view whose buffer holds more bytes than the view must not read the extra bytes.
    const valid = encodeSubmitFrame({ type: 'submit', id: 'a', task: 'ocr' }, [new Uint8Array([1, 2, 3])]);
    const padded = new Uint8Array(valid.length + 10);
    padded.set(valid, 5);
    const view = padded.subarray(5, 5 + valid.length);
    const decoded = decodeSubmitFrame(view);
    expect([...decoded.images[0]!]).toEqual([1, 2, 3]);
    expect(() => decodeSubmitFrame(padded.subarray(5, 5 + valid.length - 1))).toThrow(ProtocolError);
  });
});
