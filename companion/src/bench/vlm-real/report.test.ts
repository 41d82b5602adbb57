import { describe, expect, it } from 'vitest';
import type { JobStats } from '@loupe/shared';
import type { TimedResult } from '../ws-client';
import { buildResult, vlmRealTable } from './report';

const job = (stats: Partial<JobStats>, firstDeltaMs = 9000): TimedResult => ({
  done: { type: 'done', id: 'b1', text: '', finishReason: 'length', model: { engine: 'qwen-vl', id: 'x', device: 'cpu', standIn: true }, stats: { totalMs: 10_000, ...stats } } as TimedResult['done'],
  roundTripMs: 10_000,
  startedMs: 5,
  firstDeltaMs,
});

const inputs = (describe: TimedResult, long: TimedResult) => ({
  size: 'qwen2.5-vl-3b',
  threads: 2,
  loadMs: 40_000,
  describe,
  long,
  promptTokens: [620, 4020] as [number, number],
  estimated: true,
  peer: { loadMs: 3000, threads: 2, runs: [{ promptTokens: 620, prefillMs: 10_000, prefillTps: 62, decodeTokens: 16, decodeTps: 8 }, { promptTokens: 4020, prefillMs: 80_000, prefillTps: 50, decodeTokens: 16, decodeTps: 6 }] },
  bandwidth: 19,
  models: { dir: '/m', gguf: '/m/g', onnxDecoderBytes: 1.9e9, ggufBytesPerToken: 1.6e9, built: false },
  peakRssMb: 3300,
  loadAverages: { start: 1, afterLoupe: 1, afterPeer: 1 },
  decode: 16,
});

describe('vlm-real report', () => {
  it('computes rates and ratios from the stats, and the bandwidth fraction from the decoder bytes', () => {
    const r = buildResult(inputs(job({ visionEncodeMs: 20_000, prefillMs: 10_000, ttftMs: 31_000, tokensPerSecond: 4, decodeTokens: 16 }), job({ prefillMs: 100_000, tokensPerSecond: 3, decodeTokens: 16 })));
    expect(r.vlm_real_ttft_ms).toBe(31_000);
    expect(r.vlm_real_ttft_source).toBe('engine');
    expect(r.vlm_real_prefill_tps).toBe(62);
    expect(r.ratio_prefill_vs_llamacpp).toBe(1);
    expect(r.ratio_decode_vs_llamacpp).toBe(0.5);
    expect(r.decode_bw_fraction).toBe(0.4); // 1.9 GB × 4 tok/s ÷ 19 GB/s
    expect(r.vlm_real_prompt_tokens_source).toBe('estimate');
  });

  it('says n/a for what the engine does not report, and notes when EOS was not ignored', () => {
    const r = buildResult(inputs(job({ tokensPerSecond: 4, decodeTokens: 7 }), job({})));
    expect(r.vlm_real_vision_ms).toBeNull();
    expect(r.vlm_real_ttft_source).toBe('client');
    expect(r.vlm_real_ttft_ms).toBe(9000);
    expect(r.notes.join('\n')).toMatch(/decoded 7 of 16 tokens/);
    expect(vlmRealTable(r)).toContain('n/a (engine does not report it yet)');
  });
});
