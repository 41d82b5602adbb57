#!/usr/bin/env node
// Global entry (`npm i -g` / `pnpm link`): runs the TypeScript CLI through tsx, no build step.
import { register } from 'tsx/esm/api';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

register();
process.env.LOUPE_CLI_ENTRY = '1';
await import(pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.ts')).href);
