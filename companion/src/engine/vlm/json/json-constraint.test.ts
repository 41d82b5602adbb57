import * as tjs from '@huggingface/transformers';
import { buildStandIn } from '@loupe/models';
import { Ajv } from 'ajv';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax, seededRandom } from '../sampler';
import { JsonConstraint } from './json-constraint';
import { compileSchema } from './schema-node';
import { tokenBytesFor, type TokenBytes, type VocabSource } from './token-bytes';
import { SCHEMAS } from './test-schemas';

/**
 * The mask over Qwen's real vocabulary (the stand-in's tokenizer.json) with random logits:
 * the worst a rambling model can do. Every answer must parse and validate.
 */
const root = mkdtempSync(join(tmpdir(), 'loupe-json-'));
let tokenizer: VocabSource & { decode(ids: number[]): string };
let tokens: TokenBytes;
let eos: number;
const VOCAB = 151_936;
beforeAll(async () => {
  await buildStandIn(join(root, 'm'), { family: 'qwen2_5_vl' });
  tokenizer = (await tjs.AutoTokenizer.from_pretrained(join(root, 'm'), { local_files_only: true })) as unknown as typeof tokenizer;
  tokens = tokenBytesFor(tokenizer);
  eos = (tokenizer as unknown as { convert_tokens_to_ids(t: string[]): number[] }).convert_tokens_to_ids(['<|im_end|>'])[0]!;
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

let noise: Float32Array | undefined;
/** The peer in the same run: one argmax over the vocabulary per step. */
let argmaxMs = 0;
function pool(): Float32Array {
  if (!noise) {
    const random = seededRandom(7);
    noise = Float32Array.from({ length: 2 * VOCAB }, () => random() * 10);
  }
  return noise;
}

function generate(schema: Record<string, unknown> | undefined, seed: number, maxTokens: number): { text: string; constraint: JsonConstraint; ended: boolean } {
  const constraint = new JsonConstraint({ node: schema ? compileSchema(schema) : { kind: 'any', objectOnly: true }, tokens, eos, maxTokens });
  const random = seededRandom(seed);
  const logits = new Float32Array(VOCAB);
  const generated: number[] = [];
  while (generated.length < maxTokens) {
    // A random window of a random pool: noise logits without 150k draws per step.
    const offset = Math.floor(random() * VOCAB);
    logits.set(pool().subarray(offset, offset + VOCAB));
    constraint.mask(logits, generated);
    const t = performance.now();
    const id = argmax(logits);
    argmaxMs += performance.now() - t;
    if (id === eos) return { text: tokenizer.decode(generated), constraint, ended: true };
    generated.push(id);
  }
  return { text: tokenizer.decode(generated), constraint, ended: false };
}

describe('JSON constraint over the Qwen vocabulary', () => {
  it('caches each tokenizer’s token bytes, byte-exact', () => {
    expect(tokenBytesFor(tokenizer)).toBe(tokens);
    const id = (tokenizer as unknown as { convert_tokens_to_ids(t: string[]): number[] }).convert_tokens_to_ids(['Ġhello'])[0]!;
    expect(new TextDecoder().decode(tokens.bytes[id])).toBe(' hello');
    expect(tokens.bytes[eos]).toBeUndefined();
  });

  const ajv = new Ajv({ strict: false });
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`random logits give schema-valid JSON 20/20: ${name}`, async ({ annotate }) => {
      const validate = ajv.compile(schema);
      let ms = 0;
      let steps = 0;
      argmaxMs = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const { text, constraint, ended } = generate(schema, seed, 400);
        expect(ended, text).toBe(true);
        const value: unknown = JSON.parse(text);
        expect(validate(value), `${text} ${JSON.stringify(validate.errors)}`).toBe(true);
        ms += constraint.cost.totalMs;
        steps += constraint.cost.steps;
      }
      await annotate(`mask ${name}: ${(ms / steps).toFixed(2)} ms/step over ${steps} steps = ${(ms / argmaxMs).toFixed(1)}× one argmax over the vocabulary`);
    }, 120_000);
  }

  it('json_object mode: an object that parses, even with a small budget', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { text, ended } = generate(undefined, seed, 64);
      expect(ended, text).toBe(true);
      expect(typeof JSON.parse(text)).toBe('object');
    }
  });
});
