import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { UsageError } from './args';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/** An image path or a folder of images (sorted, not recursive). */
export function listImages(target: string): { files: string[]; folder: boolean } {
  const path = resolve(target);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no such file or folder: ${target}`);
  }
  if (st.isFile()) return { files: [path], folder: false };
  if (!st.isDirectory()) throw new UsageError(`not a file or folder: ${target}`);
  const files = readdirSync(path)
    .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(path, name))
    .filter((p) => statSync(p).isFile());
  if (files.length === 0) throw new UsageError(`no .png, .jpg or .webp images in ${target}`);
  return { files, folder: true };
}

export function readImage(path: string): Uint8Array {
  const buf = readFileSync(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
