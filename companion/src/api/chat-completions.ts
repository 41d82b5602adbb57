import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_FRAME_BYTES, type Done, type FinishReason } from '@loupe/shared';
import type { ApiContext } from './context';
import { buildJob } from './build-job';
import { parseChatRequest } from './chat-request';
import { HttpError, readJsonBody } from './http-io';
import { sendJobError } from './job-error';
import { outcomeOf, runJob, type JobOutcome } from './run-job';
import { sendJson } from './http-io';
import { ocrModelIds } from './models';

/** Base64 inflates by 4/3; leave room for the JSON around the images. */
const MAX_JSON_BYTES = Math.ceil((MAX_FRAME_BYTES * 4) / 3) + 1024 * 1024;

const openAiFinish = (reason: FinishReason): 'stop' | 'length' => (reason === 'length' ? 'length' : 'stop');

function usageOf(done: Done): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const completion = done.stats.decodeTokens ?? 0;
  const prompt = done.stats.visualTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * POST /v1/chat/completions — OpenAI-compatible, with `stream: true` as server-sent events.
 * OpenAI clients show only `error.message`, so the hint is appended to it here.
 */
export async function handleChatCompletions(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  try {
    await chatCompletions(req, res, ctx);
  } catch (e) {
    if (e instanceof HttpError && e.hint) throw new HttpError(e.status, e.code, `${e.message} — ${e.hint}`, e.hint);
    throw e;
  }
}

const withHint = (outcome: Extract<JobOutcome, { ok: false }>): Extract<JobOutcome, { ok: false }> =>
  outcome.error.hint ? { ok: false, error: { ...outcome.error, message: `${outcome.error.message} — ${outcome.error.hint}` } } : outcome;

async function chatCompletions(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const body = await readJsonBody(req, MAX_JSON_BYTES);
  const chat = parseChatRequest(body, ocrModelIds(ctx.status()));
  const job = buildJob({
    type: 'submit',
    id: ctx.nextJobId(),
    task: chat.task,
    ...(chat.engine ? { engine: chat.engine } : {}),
    images: chat.images.map((i) => i.byteLength),
    ...(chat.prompt ? { prompt: chat.prompt } : {}),
    ...(chat.maxTokens ? { maxTokens: chat.maxTokens } : {}),
    ...(chat.format ? { format: chat.format } : {}),
  });
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  let model = chat.model;

  if (!chat.stream) {
    const running = runJob(ctx.service, ctx.nextClientId(), job, chat.images);
    res.on('close', () => running.cancel());
    const outcome = outcomeOf(await running.result);
    if (!outcome.ok) return sendJobError(res, withHint(outcome));
    const { done } = outcome;
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: done.model.id,
      system_fingerprint: `loupe-${ctx.version}`,
      choices: [{ index: 0, message: { role: 'assistant', content: done.text, refusal: null }, logprobs: null, finish_reason: openAiFinish(done.finishReason) }],
      usage: usageOf(done),
      loupe: { model: done.model, stats: done.stats, ...(done.lines ? { lines: done.lines } : {}) },
    });
    return;
  }

  // Streaming: headers wait for the job to start, so an early failure is still a JSON error.
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: `loupe-${ctx.version}`, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const open = (): void => {
    if (res.headersSent) return;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    res.flushHeaders();
    res.write(chunk({ role: 'assistant', content: '' }));
  };
  const running = runJob(ctx.service, ctx.nextClientId(), job, chat.images, {
    onStarted: (m) => {
      model = m.model.id;
      open();
    },
    onDelta: (text) => {
      open();
      res.write(chunk({ content: text }));
    },
  });
  res.on('close', () => running.cancel());
  const outcome = outcomeOf(await running.result);
  if (!outcome.ok && !res.headersSent) return sendJobError(res, withHint(outcome));
  open();
  if (outcome.ok) {
    const { done } = outcome;
    model = done.model.id;
    res.write(chunk({}, openAiFinish(done.finishReason)));
    if (chat.includeUsage) {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(done) })}\n\n`);
    }
  } else {
    const { code, message, hint } = outcome.error;
    res.write(`data: ${JSON.stringify({ error: { code, message, ...(hint ? { hint } : {}), type: code } })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}
