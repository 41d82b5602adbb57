import { basename } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { Locale, MAX_IMAGE_BYTES, SubmitJob, type Task, type TerminalMessage, type Done } from '@loupe/shared';
import type { DeviceRequest } from '../engine/device/request';
import { readConfig } from '../config/config-file';
import { findRunningDaemon } from '../config/daemon-file';
import { loupeHome } from '../config/paths';
import { createLogger } from '../log/logger';
import { loadOrCreateToken } from '../security/token';
import { engineRequests } from '../server/daemon';
import { loadJobService } from '../server/load-job-service';
import { parse, parseDevice, UsageError } from './args';
import { listImages, readImage } from './image-files';
import { connectDaemon, serviceRunner, type JobRunner } from './job-runner';

const HELP = (task: Task): string => `loupe ${task} <image|folder> [--json] [--prompt TEXT] [--locale en|zh-CN] [--model <id|dir>] [--device auto|webgpu|cuda|cpu] [--local]
  Talks to the running companion when there is one, otherwise runs the engine in this process.
  A folder runs every .png/.jpg/.webp in it (with a progress bar; --json prints one JSON line per image).`;

/** The `--json` shape: OCR gives lines with boxes, the VLM tasks give the model that answered. */
export function jsonResult(task: Task, done: Done): Record<string, unknown> {
  if (task === 'ocr') return { text: done.text, lines: done.lines ?? [], ms: done.stats.totalMs, engine: done.model.engine };
  return {
    text: done.text,
    model: done.model.standIn ? 'stand-in' : done.model.id,
    device: done.model.device,
    finishReason: done.finishReason,
    stats: done.stats,
    ...(done.boxes ? { boxes: done.boxes } : {}),
  };
}

async function openRunner(task: Task, o: { model?: string; device: DeviceRequest; local: boolean }): Promise<JobRunner> {
  const home = loupeHome();
  const daemon = o.local ? undefined : findRunningDaemon(home);
  if (daemon) return connectDaemon(daemon.port, loadOrCreateToken(home));
  const config = readConfig(home);
  const model = o.model ?? config.model;
  const all = engineRequests({ home, device: o.device, ...(model ? { model } : {}), ...(config.backend ? { backend: config.backend } : {}) });
  // In-process: start only the engine this command needs.
  const engines = task === 'ocr' ? all.filter((e) => e.engine === 'ppocr') : all.filter((e) => e.engine !== 'ppocr');
  const log = createLogger({ level: process.env.LOUPE_LOG_LEVEL ?? 'warn' });
  const service = await loadJobService({ log, engines });
  return serviceRunner(service, 'in-process');
}

function failureLine(file: string | undefined, t: TerminalMessage): string {
  const where = file ? `${basename(file)}: ` : '';
  if (t.type === 'cancelled') return `${where}cancelled`;
  if (t.type === 'error') return `${where}${t.message}${t.hint ? ` — ${t.hint}` : ''}`;
  return where;
}

export async function runImageCommand(task: Task, argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      json: { type: 'boolean' },
      prompt: { type: 'string', short: 'p' },
      locale: { type: 'string' },
      model: { type: 'string' },
      device: { type: 'string' },
      local: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP(task) + '\n');
    return 0;
  }
  const [target, ...rest] = positionals;
  if (!target) throw new UsageError(`give an image or a folder: loupe ${task} <image|folder>`);
  const prompt = values.prompt ?? (rest.length ? rest.join(' ') : undefined);
  if (task === 'ask' && !prompt) throw new UsageError('ask needs a question: loupe ask <image> --prompt "…"');
  if (task === 'ocr' && prompt) throw new UsageError('ocr takes no prompt (use `loupe ask` for questions)');
  const locale = values.locale ?? 'en';
  if (!Locale.safeParse(locale).success) throw new UsageError(`--locale must be en or zh-CN, not "${locale}"`);
  const device = parseDevice(values.device, 'auto');
  const { files, folder } = listImages(target);

  const runner = await openRunner(task, { device, local: values.local ?? false, ...(values.model ? { model: values.model } : {}) });
  const bar = folder && process.stderr.isTTY ? new SingleBar({ format: `loupe ${task} [{bar}] {value}/{total} {file}`, hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(files.length, 0, { file: '' });
  let done = 0;
  /** Writes around the progress bar so it never tears output lines. */
  const emit = (stream: NodeJS.WriteStream, text: string): void => {
    bar?.stop();
    stream.write(text);
    bar?.start(files.length, done, { file: '' });
  };
  let failures = 0;
  try {
    for (const [i, file] of files.entries()) {
      const image = readImage(file);
      if (image.byteLength > MAX_IMAGE_BYTES) {
        failures++;
        emit(process.stderr, `loupe ${task}: ${basename(file)}: image is over ${MAX_IMAGE_BYTES / 1048576} MB — resize it first\n`);
        continue;
      }
      const job = SubmitJob.parse({ type: 'submit', id: `c${i + 1}`, task, images: [image.byteLength], locale, ...(prompt ? { prompt } : {}) });
      // Stream a single image's answer as it is produced (plain text output only).
      const stream = !folder && !values.json && task !== 'ocr' && process.stdout.isTTY;
      const t = await runner.run(job, [image], stream ? (text) => process.stdout.write(text) : undefined);
      done = i + 1;
      bar?.update(done, { file: basename(file) });
      if (t.type !== 'done') {
        failures++;
        emit(process.stderr, `loupe ${task}: ${failureLine(folder ? file : undefined, t)}\n`);
        if (t.type === 'error' && (t.code === 'engine_unavailable' || t.code === 'model_invalid')) break;
        continue;
      }
      if (values.json) {
        emit(process.stdout, JSON.stringify(folder ? { file, ...jsonResult(task, t) } : jsonResult(task, t)) + '\n');
      } else if (stream) {
        process.stdout.write('\n');
      } else {
        emit(process.stdout, (folder ? `== ${basename(file)} ==\n` : '') + t.text + (t.text.endsWith('\n') ? '' : '\n'));
      }
    }
  } finally {
    bar?.stop();
    await runner.close();
  }
  return failures === 0 ? 0 : 1;
}
