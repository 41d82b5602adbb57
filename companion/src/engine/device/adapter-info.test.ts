import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drmCards, formatAdapter } from './adapter-info';

const root = mkdtempSync(join(tmpdir(), 'loupe-drm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function card(name: string, files: Record<string, string>): void {
  mkdirSync(join(root, name, 'device'), { recursive: true });
  for (const [f, v] of Object.entries(files)) writeFileSync(join(root, name, 'device', f), `${v}\n`);
}

describe('GPU adapter details for doctor', () => {
  it('reads vendor and VRAM of each GPU from sysfs, skipping outputs and unknown vendors', () => {
    card('card0', { vendor: '0x1002', device: '0x744c', mem_info_vram_total: String(24 * 1024 ** 3) });
    card('card1', { vendor: '0x1af4', device: '0x1050' }); // a virtual display adapter
    mkdirSync(join(root, 'card0-DP-1'), { recursive: true });
    expect(drmCards(root)).toEqual([{ vendor: 'AMD', name: 'AMD GPU 0x744c (card0)', memoryMb: 24576 }]);
  });

  it('prints vendor, name, memory and driver without repeating the vendor', () => {
    expect(formatAdapter({ vendor: 'NVIDIA', name: 'NVIDIA H200', memoryMb: 143771, driver: '570.86' })).toBe('NVIDIA H200, 143771 MB, driver 570.86');
    expect(formatAdapter({ vendor: 'Intel', name: 'Arc A770' })).toBe('Intel Arc A770');
  });
});
