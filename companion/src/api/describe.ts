import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context';
import { errorStyleFor } from './error-shapes';
import { buildJob, parseLocale } from './build-job';
import { readImageForm } from './multipart';
import { outcomeOf, runJob } from './run-job';
import { pathOf, sendJson } from './http-io';
import { sendJobError } from './job-error';
import { describeResult } from './result-shapes';

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
  sendJson(res, 200, describeResult(outcome.done));
}
