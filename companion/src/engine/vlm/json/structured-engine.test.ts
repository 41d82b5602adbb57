import { buildStandIn } from '@loupe/models';
import { Ajv } from 'ajv';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineJob } from '../../engine';
import { QwenVlEngine } from '../qwen-vl-engine';
import { SCHEMAS } from './test-schemas';

/** The whole engine on the tiny stand-in (its words are noise): every structured answer is schema-valid JSON. */
const root = mkdtempSync(join(tmpdir(), 'loupe-vlm-json-'));
let engine: QwenVlEngine;
let image: Uint8Array;
beforeAll(async () => {
  await buildStandIn(join(root, 'm'), { family: 'qwen2_5_vl' });
  engine = new QwenVlEngine({ home: root, device: 'cpu', model: join(root, 'm'), threads: 1 });
  await engine.load();
  image = new Uint8Array(await sharp({ create: { width: 64, height: 64, channels: 3, background: '#4477aa' } }).png().toBuffer());
}, 120_000);
afterAll(async () => {
  await engine?.unload();
  rmSync(root, { recursive: true, force: true });
});

async function answer(job: EngineJob): Promise<{ text: string; deltas: string }> {
  let deltas = '';
  let result: Extract<EngineEvent, { type: 'result' }> | undefined;
  for await (const e of engine.run(job, new AbortController().signal)) {
    if (e.type === 'delta') deltas += e.text;
    else result = e;
  }
  return { text: result!.text, deltas };
}
const job = (over: Partial<EngineJob>): EngineJob => ({ id: 'j', task: 'ask', images: [image], prompt: 'Extract the invoice.', locale: 'en', history: [], maxTokens: 256, ...over });

describe('structured output on the stand-in', () => {
  const ajv = new Ajv({ strict: false });
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`20/20 schema-valid answers: ${name}`, async () => {
      const validate = ajv.compile(schema);
      for (let seed = 1; seed <= 20; seed++) {
        const { text, deltas } = await answer(job({ format: { type: 'json_schema', schema }, sampling: { temperature: 1, seed } }));
        expect(deltas).toBe(text);
        expect(validate(JSON.parse(text)), text).toBe(true);
      }
    }, 300_000);
  }

  it('json_object: an object that parses; greedy too', async () => {
    const { text } = await answer(job({ format: { type: 'json_object' } }));
    expect(JSON.parse(text)).toBeTypeOf('object');
  }, 60_000);

  it('a schema it cannot enforce is refused before the model runs, naming the fix', async () => {
    const schema = { anyOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'string' } } }] };
    await expect(answer(job({ format: { type: 'json_schema', schema } }))).rejects.toThrow(/format.schema: .*start differently/);
  });
});
