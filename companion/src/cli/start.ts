import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT } from '@loupe/shared';
import { readConfig, rememberStartChoices } from '../config/config-file';
import { findRunningDaemon } from '../config/daemon-file';
import { loupeHome } from '../config/paths';
import { createLogger } from '../log/logger';
import { startDaemon } from '../server/daemon';
import { chooseDevice } from '../engine/device/choose';
import { isImageDetail, IMAGE_DETAILS, type ImageDetail } from '../engine/vlm/pixel-budget';
import { parse, parseDevice, parsePort, UsageError } from './args';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const HELP = `loupe start [--port N] [--model <id|dir>] [--device auto|webgpu|cuda|cpu] [--dtype fp32|fp16|q8|q4|q4f16] [--image-detail auto|full] [--backend openai --base-url URL [--model NAME] [--api-key-file FILE]]
  Starts the companion on 127.0.0.1 (default port ${DEFAULT_PORT}; --port 0 picks a free one).
  --image-detail full: on the CPU, Ask sees as many pixels as on a GPU (auto halves them: a faster first word).
  The remote backend's API key: LOUPE_BACKEND_API_KEY (or OPENAI_API_KEY) in the environment, or a
  chmod-600 file (--api-key-file, LOUPE_BACKEND_API_KEY_FILE, default LOUPE_HOME/backend-api-key).
  If the remote is not up yet, Loupe retries and serves as soon as it answers.`;

function parseImageDetail(flag: string | undefined, fallback: ImageDetail | undefined): ImageDetail | undefined {
  if (flag === undefined) return fallback;
  if (!isImageDetail(flag)) throw new UsageError(`--image-detail must be ${IMAGE_DETAILS.join(' or ')}, not "${flag}"`);
  return flag;
}

async function defaultModelId(): Promise<string | undefined> {
  try {
    return (await import('@loupe/models')).DEFAULT_MODEL_ID;
  } catch {
    return undefined;
  }
}

async function printWelcome(port: number, vlm: boolean): Promise<void> {
  const out = join(REPO_ROOT, 'extension', '.output');
  const builds = [
    ['Chrome / Chromium', 'chrome-mv3', 'chrome://extensions → Developer mode → "Load unpacked" → pick'],
    ['Firefox', 'firefox-mv2', 'about:debugging#/runtime/this-firefox → "Load Temporary Add-on" → pick manifest.json in'],
    ['Firefox (MV3)', 'firefox-mv3', 'about:debugging#/runtime/this-firefox → "Load Temporary Add-on" → pick manifest.json in'],
  ] as const;
  const lines = [`Loupe companion listening on http://127.0.0.1:${port} (OCR engine starting)`, ''];
  const found = builds.filter(([, dir]) => existsSync(join(out, dir)));
  if (found.length) {
    lines.push('Load the extension:');
    for (const [browser, dir, how] of found) lines.push(`  ${browser}: ${how}`, `      ${join(out, dir)}`);
    lines.push('  It pairs by itself (native messaging host dev.loupe.companion is registered).');
  } else {
    lines.push(`The extension is not built yet: run \`npm run build\` in ${REPO_ROOT}, then load ${join(out, 'chrome-mv3')} in chrome://extensions (Developer mode → Load unpacked).`);
  }
  if (!vlm) {
    const id = await defaultModelId();
    lines.push('', 'No vision-language model loaded (OCR works). For Explain / To code / Ask:');
    lines.push(`  loupe models pull ${id ?? '<id>'}${id ? '' : '   (see `loupe models list`)'}`);
    lines.push(`  loupe start --model ${id ?? '<id>'}      (remembered: next time \`loupe start\` is enough)`);
  }
  lines.push('', 'Stop with Ctrl+C.');
  process.stdout.write(lines.join('\n') + '\n');
}

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    port: { type: 'string' },
    model: { type: 'string' },
    device: { type: 'string' },
    dtype: { type: 'string' },
    'image-detail': { type: 'string' },
    backend: { type: 'string' },
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    'api-key-file': { type: 'string' },
    'no-pair': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const home = loupeHome();
  const config = readConfig(home);
  const port = parsePort(values.port ?? process.env.LOUPE_PORT, config.port ?? DEFAULT_PORT);
  const device = parseDevice(values.device, config.device ?? 'auto');
  let backend = config.backend;
  if (values.backend !== undefined) {
    if (values.backend !== 'openai') throw new UsageError(`--backend must be "openai", not "${values.backend}"`);
    if (!values['base-url']) throw new UsageError('--backend openai needs --base-url http://host:port/v1');
    try {
      new URL(values['base-url']);
    } catch {
      throw new UsageError(`--base-url is not a URL: "${values['base-url']}"`);
    }
    backend = {
      kind: 'openai',
      baseUrl: values['base-url'],
      ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
      ...(values['api-key-file'] ? { apiKeyFile: resolve(values['api-key-file']) } : {}),
    };
  } else if (values['api-key-file'] && backend) {
    backend = { ...backend, apiKeyFile: resolve(values['api-key-file']) };
  }
  if (values['api-key']) {
    process.stderr.write('loupe start: --api-key is visible to every user in `ps`; put the key in LOUPE_BACKEND_API_KEY or a chmod-600 file (--api-key-file) instead\n');
  }
  const model = values.model ?? config.model;
  const imageDetail = parseImageDetail(values['image-detail'], config.imageDetail);
  // An explicit GPU that cannot run fails here, in seconds, with the reason and the fix.
  if ((device === 'webgpu' || device === 'cuda') && !backend) await chooseDevice(device);
  const running = findRunningDaemon(home);
  if (running && running.pid !== process.pid) {
    throw new UsageError(`a Loupe companion is already running (pid ${running.pid}, port ${running.port}); stop it first or use another LOUPE_HOME`);
  }
  const log = createLogger();
  let daemon;
  try {
    const dtype = values.dtype;
    if (dtype !== undefined && !/^[a-z0-9]+$/.test(dtype)) throw new UsageError(`--dtype must be a dtype name such as q4, q8, fp16 or q4f16, not "${dtype}"`);
    daemon = await startDaemon({ home, port, log, device, ...(model ? { model } : {}), ...(dtype ? { dtype } : {}), ...(imageDetail ? { imageDetail } : {}), ...(backend ? { backend } : {}), ...(config.limits ? { limits: config.limits } : {}), pair: !values['no-pair'] });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use: stop what uses it, or run \`loupe start --port 0\` (free port) / \`--port N\``);
    if (code === 'EACCES') throw new UsageError(`no permission to listen on port ${port}: use a port above 1023`);
    throw e;
  }
  const remembered = rememberStartChoices(home, {
    ...(values.port !== undefined ? { port } : {}),
    ...(values.model !== undefined ? { model: values.model } : {}),
    ...(values.device !== undefined ? { device } : {}),
    ...(values['image-detail'] !== undefined ? { imageDetail } : {}),
  });
  await printWelcome(daemon.server.port, Boolean(model || backend));
  if (remembered.length) process.stdout.write(`Remembered ${remembered.join(', ')} in ${join(home, 'config.json')}: a plain \`loupe start\` brings them back.\n`);
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      void daemon.stop().finally(() => {
        clearTimeout(force);
        resolveStop();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log.info('stopped');
  log.flush?.();
  return 0;
}
