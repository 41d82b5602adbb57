import { readFile } from 'node:fs/promises';
import { decodeRegion } from './src/engine/ocr/decode';
import { borderColor } from './src/engine/ocr/detector';
const { rgb } = await decodeRegion(await readFile(process.argv[2]!));
const [r, g, b] = borderColor(rgb);
for (let y = 0; y < 60; y++) {
  let first = -1, last = -1, n = 0;
  for (let x = 0; x < rgb.width; x++) { const i = (y * rgb.width + x) * 3; if (Math.abs(rgb.data[i]! - r) + Math.abs(rgb.data[i + 1]! - g) + Math.abs(rgb.data[i + 2]! - b) > 60) { if (first < 0) first = x; last = x; n++; } }
  if (first >= 0) console.log(y, first, last, (n / (last - first + 1)).toFixed(2));
}
