import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';

const MB = 1024 * 1024;

/** Resident memory of another process in bytes (Linux /proc), or 0 where unknown. */
function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface Vram {
  usedMb: number;
  totalMb: number;
}

/**
 * RAM of the daemon and its engine hosts, free RAM, and VRAM from nvidia-smi. status() is
 * synchronous and frequent, so VRAM is read in the background at most every few seconds,
 * and never again once nvidia-smi turned out to be missing.
 */
export class SystemMemory {
  private vram?: Vram;
  private vramAt = 0;
  private vramPending = false;
  private noNvidiaSmi = false;

  constructor(
    private readonly refreshMs = 5000,
    private readonly nvidiaSmi = 'nvidia-smi',
  ) {}

  read(hostPids: number[]): { rssMb: number; freeRamMb: number; vramUsedMb?: number; vramTotalMb?: number } {
    this.refreshVram();
    const rss = process.memoryUsage.rss() + hostPids.reduce((n, pid) => n + rssOf(pid), 0);
    return {
      rssMb: Math.round(rss / MB),
      freeRamMb: Math.round(freemem() / MB),
      ...(this.vram ? { vramUsedMb: this.vram.usedMb, vramTotalMb: this.vram.totalMb } : {}),
    };
  }

  private refreshVram(): void {
    if (this.noNvidiaSmi || this.vramPending || Date.now() - this.vramAt < this.refreshMs) return;
    this.vramPending = true;
    execFile(this.nvidiaSmi, ['--query-gpu=memory.used,memory.total', '--format=csv,noheader,nounits'], { timeout: 3000 }, (error, stdout) => {
      this.vramPending = false;
      this.vramAt = Date.now();
      if (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.noNvidiaSmi = true;
        return;
      }
      const [used, total] = stdout.split('\n')[0]!.split(',').map((s) => Number(s.trim()));
      if (Number.isFinite(used) && Number.isFinite(total)) this.vram = { usedMb: used!, totalMb: total! };
    });
  }
}
