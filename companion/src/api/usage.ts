import type { Done } from '@loupe/shared';

/**
 * Token counts for the OpenAI `usage` and Ollama `prompt_eval_count`. `promptTokens` is the
 * engine's real count (text + image + earlier turns); an engine that does not report it yet
 * leaves only its image tokens, which undercount the prompt.
 */
export function tokenUsage(done: Done): { prompt: number; completion: number } {
  return { prompt: done.stats.promptTokens ?? done.stats.visualTokens ?? 0, completion: done.stats.decodeTokens ?? 0 };
}

export function openAiUsage(done: Done): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const { prompt, completion } = tokenUsage(done);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
