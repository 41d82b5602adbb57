import { fileURLToPath } from 'node:url';

/** Absolute path of the test double engine module, for the engine host's `modules` (tests only). */
export const DOUBLE_ENGINE_MODULE = fileURLToPath(new URL('./double-engine.ts', import.meta.url));
