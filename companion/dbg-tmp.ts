import { readFile } from 'node:fs/promises';
import { OcrPipeline } from './src/engine/ocr/pipeline';
import * as layout from './src/engine/ocr/layout';
const orig = layout.layoutText;
const p = await OcrPipeline.load();
const f = process.argv[2]!;
const out = await p.recognizeBytes(await readFile(f));
console.log(out.text.split('\n').slice(0, 12).join('\n'));
console.log(JSON.stringify(out.blocks));
