import type { OcrBlock } from '@loupe/shared';

/**
 * What a monospace run of lines is: a table (box-drawing or ASCII borders, or `|` columns) or
 * code/terminal text, with a language named only when several of its marks agree.
 */
export const TABLE_RULE = /^\s*[+|├┌└│─-][-+=─┼┬┴├┤┌┐└┘│ ]{6,}$/;

const LANGUAGES: Array<{ name: string; marks: RegExp[] }> = [
  { name: 'python', marks: [/^\s*def \w+\(.*\)( -> .+)?:$/, /^\s*(from [\w.]+ )?import \w/, /^\s*(if|for|while|with|elif|else|try|except)\b.*:$/, /\bself\./, /^\s*return\b/] },
  { name: 'typescript', marks: [/^\s*(export )?(interface|type) \w+/, /: (string|number|boolean|void)\b/, /^\s*import .* from ['"]/, /\bconst \w+/, /=>/] },
  { name: 'javascript', marks: [/\b(const|let|var) \w+ =/, /\bfunction\b/, /=>/, /require\(['"]/, /module\.exports/, /^\s*(import|export) /, /;\s*$/] },
  { name: 'json', marks: [/^\s*[{[]\s*$/, /^\s*"[^"]+":\s/, /^\s*[}\]],?\s*$/] },
  { name: 'shell', marks: [/^\s*\$ \w/, /^\s*(sudo|apt-get|npm|pnpm|git|cd|export) \S/, /\s--?\w[\w-]*/] },
  { name: 'markdown', marks: [/^#{1,6} \S/, /^```/, /`[^`]+`/, /^\s*[-*] \S/, /\]\(\S+\)/] },
  { name: 'rust', marks: [/\bfn \w+\(/, /\blet mut\b/, /^\s*use \w+::/, /\bimpl\b/] },
  { name: 'c', marks: [/^#include\s*[<"]/, /\b(int|void|char)\s+\**\w+\s*\(/, /->\w/] },
];

export function guessLanguage(lines: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const lang of LANGUAGES) {
    // A mark counts once per kind, so one repeated pattern is not "several marks".
    const kinds = lang.marks.filter((m) => lines.some((l) => m.test(l))).length;
    if (kinds >= 2 && (!best || kinds > best.score)) best = { name: lang.name, score: kinds };
  }
  return best?.name;
}

export function codeBlock(lines: readonly string[], firstLine: number): OcrBlock {
  const content = lines.filter((l) => l.trim());
  const ruled = content.filter((l) => TABLE_RULE.test(l) || /[│|].*[│|]/.test(l)).length;
  const lastLine = firstLine + lines.length - 1;
  if (content.length >= 2 && ruled >= 0.5 * content.length) return { kind: 'table', firstLine, lastLine };
  const language = guessLanguage(lines);
  return { kind: 'code', firstLine, lastLine, ...(language ? { language } : {}) };
}
