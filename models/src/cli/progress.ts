import cliProgress from 'cli-progress';
import { formatBytes } from '../pull/errors';
import type { PullProgress } from '../pull/pull-model';

/** A cli-progress bar on a TTY; one line per finished file otherwise (logs stay readable). */
export function createPullProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }) {
  let bar: cliProgress.SingleBar | undefined;
  let lastFile = '';
  let lastFileTotal = 0;
  const line = (s: string) => stream.write(`${s}\n`);
  return {
    update(p: PullProgress): void {
      if (stream.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream,
              format: ' {bar} {percentage}% | {doneH}/{totalH} | {filesDone}/{filesTotal} files | {file}',
              hideCursor: true,
              clearOnComplete: false,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.total, p.done, { doneH: formatBytes(p.done), totalH: formatBytes(p.total), file: p.file, filesDone: p.filesDone, filesTotal: p.filesTotal });
        }
        bar.update(p.done, { doneH: formatBytes(p.done), totalH: formatBytes(p.total), file: p.file || 'done', filesDone: p.filesDone, filesTotal: p.filesTotal });
        return;
      }
      if (!p.file) return;
      if (p.file !== lastFile) {
        if (lastFile) line(`  ${lastFile} (${formatBytes(lastFileTotal)})`);
        lastFile = p.file;
      }
      lastFileTotal = p.fileTotal;
    },
    stop(completed: boolean): void {
      if (bar) bar.stop();
      else if (lastFile && completed) line(`  ${lastFile} (${formatBytes(lastFileTotal)})`);
      bar = undefined;
      lastFile = '';
    },
  };
}
