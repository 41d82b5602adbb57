import type { GraphBuilder } from '../../onnx/graph-builder';
import type { WeightFile } from './weight-file';

/** How the linear layers of a full-size stand-in store their weights. */
export interface Precision {
  /** fp16 activations and scales (q4f16 / fp16 exports); fp32 otherwise. */
  half: boolean;
  /** 4-bit MatMulNBits (q4, q4f16) or plain MatMul on stored weights (fp16). */
  q4: boolean;
}

/** MatMulNBits block size of the q4 exports (and of llama.cpp's Q4_0). */
export const BLOCK = 32;

/** What every graph writer needs: the graph, its weight file, and the precision. */
export interface Ctx {
  g: GraphBuilder;
  w: WeightFile;
  p: Precision;
}

const elem = (p: Precision) => (p.half ? 10 : 1);

/**
 * y = x·W (+ b) with W [K, N] random. q4: packed nibbles (symmetric, zero point 8) with per-block
 * scales sized so the output keeps about the input's scale; K need not be a multiple of the block.
 */
export function linear(c: Ctx, name: string, x: string, k: number, n: number, bias = false): string {
  const { g, w, p } = c;
  const scale = 1 / (4.6 * Math.sqrt(k));
  let y: string;
  if (p.q4) {
    const blocks = Math.ceil(k / BLOCK);
    const packed = w.randomBytes(`${name}.q4`, 'uint8', [n, blocks, BLOCK / 2]);
    const scales = w.floats(`${name}.scales`, [n * blocks], scale, scale / 4, p.half);
    y = g.op('MatMulNBits', [x, packed, scales], { K: k, N: n, bits: 4, block_size: BLOCK }, undefined, 'com.microsoft');
  } else {
    y = g.op('MatMul', [x, w.floats(`${name}.weight`, [k, n], 0, Math.sqrt(3) / Math.sqrt(k), p.half)]);
  }
  return bias ? g.op('Add', [y, w.floats(`${name}.bias`, [n], 0, 0.02, p.half)]) : y;
}

/** RMSNorm over the last axis (ORT's SimplifiedLayerNormalization). */
export function rmsNorm(c: Ctx, name: string, x: string, width: number, eps = 1e-6): string {
  return c.g.op('SimplifiedLayerNormalization', [x, c.w.floats(`${name}.weight`, [width], 1, 0.1, c.p.half)], { axis: -1, epsilon: { float: eps } });
}

export function layerNorm(c: Ctx, name: string, x: string, width: number, eps = 1e-6): string {
  return c.g.op('LayerNormalization', [x, c.w.floats(`${name}.weight`, [width], 1, 0.1, c.p.half), c.w.floats(`${name}.bias`, [width], 0, 0.02, c.p.half)], { axis: -1, epsilon: { float: eps } });
}

export const silu = (g: GraphBuilder, x: string): string => g.op('Mul', [x, g.op('Sigmoid', [x])]);

/** x·σ(1.702x): Qwen2-VL's QuickGELU, and the cost model for the tanh GELU below. */
export function quickGelu(c: Ctx, x: string): string {
  return c.g.op('Mul', [x, c.g.op('Sigmoid', [c.g.op('Mul', [x, constant(c, 'quick_gelu_k', 1.702)])])]);
}

/** GELU (erf form; com.microsoft Gelu on CPU): the merger's activation, and Qwen3-VL's gelu_pytorch_tanh at equal cost. */
export const gelu = (g: GraphBuilder, x: string): string => g.op('Gelu', [x], {}, undefined, 'com.microsoft');

const constants = new WeakMap<GraphBuilder, Set<string>>();
const intConstants = new WeakMap<GraphBuilder, Set<string>>();
/** A named int64 initializer, created once per graph (layers share their shape constants). */
export function ints(c: Ctx, name: string, values: number[], dims: number[] = [values.length]): string {
  const seen = intConstants.get(c.g) ?? new Set<string>();
  intConstants.set(c.g, seen);
  if (!seen.has(name)) {
    seen.add(name);
    c.g.ints(name, values, dims);
  }
  return name;
}

/** A named scalar in the activation type, created once per graph. */
export function constant(c: Ctx, name: string, value: number): string {
  const seen = constants.get(c.g) ?? new Set<string>();
  constants.set(c.g, seen);
  if (!seen.has(name)) {
    seen.add(name);
    c.g.scalar(`${name}_f32`, value);
    c.g.op('Cast', [`${name}_f32`], { to: elem(c.p) }, name);
  }
  return name;
}

/** Casts to the activation type (from fp32) or back (to fp32); a no-op in fp32 graphs. */
export const toAct = (c: Ctx, x: string): string => (c.p.half ? c.g.op('Cast', [x], { to: 10 }) : x);
export const toF32 = (c: Ctx, x: string): string => (c.p.half ? c.g.op('Cast', [x], { to: 1 }) : x);
