import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StandInOptions } from '@loupe/models';
import { afterAll, beforeAll } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../helpers/daemon';
import { grayPng } from '../../helpers/images';
import { standInModel } from '../../helpers/standin';
import { addPages, startTestSite, type TestSite } from './test-site';

export interface WorldOptions<B extends { close(): Promise<void> }> {
  /** Prefix of the companion's own fresh LOUPE_HOME (it creates its token there, as on a user's machine). */
  homePrefix: string;
  /** The stand-in VLM the companion runs (its options); absent: OCR only, and the companion starts faster. */
  model?: Partial<StandInOptions>;
  /** The browser with the extension, paired with the running companion. */
  launch(companion: { home: string; port: number }): Promise<B>;
  /** How long all of it may take to start. */
  timeoutMs: number;
}

export interface World<B> {
  readonly daemon: RunningDaemon;
  readonly site: TestSite;
  readonly browser: B;
  readonly home: string;
  readonly model: { dir: string } | undefined;
  /** Starts the companion again in the same home (same token), e.g. on another port; it is the one stopped after. */
  restartDaemon(args: string[]): Promise<RunningDaemon>;
}

/**
 * What every e2e suite runs against, registered as its beforeAll/afterAll: a stand-in model when
 * asked for, the real companion in a fresh home, the test site with its pages and photo, and
 * the browser paired with that companion; all closed after, the browser first.
 */
export function useWorld<B extends { close(): Promise<void> }>(o: WorldOptions<B>): World<B> {
  let model: { dir: string; cleanup(): void } | undefined;
  let home: string;
  let daemon: RunningDaemon;
  let site: TestSite;
  let browser: B;

  beforeAll(async () => {
    if (o.model) model = await standInModel(o.model);
    home = mkdtempSync(join(tmpdir(), o.homePrefix));
    daemon = await startDaemon({ home, args: model ? ['--model', model.dir] : [], token: null, timeoutMs: 240_000 });
    site = await startTestSite();
    addPages(site);
    site.files.set('/photo.png', { type: 'image/png', body: grayPng(320, 200, { value: 90 }) });
    browser = await o.launch({ home, port: daemon.port });
  }, o.timeoutMs);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await daemon?.stop();
    model?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  return {
    get daemon() {
      return daemon;
    },
    get site() {
      return site;
    },
    get browser() {
      return browser;
    },
    get home() {
      return home;
    },
    get model() {
      return model;
    },
    async restartDaemon(args) {
      daemon = await startDaemon({ home, token: null, args });
      return daemon;
    },
  };
}
