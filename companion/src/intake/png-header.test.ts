import { describe, expect, it } from 'vitest';
import { readPngHeader } from './png-header';
import { sharp } from './sharp';

const base = (channels: 3 | 4, alpha = 1) => sharp({ create: { width: 37, height: 23, channels, background: { r: 200, g: 40, b: 90, alpha } } });

describe('readPngHeader', () => {
  it('agrees with libvips on size and alpha across colour types, depths and interlacing', async () => {
    const pngs = {
      rgb: await base(3).png().toBuffer(),
      rgba: await base(4, 0.5).png().toBuffer(),
      gray: await base(3).toColourspace('b-w').png().toBuffer(),
      grayAlpha: await base(4, 0.5).toColourspace('b-w').png().toBuffer(),
      palette: await base(3).png({ palette: true }).toBuffer(),
      paletteAlpha: await base(4, 0.5).png({ palette: true }).toBuffer(),
      rgb16: await base(4, 0.5).toColourspace('rgb16').png().toBuffer(),
      interlaced: await base(3).png({ progressive: true }).toBuffer(),
    };
    for (const [name, png] of Object.entries(pngs)) {
      const meta = await sharp(png).metadata();
      expect(readPngHeader(png), name).toEqual({ width: meta.width, height: meta.height, hasAlpha: meta.hasAlpha });
    }
  });

  it('defers to libvips when an eXIf chunk may rotate the image', async () => {
    const png = await base(3).png().withMetadata({ orientation: 6 }).toBuffer();
    expect(png.includes(Buffer.from('eXIf'))).toBe(true);
    expect(readPngHeader(png)).toBeUndefined();
  });

  it('defers to libvips on a header it does not vouch for', async () => {
    const png = await base(3).png().toBuffer();
    const zeroWidth = Buffer.from(png);
    zeroWidth.writeUInt32BE(0, 16);
    const badDepth = Buffer.from(png);
    badDepth[24] = 3;
    const notIhdr = Buffer.from(png);
    notIhdr.write('IHDX', 12, 'latin1');
    for (const bytes of [zeroWidth, badDepth, notIhdr, png.subarray(0, 20)]) expect(readPngHeader(bytes)).toBeUndefined();
  });
});
