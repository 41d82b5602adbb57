import { resizeFactor, type Family } from '@loupe/models';
import type { EngineJob } from '../engine';
import { decodeToRgb, planDecode, sharp } from '../../intake';
import type { GroundingFrame } from '../vlm/grounding';
import { pixelBudgetFor } from '../vlm/pixel-budget';

export interface RemoteImage {
  dataUri: string;
  frame: GroundingFrame;
}

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/**
 * The images as the remote sees them. The original file goes as it is when it needs no crop
 * and fits the task's pixel budget (the remote's own processor resizes it to patch multiples,
 * the size `frame` records for grounding). Otherwise it is cropped/shrunk as the local engine
 * would and re-encoded in its own kind: PNG and WebP sources as PNG (text stays crisp), JPEG as JPEG.
 */
export async function remoteImages(job: EngineJob, family: Family): Promise<RemoteImage[]> {
  const factor = resizeFactor(family);
  const budget = Math.min(pixelBudgetFor[job.task], job.images.length > 1 ? Math.max(250_000, 1_500_000 / job.images.length) : Infinity);
  const out: RemoteImage[] = [];
  for (const [index, bytes] of job.images.entries()) {
    const options = { ...(index === 0 && job.region ? { region: job.region } : {}), maxPixels: budget, multipleOf: factor, minPixels: factor * factor * 4 };
    const plan = await planDecode(bytes, options);
    const { info, crop } = plan;
    const whole = crop.x === 0 && crop.y === 0 && crop.width === info.width && crop.height === info.height;
    // A rotated JPEG would be seen unrotated by a server that ignores EXIF orientation.
    const rotated = info.format === 'jpeg' && ((await sharp(bytes).metadata()).orientation ?? 1) > 1;
    if (whole && !rotated && info.width * info.height <= budget) {
      out.push({
        dataUri: `data:${MIME[info.format]};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`,
        frame: { crop, resized: plan.out, original: { width: info.width, height: info.height } },
      });
      continue;
    }
    const decoded = await decodeToRgb(bytes, options, plan);
    const encoder = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
    const jpeg = info.format === 'jpeg';
    const file = jpeg ? await encoder.jpeg({ quality: 92 }).toBuffer() : await encoder.png({ compressionLevel: 6 }).toBuffer();
    out.push({
      dataUri: `data:image/${jpeg ? 'jpeg' : 'png'};base64,${file.toString('base64')}`,
      frame: { crop: decoded.crop, resized: { width: decoded.width, height: decoded.height }, original: decoded.original },
    });
  }
  return out;
}
