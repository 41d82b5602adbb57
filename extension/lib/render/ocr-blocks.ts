import type { OcrBlock } from '@loupe/shared';

/**
 * OCR text → blocks the panel renders: code (monospace, with its own copy button), table
 * (monospace, columns kept) or prose. The engine says which lines are which (`blocks` of its
 * result); lines no block names are prose, and a result without blocks is all prose.
 */
export type PanelBlock = { kind: 'code' | 'table' | 'text'; text: string; language?: string };

export function ocrBlocks(text: string, blocks: readonly OcrBlock[] = []): PanelBlock[] {
  const lines = text.split('\n');
  const out: PanelBlock[] = [];
  const push = (kind: PanelBlock['kind'], from: number, to: number, language?: string) => {
    const body = lines.slice(from, to + 1).join('\n').replace(/^\n+|\n+$/g, '');
    if (body.trim()) out.push({ kind, text: body, ...(language ? { language } : {}) });
  };
  let next = 0;
  for (const b of [...blocks].sort((a, c) => a.firstLine - c.firstLine)) {
    if (b.kind === 'prose' || b.firstLine < next || b.firstLine >= lines.length) continue;
    push('text', next, b.firstLine - 1);
    const last = Math.min(b.lastLine, lines.length - 1);
    push(b.kind, b.firstLine, last, b.language);
    next = last + 1;
  }
  push('text', next, lines.length - 1);
  return out;
}
