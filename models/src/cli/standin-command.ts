import { resolve } from 'node:path';
import { CATALOG } from '../catalog';
import type { Dtype } from '../dtypes';
import { parseDtype } from '../dtypes';
import { DEFAULT_FAMILY_ID, getFamily } from '../families';
import { formatBytes } from '../pull/errors';
import { buildStandIn } from '../standin/build';
import { buildFullStandIn, FULL_DTYPES } from '../standin/full/build-full';
import type { FullDtype } from '../standin/full/build-full';
import { STAND_IN_LABEL } from '../standin/config-files';
import { parse, UsageError } from './args';

/** `loupe models stand-in <dir> …`: a tiny stand-in, or (--size) one at a catalog model's real dimensions. */
export async function standInCommand(argvIn: string[], print: (s: string) => void, usage: (print: (s: string) => void) => number): Promise<number> {
  // A bare `--external-data` means one chunk (parseArgs string options need a value).
  const argv = argvIn.flatMap((a, i) => (a === '--external-data' && !/^\d+$/.test(argvIn[i + 1] ?? '') ? [a, '1'] : [a]));
  const { values, positionals } = parse(argv, {
    family: { type: 'string' },
    dtype: { type: 'string' },
    'external-data': { type: 'string' },
    'eos-after': { type: 'string' },
    repeat: { type: 'string' },
    size: { type: 'string' },
  });
  if (values.help) return usage(print);
  const [dir, ...extra] = positionals;
  if (values.size !== undefined) return fullSizeStandIn(dir, extra, values, print);
  if (!dir || extra.length) throw new UsageError('usage: loupe models stand-in <dir> [--family F] [--dtype D] [--external-data [N]]');
  const family = getFamily(values.family ?? DEFAULT_FAMILY_ID).id;
  const dtype: Dtype = values.dtype ? parseDtype(values.dtype) : 'fp32';
  const externalData = values['external-data'] === undefined ? undefined : Number(values['external-data']);
  if (externalData !== undefined && (!Number.isInteger(externalData) || externalData < 1)) throw new UsageError('--external-data takes a chunk count ≥ 1');
  const eosAfter = values['eos-after'] === undefined ? undefined : Number(values['eos-after']);
  if (eosAfter !== undefined && (!Number.isInteger(eosAfter) || eosAfter < 1)) throw new UsageError('--eos-after takes a token count ≥ 1');
  const repeatTokens = values.repeat?.split(',').map((s) => Number(s.trim()));
  if (repeatTokens?.some((t) => !Number.isInteger(t) || t < 0 || t >= 151643)) throw new UsageError('--repeat takes comma-separated ordinary token ids (< 151643)');
  const result = await buildStandIn(resolve(dir), { family, dtype, externalData, eosAfter, repeatTokens });
  print(`wrote ${result.dir} (${getFamily(result.family).label}, ${result.dtype}, ${result.files.length} files) — ${STAND_IN_LABEL}`);
  return 0;
}

async function fullSizeStandIn(dir: string | undefined, extra: string[], values: Record<string, unknown>, print: (s: string) => void): Promise<number> {
  if (!dir || extra.length) throw new UsageError('usage: loupe models stand-in <dir> --size <id> [--dtype q4|q4f16|fp16]');
  const others = ['family', 'external-data', 'eos-after', 'repeat'].filter((k) => values[k] !== undefined);
  if (others.length) throw new UsageError(`--size does not combine with --${others.join(', --')} (the family and files follow the catalog model)`);
  const size = String(values.size);
  if (!CATALOG.some((c) => c.id === size)) throw new UsageError(`--size takes a catalog id: ${CATALOG.map((c) => c.id).join(', ')}`);
  const dtype = values.dtype === undefined ? 'q4' : String(values.dtype);
  if (!(FULL_DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`--size builds ${FULL_DTYPES.join(', ')}, not ${dtype}`);
  const t0 = performance.now();
  const result = await buildFullStandIn(resolve(dir), { size, dtype: dtype as FullDtype, onProgress: (m) => print(m) });
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  print(`wrote ${result.dir} (${size} dimensions, ${result.dtype}, ${formatBytes(result.weightBytes)} of random weights, ${seconds} s) — ${STAND_IN_LABEL}`);
  return 0;
}
