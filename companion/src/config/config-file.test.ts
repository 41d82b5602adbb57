import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, readConfig, rememberStartChoices, writeConfig } from './config-file';
import { findRunningDaemon, removeDaemonFile, writeDaemonFile } from './daemon-file';
import { tempDirEachTest } from '../testing/temp-dir';

const home = tempDirEachTest('loupe-cfg-');

describe('config.json', () => {
  it('is optional and round-trips', () => {
    expect(readConfig(home())).toEqual({});
    writeConfig(home(), { port: 8000, model: 'qwen2.5-vl-3b', device: 'cpu', limits: { perClientJobs: 2 } });
    expect(readConfig(home())).toEqual({ port: 8000, model: 'qwen2.5-vl-3b', device: 'cpu', limits: { perClientJobs: 2 } });
  });
  it('names the field and the fix for bad values', () => {
    expect(() => parseConfig({ port: 70000 })).toThrow(/"port".*fix or delete/);
    expect(() => parseConfig({ device: 'tpu' })).toThrow(/"device" must be auto, webgpu, cuda or cpu/);
    expect(parseConfig({ device: 'webgpu' })).toEqual({ device: 'webgpu' });
    expect(parseConfig({ imageDetail: 'full' })).toEqual({ imageDetail: 'full' });
    expect(() => parseConfig({ imageDetail: 'high' })).toThrow(/"imageDetail" must be auto or full/);
    expect(() => parseConfig({ backend: { kind: 'other' } })).toThrow(/"backend"/);
    expect(() => parseConfig([])).toThrow(/object/);
    writeFileSync(join(home(), 'config.json'), '{nope');
    expect(() => readConfig(home())).toThrow(/not valid JSON/);
  });
});

describe('daemon.json', () => {
  it('finds a live daemon and ignores a stale file', () => {
    writeDaemonFile(home(), { pid: process.pid, port: 1234, version: '0' });
    expect(findRunningDaemon(home())).toEqual({ pid: process.pid, port: 1234, version: '0' });
    writeDaemonFile(home(), { pid: 2 ** 22 + 12345, port: 1234, version: '0' });
    expect(findRunningDaemon(home())).toBeUndefined();
    // Only the owner removes it.
    removeDaemonFile(home(), process.pid);
    expect(findRunningDaemon(home())).toBeUndefined();
  });
});

describe('rememberStartChoices', () => {
  it('keeps the last port, model and device given to start, but not port 0, and leaves other fields', () => {
    writeConfig(home(), { limits: { globalQueue: 9 } });
    expect(rememberStartChoices(home(), { port: 7500, model: 'qwen2.5-vl-3b' })).toEqual(['port', 'model']);
    expect(readConfig(home())).toEqual({ port: 7500, model: 'qwen2.5-vl-3b', limits: { globalQueue: 9 } });
    expect(rememberStartChoices(home(), { port: 0, device: 'cpu' })).toEqual(['device']);
    expect(readConfig(home())).toMatchObject({ port: 7500, device: 'cpu' });
    expect(rememberStartChoices(home(), { port: 7500 })).toEqual([]);
    expect(rememberStartChoices(home(), { imageDetail: 'full' })).toEqual(['imageDetail']);
    expect(readConfig(home())).toMatchObject({ device: 'cpu', imageDetail: 'full' });
  });
});
