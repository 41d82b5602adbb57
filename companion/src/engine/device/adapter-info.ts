import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VulkanLayers } from './vulkan-layers';

/**
 * What GPU WebGPU will use: onnxruntime-node does not expose Dawn's adapter, so this asks the
 * driver tools (nvidia-smi) and sysfs (/sys/class/drm) what the Vulkan driver will drive.
 */
export interface AdapterInfo {
  vendor: string;
  name: string;
  memoryMb?: number;
  driver?: string;
}

const PCI_VENDORS: Record<string, string> = { '0x10de': 'NVIDIA', '0x1002': 'AMD', '0x8086': 'Intel' };

function nvidiaSmi(): Promise<AdapterInfo[]> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve([]);
      resolve(
        stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [name = '?', mem = '', driver = ''] = line.split(',').map((s) => s.trim());
            return { vendor: 'NVIDIA', name, ...(Number(mem) > 0 ? { memoryMb: Number(mem) } : {}), ...(driver ? { driver } : {}) };
          }),
      );
    });
  });
}

export function drmCards(root = '/sys/class/drm'): AdapterInfo[] {
  let cards: string[];
  try {
    cards = readdirSync(root).filter((c) => /^card\d+$/.test(c));
  } catch {
    return [];
  }
  const read = (card: string, file: string) => {
    try {
      return readFileSync(join(root, card, 'device', file), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  return cards.flatMap((card) => {
    const vendorId = read(card, 'vendor');
    const vendor = vendorId ? PCI_VENDORS[vendorId] : undefined;
    if (!vendor) return [];
    const vram = Number(read(card, 'mem_info_vram_total'));
    return [{ vendor, name: `${vendor} GPU ${read(card, 'device') ?? ''} (${card})`.trim(), ...(vram > 0 ? { memoryMb: Math.round(vram / 1048576) } : {}) }];
  });
}

/** The GPUs the installed Vulkan drivers can drive; NVIDIA from nvidia-smi, others from sysfs. */
export async function adapterInfo(layers?: VulkanLayers): Promise<AdapterInfo[]> {
  const nvidia = await nvidiaSmi();
  const others = drmCards().filter((c) => c.vendor !== 'NVIDIA' || nvidia.length === 0);
  const drivers = new Set(layers?.icds.map((i) => i.vendor) ?? []);
  const all = [...nvidia, ...others];
  // Without manifests to go by, list what is there; with them, only what a driver covers.
  return drivers.size ? all.filter((a) => drivers.has(a.vendor)) : all;
}

export const formatAdapter = (a: AdapterInfo): string => `${a.name.startsWith(a.vendor) ? '' : `${a.vendor} `}${a.name}${a.memoryMb ? `, ${a.memoryMb} MB` : ''}${a.driver ? `, driver ${a.driver}` : ''}`;
