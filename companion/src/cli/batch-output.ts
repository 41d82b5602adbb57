import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * `--out DIR`: one file per image, at the image's path relative to the folder with `.txt`
 * (or `.json`) added (`shots/a.png` → `DIR/shots/a.png.txt`), so a.png and a.jpg never
 * collide. Written to a temp name and renamed: an interrupted run leaves no half file that
 * `--resume` would take for done.
 */
export class BatchOutput {
  constructor(
    readonly dir: string,
    private readonly ext: 'txt' | 'json',
  ) {}

  pathFor(relativeImage: string): string {
    return join(this.dir, `${relativeImage}.${this.ext}`);
  }

  /** Done = the output exists and is not empty. */
  isDone(relativeImage: string): boolean {
    const path = this.pathFor(relativeImage);
    return existsSync(path) && statSync(path).size > 0;
  }

  write(relativeImage: string, content: string): string {
    const path = this.pathFor(relativeImage);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.partial-${process.pid}`;
    writeFileSync(tmp, content.endsWith('\n') ? content : `${content}\n`);
    renameSync(tmp, path);
    return path;
  }
}
