import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { homePaths, loupeHome } from '../config/paths';
import { parse, UsageError } from './args';
import { CUDA_EP_LIBS, onnxruntimeNode } from './ort-paths';
import { publishedPackage, verifyNupkg } from './nupkg-check';
import { extractEntry, listZip } from './unzip';

const PACKAGE = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';

export const nugetUrl = (version: string): string =>
  `https://api.nuget.org/v3-flatcontainer/${PACKAGE.toLowerCase()}/${version}/${PACKAGE.toLowerCase()}.${version}.nupkg`;

const HELP = `loupe gpu-setup [--dry-run] [--from <file.nupkg>] [--target <dir>]
  Opt-in CUDA support. onnxruntime-node installs CPU-only (its CUDA download is skipped so the
  install works offline). With an NVIDIA GPU and internet once, this downloads the NuGet package
  ${PACKAGE} of the same version as onnxruntime-node and copies
  ${CUDA_EP_LIBS.join(' and ')} next to onnxruntime-node's binding.
  You also need the CUDA 12 runtime and cuDNN 9 system libraries (\`loupe doctor\` checks).
  Offline: download the .nupkg elsewhere and pass --from.`;

/** Stops a download that runs past its declared (or published) size: nothing past it reaches the disk. */
const MAX_NUPKG_BYTES = 2 * 1024 * 1024 * 1024;

async function download(url: string, dest: string, expectedSize?: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new Error(`cannot download ${url} (${cause}): this machine looks offline — download it elsewhere and run \`loupe gpu-setup --from <file.nupkg>\``);
  }
  if (!res.ok || !res.body) throw new Error(`download of ${url} failed with HTTP ${res.status} — check that onnxruntime-node's version exists on nuget.org, or pass --from <file.nupkg>`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const limit = expectedSize ?? (total || MAX_NUPKG_BYTES);
  let got = 0;
  let lastPct = -1;
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  body.on('data', (c: Buffer) => {
    got += c.length;
    if (got > limit) body.destroy(new Error(`${url} sent more than ${limit} bytes; stopped — try again later, or pass --from <file.nupkg>`));
    const pct = total ? Math.floor((got / total) * 100) : -1;
    if (pct !== lastPct && pct % 5 === 0 && process.stderr.isTTY) {
      lastPct = pct;
      process.stderr.write(`\r  ${pct}% of ${Math.round(total / 1048576)} MB`);
    }
  });
  const tmp = `${dest}.part`;
  try {
    await pipeline(body, createWriteStream(tmp));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  renameSync(tmp, dest);
}

export async function runGpuSetup(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'dry-run': { type: 'boolean' }, from: { type: 'string' }, target: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new UsageError(`gpu-setup supports Linux x64 only (this is ${process.platform}-${process.arch})`);
  const ort = onnxruntimeNode();
  const target = values.target ?? ort.binDir;
  const url = nugetUrl(ort.version);
  const cacheDir = join(homePaths(loupeHome()).home, 'cache');
  const nupkg = values.from ?? join(cacheDir, `${PACKAGE.toLowerCase()}.${ort.version}.nupkg`);
  const steps = [
    `onnxruntime-node ${ort.version} at ${ort.dir}`,
    values.from ? `1. use ${values.from}` : `1. download ${url}\n     → ${nupkg}`,
    `2. extract runtimes/linux-x64/native/{${CUDA_EP_LIBS.join(',')}}`,
    `3. copy them into ${target}`,
    '4. check: `loupe doctor` (needs CUDA 12 + cuDNN 9 system libraries), then `loupe start --device cuda`',
  ];
  if (values['dry-run']) {
    process.stdout.write(`loupe gpu-setup would:\n  ${steps.join('\n  ')}\n`);
    return 0;
  }
  const already = CUDA_EP_LIBS.every((lib) => existsSync(join(target, lib)));
  if (already && !values.force) {
    process.stdout.write(`CUDA execution provider already installed in ${target} (use --force to reinstall).\n`);
    return 0;
  }
  if (values.from && (!existsSync(values.from) || !statSync(values.from).isFile())) throw new UsageError(`--from: no such file ${values.from}`);
  // Size and hash as nuget.org publishes them, checked before anything is extracted.
  const published = await publishedPackage(PACKAGE, ort.version);
  const known = 'sha512' in published ? published : undefined;
  if (!values.from && !existsSync(nupkg)) {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    process.stdout.write(`Downloading ${url}\n`);
    await download(url, nupkg, known?.size);
  }
  if (known) {
    try {
      await verifyNupkg(nupkg, known);
    } catch (e) {
      if (!values.from) rmSync(nupkg, { force: true });
      throw e;
    }
    process.stdout.write(`verified ${nupkg} against nuget.org's SHA-512\n`);
  } else {
    process.stdout.write(`note: could not read nuget.org's hash (${'unavailable' in published ? published.unavailable : '?'}); each library is still checked against the package's own sizes and CRC-32\n`);
  }
  const entries = await listZip(nupkg);
  mkdirSync(target, { recursive: true });
  for (const lib of CUDA_EP_LIBS) {
    const entry = entries.find((e) => e.name === `runtimes/linux-x64/native/${lib}`);
    if (!entry) throw new Error(`${nupkg} has no runtimes/linux-x64/native/${lib} — is it ${PACKAGE} ${ort.version}?`);
    const dest = join(target, lib);
    const tmp = `${dest}.part`;
    try {
      await extractEntry(nupkg, entry, tmp);
      if (statSync(tmp).size !== entry.size) throw new Error(`${lib} extracted to ${statSync(tmp).size} bytes, expected ${entry.size}: the package is corrupt, delete ${nupkg} and retry`);
      renameSync(tmp, dest);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    process.stdout.write(`installed ${dest}\n`);
  }
  process.stdout.write('Done. Next: `loupe doctor` (checks CUDA 12 / cuDNN 9), then `loupe start --device cuda`.\n');
  return 0;
}
