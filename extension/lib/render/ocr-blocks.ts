/**
 * OCR text → blocks the panel renders: code (monospace, with its own copy button) or prose.
 * The OCR engine keeps code indentation as leading spaces; that and code-like line endings
 * tell a code block from a paragraph.
 */
export type OcrBlock = { kind: 'code' | 'text'; text: string };

const CODE_LINE = /[{};]\s*$|^\s*(def|function|const|let|var|import|from|return|if|elif|else|for|while|class|public|private|#include|async|await)\b|=>|\w\(.*\)\s*[:{]?\s*$/;

function isCode(lines: string[]): boolean {
  if (lines.length < 2) return lines.length === 1 && /[{};]\s*$/.test(lines[0]!) && CODE_LINE.test(lines[0]!);
  if (lines.some((l) => l.startsWith('|'))) return false; // a Markdown table from the layout step
  const indented = lines.filter((l) => /^ {2,}\S/.test(l)).length;
  const codey = lines.filter((l) => CODE_LINE.test(l)).length;
  return (indented > 0 && codey > 0) || codey / lines.length >= 0.5;
}

export function ocrBlocks(text: string): OcrBlock[] {
  const blocks: OcrBlock[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const lines = para.split('\n').filter((l) => l.trim());
    if (!lines.length) continue;
    const kind = isCode(lines) ? 'code' : 'text';
    const body = lines.join('\n');
    const last = blocks.at(-1);
    // Consecutive paragraphs of one kind stay one block (a blank line inside a function).
    if (last && last.kind === kind) last.text += `\n\n${body}`;
    else blocks.push({ kind, text: body });
  }
  return blocks;
}
