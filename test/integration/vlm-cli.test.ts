import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loupe } from '../helpers/cli';
import { noiseImage } from '../helpers/images';
import { standInModel } from '../helpers/standin';

/** `loupe describe|ask <image> --model <dir> --json` run in-process through the qwen-vl engine. */
let model: { dir: string; cleanup(): void };
let work: string;
let png: string;

beforeAll(async () => {
  model = await standInModel({ family: 'qwen3_vl', eosAfter: 200 });
  work = mkdtempSync(join(tmpdir(), 'loupe-vlm-cli-'));
  png = join(work, 'shot.png');
  writeFileSync(png, await noiseImage(200, 150, 'png'));
});
afterAll(() => {
  model?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('loupe describe / ask with a stand-in VLM (in-process)', () => {
  it('describe --json prints the HTTP API fields: description, model "stand-in", device, finish_reason, stats', async () => {
    const r = await loupe(['describe', png, '--model', model.dir, '--device', 'cpu', '--json', '--local'], { LOUPE_HOME: join(work, 'home') });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { description: string; model: string; device: string; stats: Record<string, number | string> };
    expect(out).toMatchObject({ model: 'stand-in', device: 'cpu', stand_in: true, finish_reason: expect.any(String) });
    expect(out).not.toHaveProperty('text');
    expect(out).not.toHaveProperty('finishReason');
    expect(typeof out.description).toBe('string');
    expect(out.stats).toMatchObject({ device: 'cpu', dtype: 'fp32' });
    expect(out.stats.visualTokens).toBeGreaterThan(0);
    expect(out.stats.decodeTokens).toBeGreaterThan(0);
    // logs never carry the answer (noise, but long enough to be found)
    expect(out.description.trim().length).toBeGreaterThan(8);
    expect(r.stderr).not.toContain(out.description.trim());
  });

  it('ask --json answers a question in zh-CN', async () => {
    const r = await loupe(['ask', png, '--prompt', '这是什么？', '--locale', 'zh-CN', '--model', model.dir, '--device', 'cpu', '--json', '--local'], { LOUPE_HOME: join(work, 'home') });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { model: string; finish_reason: string };
    expect(out.model).toBe('stand-in');
    expect(['stop', 'length', 'repetition']).toContain(out.finish_reason);
    // logs never carry the question
    expect(r.stderr).not.toContain('这是什么');
  });
});
