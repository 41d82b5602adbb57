import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Test helper: renders SVG to PNG bytes in a child process. The companion's own sharp
 * is locked to PNG/JPEG/WebP loaders process-wide (intake/sharp), so SVG rendering
 * must happen outside the process under test.
 */
const companionDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const SCRIPT = `
import sharp from 'sharp';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const svg of JSON.parse(input)) out.push((await sharp(Buffer.from(svg)).png().toBuffer()).toString('base64'));
process.stdout.write(JSON.stringify(out));
`;

export function renderSvgs(svgs: string[]): Buffer[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: companionDir, input: JSON.stringify(svgs), maxBuffer: 512 * 1024 * 1024 });
  return (JSON.parse(out.toString()) as string[]).map((b) => Buffer.from(b, 'base64'));
}

export interface TextItem {
  text: string;
  x: number;
  /** Baseline y. */
  y: number;
  size?: number;
  fill?: string;
  family?: string;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function textSvg(width: number, height: number, items: TextItem[], background = '#ffffff'): string {
  const texts = items
    .map((t) => `<text x="${t.x}" y="${t.y}" font-family="${t.family ?? 'DejaVu Sans'}" font-size="${t.size ?? 18}" fill="${t.fill ?? '#111111'}" xml:space="preserve">${escapeXml(t.text)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/>${texts}</svg>`;
}
