import { cpus, loadavg } from 'node:os';
import { getCatalogEntry, getFamily, resizeFactor } from '@loupe/models';
import type { JobStats, SpeedEstimate } from '@loupe/shared';
import { pixelBudget } from '../../engine/vlm/pixel-budget';
import { taskPrompt } from '../../engine/vlm/prompts';
import { describeEstimate } from '../../engine/vlm/speed-estimate';
import { launchDaemon, waitForEngines, type LaunchedDaemon } from '../../client/daemon-process';
import { screenshotPng } from '../screens';
import { BenchClient, type TimedResult } from '../ws-client';
import { runLlamaPeer } from './llama-peer';
import { measureMemoryBandwidth } from '../../engine/device/mem-bandwidth';
import { ensureRealModels } from './model-cache';
import { estimatePromptTokens, visualTokens } from './prompt-length';
import { buildResult, type VlmRealResult } from './report';

export interface VlmRealOptions {
  size: string;
  /** Tokens decoded per job (EOS ignored), the same for the peer. */
  decode: number;
  /** Prompt tokens of the long-context job. */
  longContext: number;
  /** The companion's --device (default cpu); the peer always runs on the CPU prebuild. */
  device?: string;
  /** Another stand-in folder for the companion (e.g. a q4f16 one for WebGPU); the peer's GGUF still comes from the cache. */
  modelDir?: string;
  log: (m: string) => void;
}

/**
 * `loupe bench --only vlm-real`: the full-size stand-in through the real daemon and engine host,
 * llama.cpp on the same text dimensions, and the memory bandwidth, all in one run.
 */
export async function runVlmReal(o: VlmRealOptions): Promise<VlmRealResult> {
  const { log } = o;
  const threads = cpus().length;
  const loadBefore = loadavg()[0]!;
  const models = await ensureRealModels(o.size, log);
  const family = getFamily(getCatalogEntry(o.size).family);

  log(`measuring memory bandwidth (1 and ${threads} threads, best of 6 passes)…`);
  const bandwidth = Math.max(await measureMemoryBandwidth(1), await measureMemoryBandwidth(threads));

  log('starting the companion with the stand-in (EOS ignored: every job decodes exactly its maxTokens)…');
  const t0 = performance.now();
  let daemon: LaunchedDaemon | undefined;
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  let describe: TimedResult;
  let long: TimedResult;
  let estimate: SpeedEstimate | undefined;
  try {
    daemon = await launchDaemon({ args: ['--model', o.modelDir ?? models.dir, '--device', o.device ?? 'cpu'], logLevel: 'warn', timeoutMs: 600_000, env: { LOUPE_BENCH_IGNORE_EOS: '1' } });
    const d = daemon;
    sampler = setInterval(() => (peak = Math.max(peak, d.rssMb().largestChild)), 250);
    await waitForEngines(d, ['qwen-vl'], 600_000);
    const loadMs = performance.now() - t0;
    estimate = (await d.status()).engines.find((e) => e.name === 'qwen-vl')?.model?.speed;
    log(`  engine ready after ${(loadMs / 1000).toFixed(1)} s${estimate ? `; it expects ${describeEstimate(estimate)}` : ''}`);
    const client = await BenchClient.connect(d.port, d.token);
    const png = await screenshotPng('720p');
    log(`describe, 1280×720 screenshot, ${o.decode} tokens: TTFT split and decode at the describe context…`);
    describe = await client.run({ task: 'describe', maxTokens: o.decode }, [png]);
    log(`  ${summary(describe.done.stats)}`);
    // The same image with a long question brings the context to ~longContext tokens.
    const visual = visualTokens(1280, 720, pixelBudget('describe', o.device === 'cuda' || o.device === 'webgpu' ? o.device : 'cpu'), resizeFactor(family));
    const describeTokens = describe.done.stats.promptTokens ?? (await estimatePromptTokens(models.dir, taskPrompt('describe', { family, locale: 'en', imageCount: 1 }), visual));
    const words = Math.max(16, Math.min(3900, o.longContext - describeTokens));
    const question = `${' the'.repeat(words)}\nDescribe the screenshot.`;
    log(`describe with a ${words}-word question (~${o.longContext} tokens of context), ${o.decode} tokens…`);
    long = await client.run({ task: 'describe', prompt: question, maxTokens: o.decode }, [png]);
    log(`  ${summary(long.done.stats)}`);
    client.close();
    const loadDuringLoupe = loadavg()[0]!;
    peak = Math.max(peak, d.rssMb().largestChild);
    clearInterval(sampler);
    await d.stop();
    daemon = undefined;

    const longTokens = long.done.stats.promptTokens ?? (await estimatePromptTokens(models.dir, question, visual));
    const estimated = describe.done.stats.promptTokens === undefined || long.done.stats.promptTokens === undefined;
    const lengths = [describeTokens, longTokens].map((prompt) => ({ prompt, decode: o.decode }));
    log(`llama.cpp peer (node-llama-cpp CPU prebuilt, ${threads} threads, same prompt lengths and decode counts; text only)…`);
    const peer = await runLlamaPeer(models.gguf, threads, lengths, log);
    const loadAverages = { start: loadBefore, afterLoupe: loadDuringLoupe, afterPeer: loadavg()[0]! };
    return buildResult({ size: o.size, threads, loadMs, estimate, describe, long, promptTokens: [describeTokens, longTokens], estimated, peer, bandwidth, models, peakRssMb: peak, loadAverages, decode: o.decode });
  } finally {
    if (sampler) clearInterval(sampler);
    await daemon?.stop();
  }
}

function summary(s: JobStats): string {
  const f = (v: number | undefined, unit = 'ms') => (v === undefined ? 'n/a' : `${Math.round(v)} ${unit}`);
  return `prompt ${s.promptTokens ?? 'n/a'} tokens, vision ${f(s.visionEncodeMs)}, prefill ${f(s.prefillMs)}, first step ${f(s.firstStepMs)}, decoded ${s.decodeTokens ?? 'n/a'} at ${s.tokensPerSecond?.toFixed(2) ?? 'n/a'} tok/s, total ${f(s.totalMs)}`;
}
