import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context';
import { buildJob, parseLocale } from './build-job';
import { readImageForm } from './multipart';
import { outcomeOf, runJob } from './run-job';
import { sendJson } from './http-io';
import { sendJobError } from './job-error';
import { ocrResult } from './result-shapes';

/** POST /v1/ocr → {text, lines:[{text,box,score}], blocks, no_text, ms, engine} */
export async function handleOcr(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const form = await readImageForm(req);
  const job = buildJob({ type: 'submit', id: ctx.nextJobId(), task: 'ocr', images: [form.image.byteLength], locale: parseLocale(form.fields.locale) });
  const clientId = ctx.nextClientId();
  const running = runJob(ctx.service, clientId, job, [form.image]);
  res.on('close', () => running.cancel());
  const outcome = outcomeOf(await running.result);
  if (!outcome.ok) return sendJobError(res, outcome);
  sendJson(res, 200, ocrResult(outcome.done));
}
