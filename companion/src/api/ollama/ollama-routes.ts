import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Done, FinishReason } from '@loupe/shared';
import { chatContext, chatJob, MAX_JSON_BYTES } from '../chat-completions';
import type { ApiContext } from '../context';
import { errorBody } from '../error-shapes';
import { HttpError, readJsonBody, sendJson } from '../http-io';
import { jobErrorStatus, sendJobError } from '../job-error';
import { listApiModels, type ApiModel } from '../models';
import { outcomeOf, runJob } from '../run-job';
import { tokenUsage } from '../usage';
import { parseOllamaChat, parseOllamaGenerate, untagged, type OllamaRequest } from './ollama-request';

/**
 * The Ollama API routes local tools use (/api/version, /api/tags, /api/show, /api/chat,
 * /api/generate), on the same token and Origin rules as every other route. Streams are
 * NDJSON, one object per line; an error after the stream started is a `{"error": …}` line,
 * which ollama-js throws.
 */

/** The Ollama API version whose routes these answer like (Loupe's own version is `loupe`). */
export const OLLAMA_API_VERSION = '0.12.0';

export function handleOllamaVersion(_req: IncomingMessage, res: ServerResponse, ctx: ApiContext): void {
  sendJson(res, 200, { version: OLLAMA_API_VERSION, loupe: ctx.version });
}

function details(m: ApiModel): Record<string, unknown> {
  return { parent_model: '', format: m.kind === 'ocr' ? 'ppocr-onnx' : 'onnx', family: m.kind, families: [m.kind], parameter_size: '', quantization_level: m.engine.model?.dtype ?? '' };
}

export function handleOllamaTags(_req: IncomingMessage, res: ServerResponse, ctx: ApiContext): void {
  const now = new Date().toISOString();
  const models = listApiModels(ctx.status()).map((m) => ({ name: m.id, model: m.id, modified_at: now, size: 0, digest: '', details: details(m) }));
  sendJson(res, 200, { models });
}

export async function handleOllamaShow(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const body = (await readJsonBody(req, 64 * 1024, { anyType: true })) as Record<string, unknown> | null;
  const name = typeof body?.model === 'string' ? body.model : typeof body?.name === 'string' ? body.name : undefined;
  if (!name) throw new HttpError(400, 'bad_request', '`model` is required', 'Send {"model": "<name from /api/tags>"}.', 'model');
  const model = listApiModels(ctx.status()).find((m) => m.id === untagged(name));
  if (!model) throw new HttpError(404, 'model_not_found', 'model not found', 'GET /api/tags lists the models.', 'model');
  sendJson(res, 200, {
    modelfile: '',
    parameters: '',
    template: '',
    details: details(model),
    model_info: { 'general.architecture': model.kind, ...(model.engine.model ? { 'loupe.name': model.engine.model.id, 'loupe.stand_in': model.engine.model.standIn } : {}) },
    capabilities: model.kind === 'ocr' ? ['vision'] : ['completion', 'vision'],
    modified_at: new Date().toISOString(),
  });
}

const doneReason = (r: FinishReason): 'stop' | 'length' => (r === 'length' ? 'length' : 'stop');
const ns = (ms: number | undefined): number => Math.round((ms ?? 0) * 1e6);

/** The last object of an answer: Ollama's counters (nanoseconds) from the job's stats. */
function finalFields(done: Done): Record<string, unknown> {
  const { prompt, completion } = tokenUsage(done);
  const s = done.stats;
  const evalMs = s.tokensPerSecond && completion > 1 ? ((completion - 1) / s.tokensPerSecond) * 1000 : 0;
  return {
    done: true,
    done_reason: doneReason(done.finishReason),
    total_duration: ns(s.totalMs),
    load_duration: 0,
    prompt_eval_count: prompt,
    prompt_eval_duration: ns((s.preprocessMs ?? 0) + (s.visionEncodeMs ?? 0) + (s.prefillMs ?? 0)),
    eval_count: completion,
    eval_duration: ns(evalMs),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, ctx: ApiContext, kind: 'chat' | 'generate'): Promise<void> {
  const body = await readJsonBody(req, MAX_JSON_BYTES, { anyType: true });
  const o: OllamaRequest = kind === 'chat' ? parseOllamaChat(body, ctx.status()) : parseOllamaGenerate(body, ctx.status());
  const head = (): Record<string, unknown> => ({ model: o.model, created_at: new Date().toISOString() });
  const piece = (text: string): Record<string, unknown> => (kind === 'chat' ? { message: { role: 'assistant', content: text } } : { response: text });
  if (o.loadOnly) {
    sendJson(res, 200, { ...head(), ...piece(''), done: true, done_reason: 'load' });
    return;
  }
  const job = chatJob(ctx, o);
  if (!o.stream) {
    const running = runJob(ctx.service, ctx.nextClientId(), job, o.images, {}, chatContext(o));
    res.on('close', () => running.cancel());
    const outcome = outcomeOf(await running.result);
    if (!outcome.ok) return sendJobError(res, outcome, 'ollama');
    sendJson(res, 200, { ...head(), ...piece(outcome.done.text), ...finalFields(outcome.done) });
    return;
  }
  const line = (value: unknown): boolean => res.write(JSON.stringify(value) + '\n');
  const open = (): void => {
    if (res.headersSent) return;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.flushHeaders();
  };
  const running = runJob(
    ctx.service,
    ctx.nextClientId(),
    job,
    o.images,
    {
      onStarted: open,
      onDelta: (text) => {
        open();
        line({ ...head(), ...piece(text), done: false });
      },
    },
    chatContext(o),
  );
  res.on('close', () => running.cancel());
  const outcome = outcomeOf(await running.result);
  if (!outcome.ok && !res.headersSent) return sendJobError(res, outcome, 'ollama');
  open();
  if (outcome.ok) line({ ...head(), ...piece(''), ...finalFields(outcome.done) });
  else {
    const { code, message, hint } = outcome.error;
    line(errorBody('ollama', { status: jobErrorStatus(outcome), code, message, hint }));
  }
  res.end();
}

export const handleOllamaChat = (req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> => answer(req, res, ctx, 'chat');
export const handleOllamaGenerate = (req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> => answer(req, res, ctx, 'generate');
