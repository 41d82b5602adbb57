import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVulkanLayers } from './vulkan-layers';

const root = mkdtempSync(join(tmpdir(), 'loupe-vkl-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const icd = (dir: string, file: string, library: string) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } }));
};

describe('Vulkan layers found the way the loader finds them', () => {
  it('finds the loader on LD_LIBRARY_PATH and the manifests of a VK_DRIVER_FILES dir, telling CPU drivers apart', () => {
    const lib = join(root, 'lib');
    mkdirSync(lib, { recursive: true });
    writeFileSync(join(lib, 'libvulkan.so.1'), '');
    const icds = join(root, 'icd.d');
    icd(icds, 'nvidia_icd.json', 'libGLX_nvidia.so.0');
    icd(icds, 'lvp_icd.x86_64.json', '/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so');
    writeFileSync(join(icds, 'broken.json'), '{');
    const layers = findVulkanLayers({ LD_LIBRARY_PATH: `/nowhere:${lib}`, VK_DRIVER_FILES: icds });
    expect(layers.loader).toBe(join(lib, 'libvulkan.so.1'));
    expect(layers.icdSearch).toEqual([icds]);
    expect(layers.icds.map((i) => [i.vendor, i.cpuOnly])).toEqual([
      ['CPU (lavapipe/SwiftShader)', true],
      ['NVIDIA', false],
    ]);
  });

  it('VK_ICD_FILENAMES may list single files; a missing one yields no manifest', () => {
    icd(join(root, 'one'), 'radeon_icd.x86_64.json', '/usr/lib/x86_64-linux-gnu/libvulkan_radeon.so');
    const layers = findVulkanLayers({ VK_ICD_FILENAMES: `${join(root, 'one', 'radeon_icd.x86_64.json')}:${join(root, 'absent.json')}` });
    expect(layers.icds.map((i) => i.vendor)).toEqual(['AMD']);
  });
});
