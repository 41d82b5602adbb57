import type { TextDims } from '../../real-dims';
import type { Ctx } from './layers';
import { toAct } from './layers';

/**
 * embed_tokens at real size: input_ids [B,S] → inputs_embeds [B,S,hidden], a Gather on a uint8
 * [vocab, hidden] table dequantized after the Gather (a quarter of an fp32 table's bytes; the rows
 * read per token are a few KB whatever the storage).
 */
export function buildFullEmbed(c: Ctx, t: TextDims): void {
  const { g } = c;
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const table = c.w.randomBytes('embed_tokens.u8', 'uint8', [t.vocab, t.hidden]);
  const picked = g.op('Gather', [table, ids], { axis: 0 });
  const zero = g.raw('embed_tokens.zero_point', 'uint8', [], Uint8Array.of(128));
  const rows = g.op('DequantizeLinear', [picked, g.scalar('embed_tokens.scale', 0.01), zero]);
  g.op('Identity', [toAct(c, rows)], {}, 'inputs_embeds');
  g.output('inputs_embeds', c.p.half ? 'float16' : 'float32', ['batch_size', 'sequence_length', t.hidden]);
}
