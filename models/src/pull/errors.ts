/** Errors a pull can end with; each message is one line that names the fix. */
export class PullError extends Error {
  constructor(
    message: string,
    readonly code: 'offline' | 'interrupted' | 'integrity' | 'disk-full' | 'no-space' | 'not-found' | 'bad-dtype' | 'hub',
  ) {
    super(message);
    this.name = 'PullError';
  }
}

export const isEnospc = (e: unknown): boolean => (e as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
