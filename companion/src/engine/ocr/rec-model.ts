import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { arch } from 'node:os';
import { compactCtcOutputs } from './ctc-outputs';
import { foldBatchNorms } from './fold-batchnorm';
import { fuseActivations } from './fuse-activations';
import { resolvePpOcrModelFiles } from './model-files';
import { quantizeConvs } from './quantize-convs';
import { REC_RANGES } from './rec-int8-ranges';
import { buildDictionary } from './recognizer';

/**
 * The recogniser convolutions run in int8: the 1×1 convolutions of the middle stages (240 and
 * 480 channels), a third of its time. Measured on the tuning pages (CER / English WER, fp32
 * 5.05 % / 7.94 %): every convolution int8 5.30 % / 10.21 %; all 1×1 from 128 channels up
 * 5.09 % / 8.88 %; the early ones (Conv.10, 12) cost CER (5.42 %), the last ones (Conv.28–32,
 * feeding the sequence neck) WER (8.61 %); this set 5.02 % / 7.01 %. Depthwise, first and
 * neck convolutions stay fp32, fused with their activations in onnxruntime's NCHWc kernels.
 * On ../shared/data/ocr-dev every subset tried flips spaces (WER 1.05–3.67 %, see int8Enabled).
 */
export const REC_INT8_CONVS: readonly string[] = ['p2o.Conv.14', 'p2o.Conv.16', 'p2o.Conv.18', 'p2o.Conv.20', 'p2o.Conv.24'];

/**
 * Whether to run the int8 recogniser: only when asked (`LOUPE_OCR_INT8=1`) and on x86 with VNNI
 * dot products (without them onnxruntime's u8·s8 kernels add pairs in saturating 16-bit). Off by
 * default: it saves about an eighth of the CPU per page (tune, CER / WER 0.46 / 0.60 → 0.47 / 0.60 %),
 * but shifts the space probabilities enough to flip a few spaces on ../shared/data/ocr-dev, whose
 * spacing rules were fitted to fp32 (English WER 0.79 % → 1.31 %; `>.env`, `poetry \`if`; README "Sixth round").
 */
export function int8Enabled(): boolean {
  if (process.env.LOUPE_OCR_INT8 !== '1' || arch() !== 'x64') return false;
  try {
    return /\b(avx512_vnni|avx_vnni)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/** The npm PP-OCRv4 recogniser with its element-wise ops and batch norms folded, and the compact CTC outputs. */
export async function fp32RecognizerModel(): Promise<Uint8Array> {
  const files = resolvePpOcrModelFiles();
  const dict = buildDictionary(await readFile(files.keys, 'utf8'));
  return compactCtcOutputs(foldBatchNorms(fuseActivations(await readFile(files.rec))), dict.lastIndexOf(' '));
}

/**
 * The recogniser as the pipeline runs it: with `int8`, its convolutions quantised to int8 at
 * load from the fp32 weights (see quantize-convs.ts); fp32 if the graph is not the one the
 * ranges were calibrated on.
 */
export async function recognizerModel(options: { int8: boolean }): Promise<{ bytes: Uint8Array; dtype: 'fp32' | 'int8+fp32' }> {
  const fp32 = await fp32RecognizerModel();
  const chosen = new Set(REC_INT8_CONVS);
  const int8 = options.int8 ? quantizeConvs(fp32, REC_RANGES, (conv) => chosen.has(conv.name ?? '')) : undefined;
  return int8 ? { bytes: int8, dtype: 'int8+fp32' } : { bytes: fp32, dtype: 'fp32' };
}
