import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEVICE_CHOICES, isDeviceRequest, type DeviceRequest } from '../engine/device/request';
import { IMAGE_DETAILS, isImageDetail, type ImageDetail } from '../engine/vlm/pixel-budget';
import { homePaths } from './paths';

/** LOUPE_HOME/config.json: defaults for `loupe start`; command-line flags win. */
export interface LoupeConfig {
  port?: number;
  model?: string;
  device?: DeviceRequest;
  /** `full`: the VLM sees as many pixels on the CPU as on a GPU (slower first word; engine/vlm/pixel-budget.ts). */
  imageDetail?: ImageDetail;
  backend?: { kind: 'openai'; baseUrl: string; apiKey?: string; apiKeyFile?: string; model?: string };
  limits?: { perClientJobs?: number; globalQueue?: number };
}

function fail(path: string, field: string, why: string): never {
  throw new Error(`${path}: "${field}" ${why}; fix or delete it.`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

export function parseConfig(raw: unknown, path = 'config.json'): LoupeConfig {
  if (!isObject(raw)) fail(path, 'config', 'must be a JSON object');
  const out: LoupeConfig = {};
  if (raw.port !== undefined) {
    if (!Number.isInteger(raw.port) || (raw.port as number) < 0 || (raw.port as number) > 65535) fail(path, 'port', 'must be an integer 0–65535');
    out.port = raw.port as number;
  }
  if (raw.model !== undefined) {
    if (typeof raw.model !== 'string' || !raw.model) fail(path, 'model', 'must be a model id or directory');
    out.model = raw.model;
  }
  if (raw.device !== undefined) {
    if (!isDeviceRequest(raw.device)) fail(path, 'device', `must be ${DEVICE_CHOICES}`);
    out.device = raw.device;
  }
  if (raw.imageDetail !== undefined) {
    if (!isImageDetail(raw.imageDetail)) fail(path, 'imageDetail', `must be ${IMAGE_DETAILS.join(' or ')}`);
    out.imageDetail = raw.imageDetail;
  }
  if (raw.backend !== undefined) {
    const b = raw.backend;
    if (!isObject(b) || b.kind !== 'openai' || typeof b.baseUrl !== 'string') fail(path, 'backend', 'must be {"kind":"openai","baseUrl":"…"}');
    out.backend = { kind: 'openai', baseUrl: b.baseUrl };
    if (typeof b.apiKey === 'string') out.backend.apiKey = b.apiKey;
    if (typeof b.apiKeyFile === 'string') out.backend.apiKeyFile = b.apiKeyFile;
    if (typeof b.model === 'string') out.backend.model = b.model;
  }
  if (raw.limits !== undefined) {
    const l = raw.limits;
    if (!isObject(l)) fail(path, 'limits', 'must be an object');
    out.limits = {};
    if (l.perClientJobs !== undefined) {
      if (!isPosInt(l.perClientJobs)) fail(path, 'limits.perClientJobs', 'must be a positive integer');
      out.limits.perClientJobs = l.perClientJobs;
    }
    if (l.globalQueue !== undefined) {
      if (!isPosInt(l.globalQueue)) fail(path, 'limits.globalQueue', 'must be a positive integer');
      out.limits.globalQueue = l.globalQueue;
    }
  }
  return out;
}

export function readConfig(home: string): LoupeConfig {
  const path = homePaths(home).config;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; fix or delete it.`);
  }
  return parseConfig(raw, path);
}

export function writeConfig(home: string, config: LoupeConfig): void {
  const path = homePaths(home).config;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(parseConfig(config, path), null, 2) + '\n', { mode: 0o600 });
}

/**
 * Stores the port, model and device given on the command line as the new defaults, so a
 * plain `loupe start` brings back what ran last. Port 0 (any free port) is not a choice to keep.
 */
export function rememberStartChoices(home: string, choices: Pick<LoupeConfig, 'port' | 'model' | 'device' | 'imageDetail'>): (keyof LoupeConfig)[] {
  const current = readConfig(home);
  const kept = { ...choices, ...(choices.port === 0 ? { port: undefined } : {}) };
  const changed = (['port', 'model', 'device', 'imageDetail'] as const).filter((k) => kept[k] !== undefined && kept[k] !== current[k]);
  const next: LoupeConfig = { ...current };
  for (const k of changed) Object.assign(next, { [k]: kept[k] });
  if (changed.length) writeConfig(home, next);
  return changed;
}
