import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ProtocolError } from '@loupe/shared';

/**
 * The ffmpeg binary: LOUPE_FFMPEG when set, else the one @ffmpeg-installer ships inside its npm
 * tarball for this platform (no download at install time).
 */
export function ffmpegPath(): string {
  const own = process.env.LOUPE_FFMPEG;
  if (own) return own;
  try {
    return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    throw new ProtocolError('engine_unavailable', `no ffmpeg binary is bundled for ${process.platform}-${process.arch}, so video files cannot be decoded`, 'Install ffmpeg and set LOUPE_FFMPEG=/path/to/ffmpeg.');
  }
}

export interface FfmpegRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs ffmpeg with arguments (no shell), collecting stdout up to `maxStdout` bytes and the stderr tail. */
export function runFfmpeg(args: string[], o: { timeoutMs?: number; maxStdout?: number } = {}): Promise<FfmpegRun> {
  const maxStdout = o.maxStdout ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.byteLength;
      if (outBytes <= maxStdout) out.push(chunk);
      else child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-16_384);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ProtocolError('engine_unavailable', `ffmpeg could not start: ${error.message}`, 'Reinstall with `npm run install:deps`, or set LOUPE_FFMPEG=/path/to/ffmpeg.'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}
