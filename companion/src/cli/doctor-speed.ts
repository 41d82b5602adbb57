import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { ServerStatus } from '@loupe/shared';
import { homePaths } from '../config/paths';
import { measureMemoryBandwidth } from '../engine/device/mem-bandwidth';
import { chooseDtype } from '../engine/vlm/dtypes';
import { readJson, resolveModelDir, type ModelConfig } from '../engine/vlm/model-dir';
import { pixelBudget, type ImageDetail } from '../engine/vlm/pixel-budget';
import { describeEstimate, describeWork, estimateFromBandwidth, weightBytes } from '../engine/vlm/speed-estimate';
import type { Check } from './doctor';

/**
 * `loupe doctor`'s speed line: what to expect before clicking. From the running companion's
 * loaded model (priced from its warm-up run) when there is one, otherwise from the model's size
 * and this machine's memory bandwidth, measured here (a few seconds).
 */
export async function speedCheck(o: { home: string; port: number; running: boolean; model?: string; imageDetail?: ImageDetail }): Promise<Check | undefined> {
  const live = o.running ? await runningEstimate(o.home, o.port) : undefined;
  if (live) return { name: 'speed', level: 'info', detail: `${live.id} on ${live.device}: ${describeEstimate(live.speed)}` };
  try {
    const { DEFAULT_MODEL_ID, getFamily } = await import('@loupe/models');
    const { dir, id } = resolveModelDir(o.model ?? DEFAULT_MODEL_ID, o.home);
    const config = readJson<ModelConfig>(dir, 'config.json');
    const family = getFamily(String(config.model_type));
    const dtype = chooseDtype(dir, 'cpu');
    const bandwidth = Math.max(await measureMemoryBandwidth(1, undefined, 3), await measureMemoryBandwidth(cpus().length, undefined, 3));
    const estimate = estimateFromBandwidth(weightBytes(dir, dtype), describeWork(family.patchSize, family.mergeSize, pixelBudget('describe', 'cpu', o.imageDetail)), bandwidth);
    const standIn = config.loupe_stand_in ? ' (stand-in: speed only, its text is noise)' : '';
    return { name: 'speed', level: 'info', detail: `${id} ${dtype} on the CPU${standIn}: ${describeEstimate(estimate)}, ${bandwidth.toFixed(1)} GB/s measured now` };
  } catch {
    return undefined; // the model check above already says what is wrong with it
  }
}

async function runningEstimate(home: string, port: number) {
  try {
    const token = readFileSync(homePaths(home).token, 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${port}/v1/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return undefined;
    const status = ServerStatus.parse(await res.json());
    const model = status.engines.find((e) => e.kind === 'vlm' && e.state === 'ready')?.model;
    return model?.speed ? { id: model.id, device: model.device, speed: model.speed } : undefined;
  } catch {
    return undefined;
  }
}
