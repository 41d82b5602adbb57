import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_FRAME_BYTES, type FinishReason, type VideoClip } from '@loupe/shared';
import type { ApiContext } from './context';
import { buildJob } from './build-job';
import { parseChatRequest, type ChatRequest } from './chat-request';
import { errorBody } from './error-shapes';
import { readJsonBody, sendJson } from './http-io';
import { jobErrorStatus, sendJobError } from './job-error';
import { outcomeOf, runJob } from './run-job';
import { openAiUsage } from './usage';
import { resolveVideo } from './video-part';

/** Base64 inflates by 4/3; leave room for the JSON around the images. */
export const MAX_JSON_BYTES = Math.ceil((MAX_FRAME_BYTES * 4) / 3) + 1024 * 1024;

const openAiFinish = (reason: FinishReason): 'stop' | 'length' => (reason === 'length' ? 'length' : 'stop');

/** The Loupe job for a parsed chat request (the same for OpenAI and Ollama). */
export function chatJob(ctx: ApiContext, chat: Omit<ChatRequest, 'stream' | 'includeUsage' | 'model' | 'video'> & { clip?: VideoClip }) {
  return buildJob({
    ...(chat.clip ? { video: chat.clip } : {}),
    type: 'submit',
    id: ctx.nextJobId(),
    task: chat.task,
    ...(chat.engine ? { engine: chat.engine } : {}),
    images: chat.images.map((i) => i.byteLength),
    ...(chat.prompt ? { prompt: chat.prompt } : {}),
    ...(chat.maxTokens ? { maxTokens: chat.maxTokens } : {}),
    ...(chat.sampling ? { sampling: chat.sampling } : {}),
    ...(chat.format ? { format: chat.format } : {}),
  });
}

export const chatContext = (chat: Pick<ChatRequest, 'system' | 'history' | 'model' | 'newImages'>) => ({
  history: chat.history,
  model: chat.model,
  ...(chat.system ? { system: chat.system } : {}),
  ...(chat.newImages ? { newImages: chat.newImages } : {}),
});

/**
 * POST /v1/chat/completions — OpenAI-compatible, with `stream: true` as server-sent events.
 * Errors are OpenAI error objects (the router shapes thrown ones); one that comes after the
 * stream started is an SSE `error` event, which the OpenAI SDKs raise as an APIError.
 */
export async function handleChatCompletions(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const body = await readJsonBody(req, MAX_JSON_BYTES);
  const parsed = parseChatRequest(body, ctx.status());
  // A video part is sampled into frames (the same ffmpeg path as `loupe describe clip.mp4`).
  const media = parsed.video ? await resolveVideo(parsed.video) : undefined;
  const chat = media ? { ...parsed, images: media.frames, clip: media.clip } : parsed;
  const job = chatJob(ctx, chat);
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const { model } = chat;
  const fingerprint = `loupe-${ctx.version}`;

  if (!chat.stream) {
    const running = runJob(ctx.service, ctx.nextClientId(), job, chat.images, {}, chatContext(chat));
    res.on('close', () => running.cancel());
    const outcome = outcomeOf(await running.result);
    if (!outcome.ok) return sendJobError(res, outcome, 'openai');
    const { done } = outcome;
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: fingerprint,
      choices: [{ index: 0, message: { role: 'assistant', content: done.text, refusal: null }, logprobs: null, finish_reason: openAiFinish(done.finishReason) }],
      usage: openAiUsage(done),
      loupe: { model: done.model, stats: done.stats, ...(done.lines ? { lines: done.lines } : {}) },
    });
    return;
  }

  // Streaming: headers wait for the job to start, so an early failure is still a JSON error.
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: fingerprint, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const open = (): void => {
    if (res.headersSent) return;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    res.flushHeaders();
    res.write(chunk({ role: 'assistant', content: '' }));
  };
  const running = runJob(
    ctx.service,
    ctx.nextClientId(),
    job,
    chat.images,
    {
      onStarted: open,
      onDelta: (text) => {
        open();
        res.write(chunk({ content: text }));
      },
    },
    chatContext(chat),
  );
  res.on('close', () => running.cancel());
  const outcome = outcomeOf(await running.result);
  if (!outcome.ok && !res.headersSent) return sendJobError(res, outcome, 'openai');
  open();
  if (outcome.ok) {
    const { done } = outcome;
    res.write(chunk({}, openAiFinish(done.finishReason)));
    if (chat.includeUsage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: openAiUsage(done) })}\n\n`);
    res.end('data: [DONE]\n\n');
    return;
  }
  const { code, message, hint } = outcome.error;
  // No [DONE] after an error: the stream did not complete.
  res.end(`event: error\ndata: ${JSON.stringify(errorBody('openai', { status: jobErrorStatus(outcome), code, message, hint }))}\n\n`);
}
