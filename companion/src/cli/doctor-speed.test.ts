import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStandIn } from '@loupe/models';
import { speedCheck } from './doctor-speed';

describe('doctor speed line', () => {
  it('without a running companion: the model size × the memory bandwidth measured now, labelled so (and the stand-in as noise)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'loupe-doctor-speed-'));
    try {
      const dir = join(root, 'model');
      await buildStandIn(dir, { family: 'qwen2_5_vl', dtype: 'q4' });
      const check = await speedCheck({ home: root, port: 1, running: false, model: dir });
      expect(check?.level).toBe('info');
      expect(check?.detail).toMatch(/stand-in: speed only.*~[\d.]+ s to the first word of a 720p screenshot describe, then ~[\d.]+ tokens\/s \(model size × memory bandwidth\), [\d.]+ GB\/s measured now/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('says nothing when there is no model to price', async () => {
    expect(await speedCheck({ home: '/nonexistent-loupe-home', port: 1, running: false, model: '/nonexistent-model' })).toBeUndefined();
  });
});
