import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context';
import { errorStyleFor } from './error-shapes';
import { buildJob, parseLocale } from './build-job';
import { readMediaForm } from './multipart';
import { outcomeOf, runJob } from './run-job';
import { pathOf, sendJson } from './http-io';
import { sendJobError } from './job-error';
import { describeResult, videoResult } from './result-shapes';
import { resolveVideo } from './video-part';

/**
 * POST /v1/describe and POST /describe-image/ (parity with the seed's FastAPI server):
 * multipart `image` or `file` (or a `video` file), optional `prompt` and `locale` → {description,
 * inference_time, model, finish_reason, stats} (and `video` for a video). /describe-image/ answers errors as FastAPI does: `{"detail": …}`.
 */
export async function handleDescribe(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const form = await readMediaForm(req);
  const prompt = form.fields.prompt?.trim();
  // A `video` file is sampled into frames as `loupe describe clip.mp4` does.
  const media = form.video ? await resolveVideo({ file: form.video }) : { frames: [form.image], clip: undefined };
  const job = buildJob({
    type: 'submit',
    id: ctx.nextJobId(),
    task: 'describe',
    images: media.frames.map((f) => f.byteLength),
    locale: parseLocale(form.fields.locale),
    ...(prompt ? { prompt } : {}),
    ...(media.clip ? { video: media.clip } : {}),
  });
  const running = runJob(ctx.service, ctx.nextClientId(), job, media.frames);
  res.on('close', () => running.cancel());
  const outcome = outcomeOf(await running.result);
  if (!outcome.ok) return sendJobError(res, outcome, errorStyleFor(pathOf(req)));
  sendJson(res, 200, media.clip ? videoResult(outcome.done, media.clip) : describeResult(outcome.done));
}
