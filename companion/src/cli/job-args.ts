import type { ParseArgsConfig } from 'node:util';
import { Locale, type Task } from '@loupe/shared';
import { parse, UsageError } from './args';

/** The options every `loupe ocr|describe|code|ask|ground` command takes, for a still image or a video. */
export const JOB_OPTIONS = {
  json: { type: 'boolean' },
  prompt: { type: 'string', short: 'p' },
  locale: { type: 'string' },
  model: { type: 'string' },
  device: { type: 'string' },
  local: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A job command's words: JOB_OPTIONS plus its own, then the file and any words; null once `--help` has printed `help`. */
export function parseJobArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], own: T, help: string) {
  const parsed = parse(argv, { ...JOB_OPTIONS, ...own }, true);
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(help + '\n');
    return null;
  }
  return parsed;
}

/** The question (--prompt, or the words after the file) and the answer's language, checked for the task. */
export function promptAndLocale(task: Task, values: { prompt?: string; locale?: string }, rest: string[], what: 'image' | 'video'): { prompt: string | undefined; locale: Locale } {
  const prompt = values.prompt ?? (rest.length ? rest.join(' ') : undefined);
  if (task === 'ask' && !prompt) throw new UsageError(`ask needs a question: loupe ask <${what}> --prompt "…"`);
  if (task === 'ocr' && prompt) throw new UsageError('ocr takes no prompt (use `loupe ask` for questions)');
  const locale = values.locale ?? 'en';
  if (!Locale.safeParse(locale).success) throw new UsageError(`--locale must be en or zh-CN, not "${locale}"`);
  return { prompt, locale: locale as Locale };
}
