import { extname, resolve } from 'node:path';
import { MAX_VIDEO_FRAMES, ProtocolError, SubmitJob, type Task } from '@loupe/shared';
import { videoResult } from '../api/result-shapes';
import { clock } from '../engine/vlm/video/prompt';
import { sampleVideoFile } from '../video/sample-file';
import { parseDevice, UsageError } from './args';
import { parseJobArgs, promptAndLocale } from './job-args';
import { openRunner } from './image-command';

/** Files `loupe describe|ask` reads as video (decoded with the bundled ffmpeg). */
const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ts', '.ogv', '.flv', '.3gp', '.wmv']);
export const isVideoFile = (path: string): boolean => VIDEO_EXTENSIONS.has(extname(path).toLowerCase());

const HELP = (task: Task): string => `loupe ${task} <video> [--json] [--from S] [--to S] [--frames N] [--prompt TEXT] [--locale en|zh-CN] [--model <id|dir>] [--device ..] [--local]
  Samples ~1 frame per second (at most --frames, default and limit ${MAX_VIDEO_FRAMES}: long videos get fewer per second)
  from the video, or from --from..--to seconds of it, and asks the vision model about them as one clip.
  Answers cite times as mm:ss. --json adds the frames sampled and their times (video.frame_times).`;

const seconds = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} takes seconds (a number ≥ 0), not "${v}"`);
  return n;
};

export async function runVideoCommand(task: Task, argv: string[]): Promise<number> {
  const args = parseJobArgs(argv, { from: { type: 'string' }, to: { type: 'string' }, frames: { type: 'string' } }, HELP(task));
  if (!args) return 0;
  const { values, positionals } = args;
  const label = `loupe ${task}`;
  if (task !== 'describe' && task !== 'ask') throw new UsageError(`${label} reads still images; for a video use \`loupe describe <video>\` or \`loupe ask <video> --prompt "…"\``);
  const [file, ...rest] = positionals;
  if (!file) throw new UsageError(`give a video: ${label} <video>`);
  const { prompt, locale } = promptAndLocale(task, values, rest, 'video');
  const frames = values.frames === undefined ? undefined : Number(values.frames);
  if (frames !== undefined && !(Number.isInteger(frames) && frames >= 1 && frames <= MAX_VIDEO_FRAMES)) throw new UsageError(`--frames takes a whole number from 1 to ${MAX_VIDEO_FRAMES}, not "${values.frames}"`);
  const from = seconds(values.from, '--from');
  const to = seconds(values.to, '--to');
  const device = parseDevice(values.device, 'auto');

  const tty = process.stderr.isTTY;
  let sampled;
  try {
    sampled = await sampleVideoFile(resolve(file), {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(frames !== undefined ? { frames } : {}),
      // A progress line while decoding: rewritten in place on a terminal, every tenth frame otherwise.
      onFrame: (done, total) => {
        if (tty) process.stderr.write(`\r${label}: decoding ${file}: frame ${done}/${total}`);
        else if (done === total || done % 10 === 1) process.stderr.write(`${label}: decoding ${file}: frame ${done}/${total}\n`);
      },
    });
  } catch (error) {
    if (tty) process.stderr.write('\n');
    if (error instanceof ProtocolError) {
      process.stderr.write(`${label}: ${error.message}${error.hint ? ` — ${error.hint}` : ''}\n`);
      return 1;
    }
    throw error;
  }
  const { clip } = sampled;
  const range = clip.range ?? [0, 0];
  process.stderr.write(`${tty ? '\n' : ''}${label}: sampled ${sampled.frames.length} frames of ${file} (${clock(range[0])}–${clock(range[1])})\n`);

  const runner = await openRunner(task, { device, local: values.local ?? false, ...(values.model ? { model: values.model } : {}) });
  try {
    const job = SubmitJob.parse({ type: 'submit', id: 'v1', task, images: sampled.frames.map((f) => f.byteLength), locale, video: clip, ...(prompt ? { prompt } : {}) });
    const stream = !values.json && process.stdout.isTTY;
    const t = await runner.run(job, sampled.frames, stream ? (text) => process.stdout.write(text) : undefined);
    if (t.type !== 'done') {
      process.stderr.write(`${label}: ${t.type === 'cancelled' ? 'cancelled' : `${t.message}${t.hint ? ` — ${t.hint}` : ''}`}\n`);
      return 1;
    }
    if (values.json) process.stdout.write(JSON.stringify(videoResult(t, clip, { file, width: sampled.probe.width, height: sampled.probe.height })) + '\n');
    else process.stdout.write(stream ? '\n' : t.text + (t.text.endsWith('\n') ? '' : '\n'));
    return 0;
  } finally {
    await runner.close();
  }
}
