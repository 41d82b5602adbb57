import type { AttentionMatch } from './gqa-pattern';
import { matchAttention } from './gqa-pattern';
import { attentionNodes, biasNodes, initializers } from './gqa-nodes';
import { KV_ROWS } from './kv-form';
import type { GraphNode } from './onnx-graph';
import { OnnxGraph, valueInfoElemType } from './onnx-graph';
import {
  concat,
  field,
  firstString,
  forEachField,
  payloads,
  readVarint,
  rewriteFields,
  stringField,
  varintField,
} from './onnx-wire';

/**
 * Rewrites a decoder's attention, layer by layer, into grouped-query products over a KV cache the
 * caller holds (the 'rows' KV form, kv-form.ts; the nodes are in gqa-nodes.ts): the past K/V are
 * read where they lie, present.* are only the new rows, so no run concatenates, transposes,
 * allocates or copies the cache. The past length is computed in the graph from attention_mask, so
 * the inputs stay those of the transformers.js contract; only the KV axes are renamed (KV_ROWS).
 *
 * All layers match or nothing changes: the result says why not, and the model bytes are returned
 * as they came. Logits stay equal (gqa-rewrite.test.ts); the speed is measured by
 * companion/src/bench/vlm-real/gqa-ab.ts.
 */

export interface GqaRewrite {
  model: Uint8Array;
  /** Layers rewritten (0 = unchanged). */
  layers: number;
  /** Why the model was left as it is. */
  reason?: string;
}

export function rewriteAttentionToGqa(model: Uint8Array): GqaRewrite {
  const graphBytes = payloads(model, 7)[0];
  if (!graphBytes) return { model, layers: 0, reason: 'no graph' };
  const g = new OnnxGraph(graphBytes);
  const layers = [...g.inputs.keys()].filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  if (layers === 0) return { model, layers: 0, reason: 'no past_key_values.{i}.key inputs' };
  if (!g.inputs.has('attention_mask')) return { model, layers: 0, reason: 'no attention_mask input' };
  if (!g.inputs.has('inputs_embeds')) return { model, layers: 0, reason: 'no inputs_embeds input' };
  const elem = valueInfoElemType(g.inputs.get('past_key_values.0.key')!);
  if (elem !== 1 && elem !== 10) return { model, layers: 0, reason: `KV cache element type ${elem} is not float or float16` };
  const onnxOpset = opsetVersion(model, '');
  if (onnxOpset < 13) return { model, layers: 0, reason: `opset ${onnxOpset} < 13` };

  const matches: AttentionMatch[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const m = matchAttention(g, layer);
    if (typeof m === 'string') return { model, layers: 0, reason: m };
    matches.push(m);
  }
  const first = matches[0]!;
  if (matches.some((m) => m.heads !== first.heads || m.kvHeads !== first.kvHeads || m.headDim !== first.headDim)) {
    return { model, layers: 0, reason: 'layers differ in heads or head size' };
  }

  const replaced = new Set(matches.flatMap((m) => m.replaced));
  const at = new Map<GraphNode, Uint8Array[]>();
  for (const m of matches) at.set(m.replaced.reduce((a, b) => (b.index > a.index ? b : a)), attentionNodes(m));
  const firstAt = Math.min(...matches.map((m) => Math.min(...m.replaced.map((n) => n.index))));
  const dead = deadNodes(g, replaced, new Set(matches.flatMap((m) => [m.q, m.k, m.v])));

  // Initializers only the replaced nodes read (shapes, the score scale) go too; ORT would warn about each.
  const used = new Set([...g.nodes.filter((n) => !replaced.has(n) && !dead.has(n)).flatMap((n) => n.inputs), ...g.outputs]);

  const parts: Uint8Array[] = [];
  let copyFrom = 0;
  let nodeIndex = 0;
  forEachField(graphBytes, (f, wire, start, end, fieldStart) => {
    if (wire !== 2) return;
    let next: Uint8Array[] | undefined;
    if (f === 1) {
      const node = g.nodes[nodeIndex++]!;
      const before = node.index === firstAt ? biasNodes(first, elem) : [];
      if (replaced.has(node)) next = [...before, ...(at.get(node) ?? [])];
      else if (dead.has(node)) next = before;
      else if (before.length > 0) next = [...before, graphBytes.subarray(start, end)];
    } else if (f === 5) {
      if (!used.has(firstString(graphBytes.subarray(start, end), 8))) next = [];
    } else if (f === 11 || f === 12) {
      const name = firstString(graphBytes.subarray(start, end), 1);
      if (/^(past_key_values|present)\.\d+\.(key|value)$/.test(name)) next = [setDimParam(graphBytes.subarray(start, end), 2, f === 11 ? KV_ROWS.buffer : KV_ROWS.present)];
    }
    if (!next) return;
    parts.push(graphBytes.subarray(copyFrom, fieldStart), ...next.map((p) => field(f, p)));
    copyFrom = end;
  });
  parts.push(graphBytes.subarray(copyFrom), ...initializers(first).map((t) => field(5, t)));
  const graph = concat(parts);
  let out = rewriteFields(model, (f) => (f === 7 ? graph : undefined));
  if (opsetVersion(model, 'com.microsoft') === 0) out = concat([out, field(8, concat([stringField(1, 'com.microsoft'), varintField(2, 1)]))]);
  return { model: out, layers: matches.length };
}

/** Nodes left without readers once `removed` are gone (the attention bias, for one), transitively; `kept` are read by new nodes. */
function deadNodes(g: OnnxGraph, removed: Set<GraphNode>, kept: Set<string>): Set<GraphNode> {
  const dead = new Set<GraphNode>();
  const gone = (n: GraphNode) => removed.has(n) || dead.has(n);
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of g.nodes) {
      if (gone(node)) continue;
      const read = node.outputs.some((o) => o !== '' && (g.outputs.has(o) || kept.has(o) || (g.consumers.get(o) ?? []).some((c) => !gone(c))));
      if (!read) {
        dead.add(node);
        changed = true;
      }
    }
  }
  return dead;
}

function opsetVersion(model: Uint8Array, domain: string): number {
  let version = 0;
  for (const opset of payloads(model, 8)) {
    if (firstString(opset, 1) !== domain) continue;
    forEachField(opset, (f, wire, start) => {
      if (f === 2 && wire === 0) version = readVarint(opset, start)[0];
    });
  }
  return version;
}

/** A value info with one axis of its tensor shape set to a named dimension. */
function setDimParam(valueInfo: Uint8Array, axis: number, param: string): Uint8Array {
  return rewriteFields(valueInfo, (f, type) =>
    f !== 2
      ? undefined
      : rewriteFields(type, (tf, tensor) =>
          tf !== 1
            ? undefined
            : rewriteFields(tensor, (sf, shape) => {
                if (sf !== 2) return undefined;
                let k = 0;
                return rewriteFields(shape, (df) => (df === 1 && k++ === axis ? stringField(2, param) : undefined));
              }),
        ),
  );
}
