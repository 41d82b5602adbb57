import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { OcrBlock, OcrLine, Region } from '@loupe/shared';
import { decodeRegion } from './decode';
import { fuseActivations } from './fuse-activations';
import { Detector, DEFAULT_DETECT, type TextBox } from './detector';
import { mergeLineFragments } from './merge-boxes';
import { resolvePpOcrModelFiles } from './model-files';
import { cropRgb, padToWidth, type Rgb } from './raster';
import { OrientationClassifier, rotate180, rotate90ccw } from './orientation';
import { buildDictionary, Recognizer } from './recognizer';
import { int8Enabled, recognizerModel } from './rec-model';
import { sessionRunner, workerRunner, type RecRunner } from './rec-runner';
import { spaceLineWithPitch } from './spacing';
import { layoutText, type LaidLine } from './layout';
import { median } from './median';
import { gridPitchFor, latinEnd, onCharacterGrid, scanTables } from './table-rules';
import { rereadLoneGlyphs } from './lone-glyphs';
import { addMissedMarks, markFromShape, unreadBoxes } from './missed-marks';
import { withMissedLines } from './missed-lines';
import { keepReading, ruleLineBoxes } from './rule-boxes';
import { dashBanner } from './dash-banners';
import { settleOneOrEll } from './one-or-ell';
import { dropGhostStems } from './ghost-stems';
import { settleDotlessI } from './dotless-i';
import { settleCapOrEll } from './cap-or-ell';
import { settleDashWidths } from './dash-width';
import { settleUnderscores } from './underscores';
import { settleZeroOrOh } from './zero-or-oh';
import { fixAnglePairs } from './bracket-pairs';
import { readUnreadStarts } from './unread-start';
import { settleCaseByPage } from './page-case';
import { restoreMergedDots } from './merged-dots';
import { restoreMergedMarks } from './merged-marks';
import { restoreParenBraces } from './paren-braces';
import { loneBraceInk, readLoneBraces } from './lone-braces';
import { restoreEmptyBraces } from './empty-braces';
import { restoreLostBraces } from './lost-braces';
import { settleDollarSigns } from './dollar-signs';
import { restoreLostDots } from './lost-dots';
import { settleQuoteStrokes } from './quote-strokes';
import { readFenceLines } from './fence-lines';
import { readDashRows } from './dash-rows';
import { readEqualsRows } from './equals-rows';
import { proportionalOnPitch } from './line-period';
import { restoreFenceOpeners } from './fence-openers';
import { slashesOpeningLine } from './comment-slashes';

export interface OcrPipelineOptions {
  threads?: number;
  /** Run part of the recogniser in int8 (default: `LOUPE_OCR_INT8=1` on a VNNI CPU; see rec-model.ts). */
  int8?: boolean;
  /** Recogniser worker threads, each with a `threads`-thread session (default 2, or none when `threads` is 1; 0 or 1: one in-process session). See rec-runner.ts. */
  recWorkers?: number;
  /** Intra-op threads of a worker's session for batches running side by side (default 1; a batch running alone gets `threads`). */
  recThreads?: number;
}

export interface OcrTimings {
  decodeMs: number;
  detectMs: number;
  recognizeMs: number;
  /** Spacing, grids, tables and layout, after the last recogniser run. */
  postMs: number;
}

export interface OcrOutput {
  text: string;
  lines: OcrLine[];
  /** Code and table blocks by line of `text` (see layout.ts). */
  blocks: OcrBlock[];
  timings: OcrTimings;
}

/** Session options for the OCR models (CPU, no spinning: the daemon shares the CPU). */
export function ocrSessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    // Warning level would list the exporter's unused constants on every load.
    logSeverityLevel: 3,
    // No busy-waiting between ops: the daemon shares the CPU with the user's browser.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** PP-OCRv4 detection + recognition on onnxruntime-node (CPU). Load once, reuse for many images. */
export class OcrPipeline {
  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly recRunner: RecRunner,
    private readonly detector: Detector,
    private readonly recognizer: Recognizer,
    private readonly cls: ort.InferenceSession,
    private readonly orientation: OrientationClassifier,
    /** What the recogniser computes in (see rec-model.ts). */
    readonly dtype: 'fp32' | 'int8+fp32',
  ) {}

  static async load(options: OcrPipelineOptions = {}): Promise<OcrPipeline> {
    const files = resolvePpOcrModelFiles();
    const threads = options.threads ?? 2;
    const sessionOptions = ocrSessionOptions(threads);
    // The exported graphs spell hard-swish and the learnable affine as many element-wise ops;
    // folding them roughly halves the recogniser's CPU time (see fuse-activations.ts).
    const dict = buildDictionary(await readFile(files.keys, 'utf8'));
    const session = async (path: string) => ort.InferenceSession.create(fuseActivations(await readFile(path)), sessionOptions);
    const recModel = await recognizerModel({ int8: options.int8 ?? int8Enabled() });
    const workers = options.recWorkers ?? (threads >= 2 ? 2 : 0);
    const recThreads = options.recThreads ?? 1;
    const soloOptions = recThreads < threads ? sessionOptions : undefined;
    const rec = async () => (workers >= 2 ? workerRunner(recModel.bytes, workers, ocrSessionOptions(Math.min(recThreads, threads)), soloOptions) : sessionRunner(await ort.InferenceSession.create(recModel.bytes, sessionOptions)));
    const [det, recRunner, cls] = await Promise.all([session(files.det), rec(), session(files.cls)]);
    return new OcrPipeline(det, recRunner, new Detector(det), new Recognizer(recRunner, dict), cls, new OrientationClassifier(cls), recModel.dtype);
  }

  async release(): Promise<void> {
    await Promise.all([this.det.release(), this.recRunner.release(), this.cls.release()]);
  }

  async recognizeBytes(bytes: Uint8Array, region?: Region, signal?: AbortSignal): Promise<OcrOutput> {
    const t0 = performance.now();
    const { rgb, toOriginal } = await decodeRegion(bytes, region);
    signal?.throwIfAborted();
    const out = await this.recognizeRgb(rgb, signal);
    out.timings.decodeMs = performance.now() - t0 - out.timings.detectMs - out.timings.recognizeMs - out.timings.postMs;
    // Boxes in the original image's pixels.
    for (const line of out.lines) {
      const [x0, y0] = toOriginal(line.box[0], line.box[1]);
      const [x1, y1] = toOriginal(line.box[2], line.box[3]);
      line.box = [Math.round(x0), Math.round(y0), Math.round(x1), Math.round(y1)];
    }
    return out;
  }

  async recognizeRgb(rgb: Rgb, signal?: AbortSignal): Promise<OcrOutput> {
    const t0 = performance.now();
    let boxes: TextBox[] = mergeLineFragments(await this.detector.detect(rgb, DEFAULT_DETECT, signal));
    if (boxes.length === 0 && rgb.height <= 96) {
      // A tight crop of one line can defeat the detector; read the whole crop as a line.
      boxes = [{ box: [0, 0, rgb.width, rgb.height], score: 0.5 }];
    }
    signal?.throwIfAborted();
    // Short lines the detector dropped (a lone "}", missed-lines.ts), then punctuation alone (fences, bullets) beside or between them (missed-marks.ts).
    const found = addMissedMarks(rgb, withMissedLines(rgb, boxes.map((b) => b.box)));
    // A comment banner boxed round its dashes alone, full height again (rule-boxes.ts).
    const ruled = ruleLineBoxes(rgb, found.rects);
    const marked = { ...found, rects: ruled.rects };
    const { rects, added } = marked;
    // A box at least three times taller than wide is a line written bottom-to-top.
    // Short crops (a lone "}" or table digit) get background on both sides, at least twice their height.
    const turned = rects.map((r) => r[3] - r[1] >= 3 * (r[2] - r[0]));
    const crops = rects.map((r, i) => {
      const crop = cropRgb(rgb, r);
      const upright = turned[i] ? rotate90ccw(crop) : crop;
      return padToWidth(upright, 2 * upright.height);
    });
    const lineHeight = median(rects.map((r) => r[3] - r[1]));
    const t1 = performance.now();
    const recs = await this.recognizer.recognize(crops, undefined, signal);
    // Lone glyphs the padding hid (see lone-glyphs.ts).
    await rereadLoneGlyphs(this.recognizer, rgb, rects, crops, recs, turned, signal);
    // Lines read with low confidence may be upside down: ask the direction classifier, re-read those.
    const doubtful = recs.map((r, i) => (r.score < 0.8 ? i : -1)).filter((i) => i >= 0);
    if (doubtful.length) {
      signal?.throwIfAborted();
      const flips = await this.orientation.upsideDown(doubtful.map((i) => crops[i]!));
      // A lone `};` can look upside down to the classifier; its ink tells it is not (lone-braces.ts).
      const flipped = doubtful.filter((i, k) => flips[k]! > 0.9 && !loneBraceInk(crops[i]!, lineHeight));
      const again = await this.recognizer.recognize(flipped.map((i) => rotate180(crops[i]!)), undefined, signal);
      flipped.forEach((i, k) => {
        if (again[k]!.score > recs[i]!.score) {
          recs[i] = again[k]!;
          crops[i] = rotate180(crops[i]!);
        }
      });
    }
    // A glyph at a crop's start read as nothing ("});" → ");"), see unread-start.ts.
    await readUnreadStarts(this.recognizer, crops, recs, turned, signal);
    // `1` or `l` by the page's sure ones (see one-or-ell.ts).
    const upright = recs.map((r, i) => (turned[i] ? { chars: [], pxPerStep: r.pxPerStep } : r));
    // A small `d` read `dl` or `cd` (see ghost-stems.ts).
    dropGhostStems(upright, crops);
    settleOneOrEll(upright, crops);
    // "UiD" for "UID": a stroke of cap height with no dot is the capital (see dotless-i.ts).
    settleDotlessI(upright, crops);
    // "islnside" for "isInside": a stroke of cap height, not ascender height, is the capital (see cap-or-ell.ts).
    settleCapOrEll(upright, crops);
    // An en or em dash read `-`: its bar's length tells (see dash-width.ts).
    settleDashWidths(upright, crops);
    // `__` read `_-`, `{ _:` read `{-:`: a bar under the baseline is an underscore (see underscores.ts).
    settleUnderscores(upright, crops);
    // "Ox232A" for "0x232A": a figure's ring is narrow, a letter's round (see zero-or-oh.ts).
    settleZeroOrOh(upright, crops);
    // Dots CTC wrote once ("[FILE]..." read "[FILE]..", see merged-dots.ts).
    restoreMergedDots(upright, crops);
    // `))` and `//` CTC wrote once (see merged-marks.ts).
    restoreMergedMarks(upright, crops);
    // `});` read `);` or `D);`, `({` read `((` (see paren-braces.ts).
    restoreParenBraces(upright, crops);
    // `{}` read `0`, `{` or nothing (see empty-braces.ts).
    restoreEmptyBraces(upright, crops);
    // A brace read as nothing away from parens (`', {` read `',`, see lost-braces.ts).
    restoreLostBraces(upright, crops);
    // A line of a closing brace and its marks (`},`, `};`), or `{` alone, read from its ink and kept however doubtful (see lone-braces.ts).
    const loneBraces = readLoneBraces(upright, crops, lineHeight);
    for (const i of loneBraces) if (turned[i]) loneBraces.delete(i);
    // `$` read `S` (see dollar-signs.ts).
    settleDollarSigns(upright, crops);
    // A dot left unread (`"./some-file"` read `"/some-file"`, see lost-dots.ts).
    restoreLostDots(upright, crops);
    // `'rpm'` read `“rpm"`: one stroke is a single quote (see quote-strokes.ts).
    settleQuoteStrokes(upright, crops);
    // The case of a lone "Oct" or "C" by the page's letters of its size (see page-case.ts).
    settleCaseByPage(upright, crops);
    // `<目标〉` → `<目标>` (see bracket-pairs.ts).
    for (const r of upright) fixAnglePairs(r.chars);
    const t2 = performance.now();
    const laid: LaidLine[] = [];
    const spaced = recs.map((r, i) => spaceLineWithPitch(r.chars, r.pxPerStep, crops[i]!));
    // One line fitting a grid can be chance (a serif line did); monospace text has several that
    // agree. Every line of a size that has such agreeing lines is then read on their common grid
    // (short or noisy lines cannot find the pitch alone: merged "--", narrow dashes).
    const similar = (a: number, b: number) => Math.abs(crops[a]!.height - crops[b]!.height) <= 0.15 * crops[a]!.height;
    const own = spaced.map((sp, i) => (sp.pitch !== undefined && !turned[i] ? sp.pitch : undefined));
    const agreed = own.map((p, i) => (p !== undefined && own.filter((q, k) => k !== i && q !== undefined && Math.abs(q - p) <= 0.1 * p && similar(i, k)).length >= 2 ? p : undefined));
    // Character-drawn tables and terminal text are found from pixels; their lines are read on that grid
    // (a bare frame round lines none of which is monospace is a card, see table-rules.ts).
    const latinEnds = recs.map((r, i) => latinEnd(rects[i]!, r.chars, r.pxPerStep, crops[i]!.width));
    const tables = scanTables(rgb, rects, latinEnds, agreed.map((p) => p !== undefined));
    const offGrid = new Set<number>();
    spaced.forEach((sp, i) => {
      const proportional = { text: sp.proportionalText, proportionalText: sp.proportionalText };
      if (turned[i]) return (spaced[i] = proportional);
      const peers = agreed.filter((q, k): q is number => q !== undefined && k !== i && similar(i, k));
      const known = gridPitchFor(tables, rects[i]!) ?? (peers.length >= 2 ? median(peers) : undefined);
      // A sans line under a code block can sit on the block's grid by chance: its own ink tells (line-period.ts).
      if (known !== undefined && agreed[i] === undefined && proportionalOnPitch(crops[i]!, known, recs[i]!.chars)) {
        offGrid.add(i);
        return (spaced[i] = proportional);
      }
      const onGrid = known !== undefined ? spaceLineWithPitch(recs[i]!.chars, recs[i]!.pxPerStep, crops[i]!, undefined, known) : undefined;
      if (onGrid?.pitch !== undefined) spaced[i] = onGrid;
      else if (agreed[i] === undefined) spaced[i] = proportional;
      return spaced[i];
    });
    // A banner in proportional type read as too few dashes, unsure: its one stroke tells (dash-banners.ts).
    const strokeBanners = new Set<number>();
    spaced.forEach((sp, i) => {
      const banner = turned[i] ? undefined : dashBanner(crops[i]!, sp.text, ruled.banners.has(i));
      if (banner === undefined) return;
      strokeBanners.add(i);
      spaced[i] = { ...sp, text: banner };
    });
    // A banner's dashes read unsure are still its dashes (rule-boxes.ts).
    const sure = (i: number) => strokeBanners.has(i) || loneBraces.has(i) || keepReading(ruled, i, spaced[i]!.text, recs[i]!.score);
    const unread = unreadBoxes(marked, (i) => !spaced[i]!.text.trim() || !sure(i));
    for (const i of ruled.swallowed) unread.add(i);
    recs.forEach((r, i) => {
      if (unread.has(i)) return;
      const blobs = added.get(i);
      const shaped = blobs && markFromShape(blobs, rects[i]!);
      const { text: read, pitch } = shaped ? { ...spaced[i]!, text: shaped } : spaced[i]!;
      // A comment's `//` read as bars (`III do`), told from its slant (comment-slashes.ts).
      const text = turned[i] ? read : slashesOpeningLine(read, crops[i]!);
      if (!text.trim() || (!sure(i) && !shaped)) return;
      const box = rects[i]!.map((v) => Math.round(v)) as [number, number, number, number];
      const glyphs = r.chars.filter((c) => c.char !== ' ').length;
      // A turned line's pitch runs down the page, not across: no grid for it.
      const grid = turned[i] ? {} : pitch ? { pitch } : glyphs >= 8 ? { proportional: true } : {};
      laid.push({ text, box, score: Math.round(r.score * 1000) / 1000, ...grid, ...(offGrid.has(i) ? { offGrid: true } : {}) });
    });
    // Fences, dash rows and rules of `=` read as other marks or not at all, fence openers read as their language alone (fence-lines.ts, fence-openers.ts, dash-rows.ts, equals-rows.ts).
    const all = readEqualsRows(rgb, readDashRows(rgb, restoreFenceOpeners(rgb, readFenceLines(rgb, onCharacterGrid(rgb, laid, tables)))));
    return { ...layoutText(all), timings: { decodeMs: 0, detectMs: t1 - t0, recognizeMs: t2 - t1, postMs: performance.now() - t2 } };
  }
}
