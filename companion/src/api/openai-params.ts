import type { Sampling } from '@loupe/shared';
import { HttpError } from './http-io';

/**
 * The OpenAI request parameters Loupe honours (temperature, top_p, top_k, seed, stop,
 * max_tokens / max_completion_tokens → the job's sampling and maxTokens), and a clear 400
 * naming each one it would otherwise silently ignore (n > 1, tools, JSON output, logprobs, …).
 * Ollama's `options` map onto the same fields (see ollama-request.ts).
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null;

export const badParam = (param: string, message: string, hint: string): HttpError => new HttpError(400, 'bad_request', message, hint, param);

/** The largest answer a job may ask for (SubmitJob.maxTokens); larger requests are capped. */
const MAX_TOKENS_CAP = 8192;

export interface SamplingFields {
  temperature?: unknown;
  topP?: unknown;
  topK?: unknown;
  seed?: unknown;
  stop?: unknown;
  maxTokens?: unknown;
}

/** Field names in the error are the caller's own (`top_p` for OpenAI, `options.top_p` for Ollama). */
export function parseSampling(f: SamplingFields, names: Record<keyof SamplingFields, string>): { sampling?: Sampling; maxTokens?: number } {
  const sampling: Sampling = {};
  if (present(f.temperature)) {
    if (typeof f.temperature !== 'number' || !(f.temperature >= 0 && f.temperature <= 2)) throw badParam(names.temperature, `\`${names.temperature}\` must be a number from 0 to 2`, 'Send 0 for the same answer every time, up to 2 for the most varied.');
    sampling.temperature = f.temperature;
  }
  if (present(f.topP)) {
    if (typeof f.topP !== 'number' || !(f.topP >= 0 && f.topP <= 1)) throw badParam(names.topP, `\`${names.topP}\` must be a number from 0 to 1`, `Omit \`${names.topP}\` or send e.g. 0.9.`);
    // top_p 0 keeps only the likeliest token: greedy.
    if (f.topP === 0) sampling.temperature = 0;
    else if (f.topP < 1) sampling.topP = f.topP;
  }
  if (present(f.topK)) {
    if (!Number.isInteger(f.topK) || (f.topK as number) < -1 || (f.topK as number) > 1000) throw badParam(names.topK, `\`${names.topK}\` must be an integer from 1 to 1000 (0 or -1: off)`, `Omit \`${names.topK}\` or send e.g. 40.`);
    if ((f.topK as number) >= 1) sampling.topK = f.topK as number;
  }
  if (present(f.seed)) {
    if (!Number.isSafeInteger(f.seed)) throw badParam(names.seed, `\`${names.seed}\` must be an integer`, `Send an integer \`${names.seed}\`, e.g. 42.`);
    // OpenAI seeds are int64; the decode loop's is 32-bit: the same seed still maps to the same stream.
    sampling.seed = (((f.seed as number) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  }
  if (present(f.stop)) {
    const stops = typeof f.stop === 'string' ? [f.stop] : f.stop;
    if (!Array.isArray(stops) || stops.length > 4 || !stops.every((s) => typeof s === 'string' && s.length >= 1 && s.length <= 64)) {
      throw badParam(names.stop, `\`${names.stop}\` must be a string or up to 4 strings of 1–64 characters`, `Send e.g. "${names.stop}": ["\\n\\n"].`);
    }
    if (stops.length > 0) sampling.stop = stops as string[];
  }
  let maxTokens: number | undefined;
  if (present(f.maxTokens)) {
    if (!Number.isInteger(f.maxTokens) || (f.maxTokens as number) <= 0) throw badParam(names.maxTokens, `\`${names.maxTokens}\` must be a positive integer`, `Omit \`${names.maxTokens}\` or send a positive integer.`);
    maxTokens = Math.min(f.maxTokens as number, MAX_TOKENS_CAP);
  }
  return { ...(Object.keys(sampling).length ? { sampling } : {}), ...(maxTokens ? { maxTokens } : {}) };
}

const OPENAI_NAMES = { temperature: 'temperature', topP: 'top_p', topK: 'top_k', seed: 'seed', stop: 'stop', maxTokens: 'max_completion_tokens' } as const;

/** Sampling from an OpenAI chat request; unsupported parameters are refused by name. */
export function openAiSampling(body: Record<string, unknown>): { sampling?: Sampling; maxTokens?: number } {
  rejectUnsupported(body);
  const useNew = present(body.max_completion_tokens);
  return parseSampling(
    { temperature: body.temperature, topP: body.top_p, topK: body.top_k, seed: body.seed, stop: body.stop, maxTokens: useNew ? body.max_completion_tokens : body.max_tokens },
    { ...OPENAI_NAMES, maxTokens: useNew ? 'max_completion_tokens' : 'max_tokens' },
  );
}

function rejectUnsupported(body: Record<string, unknown>): void {
  if (present(body.n) && body.n !== 1) throw badParam('n', '`n` must be 1: Loupe writes one answer per request', 'Omit `n`, or send the request n times (with different `seed`s).');
  const tools = body.tools ?? body.functions;
  if ((Array.isArray(tools) && tools.length > 0) || (present(tools) && !Array.isArray(tools))) {
    throw badParam(body.tools !== undefined ? 'tools' : 'functions', 'tool and function calling is not supported', 'Omit `tools` / `functions`; Loupe answers in text.');
  }
  const choice = body.tool_choice ?? body.function_call;
  if (present(choice) && choice !== 'none' && choice !== 'auto') throw badParam(body.tool_choice !== undefined ? 'tool_choice' : 'function_call', 'tool calling is not supported', 'Omit `tool_choice`.');
  // response_format (text, json_object, json_schema) is parsed by response-format.ts.
  if (body.logprobs === true || present(body.top_logprobs)) throw badParam(body.logprobs === true ? 'logprobs' : 'top_logprobs', 'log probabilities are not returned', 'Omit `logprobs` and `top_logprobs`.');
  for (const name of ['presence_penalty', 'frequency_penalty'] as const) {
    if (present(body[name]) && body[name] !== 0) throw badParam(name, `\`${name}\` is not supported (Loupe's repetition guard stops loops instead)`, `Omit \`${name}\` or send 0.`);
  }
  if (isObject(body.logit_bias) && Object.keys(body.logit_bias).length > 0) throw badParam('logit_bias', '`logit_bias` is not supported', 'Omit `logit_bias`.');
  if (Array.isArray(body.modalities) && body.modalities.some((m) => m !== 'text')) throw badParam('modalities', 'Loupe answers in text only', 'Send `modalities: ["text"]` or omit it.');
  if (present(body.audio)) throw badParam('audio', 'audio output is not supported', 'Omit `audio`.');
  if (present(body.prediction)) throw badParam('prediction', 'predicted outputs are not supported', 'Omit `prediction`.');
}
