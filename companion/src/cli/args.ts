import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEVICE_CHOICES, isDeviceRequest, type DeviceRequest } from '../engine/device/request';

/** A one-line usage error: main prints it and exits 2. */
export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535 (0 picks a free port), not "${value}"`);
  return port;
}

export function parseDevice(value: string | undefined, fallback: DeviceRequest): DeviceRequest {
  if (value === undefined) return fallback;
  if (isDeviceRequest(value)) return value;
  throw new UsageError(`--device must be ${DEVICE_CHOICES}, not "${value}"`);
}
