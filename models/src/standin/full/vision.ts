import type { Family } from '../../families';
import { patchRowLength } from '../../families';
import type { VisionDims } from '../../real-dims';
import type { Ctx } from './layers';
import { constant, gelu, ints, layerNorm, linear, quickGelu, rmsNorm, silu, toAct } from './layers';

/**
 * vision_encoder at real size: pixel_values [N, 3·T·P·P] + grid → image_features [N/4, outHidden].
 * Patch embedding, `depth` pre-norm blocks (qkv with bias, rotary, attention — windowed in the
 * Qwen2.5-VL window blocks, global elsewhere — proj, MLP of the family's kind), then the patch
 * merger (norm, 2×2 patches concatenated, MLP to the text width). Rotary and the learned position
 * table (Qwen3-VL) index patches in order rather than by their (h, w) cell: the cost is the same.
 */
export function buildFullVision(c: Ctx, family: Family, v: VisionDims): void {
  const { g } = c;
  const act = c.p.half ? 'float16' : 'float32';
  const row = patchRowLength(family);
  const mergeArea = v.mergeSize * v.mergeSize;
  const headDim = v.hidden / v.heads;
  const pixels = g.input('pixel_values', 'float32', ['num_patches', row]);
  const grid = g.input(family.gridInputName, 'int64', ['num_images', 3]);

  const rows = g.op('Gather', [g.op('Shape', [pixels]), ints(c, 'zero_s', [0], [])], { axis: 0 });
  const window = v.window ? (v.window.sizePx / v.patchSize) ** 2 : mergeArea;
  // Pad to whole windows once; every block runs on the padded rows, the merger drops them again.
  const pad = g.op('Mod', [g.op('Sub', [ints(c, 'window_s', [window], []), g.op('Mod', [rows, ints(c, 'window_m', [window], [])])]), ints(c, 'window_n', [window], [])]);
  const pads = g.op('Concat', [ints(c, 'pad_head', [0, 0]), g.op('Unsqueeze', [pad, ints(c, 'axis0', [0])]), ints(c, 'pad_tail', [0])], { axis: 0 });
  const dense = { ...c, p: { ...c.p, q4: false } }; // the patch Conv3d stays float in the exports
  let x = linear(dense, 'patch_embed', toAct(c, pixels), row, v.hidden, v.patchEmbedBias);
  x = g.op('Pad', [x, pads]);
  const padded = g.op('Gather', [g.op('Shape', [x]), ints(c, 'zero_s', [0], [])], { axis: 0 });
  const index = g.op('Range', [ints(c, 'zero_r', [0], []), padded, ints(c, 'one_r', [1], [])]);
  if (v.positionEmbeddings) {
    const slot = g.op('Mod', [index, ints(c, 'pos_count', [v.positionEmbeddings], [])]);
    x = g.op('Add', [x, g.op('Gather', [c.w.floats('pos_embed', [v.positionEmbeddings, v.hidden], 0, 0.02, c.p.half), slot], { axis: 0 })]);
  }
  const [cos, sin] = rotary(c, index, headDim);
  const norm = (name: string, t: string) => (v.norm === 'rms' ? rmsNorm(c, name, t, v.hidden) : layerNorm(c, name, t, v.hidden));
  const scale = constant(c, 'v_attn_scale', 1 / Math.sqrt(headDim));
  const slice = (t: string, part: number) =>
    g.op('Slice', [t, ints(c, `qkv_from_${part}`, [part * v.hidden]), ints(c, `qkv_to_${part}`, [(part + 1) * v.hidden]), ints(c, 'axis1', [1])]);
  const rotate = (t: string) => {
    const h = headDim / 2;
    const t1 = g.op('Slice', [t, ints(c, 'vr_a0', [0]), ints(c, 'vr_a1', [h]), ints(c, 'axis_last', [-1])]);
    const t2 = g.op('Slice', [t, ints(c, 'vr_b0', [h]), ints(c, 'vr_b1', [headDim]), ints(c, 'axis_last', [-1])]);
    return g.op('Add', [g.op('Mul', [t, cos]), g.op('Mul', [g.op('Concat', [g.op('Neg', [t2]), t1], { axis: -1 }), sin])]);
  };

  for (let i = 0; i < v.depth; i++) {
    const b = `blocks.${i}`;
    const qkv = linear(c, `${b}.qkv`, norm(`${b}.norm1`, x), v.hidden, 3 * v.hidden, true);
    const windowed = v.window !== undefined && !v.window.fullBlocks.includes(i);
    // Rows that attend to each other: one window each, or all rows as one group.
    const split = windowed ? ints(c, 'split_windows', [-1, window, v.heads, headDim]) : ints(c, 'split_all', [1, -1, v.heads, headDim]);
    const heads = (t: string) => g.op('Transpose', [g.op('Reshape', [t, split])], { perm: [0, 2, 1, 3] }); // [W, heads, span, hd]
    const asRows = (t: string) => g.op('Reshape', [t, ints(c, 'rows_heads', [-1, v.heads, headDim])]);
    const q = heads(rotate(asRows(slice(qkv, 0))));
    const k = heads(rotate(asRows(slice(qkv, 1))));
    const val = heads(asRows(slice(qkv, 2)));
    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), scale]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), val]);
    const merged = g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), ints(c, 'rows_hidden', [-1, v.hidden])]);
    x = g.op('Add', [x, linear(c, `${b}.proj`, merged, v.hidden, v.hidden, true)]);

    const h = norm(`${b}.norm2`, x);
    const mlp =
      v.mlpKind === 'swiglu'
        ? g.op('Mul', [silu(g, linear(c, `${b}.gate`, h, v.hidden, v.mlp, true)), linear(c, `${b}.up`, h, v.hidden, v.mlp, true)])
        : v.mlpKind === 'quick_gelu'
          ? quickGelu(c, linear(c, `${b}.fc1`, h, v.hidden, v.mlp, true))
          : gelu(g, linear(c, `${b}.fc1`, h, v.hidden, v.mlp, true));
    x = g.op('Add', [x, linear(c, `${b}.${v.mlpKind === 'swiglu' ? 'down' : 'fc2'}`, mlp, v.mlp, v.hidden, true)]);
  }

  const kept = g.op('Slice', [norm('merger.norm', x), ints(c, 'zero_v', [0]), g.op('Unsqueeze', [rows, ints(c, 'axis0', [0])]), ints(c, 'axis0', [0])]);
  const units = g.op('Reshape', [kept, ints(c, 'merge_rows', [-1, mergeArea * v.hidden])]);
  const wide = mergeArea * v.hidden;
  const hiddenMerged = gelu(g, linear(c, 'merger.fc1', units, wide, wide, true));
  const features = linear(c, 'merger.fc2', hiddenMerged, wide, v.outHidden, true);
  // Zeros shaped from the grid: a grid that disagrees with pixel_values fails to broadcast, as upstream.
  const gridRows = g.op('Div', [g.op('ReduceSum', [g.op('ReduceProd', [grid], { axes: [1], keepdims: 0 })], { keepdims: 1 }), ints(c, 'merge_area', [mergeArea])]);
  const zeros = g.op('Expand', [constant(c, 'zero_feature', 0), g.op('Concat', [gridRows, ints(c, 'out_width', [v.outHidden])], { axis: 0 })]);
  g.op('Add', [features, zeros], {}, 'image_features');
  g.output('image_features', act, ['num_merged_patches', v.outHidden]);
}

function rotary(c: Ctx, index: string, headDim: number): [string, string] {
  const { g } = c;
  const half = headDim / 2;
  const invFreq = Float32Array.from({ length: half }, (_, i) => 10000 ** (-(2 * i) / headDim));
  const freqs = g.op('Mul', [g.op('Unsqueeze', [g.op('Cast', [index], { to: 1 }), ints(c, 'axis_last', [-1])]), g.floats('v_inv_freq', [half], invFreq)]);
  const emb = g.op('Unsqueeze', [g.op('Concat', [freqs, freqs], { axis: -1 }), ints(c, 'axis1', [1])]); // [N,1,hd]
  return [toAct(c, g.op('Cos', [emb])), toAct(c, g.op('Sin', [emb]))];
}
