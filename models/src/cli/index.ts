import { existsSync } from 'node:fs';
import { cp, lstat, readdir, rm } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { CATALOG, catalogCaveats, DEFAULT_MODEL_ID } from '../catalog';
import { parseDtype } from '../dtypes';
import { familyIds, getFamily } from '../families';
import { isReallyInside } from '../pull/contained-path';
import { formatBytes, PullError } from '../pull/errors';
import { writeManifest } from '../pull/manifest';
import { pullModel } from '../pull/pull-model';
import { STAND_IN_LABEL } from '../standin/config-files';
import { formatProblem } from '../verify/problems';
import type { VerifyResult } from '../verify/problems';
import { verifyModelDir } from '../verify/verify-model-dir';
import { listInstalled } from './installed';
import { createPullProgress } from './progress';
import { parse, UsageError } from './args';
import { standInCommand } from './standin-command';

export interface ModelsCommandOptions {
  /** LOUPE_HOME (the caller owns that logic); falls back to the LOUPE_HOME environment variable. */
  home?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const usageText = () => `loupe models — manage vision-language models (under LOUPE_HOME/models)

  loupe models list [--json]                          installed models and the catalog
  loupe models pull <id> [--dtype D] [--offline]      download from the Hugging Face hub (resumable)
  loupe models rm <id>                                delete an installed model
  loupe models verify <dir|id> [--dtype D] [--hashes] [--json]
                                                      check a model directory against the loading contract
                                                      (--hashes: re-hash pulled files against the hub's sha256)
  loupe models import <dir> [--id NAME]               verify and copy a local model directory
  loupe models stand-in <dir> [--family F] [--dtype D] [--external-data [N]] [--eos-after N] [--repeat ids]
                                                      build a ${STAND_IN_LABEL}
  loupe models stand-in <dir> --size <id> [--dtype q4|q4f16|fp16]
                                                      the same at the real dimensions of a catalog model
                                                      (random weights, GBs on disk; for benchmarks)

  dtypes: fp32 fp16 q8 int8 uint8 q4 q4f16 bnb4; families: ${familyIds().join(' ')}
  env: HF_ENDPOINT (hub URL), HF_TOKEN, HF_HUB_OFFLINE=1`;

/** `loupe models ...`: returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runModelsCommand(argv: string[], options: ModelsCommandOptions = {}): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  const print = (s: string) => out.write(`${s}\n`);
  const fail = (s: string) => err.write(`loupe models: ${s}\n`);
  const [sub, ...rest] = argv;
  try {
    if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
      print(usageText());
      return sub ? 0 : 2;
    }
    const home = () => {
      const h = options.home ?? process.env.LOUPE_HOME;
      if (!h) throw new UsageError('LOUPE_HOME is not known: run this through `loupe models` or set LOUPE_HOME');
      return h;
    };
    switch (sub) {
      case 'list':
        return await list(rest, home(), print);
      case 'pull':
        return await pull(rest, home(), print, fail, err);
      case 'rm':
        return await remove(rest, home(), print, fail);
      case 'verify':
        return await verify(rest, options.home ?? process.env.LOUPE_HOME, print, fail);
      case 'import':
        return await importDir(rest, home(), print, fail);
      case 'stand-in':
        return await standInCommand(rest, print, usage);
      default:
        throw new UsageError(`unknown subcommand "${sub}" — run \`loupe models help\``);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      fail(e.message);
      return 2;
    }
    fail((e as Error).message.split('\n')[0] ?? String(e));
    return 1;
  }
}

async function list(argv: string[], home: string, print: (s: string) => void): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) return usage(print);
  const installed = await listInstalled(home);
  if (values.json) {
    print(JSON.stringify({
      installed: installed.map(({ manifest, ...m }) => ({ ...m, source: manifest?.source, repo: manifest?.repo, commit: manifest?.commit, label: m.standIn ? STAND_IN_LABEL : undefined })),
      catalog: CATALOG.map((c) => ({ ...c, caveats: catalogCaveats(c), installed: installed.some((m) => m.id === c.id), default: c.id === DEFAULT_MODEL_ID })),
    }, null, 2));
    return 0;
  }
  print(`Installed (${join(home, 'models')}):`);
  if (installed.length === 0) print('  none');
  for (const m of installed) {
    const what = m.standIn ? STAND_IN_LABEL : (m.manifest?.repo ?? m.manifest?.importedFrom ?? 'local directory');
    print(`  ${m.id.padEnd(22)} ${(m.family ?? '?').padEnd(11)} ${(m.dtypes.join(',') || 'no sessions').padEnd(12)} ${formatBytes(m.bytes).padStart(9)}  ${what}`);
  }
  print('');
  print('Catalog (loupe models pull <id> [--dtype D]):');
  for (const c of CATALOG) {
    const size = c.approxBytes[c.defaultDtype.cpu] ?? c.approxBytes[c.defaultDtype.gpu];
    const flags = [c.id === DEFAULT_MODEL_ID ? 'default' : '', installed.some((m) => m.id === c.id) ? 'installed' : '', c.verified.repo ? '' : 'repo unverified'].filter(Boolean);
    print(`  ${c.id.padEnd(16)} ${c.label.padEnd(24)} ~${size ? formatBytes(size) : '?'} (${c.defaultDtype.cpu} CPU / ${c.defaultDtype.gpu} GPU)  ${c.licence}${flags.length ? `  [${flags.join(', ')}]` : ''}`);
    for (const caveat of catalogCaveats(c)) print(`      - ${caveat}`);
  }
  return 0;
}

async function pull(
  argv: string[],
  home: string,
  print: (s: string) => void,
  fail: (s: string) => void,
  err: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<number> {
  const { values, positionals } = parse(argv, {
    dtype: { type: 'string' },
    offline: { type: 'boolean' },
    device: { type: 'string' },
    'hub-url': { type: 'string' },
  });
  if (values.help) return usage(print);
  const [id] = positionals;
  if (!id || positionals.length > 1) throw new UsageError('usage: loupe models pull <id> [--dtype D] [--offline]');
  const dtype = values.dtype ? parseDtype(values.dtype) : undefined;
  if (values.device && values.device !== 'gpu' && values.device !== 'cpu') throw new UsageError('--device must be gpu or cpu (picks the default dtype)');
  const progress = createPullProgress(err);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await pullModel({
      id,
      home,
      dtype,
      offline: values.offline,
      device: values.device as 'gpu' | 'cpu' | undefined,
      hubUrl: values['hub-url'] ?? process.env.HF_ENDPOINT,
      accessToken: process.env.HF_TOKEN,
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.stop(true);
    print(`pulled ${result.id} (${result.dtype}) from ${result.repo}@${result.commit.slice(0, 12)} into ${result.dir}: ${formatBytes(result.downloadedBytes)} downloaded, ${result.skippedFiles} file(s) already present`);
    return reportVerify(result.verify, print, fail);
  } catch (e) {
    progress.stop(false);
    if (e instanceof PullError) {
      fail(e.message);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function modelDirOf(home: string, id: string): string {
  const root = resolve(home, 'models');
  const dir = resolve(root, id);
  if (!dir.startsWith(root + sep) || id.includes('/') || id.includes('\\')) throw new UsageError(`"${id}" is not a model id (see \`loupe models list\`)`);
  return dir;
}

async function remove(argv: string[], home: string, print: (s: string) => void, fail: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) return usage(print);
  const [id] = positionals;
  if (!id || positionals.length > 1) throw new UsageError('usage: loupe models rm <id>');
  const dir = modelDirOf(home, id);
  if (!existsSync(dir)) {
    fail(`no installed model "${id}" (see \`loupe models list\`)`);
    return 1;
  }
  // A link under models/ (planted, or left by an older import) is not ours to delete through.
  if ((await lstat(dir)).isSymbolicLink() || !(await isReallyInside(resolve(home, 'models'), dir))) {
    fail(`${dir} is a link, not a model folder inside ${resolve(home, 'models')}: nothing removed — delete the link itself if you meant to`);
    return 1;
  }
  await rm(dir, { recursive: true, force: true });
  print(`removed ${id} (${dir})`);
  return 0;
}

async function verify(argv: string[], home: string | undefined, print: (s: string) => void, fail: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, { dtype: { type: 'string' }, json: { type: 'boolean' }, hashes: { type: 'boolean' } });
  if (values.help) return usage(print);
  const [target] = positionals;
  if (!target || positionals.length > 1) throw new UsageError('usage: loupe models verify <dir|id> [--dtype D]');
  const dir = existsSync(target) || !home ? target : modelDirOf(home, target);
  const result = await verifyModelDir(dir, { dtype: values.dtype ? parseDtype(values.dtype) : undefined, hashes: values.hashes });
  if (values.json) {
    print(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  }
  return reportVerify(result, print, fail);
}

function reportVerify(result: VerifyResult, print: (s: string) => void, fail: (s: string) => void): number {
  for (const p of result.problems) (p.severity === 'error' ? fail : print)(formatProblem(p));
  if (!result.ok) {
    fail(`${result.dir} does not honour the model contract (${result.problems.filter((p) => p.severity === 'error').length} error(s))`);
    return 1;
  }
  const label = result.standIn ? ` — ${STAND_IN_LABEL}` : '';
  print(`ok: ${result.dir} is a ${result.family ? getFamily(result.family).label : '?'} model (dtypes: ${result.dtypes.join(', ')})${label}`);
  return 0;
}

async function importDir(argv: string[], home: string, print: (s: string) => void, fail: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, { id: { type: 'string' }, dtype: { type: 'string' } });
  if (values.help) return usage(print);
  const [source] = positionals;
  if (!source || positionals.length > 1) throw new UsageError('usage: loupe models import <dir> [--id NAME]');
  const result = await verifyModelDir(source, { dtype: values.dtype ? parseDtype(values.dtype) : undefined });
  if (!result.ok) {
    reportVerify(result, print, fail);
    fail('not imported: fix the problems above first');
    return 1;
  }
  const id = values.id ?? basename(resolve(source)).replace(/[^A-Za-z0-9._-]+/g, '-');
  const dest = modelDirOf(home, id);
  if (existsSync(dest)) {
    fail(`a model "${id}" is already installed: pass --id NAME, or \`loupe models rm ${id}\` first`);
    return 1;
  }
  // dereference: links (a Hugging Face cache snapshot is all links into ../../blobs) become plain
  // files, so the installed folder holds nothing that points outside LOUPE_HOME.
  await cp(resolve(source), dest, { recursive: true, dereference: true, filter: (src) => !/\.part(\.json)?$|\.loupe-pull\.lock$/.test(src) });
  const links = await findLinks(dest);
  if (links.length) {
    await rm(dest, { recursive: true, force: true });
    fail(`not imported: ${links[0]} is still a link after copying — copy the directory without links and import that`);
    return 1;
  }
  await writeManifest(dest, { id, source: result.standIn ? 'stand-in' : 'import', importedFrom: resolve(source), family: result.family, dtype: result.dtypes.join(',') });
  print(`imported ${id} into ${dest}${result.standIn ? ` — ${STAND_IN_LABEL}` : ''}`);
  return 0;
}

async function findLinks(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isSymbolicLink()).map((e) => join(e.parentPath, e.name));
}

function usage(print: (s: string) => void): number {
  print(usageText());
  return 0;
}
