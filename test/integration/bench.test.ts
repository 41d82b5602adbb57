import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_MAIN, REPO_ROOT } from '../helpers/daemon';

/** `loupe bench --quick --json` runs without a GPU and prints one JSON object of the documented shape. */
describe('loupe bench --quick --json', () => {
  it('prints every metric as a number (the numbers themselves are the bench\'s business)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', CLI_MAIN, 'bench', '--quick', '--json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 900_000,
      env: { ...process.env, LOUPE_LOG_LEVEL: 'warn' },
    });
    expect(run.status, run.stderr.slice(-3000)).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines, 'exactly one line of JSON on stdout').toHaveLength(1);
    const result = JSON.parse(lines[0]!) as Record<string, unknown>;
    // The OCR set sits beside the repository; without it the OCR fields are null and a note says why.
    const haveOcrSet = existsSync(resolve(REPO_ROOT, '..', 'shared', 'data', 'ocr-dev'));
    const ocrTimes = ['ocr_ms_p50', 'tesseract_ms_p50'];
    const ocrRates = ['ocr_cer', 'ocr_en_wer', 'tesseract_cer', 'tesseract_en_wer'];
    if (!haveOcrSet) for (const key of [...ocrTimes, ...ocrRates]) expect(result[key], key).toBeNull();
    const number = (key: string) => {
      expect(typeof result[key], key).toBe('number');
      expect(Number.isFinite(result[key]), key).toBe(true);
      return result[key] as number;
    };
    // Times, throughput and memory are spent, so above zero; error rates are fractions.
    for (const key of [
      'overhead_ms_p50_720p',
      'overhead_ms_p50_1080p',
      'overhead_ms_p50_4k',
      'overhead_ms_p50_720p_rgb',
      ...(haveOcrSet ? ocrTimes : []),
      'vlm_standin_prefill_ms',
      'vlm_standin_tokens_per_s',
      'peak_rss_mb',
    ]) expect(number(key), key).toBeGreaterThan(0);
    for (const key of haveOcrSet ? ocrRates : []) {
      expect(number(key), key).toBeGreaterThanOrEqual(0);
      expect(number(key), key).toBeLessThanOrEqual(1);
    }
    if (haveOcrSet) expect(result.ocr_pages as number).toBeGreaterThan(0);
    expect(result.quick).toBe(true);
    expect(result.targets).toHaveProperty('overhead_ms_p50_720p');
  }, 900_000);
});
