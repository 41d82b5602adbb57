import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { UsageError } from './args';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);
/** Image files Loupe cannot read: reported per file in the summary, never skipped silently. */
const UNSUPPORTED_IMAGES: Record<string, string> = {
  '.bmp': 'BMP',
  '.gif': 'GIF',
  '.tif': 'TIFF',
  '.tiff': 'TIFF',
  '.heic': 'HEIC',
  '.heif': 'HEIF',
  '.avif': 'AVIF',
  '.ico': 'ICO',
  '.svg': 'SVG',
  '.jp2': 'JPEG 2000',
  '.jxl': 'JPEG XL',
  '.psd': 'PSD',
  '.raw': 'RAW',
  '.dng': 'DNG',
  '.cr2': 'RAW',
  '.nef': 'RAW',
};

export interface ImageList {
  /** Readable images, sorted by path. */
  files: string[];
  /** Image files of a kind Loupe does not read, with the reason. */
  unsupported: Array<{ file: string; reason: string }>;
  folder: boolean;
  /** The folder given (files' paths are shown and mirrored relative to it). */
  root: string;
}

function walk(dir: string, recursive: boolean, out: { files: string[]; unsupported: Array<{ file: string; reason: string }> }): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive && !entry.name.startsWith('.')) walk(path, recursive, out);
      continue;
    }
    if (!entry.isFile()) continue;
    const ext = extname(entry.name).toLowerCase();
    if (IMAGE_EXTENSIONS.has(ext)) out.files.push(path);
    else if (UNSUPPORTED_IMAGES[ext]) out.unsupported.push({ file: path, reason: `${UNSUPPORTED_IMAGES[ext]} images are not supported — convert it to PNG or JPEG` });
  }
}

/** An image path, or a folder of images (with `recursive`, its subfolders too). */
export function listImages(target: string, options: { recursive?: boolean } = {}): ImageList {
  const path = resolve(target);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no such file or folder: ${target}`);
  }
  if (st.isFile()) return { files: [path], unsupported: [], folder: false, root: resolve(path, '..') };
  if (!st.isDirectory()) throw new UsageError(`not a file or folder: ${target}`);
  const found = { files: [] as string[], unsupported: [] as Array<{ file: string; reason: string }> };
  walk(path, options.recursive ?? false, found);
  found.files.sort();
  found.unsupported.sort((a, b) => a.file.localeCompare(b.file));
  if (found.files.length === 0 && found.unsupported.length === 0) {
    const sub = options.recursive ? '' : ' (add --recursive for subfolders)';
    throw new UsageError(`no .png, .jpg or .webp images in ${target}${sub}`);
  }
  return { ...found, folder: true, root: path };
}

export const relativeName = (list: ImageList, file: string): string => (list.folder ? relative(list.root, file) : file);

export function readImage(path: string): Uint8Array {
  const buf = readFileSync(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
