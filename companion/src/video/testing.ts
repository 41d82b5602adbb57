import { runFfmpeg } from './ffmpeg';

/** Writes a test clip with the bundled ffmpeg (lavfi testsrc: a counter and moving patterns), H.264 MP4 unless the name says otherwise. */
export async function makeTestClip(path: string, o: { seconds: number; width?: number; height?: number; rate?: number }): Promise<void> {
  const size = `${o.width ?? 320}x${o.height ?? 240}`;
  const codec = path.endsWith('.mp4') ? ['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'] : [];
  const run = await runFfmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=duration=${o.seconds}:size=${size}:rate=${o.rate ?? 10}`, ...codec, '-y', path], { timeoutMs: 120_000 });
  if (run.code !== 0) throw new Error(`ffmpeg could not write the test clip: ${run.stderr.trim()}`);
}
