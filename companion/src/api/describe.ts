import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context';
import { errorStyleFor } from './error-shapes';
import { buildJob, parseLocale } from './build-job';
import { readImageForm } from './multipart';
import { outcomeOf, runJob } from './run-job';
import { pathOf, sendJson } from './http-io';
import { sendJobError } from './job-error';

/**
 * POST /v1/describe and POST /describe-image/ (parity with the seed's FastAPI server):
 * multipart `image` or `file`, optional `prompt` and `locale` → {description, inference_time,
 * model, finish_reason, stats}. /describe-image/ answers errors as FastAPI does: `{"detail": …}`.
 */
export async function handleDescribe(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const form = await readImageForm(req);
  const prompt = form.fields.prompt?.trim();
  const job = buildJob({
    type: 'submit',
    id: ctx.nextJobId(),
    task: 'describe',
    images: [form.image.byteLength],
    locale: parseLocale(form.fields.locale),
    ...(prompt ? { prompt } : {}),
  });
  const running = runJob(ctx.service, ctx.nextClientId(), job, [form.image]);
  res.on('close', () => running.cancel());
  const outcome = outcomeOf(await running.result);
  if (!outcome.ok) return sendJobError(res, outcome, errorStyleFor(pathOf(req)));
  const { done } = outcome;
  sendJson(res, 200, {
    description: done.text,
    /** Seconds, like the seed's server. */
    inference_time: Math.round(done.stats.totalMs) / 1000,
    model: done.model.standIn ? 'stand-in' : done.model.id,
    device: done.model.device,
    stand_in: done.model.standIn,
    finish_reason: done.finishReason,
    stats: done.stats,
  });
}
