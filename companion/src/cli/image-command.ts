import { resolve } from 'node:path';
import { MAX_IMAGE_BYTES, SubmitJob, type Task, type TerminalMessage, type Done } from '@loupe/shared';
import { describeResult, ocrResult } from '../api/result-shapes';
import type { DeviceRequest } from '../engine/device/request';
import { readConfig } from '../config/config-file';
import { findRunningDaemon } from '../config/daemon-file';
import { loupeHome } from '../config/paths';
import { createJobService } from '../queue/create-job-service';
import { createLogger } from '../log/logger';
import { loadOrCreateToken } from '../security/token';
import { engineRequests } from '../server/daemon';
import { parseDevice, UsageError } from './args';
import { parseJobArgs, promptAndLocale } from './job-args';
import { BatchOutput } from './batch-output';
import { BatchProgress } from './batch-progress';
import { listImages, readImage, relativeName } from './image-files';
import { connectDaemon, serviceRunner, type JobRunner } from './job-runner';

const HELP = (task: Task): string => `loupe ${task} <image|folder> [--json] [--prompt TEXT] [--locale en|zh-CN] [--model <id|dir>] [--device auto|webgpu|cuda|cpu] [--local]
        [--recursive] [--out DIR] [--resume] [--jsonl]
  loupe describe|ask <video> [--from S] [--to S] [--frames N] [--json]   (see \`loupe describe clip.mp4 --help\`)
  Talks to the running companion when there is one, otherwise runs the engine in this process.
  A folder runs every .png/.jpg/.webp in it (--recursive: and in its subfolders), with a progress
  bar and ETA on stderr and a summary of the images that failed, with the reason.
  --out DIR   one file per image: DIR/<path in the folder>.txt (.json with --json)
  --resume    skip images whose output file in --out DIR already exists
  --jsonl     one JSON line per image on stdout (fields as the HTTP API: description, finish_reason, …)`;

/** The `--json` shape: the HTTP API's (/v1/ocr for OCR, /v1/describe for the VLM tasks). */
export function jsonResult(task: Task, done: Done): Record<string, unknown> {
  return task === 'ocr' ? ocrResult(done) : describeResult(done);
}

export async function openRunner(task: Task, o: { model?: string; device: DeviceRequest; local: boolean }): Promise<JobRunner> {
  const home = loupeHome();
  const daemon = o.local ? undefined : findRunningDaemon(home);
  if (daemon) return connectDaemon(daemon.port, loadOrCreateToken(home));
  const config = readConfig(home);
  const model = o.model ?? config.model;
  const all = engineRequests({ home, device: o.device, ...(model ? { model } : {}), ...(config.imageDetail ? { imageDetail: config.imageDetail } : {}), ...(config.backend ? { backend: config.backend } : {}) });
  // In-process: start only the engine this command needs.
  const engines = task === 'ocr' ? all.filter((e) => e.engine === 'ppocr') : all.filter((e) => e.engine !== 'ppocr');
  const log = createLogger({ level: process.env.LOUPE_LOG_LEVEL ?? 'warn' });
  const service = await createJobService({ log, engines });
  return serviceRunner(service, 'in-process');
}

const reasonOf = (t: TerminalMessage): string => (t.type === 'cancelled' ? 'cancelled' : t.type === 'error' ? `${t.message}${t.hint ? ` — ${t.hint}` : ''}` : '');

export async function runImageCommand(task: Task, argv: string[]): Promise<number> {
  // A video file goes to the video command (frames sampled with ffmpeg, asked about as one clip).
  const { isVideoFile, runVideoCommand } = await import('./video-command');
  if (argv.some((a) => !a.startsWith('-') && isVideoFile(a))) return runVideoCommand(task, argv);
  const args = parseJobArgs(argv, { jsonl: { type: 'boolean' }, out: { type: 'string' }, resume: { type: 'boolean' }, recursive: { type: 'boolean', short: 'r' } }, HELP(task));
  if (!args) return 0;
  const { values, positionals } = args;
  const [target, ...rest] = positionals;
  if (!target) throw new UsageError(`give an image or a folder: loupe ${task} <image|folder>`);
  const { prompt, locale } = promptAndLocale(task, values, rest, 'image');
  if (values.resume && !values.out) throw new UsageError('--resume needs --out DIR (it skips the images whose output file is already there)');
  const device = parseDevice(values.device, 'auto');
  const list = listImages(target, { recursive: values.recursive ?? false });
  const { folder } = list;
  const output = values.out ? new BatchOutput(resolve(values.out), values.json ? 'json' : 'txt') : undefined;
  const jsonLines = values.jsonl || (folder && values.json && !output);
  const label = `loupe ${task}`;

  const failures: Array<{ file: string; reason: string }> = list.unsupported.map((u) => ({ file: relativeName(list, u.file), reason: u.reason }));
  const pending = list.files.filter((f) => !(values.resume && output?.isDone(relativeName(list, f))));
  const skipped = list.files.length - pending.length;
  const progress = folder ? new BatchProgress(label, list.files.length) : undefined;
  for (let i = 0; i < skipped; i++) progress?.step('', 'skipped');
  /** Images of `pending` that were tried (answered, failed or refused). */
  let tried = 0;
  let answered = 0;
  let stoppedBy: string | undefined;

  const runner = pending.length > 0 ? await openRunner(task, { device, local: values.local ?? false, ...(values.model ? { model: values.model } : {}) }) : undefined;
  try {
    for (const [i, file] of pending.entries()) {
      const name = relativeName(list, file);
      tried++;
      const image = readImage(file);
      if (image.byteLength > MAX_IMAGE_BYTES) {
        failures.push({ file: name, reason: `image is over ${MAX_IMAGE_BYTES / 1048576} MB — resize it first` });
        progress?.step(name, 'failed');
        continue;
      }
      const job = SubmitJob.parse({ type: 'submit', id: `c${i + 1}`, task, images: [image.byteLength], locale, ...(prompt ? { prompt } : {}) });
      // Stream a single image's answer as it is produced (plain text to a terminal only).
      const stream = !folder && !values.json && !values.jsonl && !output && task !== 'ocr' && process.stdout.isTTY;
      const t = await runner!.run(job, [image], stream ? (text) => process.stdout.write(text) : undefined);
      if (t.type !== 'done') {
        failures.push({ file: name, reason: reasonOf(t) });
        progress?.step(name, 'failed');
        if (t.type === 'error' && (t.code === 'engine_unavailable' || t.code === 'model_invalid')) {
          stoppedBy = reasonOf(t);
          break;
        }
        continue;
      }
      const result = jsonResult(task, t);
      if (output) output.write(name, values.json ? JSON.stringify(result, null, 2) : t.text);
      const print = (text: string): void => void (progress ? progress.print(process.stdout, text) : process.stdout.write(text));
      if (jsonLines) print(JSON.stringify(folder ? { file, ...result } : result) + '\n');
      else if (!output) {
        if (stream) print('\n');
        else if (values.json) print(JSON.stringify(result) + '\n');
        else print((folder ? `== ${name} ==\n` : '') + t.text + (t.text.endsWith('\n') ? '' : '\n'));
      }
      answered++;
      progress?.step(name, 'ok');
    }
  } finally {
    progress?.stop();
    await runner?.close();
  }

  if (!folder) {
    for (const f of failures) process.stderr.write(`${label}: ${f.reason}\n`);
    return failures.length === 0 ? 0 : 1;
  }
  const notRun = pending.length - tried;
  const parts = [`${answered} done`];
  if (skipped) parts.push(`${skipped} already done (--resume)`);
  if (failures.length) parts.push(`${failures.length} failed`);
  if (notRun > 0) parts.push(`${notRun} not run`);
  const lines = [`${label}: ${parts.join(', ')}${output ? ` — output in ${output.dir}` : ''}`];
  for (const f of failures) lines.push(`  ${f.file}: ${f.reason}`);
  if (stoppedBy && notRun > 0) lines.push(`  stopped after the engine became unavailable: ${notRun} images not run (fix it, then rerun with --resume)`);
  process.stderr.write(lines.join('\n') + '\n');
  return failures.length === 0 ? 0 : 1;
}
