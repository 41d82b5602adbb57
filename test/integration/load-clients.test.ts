import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal, type ServerMessage, type ServerStatus } from '@loupe/shared';
import { startDaemon } from '../helpers/daemon';
import { engineHostPids } from '../helpers/daemon-process';
import { grayPng, textPng } from '../helpers/images';
import { rssMb, waitUntil } from '../helpers/proc';
import { standInModel } from '../helpers/standin';
import { LoupeClient } from '../helpers/ws-client';

/**
 * Load suite: 8 WebSocket clients × 25 jobs (OCR and stand-in VLM, some cancelled), then more
 * small jobs up to 500, against one daemon. Correctness is asserted (one terminal message per
 * job, queue positions only go down, nothing lost or duplicated, bounded memory growth);
 * timings are printed, never asserted.
 */
type Daemon = Awaited<ReturnType<typeof startDaemon>>;
let d: Daemon;
let model: Awaited<ReturnType<typeof standInModel>>;

const CLIENTS = 8;
const JOBS_PER_CLIENT = 25;
const TOTAL_JOBS = 500;
/** Each client keeps at most this many jobs in flight (the daemon's per-client cap is higher). */
const WINDOW = 4;

interface JobPlan {
  id: string;
  task: 'ocr' | 'describe';
  images: Uint8Array[];
  cancel: boolean;
  maxTokens?: number;
}

interface Outcome {
  id: string;
  terminal: ServerMessage;
  roundTripMs: number;
}

async function status(): Promise<ServerStatus> {
  const res = await fetch(`${d.url}/v1/status`, { headers: { Authorization: `Bearer ${d.token}` } });
  return (await res.json()) as ServerStatus;
}

beforeAll(async () => {
  model = await standInModel({ eosAfter: undefined });
  d = await startDaemon({ args: ['--model', model.dir], env: { LOUPE_LOG_LEVEL: 'info' } });
  await waitUntil(async () => (await status()).engines.every((e) => e.state === 'ready'), 180_000, 'engines ready');
}, 300_000);
afterAll(async () => {
  await d?.stop();
  model?.cleanup();
});

/** Runs a client's plan with a sliding window; cancels planned jobs as soon as they are queued. */
async function drive(client: LoupeClient, plan: JobPlan[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const runOne = async (): Promise<void> => {
    while (next < plan.length) {
      const job = plan[next++]!;
      const t0 = performance.now();
      const from = client.messages.length;
      client.submit({ id: job.id, task: job.task, ...(job.maxTokens ? { maxTokens: job.maxTokens } : {}) }, job.images);
      if (job.cancel) {
        await client.waitFor((m) => 'id' in m && m.id === job.id && (m.type === 'queued' || m.type === 'started' || isTerminal(m)), 120_000, from);
        client.cancel(job.id);
      }
      const terminal = await client.terminal(job.id, 300_000);
      outcomes.push({ id: job.id, terminal, roundTripMs: performance.now() - t0 });
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, runOne));
  return outcomes;
}

function checkJobs(clients: LoupeClient[], plans: JobPlan[][]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const [i, client] of clients.entries()) {
    const planned = new Set(plans[i]!.map((p) => p.id));
    for (const m of client.messages) {
      // Nothing arrives for a job this client did not submit.
      if ('id' in m && typeof m.id === 'string') expect(planned.has(m.id), `unexpected job ${m.id} on client ${i}`).toBe(true);
    }
    for (const job of plans[i]!) {
      const msgs = client.forJob(job.id);
      const terminals = msgs.filter(isTerminal);
      expect(terminals, `${job.id}: ${msgs.map((m) => m.type).join(',')}`).toHaveLength(1);
      // The terminal message is the job's last message.
      expect(msgs.at(-1)).toBe(terminals[0]);
      const positions = msgs.filter((m) => m.type === 'queued').map((m) => (m.type === 'queued' ? m.position : 0));
      for (let k = 1; k < positions.length; k++) expect(positions[k]!, `${job.id} queue positions ${positions.join('→')}`).toBeLessThanOrEqual(positions[k - 1]!);
      const t = terminals[0]!;
      const key = t.type === 'error' ? `error:${t.code}` : t.type;
      kinds[`${job.task}:${key}`] = (kinds[`${job.task}:${key}`] ?? 0) + 1;
      if (!job.cancel) expect(t.type, `${job.id} (${job.task}) ended ${JSON.stringify(t)}`).toBe('done');
    }
  }
  return kinds;
}

const pct = (values: number[], p: number): number => {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

describe('load', () => {
  it(`${CLIENTS} clients × ${JOBS_PER_CLIENT} mixed jobs, then up to ${TOTAL_JOBS} jobs: exactly one terminal each, bounded RSS`, async ({ annotate }) => {
    const text = await textPng('Total 1,284.50 EUR\nInvoice 2024-117', 110);
    const small = grayPng(48, 32);
    const plans: JobPlan[][] = Array.from({ length: CLIENTS }, (_, c) =>
      Array.from({ length: JOBS_PER_CLIENT }, (_, j): JobPlan => {
        const vlm = (c + j) % 3 === 0;
        return { id: `c${c}j${j}`, task: vlm ? 'describe' : 'ocr', images: [vlm ? small : text], cancel: (c * JOBS_PER_CLIENT + j) % 7 === 3, ...(vlm ? { maxTokens: 6 } : {}) };
      }),
    );
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => LoupeClient.connect(d.port, { token: d.token })));
    const started = performance.now();
    const phase1 = (await Promise.all(clients.map((client, i) => drive(client, plans[i]!)))).flat();
    const phase1Ms = performance.now() - started;
    const kinds = checkJobs(clients, plans);
    expect(phase1).toHaveLength(CLIENTS * JOBS_PER_CLIENT);
    expect(new Set(phase1.map((o) => o.id)).size).toBe(CLIENTS * JOBS_PER_CLIENT);
    expect(Object.entries(kinds).some(([k]) => k.endsWith(':cancelled'))).toBe(true);

    // Memory: baseline after the first 200 jobs (caches warm), then 300 more small jobs.
    await new Promise((r) => setTimeout(r, 1_000));
    const rssBase = rssMb(d.pid)!;
    const hostsBase = engineHostPids(d.home).reduce((s, p) => s + (rssMb(p) ?? 0), 0);
    const rest = TOTAL_JOBS - CLIENTS * JOBS_PER_CLIENT;
    const plans2: JobPlan[][] = Array.from({ length: CLIENTS }, (_, c) =>
      Array.from({ length: Math.ceil(rest / CLIENTS) }, (_, j): JobPlan => {
        const vlm = j % 4 === 0;
        return { id: `m${c}j${j}`, task: vlm ? 'describe' : 'ocr', images: [small], cancel: false, ...(vlm ? { maxTokens: 1 } : {}) };
      }),
    );
    for (const client of clients) client.messages.length = 0;
    const phase2 = (await Promise.all(clients.map((client, i) => drive(client, plans2[i]!)))).flat();
    checkJobs(clients, plans2);
    await new Promise((r) => setTimeout(r, 1_000));
    const rssEnd = rssMb(d.pid)!;
    const hostsEnd = engineHostPids(d.home).reduce((s, p) => s + (rssMb(p) ?? 0), 0);
    const all = [...phase1, ...phase2];

    const done = all.map((o) => o.terminal).filter((t): t is Extract<ServerMessage, { type: 'done' }> => t.type === 'done');
    const queueMs = done.map((t) => t.stats.queueMs ?? 0);
    const beyondJob = all.flatMap((o) => (o.terminal.type === 'done' ? [o.roundTripMs - o.terminal.stats.totalMs] : []));
    await annotate(
      [
        `load: ${all.length} jobs (${JSON.stringify(kinds)} in phase 1) in ${(phase1Ms / 1000).toFixed(1)} s for phase 1`,
        `queue wait p50 ${pct(queueMs, 50).toFixed(0)} ms, p99 ${pct(queueMs, 99).toFixed(0)} ms`,
        `overhead beyond the job's own time (client round trip − stats.totalMs) p50 ${pct(beyondJob, 50).toFixed(1)} ms, p99 ${pct(beyondJob, 99).toFixed(1)} ms`,
        `daemon RSS ${rssBase.toFixed(0)} → ${rssEnd.toFixed(0)} MB over the last ${phase2.length} jobs; engine hosts ${hostsBase.toFixed(0)} → ${hostsEnd.toFixed(0)} MB`,
      ].join('\n'),
    );
    expect(all.length).toBeGreaterThanOrEqual(TOTAL_JOBS);
    expect(rssEnd - rssBase).toBeLessThan(50);
    // The queue drained: nothing is left behind.
    const s = await status();
    expect(s.queue).toBe(0);
    for (const client of clients) client.close();
  }, 1_500_000);
});
