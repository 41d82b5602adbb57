import { mkdirSync } from 'node:fs';
import { LOUPE_VERSION } from '@loupe/shared';
import type { EngineOptions } from '../engine/engine';
import type { Logger } from '../log/logger';
import { writeDaemonFile, removeDaemonFile } from '../config/daemon-file';
import { writeTokenFile, TokenSource } from '../security/token';
import { homePaths } from '../config/paths';
import { installNativeHost } from '../pairing/install-native-host';
import { startLoupeServer, type LoupeServer } from './create-server';
import { createJobService, type JobServiceOptions } from '../queue/create-job-service';
import type { JobService } from '../queue/job-service';

type EngineRequest = JobServiceOptions['engines'][number];

export interface DaemonOptions {
  home: string;
  port: number;
  log: Logger;
  device: EngineOptions['device'];
  model?: string;
  /** VLM weights precision (fp32, fp16, q8, q4, q4f16…); default per device. */
  dtype?: string;
  imageDetail?: EngineOptions['imageDetail'];
  backend?: EngineOptions['backend'];
  limits?: { perClientJobs?: number; globalQueue?: number };
  /** Register the native-messaging host (pairing). */
  pair?: boolean;
}

export interface Daemon {
  server: LoupeServer;
  service: JobService;
  stop(): Promise<void>;
}

/** Which engines `loupe start` hosts: OCR always, the VLM when a model or backend is configured. */
export function engineRequests(o: Pick<DaemonOptions, 'home' | 'device' | 'model' | 'dtype' | 'imageDetail' | 'backend'>): EngineRequest[] {
  const base: EngineOptions = { home: o.home, device: o.device };
  const engines: EngineRequest[] = [{ engine: 'ppocr', options: base }];
  if (o.backend) engines.push({ engine: 'openai-remote', options: { ...base, backend: o.backend, ...(o.model ? { model: o.model } : {}) } });
  else if (o.model) engines.push({ engine: 'qwen-vl', options: { ...base, model: o.model, ...(o.dtype ? { dtype: o.dtype } : {}), ...(o.imageDetail ? { imageDetail: o.imageDetail } : {}) } });
  return engines;
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  mkdirSync(o.home, { recursive: true, mode: 0o700 });
  const token = new TokenSource(o.home);
  // With LOUPE_TOKEN set, store it too: pairing (the native host) hands out the token file.
  if (process.env.LOUPE_TOKEN?.trim()) writeTokenFile(homePaths(o.home).token, token.current());
  const service = await createJobService({ log: o.log, engines: engineRequests(o), ...(o.limits ? { limits: o.limits } : {}) });
  let server: LoupeServer;
  try {
    server = await startLoupeServer({ service, log: o.log, home: o.home, token, port: o.port, version: LOUPE_VERSION });
  } catch (e) {
    await service.close();
    throw e;
  }
  writeDaemonFile(o.home, { pid: process.pid, port: server.port, version: LOUPE_VERSION });
  if (o.pair !== false) {
    try {
      const installed = installNativeHost({ home: o.home, port: server.port });
      o.log.info({ manifests: installed.manifests.length }, 'native messaging host registered');
    } catch (e) {
      o.log.warn({ err: { code: (e as NodeJS.ErrnoException).code } }, 'could not register the native messaging host; run `loupe pair`');
    }
  }
  o.log.info({ port: server.port, pid: process.pid, version: LOUPE_VERSION }, 'listening');
  let stopping: Promise<void> | undefined;
  return {
    server,
    service,
    stop: () =>
      (stopping ??= (async () => {
        removeDaemonFile(o.home);
        await server.close();
        await service.close();
      })()),
  };
}
