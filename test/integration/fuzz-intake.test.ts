import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '@loupe/shared';
import { decodeToRgb, inspectImage, type DecodeOptions } from '@loupe/companion/intake/index';
import { grayPng, hostileFormats, noiseImage } from '../helpers/images';

/**
 * Image intake fuzz: random, truncated and mutated PNG/JPEG/WebP bytes must end in a
 * ProtocolError (unsupported_image | image_too_large) or a valid result — never another
 * exception, a crash or a hang. Seeds are tiny so 10,000 cases stay cheap on 2 cores.
 */
const RUNS = Math.max(10_000, Number(process.env.FUZZ_RUNS ?? 0));
const CASE_DEADLINE_MS = 10_000;
// bad_request: a region outside the image.
const intakeCodes = ['unsupported_image', 'image_too_large', 'bad_request'];

/** inspectImage, then (when given options) the full decode an engine would run. */
async function intakeOutcome(bytes: Uint8Array, decode?: DecodeOptions): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`intake hung for ${CASE_DEADLINE_MS} ms on ${bytes.byteLength} bytes`)), CASE_DEADLINE_MS);
  });
  try {
    const info = await Promise.race([inspectImage(bytes), deadline]);
    expect(info.width).toBeGreaterThan(0);
    expect(info.height).toBeGreaterThan(0);
    if (decode) {
      const out = await Promise.race([decodeToRgb(bytes, decode), deadline]);
      expect(out.data.byteLength).toBe(out.width * out.height * 3);
      expect(out.width * out.height).toBeLessThanOrEqual(decode.maxPixels);
      decodedOk++;
    }
    return 'ok';
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw new Error(`non-protocol error escaped intake: ${String(error)}`);
    expect(intakeCodes).toContain(error.code);
    // Error text is shown to users and written to logs: no paths, no raw bytes.
    expect(error.message).not.toMatch(/\/tmp|\/home|\/work|\\x/);
    return error.code;
  } finally {
    clearTimeout(timer);
  }
}

let seeds: Buffer[] = [];
let decodedOk = 0;

beforeAll(async () => {
  seeds = [
    grayPng(12, 9),
    grayPng(3, 40, { text: { Comment: 'seed' } }),
    await noiseImage(16, 12, 'png'),
    await noiseImage(16, 12, 'jpeg'),
    await noiseImage(16, 12, 'webp'),
    await noiseImage(9, 7, 'jpeg', 7),
  ];
});

describe('fuzz: image intake (inspectImage, decodeToRgb)', () => {
  it('accepts every unmutated seed', async () => {
    for (const seed of seeds) expect(await intakeOutcome(seed)).toBe('ok');
  });

  it(`mutated and truncated PNG/JPEG/WebP bytes → ok or a ProtocolError (${RUNS} cases)`, async ({ annotate }) => {
    const mutation = fc.record({
      seed: fc.nat(),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 32 })), { nil: undefined }),
      decode: fc.option(
        fc.record(
          {
            // Engine-like budgets: below 200 × 28² pixels a 200:1 strip may legitimately exceed the
            // budget (smart_resize keeps each side at least one 28-px block).
            maxPixels: fc.integer({ min: 200 * 28 * 28, max: 1_000_000 }),
            multipleOf: fc.constant(28),
            minPixels: fc.integer({ min: 1, max: 784 }),
            region: fc.record({ x: fc.nat(20), y: fc.nat(20), width: fc.integer({ min: 1, max: 30 }), height: fc.integer({ min: 1, max: 30 }) }),
          },
          { requiredKeys: ['maxPixels'] },
        ),
        { nil: undefined },
      ),
    });
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, flips, cut, insert, decode }) => {
        let bytes = Buffer.from(seeds[seed % seeds.length]!);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        if (insert) {
          const at = insert[0] % bytes.length;
          bytes = Buffer.concat([bytes.subarray(0, at), insert[1], bytes.subarray(at)]);
        }
        if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        const outcome = await intakeOutcome(bytes, decode);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    // The fuzzer must exercise both paths, or it tests nothing.
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('unsupported_image') ?? 0).toBeGreaterThan(0);
    expect(decodedOk).toBeGreaterThan(0);
    await annotate(`intake fuzz outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}, full decodes: ${decodedOk}`);
  });

  it(`random bytes behind a valid magic prefix → a ProtocolError (${RUNS} cases)`, async () => {
    const magic = fc.constantFrom(
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [0xff, 0xd8, 0xff],
      [0x52, 0x49, 0x46, 0x46, 0x40, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
      [],
    );
    await fc.assert(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 256 }), async (prefix, tail) => {
        const outcome = await intakeOutcome(Buffer.concat([Buffer.from(prefix), tail]));
        expect(outcome).not.toBe('ok');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses hostile formats (GIF, TIFF, SVG, VIPS, BMP, PDF) by their bytes', async () => {
    const formats = await hostileFormats();
    for (const [name, bytes] of Object.entries(formats)) {
      const outcome = await intakeOutcome(bytes);
      expect(outcome, name).toBe('unsupported_image');
    }
  });
});
