import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/daemon';

/**
 * Every `loupe …` / `npm …` command a user is told to run: in the extension's English
 * messages (`backticked`) and in the README (inline code, and shell / usage blocks).
 * Usage lines are expanded to runnable forms: `loupe models list|pull …` → `loupe models list`,
 * `loupe models pull`; placeholders (`<id>`, `[--flag]`, `…`) end a command.
 */
const COMMAND = /(?<![\w/.@'"$-])(?:loupe|npm) [a-z][^`#)\n]*/g;

function expand(command: string): string[] {
  const words: string[] = [];
  let cut = false;
  for (const word of command.trim().split(/\s+/)) {
    if (/^[[…]|<|^\.\.\.$/.test(word)) {
      cut = true;
      break;
    }
    words.push(word);
  }
  // `--origin <uuid>` without its placeholder value: the flag goes too (a bare `--` as well).
  while (cut && words.at(-1)?.startsWith('--')) words.pop();
  // One alternative list (`ocr|describe|code`) per command is what the usage lines use.
  const alt = words.findIndex((w) => w.includes('|'));
  if (alt < 0) return [words.join(' ')];
  return words[alt]!.split('|').map((choice) => [...words.slice(0, alt), choice].join(' '));
}

function codeTexts(markdown: string): string[] {
  const texts: string[] = [];
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(fence)) if (m[1] === '' || m[1] === 'sh') texts.push(...m[2]!.split('\n').map((line) => line.replace(/\s#.*$/, '')));
  const prose = markdown.replace(fence, '');
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) texts.push(m[1]!);
  return texts;
}

export function namedCommands(): { source: string; command: string }[] {
  const out = new Map<string, string>();
  const messages = JSON.parse(readFileSync(join(REPO_ROOT, 'extension', 'public', '_locales', 'en', 'messages.json'), 'utf8')) as Record<string, { message: string }>;
  for (const [key, { message }] of Object.entries(messages)) {
    for (const m of message.matchAll(/`([^`]+)`/g)) for (const c of m[1]!.match(COMMAND) ?? []) for (const e of expand(c)) out.set(e, `messages.json ${key}`);
  }
  for (const text of codeTexts(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'))) {
    for (const c of text.match(COMMAND) ?? []) for (const e of expand(c)) if (!out.has(e)) out.set(e, 'README.md');
  }
  return [...out].map(([command, source]) => ({ source, command }));
}
