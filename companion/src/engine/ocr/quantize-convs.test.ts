import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { onnx } from '@loupe/models/onnx/proto';
import { ctcGreedyDecode } from './ctc';
import { CTC_OUTPUTS } from './ctc-outputs';
import { charErrors } from './eval/score';
import { fuseActivations } from './fuse-activations';
import { resolvePpOcrModelFiles } from './model-files';
import { OcrPipeline } from './pipeline';
import { quantizeConvs } from './quantize-convs';
import { REC_RANGES } from './rec-int8-ranges';
import { fp32RecognizerModel, int8Enabled, REC_INT8_CONVS, recognizerModel } from './rec-model';
import { buildDictionary } from './recognizer';
import { tapRecogniser } from './eval/tap-recogniser';

const TUNE = resolve(import.meta.dirname, '../../../../test/fixtures/ocr-corpus/tune');
const PAGES = ['c_en-045-ide-dark', 'c_en-066-gh-md', 'c_zh-081-ui-small'];
const opCount = (bytes: Uint8Array, op: string) => onnx.ModelProto.decode(bytes).graph!.node!.filter((n) => n.opType === op).length;

interface Read {
  text: string[];
  best: Int32Array[];
  bestProb: Float32Array[];
}

describe('quantizeConvs', () => {
  let fp32: Uint8Array;
  let int8: Uint8Array;
  const reads: Record<'fp32' | 'int8', Read> = { fp32: { text: [], best: [], bestProb: [] }, int8: { text: [], best: [], bestProb: [] } };

  beforeAll(async () => {
    // Real line crops: what the fp32 pipeline feeds its recogniser on a few tuning pages.
    const pipeline = await OcrPipeline.load({ int8: false, threads: 1 });
    const feeds: ort.InferenceSession.FeedsType[] = [];
    tapRecogniser(pipeline, (data, dims) => void feeds.push({ x: new ort.Tensor('float32', data, dims) }));
    for (const page of PAGES) await pipeline.recognizeBytes(await readFile(join(TUNE, `${page}.png`)));
    await pipeline.release();
    fp32 = await fp32RecognizerModel();
    int8 = (await recognizerModel({ int8: true })).bytes;
    const dict = buildDictionary(readFileSync(resolvePpOcrModelFiles().keys, 'utf8'));
    for (const which of ['fp32', 'int8'] as const) {
      const session = await ort.InferenceSession.create(which === 'fp32' ? fp32 : int8, { logSeverityLevel: 3, intraOpNumThreads: 1 });
      for (const f of feeds) {
        const out = await session.run(f);
        const steps = { best: out[CTC_OUTPUTS.best]!.data as Int32Array, bestProb: out[CTC_OUTPUTS.bestProb]!.data as Float32Array, spaceProb: out[CTC_OUTPUTS.spaceProb]!.data as Float32Array };
        const [n, T] = out[CTC_OUTPUTS.best]!.dims as [number, number];
        for (let k = 0; k < n; k++) {
          reads[which].text.push(ctcGreedyDecode(steps, k * T, T, dict).chars.map((c) => c.char).join(''));
          reads[which].best.push(steps.best.slice(k * T, (k + 1) * T));
          reads[which].bestProb.push(steps.bestProb.slice(k * T, (k + 1) * T));
        }
      }
      await session.release();
    }
  }, 300_000);

  it('turns the chosen convolutions into int8 QDQ form', () => {
    expect(opCount(int8, 'Conv')).toBe(opCount(fp32, 'Conv'));
    // Per convolution: weights, bias, input and output are dequantised; input and output quantised.
    expect(opCount(int8, 'DequantizeLinear')).toBe(4 * REC_INT8_CONVS.length);
    expect(opCount(int8, 'QuantizeLinear')).toBe(2 * REC_INT8_CONVS.length);
  });

  it('runs the hard-swish after an int8 convolution as one HardSwish op', () => {
    expect(opCount(int8, 'HardSwish')).toBe(REC_INT8_CONVS.length);
    expect(opCount(int8, 'HardSigmoid')).toBe(opCount(fp32, 'HardSigmoid') - REC_INT8_CONVS.length);
    expect(opCount(int8, 'Mul')).toBe(opCount(fp32, 'Mul') - REC_INT8_CONVS.length);
  });

  it('spends the levels of an output only a hard-swish reads above −3', () => {
    const graph = onnx.ModelProto.decode(int8).graph!;
    const conv = graph.node!.find((n) => n.name === REC_INT8_CONVS[0])!;
    const y = conv.output![0]!.replace(/__int8_y$/, '');
    const [lo, hi] = REC_RANGES[y]!;
    expect(lo).toBeLessThan(-3);
    const init = (name: string) => graph.initializer!.find((t) => t.name === name)!;
    const scale = init(`${y}__scale`).floatData![0]!;
    const zero = init(`${y}__zero`).rawData![0]!;
    expect(scale).toBeCloseTo((hi + 3) / 255, 6);
    expect(zero).toBe(Math.round(3 / scale));
  });

  it('reads the same text as fp32 on real tuning-page crops', () => {
    const { fp32: a, int8: b } = reads;
    expect(a.text.length).toBeGreaterThan(30);
    const same = a.text.filter((t, i) => t === b.text[i]).length;
    const errors = a.text.reduce((sum, t, i) => sum + charErrors(b.text[i]!, t).errors, 0);
    const chars = a.text.reduce((sum, t) => sum + charErrors(t, t).length, 0);
    // Tolerance: ≥ 90 % of crops identical and ≤ 1 % character difference overall.
    expect(same / a.text.length).toBeGreaterThanOrEqual(0.9);
    expect(errors / chars).toBeLessThanOrEqual(0.01);
  });

  it('keeps the per-step class and its probability close to fp32', () => {
    let steps = 0, agree = 0, probDiff = 0;
    reads.fp32.best.forEach((a, i) => {
      const b = reads.int8.best[i]!;
      for (let t = 0; t < a.length; t++, steps++) {
        if (a[t] !== b[t]) continue;
        agree++;
        probDiff += Math.abs(reads.fp32.bestProb[i]![t]! - reads.int8.bestProb[i]![t]!);
      }
    });
    expect(agree / steps).toBeGreaterThanOrEqual(0.97);
    expect(probDiff / agree).toBeLessThan(0.02);
  });

  it('quantises every calibrated convolution unless told otherwise, the first one included', () => {
    const all = quantizeConvs(fp32, REC_RANGES)!;
    expect(opCount(all, 'QuantizeLinear')).toBeGreaterThan(opCount(int8, 'QuantizeLinear'));
    const firstConv = onnx.ModelProto.decode(fp32).graph!.node!.find((n) => n.opType === 'Conv')!.name!;
    expect(onnx.ModelProto.decode(all).graph!.node!.find((n) => n.name === firstConv)!.input![0]).toBe('x__dq');
    expect(onnx.ModelProto.decode(int8).graph!.node!.find((n) => n.name === firstConv)!.input![0]).toBe('x');
  });

  it('stays off unless LOUPE_OCR_INT8=1 asks for it', () => {
    const saved = process.env.LOUPE_OCR_INT8;
    try {
      delete process.env.LOUPE_OCR_INT8;
      expect(int8Enabled()).toBe(false);
      process.env.LOUPE_OCR_INT8 = '0';
      expect(int8Enabled()).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.LOUPE_OCR_INT8;
      else process.env.LOUPE_OCR_INT8 = saved;
    }
  });

  it('leaves a graph it was not calibrated on alone', () => {
    const det = fuseActivations(readFileSync(resolvePpOcrModelFiles().det));
    expect(quantizeConvs(det, REC_RANGES)).toBeUndefined();
    expect(quantizeConvs(fp32, {})).toBeUndefined();
    expect(quantizeConvs(fp32, { ...REC_RANGES, 'no such tensor': [0, 1] })).toBeUndefined();
  });
});
