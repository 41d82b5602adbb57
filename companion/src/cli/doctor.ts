import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { freemem, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_PORT, NATIVE_HOST_NAME } from '@loupe/shared';
import { readConfig, type LoupeConfig } from '../config/config-file';
import { findRunningDaemon } from '../config/daemon-file';
import { homePaths, loupeHome } from '../config/paths';
import { manifestDirsFromEnv } from '../pairing/install-native-host';
import { parse, parsePort } from './args';
import { webgpuChecks } from './doctor-gpu';
import { speedCheck } from './doctor-speed';
import { missingCudaEpLibs, onnxruntimeNode } from './ort-paths';

const run = promisify(execFile);
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export type CheckLevel = 'ok' | 'info' | 'warn' | 'fail';
export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  /** What to do about it (warn/fail). */
  fix?: string;
}

interface Gpu {
  name: string;
  driver: string;
  totalMb: number;
  freeMb: number;
}

async function nvidiaSmi(): Promise<Gpu[] | undefined> {
  try {
    const { stdout } = await run('nvidia-smi', ['--query-gpu=name,driver_version,memory.total,memory.free', '--format=csv,noheader,nounits'], { timeout: 10_000 });
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '?', driver = '?', total = '0', free = '0'] = line.split(',').map((s) => s.trim());
        return { name, driver, totalMb: Number(total), freeMb: Number(free) };
      });
  } catch {
    return undefined;
  }
}

async function sharedLibPresent(pattern: RegExp): Promise<boolean> {
  try {
    const { stdout } = await run('ldconfig', ['-p'], { timeout: 5_000 });
    return pattern.test(stdout);
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen({ host: '127.0.0.1', port }, () => server.close(() => resolvePort(true)));
  });
}

async function checkModel(model: string, home: string): Promise<Check> {
  try {
    const { resolveModelDir } = await import('../engine/vlm/model-dir');
    const { dir } = resolveModelDir(model, home);
    const { verifyModelDir } = await import('@loupe/models');
    const result = await verifyModelDir(dir);
    const errors = result.problems.filter((p) => p.severity === 'error');
    if (!result.ok) {
      return { name: 'model', level: 'fail', detail: `${dir}: ${errors.map((p) => `${p.file}: ${p.problem}`).join('; ')}`, fix: errors[0]?.fix ?? `run \`loupe models verify ${dir}\`` };
    }
    return { name: 'model', level: 'ok', detail: `${dir} (${result.family ?? '?'}; dtypes ${result.dtypes.join(', ') || '?'}${result.standIn ? '; test stand-in' : ''})` };
  } catch (e) {
    return { name: 'model', level: 'fail', detail: (e as Error).message.split('\n')[0] ?? 'invalid', fix: `run \`loupe models pull ${model}\` or pass an existing model directory` };
  }
}

export async function runChecks(o: { home: string; config: LoupeConfig; port: number; model?: string }): Promise<Check[]> {
  const checks: Check[] = [];
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  checks.push(
    major > 20 || (major === 20 && minor >= 9)
      ? { name: 'node', level: 'ok', detail: `Node ${process.versions.node}` }
      : { name: 'node', level: 'fail', detail: `Node ${process.versions.node} is too old`, fix: 'install Node 20.9 or newer (https://nodejs.org, or `nvm install 20`)' },
  );

  const gpus = await nvidiaSmi();
  const ort = onnxruntimeNode();
  const missing = missingCudaEpLibs(ort.binDir);
  if (!gpus || gpus.length === 0) {
    checks.push({ name: 'gpu', level: 'info', detail: 'no NVIDIA GPU found (nvidia-smi missing or no device): the VLM runs on the CPU (slow but works)' });
  } else {
    for (const g of gpus) checks.push({ name: 'gpu', level: 'ok', detail: `${g.name}, driver ${g.driver}, ${g.freeMb} of ${g.totalMb} MB VRAM free` });
    const major = Number(gpus[0]!.driver.split('.')[0]);
    if (Number.isFinite(major) && major < 525) checks.push({ name: 'driver', level: 'warn', detail: `driver ${gpus[0]!.driver} may be too old for CUDA 12`, fix: 'update the NVIDIA driver to 525 or newer' });
    if (gpus[0]!.freeMb < 4096) checks.push({ name: 'vram', level: 'warn', detail: `only ${gpus[0]!.freeMb} MB VRAM free`, fix: 'close other GPU programs, or use a smaller model/dtype (`loupe models list`)' });
  }
  if (missing.length === 0) {
    checks.push({ name: 'cuda-ep', level: 'ok', detail: `CUDA execution provider installed in ${ort.binDir}` });
    const cudnn = await sharedLibPresent(/libcudnn\.so\.9/);
    const cublas = await sharedLibPresent(/libcublasLt\.so\.12/);
    if (!cudnn || !cublas) {
      checks.push({ name: 'cuda-libs', level: 'warn', detail: `CUDA 12 runtime libraries not found by ldconfig (${[!cublas && 'cuBLAS 12', !cudnn && 'cuDNN 9'].filter(Boolean).join(', ')})`, fix: 'install CUDA 12 + cuDNN 9 (e.g. `apt install nvidia-cuda-toolkit libcudnn9-cuda-12`) or add them to LD_LIBRARY_PATH' });
    }
  } else if (gpus?.length) {
    checks.push({ name: 'cuda-ep', level: 'fail', detail: `GPU present but the CUDA execution provider is not installed (missing ${missing.join(', ')} in ${ort.binDir})`, fix: 'run `loupe gpu-setup` (needs internet once), or keep using --device cpu' });
  } else {
    checks.push({ name: 'cuda-ep', level: 'info', detail: `CUDA execution provider not installed (onnxruntime-node ${ort.version}, CPU only); only needed with an NVIDIA GPU (\`loupe gpu-setup\`)` });
  }
  checks.push(...(await webgpuChecks({ nvidiaGpus: gpus?.length ?? 0, cudaEpInstalled: missing.length === 0 })));

  const freeMb = Math.round(freemem() / 1048576);
  const totalMb = Math.round(totalmem() / 1048576);
  checks.push(
    freeMb >= 4096
      ? { name: 'ram', level: 'ok', detail: `${freeMb} of ${totalMb} MB RAM free` }
      : { name: 'ram', level: 'warn', detail: `only ${freeMb} of ${totalMb} MB RAM free; a 3B model on the CPU needs about 4 GB`, fix: 'close other programs, or use a smaller model/dtype (`loupe models list`)' },
  );

  try {
    accessSync(o.home, constants.W_OK);
    checks.push({ name: 'home', level: 'ok', detail: `LOUPE_HOME ${o.home}` });
  } catch {
    if (existsSync(o.home)) checks.push({ name: 'home', level: 'fail', detail: `LOUPE_HOME ${o.home} is not writable`, fix: `fix its permissions (chmod u+w ${o.home}) or set LOUPE_HOME to a writable folder` });
    else checks.push({ name: 'home', level: 'info', detail: `LOUPE_HOME ${o.home} will be created by \`loupe start\`` });
  }
  const tokenPath = homePaths(o.home).token;
  if (existsSync(tokenPath)) {
    const mode = statSync(tokenPath).mode & 0o777;
    checks.push(mode & 0o077 ? { name: 'token', level: 'warn', detail: `token file is readable by others (mode ${mode.toString(8)})`, fix: `chmod 600 ${tokenPath} (or \`loupe token --rotate\`)` } : { name: 'token', level: 'ok', detail: 'token file mode 600' });
  }

  const model = o.model ?? o.config.model;
  const running = findRunningDaemon(o.home);
  if (model) checks.push(await checkModel(model, o.home));
  else {
    const { DEFAULT_MODEL_ID: id } = await import('@loupe/models');
    checks.push({ name: 'model', level: 'info', detail: 'no vision-language model configured (OCR works without one)', fix: `pull one: \`loupe models pull ${id}\`, then \`loupe start --model ${id}\`` });
  }

  const speed = await speedCheck({ home: o.home, port: o.port, running: running?.port === o.port, ...(model ? { model } : {}), ...(o.config.imageDetail ? { imageDetail: o.config.imageDetail } : {}) });
  if (speed) checks.push(speed);
  if (running && running.port === o.port) {
    checks.push({ name: 'port', level: 'ok', detail: `companion running on 127.0.0.1:${running.port} (pid ${running.pid})` });
  } else if (await portFree(o.port)) {
    checks.push({ name: 'port', level: 'ok', detail: `127.0.0.1:${o.port} is free${running ? ` (a companion of this LOUPE_HOME runs on ${running.port})` : ''}` });
  } else {
    checks.push({ name: 'port', level: 'fail', detail: `127.0.0.1:${o.port} is in use by another program`, fix: `stop it (\`ss -ltnp 'sport = :${o.port}'\` shows which), or run \`loupe start --port <N>\`` });
  }

  const registered = manifestDirsFromEnv().filter(({ dir }) => existsSync(join(dir, `${NATIVE_HOST_NAME}.json`)));
  checks.push(
    registered.length
      ? { name: 'pairing', level: 'ok', detail: `native messaging host registered for ${registered.map((d) => d.dir).join(', ')}` }
      : { name: 'pairing', level: 'warn', detail: 'native messaging host not registered: the extension cannot pair by itself', fix: 'run `loupe pair` (or `loupe start`, which registers it)' },
  );
  const ext = join(REPO_ROOT, 'extension', '.output', 'chrome-mv3');
  if (existsSync(join(REPO_ROOT, 'extension'))) {
    checks.push(existsSync(ext) ? { name: 'extension', level: 'ok', detail: `built: ${ext}` } : { name: 'extension', level: 'warn', detail: 'extension not built', fix: 'run `npm run build` in the Loupe folder' });
  }
  return checks;
}

const MARK: Record<CheckLevel, string> = { ok: 'ok  ', info: 'info', warn: 'warn', fail: 'FAIL' };

export async function runDoctor(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, port: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write('loupe doctor [--port N] [--model <id|dir>] [--json]   check Node, GPU/driver, CUDA EP, WebGPU, memory, model, expected speed, port, pairing\n');
    return 0;
  }
  const home = loupeHome();
  let config: LoupeConfig = {};
  const checks: Check[] = [];
  try {
    config = readConfig(home);
  } catch (e) {
    checks.push({ name: 'config', level: 'fail', detail: (e as Error).message, fix: `fix or delete ${homePaths(home).config}` });
  }
  const port = parsePort(values.port, config.port ?? DEFAULT_PORT);
  checks.push(...(await runChecks({ home, config, port, ...(values.model ? { model: values.model } : {}) })));
  const failed = checks.filter((c) => c.level === 'fail').length;
  if (values.json) {
    process.stdout.write(JSON.stringify({ ok: failed === 0, checks }) + '\n');
  } else {
    for (const c of checks) {
      process.stdout.write(`${MARK[c.level]}  ${c.name.padEnd(10)} ${c.detail}\n`);
      if (c.fix && c.level !== 'ok') process.stdout.write(`${' '.repeat(16)}→ ${c.fix}\n`);
    }
    process.stdout.write(failed ? `\n${failed} problem${failed > 1 ? 's' : ''} to fix (see → above).\n` : '\nAll checks passed.\n');
  }
  return failed ? 1 : 0;
}
