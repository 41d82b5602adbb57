import { Presets, SingleBar } from 'cli-progress';

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/**
 * Progress of a folder run on stderr: a bar with the ETA on a terminal, one line per image
 * otherwise (logs, CI). The ETA is the mean time of the images run so far (skipped ones
 * cost nothing) times the images left.
 */
export class BatchProgress {
  private readonly bar: SingleBar | undefined;
  private readonly started = performance.now();
  private ran = 0;
  private doneCount = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = stream.isTTY ? new SingleBar({ format: `${label} [{bar}] {value}/{total} ETA {eta_text} {file}`, hideCursor: true, stream }, Presets.shades_classic) : undefined;
    this.bar?.start(total, 0, { file: '', eta_text: '…' });
  }

  private eta(): string {
    if (this.ran === 0) return '…';
    const perImage = (performance.now() - this.started) / 1000 / this.ran;
    return clock(perImage * (this.total - this.doneCount));
  }

  /** One image finished (`ran`: it was run, not skipped as already done). */
  step(file: string, outcome: 'ok' | 'failed' | 'skipped'): void {
    this.doneCount++;
    if (outcome !== 'skipped') this.ran++;
    if (this.bar) this.bar.update(this.doneCount, { file, eta_text: this.eta() });
    else this.stream.write(`${this.label}: ${this.doneCount}/${this.total} ${file} ${outcome}${this.doneCount < this.total ? ` (ETA ${this.eta()})` : ''}\n`);
  }

  /** Writes a line without tearing the bar. */
  print(stream: NodeJS.WriteStream, text: string): void {
    this.bar?.stop();
    stream.write(text);
    this.bar?.start(this.total, this.doneCount, { file: '', eta_text: this.eta() });
  }

  stop(): void {
    this.bar?.stop();
  }
}
