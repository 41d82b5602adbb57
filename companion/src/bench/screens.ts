import sharp from 'sharp';

export const SCREEN_SIZES = {
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
  '4k': { width: 3840, height: 2160 },
} as const;
export type ScreenSize = keyof typeof SCREEN_SIZES;

const LOREM =
  'Invoice 2024-117 · Total due 1,284.50 EUR · Payment within 30 days · Contact support@example.com for questions about this order.';

/**
 * A screenshot-like PNG: header bar, sidebar, coloured cards and lines of text, so decode and
 * resize see the flat regions and sharp edges of a real page rather than noise. RGBA by default,
 * as the extension sends crops, tab captures and video frames (Chromium's canvas PNG export
 * always writes an alpha channel, even for an opaque canvas); `alpha: false` gives the RGB PNG
 * that screenshot tools and API clients often send.
 */
export async function screenshotPng(size: ScreenSize, { alpha = true }: { alpha?: boolean } = {}): Promise<Buffer> {
  const { width, height } = SCREEN_SIZES[size];
  const dpi = Math.round(72 * (width / 1280));
  const lines = Array.from({ length: 12 }, (_, i) => `${i + 1}. ${LOREM}`).join('\n');
  const text = await sharp({ text: { text: lines, font: 'sans', dpi, width: Math.round(width * 0.7) } }).png().toBuffer();
  const block = (w: number, h: number, r: number, g: number, b: number) =>
    sharp({ create: { width: Math.max(1, Math.round(w)), height: Math.max(1, Math.round(h)), channels: 3, background: { r, g, b } } }).png().toBuffer();
  const [header, sidebar, card1, card2] = await Promise.all([
    block(width, height * 0.08, 32, 56, 100),
    block(width * 0.18, height * 0.92, 240, 242, 245),
    block(width * 0.3, height * 0.2, 255, 236, 200),
    block(width * 0.3, height * 0.2, 210, 240, 220),
  ]);
  const page = sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([
      { input: header, top: 0, left: 0 },
      { input: sidebar, top: Math.round(height * 0.08), left: 0 },
      { input: card1, top: Math.round(height * 0.7), left: Math.round(width * 0.22) },
      { input: card2, top: Math.round(height * 0.7), left: Math.round(width * 0.6) },
      { input: text, top: Math.round(height * 0.12), left: Math.round(width * 0.22) },
    ])
    .png();
  const composed = await page.toBuffer();
  return (alpha ? sharp(composed).ensureAlpha() : sharp(composed).removeAlpha()).png().toBuffer();
}
