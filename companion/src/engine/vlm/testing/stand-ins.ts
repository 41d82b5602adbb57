import { buildStandIn, type StandInOptions } from '@loupe/models';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { QwenVlEngine } from '../qwen-vl-engine';

type EngineOptions = ConstructorParameters<typeof QwenVlEngine>[0];

/**
 * Tests: stand-in models and engines for one test file, in one temp folder (the engines' home).
 * After the file every engine is unloaded and the folder removed.
 */
export function standInWorkshop(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const engines: QwenVlEngine[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.unload()));
    rmSync(root, { recursive: true, force: true });
  });
  let counter = 0;
  return {
    root,
    /** A stand-in of `family` in its own new folder; returns the folder. */
    async standIn(family: string, options: Partial<StandInOptions> = {}): Promise<string> {
      const dir = join(root, `${family}-${counter++}`);
      await buildStandIn(dir, { family, ...options });
      return dir;
    },
    /** An engine on CPU, one thread, for the model in `dir` (not loaded yet). */
    engine(dir: string, over: Partial<EngineOptions> = {}): QwenVlEngine {
      const engine = new QwenVlEngine({ home: root, device: 'cpu', model: dir, threads: 1, ...over });
      engines.push(engine);
      return engine;
    },
  };
}
