import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ocrSessionOptions } from '../pipeline';
import { fp32RecognizerModel } from '../rec-model';

/**
 * onnxruntime's own profile of the recogniser on one N × 3 × 48 × W batch of noise, summed by op type and
 * by node: `tsx eval/ort-profile.ts N W [runs]`; `THREADS=1` for one intra-op thread (steadier on a
 * shared machine), `ORDER=1` to list every node in execution order with its output shape, `NODES=k` the top k.
 */
async function main() {
  const [n, w, runs] = [Number(process.argv[2] ?? 1), Number(process.argv[3] ?? 1024), Number(process.argv[4] ?? 5)];
  const prefix = join(tmpdir(), `ort-prof-${process.pid}`);
  const session = await ort.InferenceSession.create(await fp32RecognizerModel(), { ...ocrSessionOptions(Number(process.env.THREADS ?? 2)), enableProfiling: true, profileFilePrefix: prefix });
  const data = new Float32Array(n * 3 * 48 * w).map(() => Math.random() - 0.5);
  for (let r = 0; r < runs + 1; r++) await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, [n, 3, 48, w]) });
  session.endProfiling();
  await session.release();
  const file = readdirSync(tmpdir()).map((f) => join(tmpdir(), f)).find((f) => f.startsWith(prefix))!;
  const events = JSON.parse(readFileSync(file, 'utf8')) as Array<{ cat: string; name: string; dur: number; args?: { op_name?: string } }>;
  rmSync(file);
  const byOp = new Map<string, number>();
  const byNode = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    byNode.set(e.name, (byNode.get(e.name) ?? 0) + e.dur);
    total += e.dur;
  }
  if (process.env.ORDER) {
    const seen = new Map<string, { op: string; d: number; shape: string }>();
    for (const e of events as Array<{ cat: string; name: string; dur: number; args?: { op_name?: string; output_type_shape?: unknown } }>) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const prev = seen.get(e.name);
      seen.set(e.name, { op: e.args?.op_name ?? '?', d: (prev?.d ?? 0) + e.dur, shape: JSON.stringify(e.args?.output_type_shape ?? '') });
    }
    for (const [name, v] of seen) process.stdout.write(`${((100 * v.d) / total).toFixed(1).padStart(5)} % ${v.op} ${name} ${v.shape}\n`);
  }
  const show = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, d]) => `${((100 * d) / total).toFixed(1).padStart(5)} % ${(d / 1000 / (runs + 1)).toFixed(2).padStart(7)} ms ${name}`).join('\n');
  process.stdout.write(`${n}x48x${w}: ${(total / 1000 / (runs + 1)).toFixed(1)} ms/run kernel time\n${show(byOp, 20)}\n--- nodes\n${show(byNode, Number(process.env.NODES ?? 40))}\n`);
}

void main();
