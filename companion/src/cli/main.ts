#!/usr/bin/env node
import { LOUPE_VERSION } from '@loupe/shared';
import { UsageError } from './args';

const USAGE = `loupe ${LOUPE_VERSION} — local visual assistant companion

  loupe start [--port N] [--model <id|dir>] [--device auto|webgpu|cuda|cpu]  run the companion on 127.0.0.1
  loupe ocr|describe|code|ask <image|folder> [--json] [--prompt ..] [--locale en|zh-CN] [--model ..]
  loupe describe|ask <video> [--from S] [--to S] [--frames N] [--json]  frames sampled with the bundled ffmpeg
  loupe models list|pull|rm|verify|import|stand-in ...                 manage vision-language models
  loupe doctor                                                         check Node, GPU (CUDA, WebGPU), memory, models, port
  loupe token [--rotate]                                               print or rotate the API token
  loupe pair                                                           register the extension's pairing host
  loupe gpu-setup [--dry-run]                                          install the CUDA execution provider (opt-in)
  loupe bench [--quick] [--json]                                       measure speed and overhead

Each command takes --help.`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start')).runStart,
  token: async () => (await import('./token')).runToken,
  pair: async () => (await import('./pair')).runPair,
  doctor: async () => (await import('./doctor')).runDoctor,
  'gpu-setup': async () => (await import('./gpu-setup')).runGpuSetup,
  ocr: async () => (argv) => import('./image-command').then((m) => m.runImageCommand('ocr', argv)),
  describe: async () => (argv) => import('./image-command').then((m) => m.runImageCommand('describe', argv)),
  code: async () => (argv) => import('./image-command').then((m) => m.runImageCommand('code', argv)),
  ask: async () => (argv) => import('./image-command').then((m) => m.runImageCommand('ask', argv)),
  models: async () => async (argv) => {
    const [{ runModelsCommand }, { loupeHome }] = await Promise.all([import('@loupe/models/cli/index'), import('../config/paths')]);
    return runModelsCommand(argv, { home: loupeHome() });
  },
  bench: async () => (argv) => import('../bench/index').then((m) => m.runBench(argv)),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(LOUPE_VERSION + '\n');
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`loupe: unknown command "${name}" — run \`loupe help\`\n`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`loupe ${name}: ${e.message}\n`);
      return 2;
    }
    const err = e as Error & { hint?: string };
    process.stderr.write(`loupe ${name}: ${err.message?.split('\n')[0] ?? String(e)}${err.hint ? ` — ${err.hint}` : ''}\n`);
    if (process.env.LOUPE_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

const isEntry = (() => {
  const entry = process.argv[1];
  if (!entry) return false;
  return /[\\/]cli[\\/]main\.ts$/.test(entry) || /[\\/]bin[\\/]loupe\.mjs$/.test(entry) || process.env.LOUPE_CLI_ENTRY === '1';
})();

if (isEntry) {
  main(process.argv.slice(2)).then(
    // Exit explicitly: engine sessions and timers must not keep a finished command alive.
    (code) => process.stdout.write('', () => process.exit(code)),
    (e: unknown) => {
      process.stderr.write(`loupe: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
