import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMAS } from '../../companion/src/engine/vlm/json/test-schemas';
import type { RunningDaemon } from '../helpers/daemon';
import { standInDaemon } from '../helpers/standin-daemon';

/** response_format through the daemon with the official openai client; the stand-in's words are noise, its JSON must still validate. */
let d: RunningDaemon;
let png: Buffer;
const daemon = standInDaemon({ text: 'Invoice 42' });
beforeAll(async () => ({ d, png } = await daemon.start()), 180_000);
afterAll(() => daemon.stop());

describe('OpenAI client with response_format', () => {
  const client = (): OpenAI => new OpenAI({ baseURL: `${d.url}/v1`, apiKey: d.token, maxRetries: 0 });
  const ajv = new Ajv({ strict: false });
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`json_schema ${name}: 20/20 replies parse and validate`, async () => {
      const validate = ajv.compile(schema);
      for (let i = 0; i < 20; i++) {
        const completion = await client().chat.completions.create({
          model: 'loupe',
          max_tokens: 256,
          response_format: { type: 'json_schema', json_schema: { name, schema } },
          messages: [{ role: 'user', content: [{ type: 'text', text: `Extract as JSON (${i}).` }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }] }],
        });
        const content = completion.choices[0]?.message.content ?? '';
        expect(validate(JSON.parse(content)), content).toBe(true);
      }
    }, 300_000);
  }
});
