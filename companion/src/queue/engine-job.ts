import type { Done, ModelInfo, Task } from '@loupe/shared';
import type { ConversationTurn, EngineCapabilities, EngineJob } from '../engine/engine';
import type { EngineResult } from '../engine/host/messages';
import type { JobRecord } from './job-record';

const MAX_HISTORY_TURNS = 24;

/**
 * What the user asked, as a turn in the conversation history (engines apply their own default
 * prompts). Keyed by Task: a new task does not compile without its entry.
 */
export const DEFAULT_ASK: Record<Task, string> = {
  describe: 'Describe the image.',
  code: 'Extract the code in the image.',
  ocr: 'Read the text in the image.',
  ground: 'Locate the object in the image.',
  ask: '',
};

/** The job as the engine sees it: the conversation's images, region and turns filled in. */
export function engineJobFor(record: JobRecord, caps: EngineCapabilities | undefined): EngineJob {
  const { job, conversation } = record;
  const images = record.images.length && !record.newImages ? record.images : (conversation?.images.slice() ?? []);
  const region = job.region ?? conversation?.region;
  // A follow-up in a video conversation is about the same clip.
  const video = record.images.length ? job.video : conversation?.video;
  const history: ConversationTurn[] = conversation ? conversation.turns.slice() : (record.chat?.history ?? []);
  const system = record.chat?.system;
  // An engine without its own system message reads the system text first in the prompt.
  const folded = system && !caps?.systemPrompt && job.prompt !== undefined ? `${system}\n\n${job.prompt}` : job.prompt;
  return {
    id: job.id,
    task: job.task,
    images,
    locale: job.locale,
    history,
    ...(region ? { region } : {}),
    ...(folded !== undefined ? { prompt: folded } : {}),
    ...(system && caps?.systemPrompt ? { system } : {}),
    ...(record.chat?.model ? { model: record.chat.model } : {}),
    ...(job.maxTokens !== undefined ? { maxTokens: job.maxTokens } : {}),
    ...(job.sampling !== undefined ? { sampling: job.sampling } : {}),
    ...(job.format !== undefined ? { format: job.format } : {}),
    ...(record.newImages ? { newImages: record.newImages } : {}),
    ...(video ? { video } : {}),
  };
}

/** The terminal `done` for an engine result, with the queue's own timings. */
export function doneMessage(record: JobRecord, result: EngineResult, model: ModelInfo): Done {
  const now = performance.now();
  return {
    type: 'done',
    id: record.id,
    text: result.text,
    finishReason: result.finishReason,
    model,
    stats: { ...result.stats, queueMs: Math.round(record.startedAt! - record.submittedAt), totalMs: Math.round(now - record.submittedAt) },
    ...(result.lines ? { lines: result.lines } : {}),
    ...(result.boxes ? { boxes: result.boxes } : {}),
    ...(result.no_text ? { no_text: true } : {}),
    ...(result.blocks ? { blocks: result.blocks } : {}),
  };
}

/** A finished job's question and answer join its conversation; long chats keep their most recent exchanges. */
export function rememberTurn(record: JobRecord, answer: string): void {
  const { conversation, job } = record;
  if (!conversation) return;
  conversation.turns.push({ role: 'user', text: job.prompt ?? DEFAULT_ASK[job.task], ...(record.newImages ? { images: record.newImages } : {}) }, { role: 'assistant', text: answer });
  if (conversation.turns.length > MAX_HISTORY_TURNS) conversation.turns.splice(0, conversation.turns.length - MAX_HISTORY_TURNS);
}
