import type { LaidLine } from './layout';
import { median } from './median';

/**
 * The page's monospace text size: the median box height and pitch of the lines laid on a
 * character grid; undefined with fewer than two such lines. Rules for marks that show no pitch
 * of their own (fences, dash rows) size them by it.
 */
export function monoMetrics(lines: readonly LaidLine[]): { lineH: number; pitch: number } | undefined {
  const mono = lines.filter((l) => l.pitch !== undefined);
  if (mono.length < 2) return undefined;
  return { lineH: median(mono.map((l) => l.box[3] - l.box[1])), pitch: median(mono.map((l) => l.pitch!)) };
}
