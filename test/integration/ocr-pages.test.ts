import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReader, evaluateOcr, type PageReader } from '@loupe/companion/engine/ocr/eval/evaluate';

/** Pages rendered by Chromium beyond the dev set (see test/fixtures/ocr-pages/README.md). */
const PAGES = fileURLToPath(new URL('../fixtures/ocr-pages/', import.meta.url));

let reader: PageReader;
beforeAll(async () => {
  reader = await createReader('loupe');
}, 120_000);
afterAll(() => reader?.close());

const read = async (name: string) => reader.read(await readFile(join(PAGES, `${name}.png`)));

describe('the OCR engine on Chromium-rendered pages beyond the dev set', () => {
  it('meets the issue targets there too: CER ≤ 1 %, English WER ≤ 2 %', async () => {
    const result = await evaluateOcr(PAGES, { reader });
    expect(result.pages).toHaveLength(7);
    expect(result.cer).toBeLessThanOrEqual(0.01);
    expect(result.enWer).toBeLessThanOrEqual(0.02);
  }, 120_000);

  it('returns the spaces between Chinese and Latin as they were typed, with or without', async () => {
    expect(await read('h_zh-00-mixed-spaced')).toContain('我们在 Chrome 116 上测试了 WebSocket 连接。');
    expect(await read('h_zh-01-mixed-tight')).toContain('我们在Chrome 116上测试了WebSocket连接。');
  });

  it('keeps code joints closed in monospace code', async () => {
    expect(await read('h_en-02-code')).toBe(['def load_config(path: str) -> dict:', '    with open(path, "r") as handle:', '        data = json.load(handle)', '    return data.get("settings", {})'].join('\n'));
  });
});
