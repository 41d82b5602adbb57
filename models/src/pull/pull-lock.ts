import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PullError } from './errors';

const LOCK_NAME = '.loupe-pull.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One pull per model directory at a time; a lock left by a dead process is taken over. */
export async function acquirePullLock(dir: string, id: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.write(String(process.pid));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new PullError(`another pull of ${id} is running (pid ${pid}); wait for it to finish`, 'interrupted');
      }
      if (pid === process.pid) throw new PullError(`a pull of ${id} is already running in this process`, 'interrupted');
      await rm(path, { force: true });
    }
  }
  throw new PullError(`could not lock ${dir} for the pull; remove ${path} if no pull is running`, 'interrupted');
}
