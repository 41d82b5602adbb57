import { MAX_FRAME_BYTES } from './constants';
import { SubmitJob, type SubmitJobInput } from './client-messages';
import { ProtocolError } from './errors';

/**
 * A binary submit frame carries a job and its images without base64:
 *
 *   [u32 big-endian header length][header: SubmitJob as UTF-8 JSON][image 0][image 1]...
 *
 * `header.images` lists each image's byte length, so images are sliced without copying.
 */
const MAX_HEADER_BYTES = 64 * 1024;

export interface DecodedSubmit {
  job: SubmitJob;
  images: Uint8Array[];
}

export function encodeSubmitFrame(job: Omit<SubmitJobInput, 'images'>, images: Uint8Array[]): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ ...job, images: images.map((i) => i.byteLength) }));
  const total = 4 + header.byteLength + images.reduce((n, i) => n + i.byteLength, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, header.byteLength, false);
  out.set(header, 4);
  let offset = 4 + header.byteLength;
  for (const image of images) {
    out.set(image, offset);
    offset += image.byteLength;
  }
  return out;
}

export function decodeSubmitFrame(frame: Uint8Array): DecodedSubmit {
  if (frame.byteLength > MAX_FRAME_BYTES) {
    throw new ProtocolError('image_too_large', `frame of ${frame.byteLength} bytes is over the ${MAX_FRAME_BYTES}-byte limit`, 'Send a smaller image or region.');
  }
  if (frame.byteLength < 4) throw new ProtocolError('bad_request', 'binary frame too short for its header length', 'Binary frames are [u32 header length][JSON header][image bytes].');
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, false);
  if (headerLength === 0 || headerLength > MAX_HEADER_BYTES || 4 + headerLength > frame.byteLength) {
    throw new ProtocolError('bad_request', `binary frame header length ${headerLength} does not fit the frame`, 'Binary frames are [u32 header length][JSON header][image bytes].');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + headerLength)));
  } catch {
    throw new ProtocolError('bad_request', 'binary frame header is not UTF-8 JSON', 'Encode the header with encodeSubmitFrame from @loupe/shared.');
  }
  const parsed = SubmitJob.safeParse(raw);
  if (!parsed.success) throw ProtocolError.fromZod(parsed.error, raw);
  const job = parsed.data;
  const imageBytes = job.images.reduce((n, len) => n + len, 0);
  if (4 + headerLength + imageBytes !== frame.byteLength) {
    throw new ProtocolError('bad_request', `header lists ${imageBytes} image bytes but the frame carries ${frame.byteLength - 4 - headerLength}`, 'List each image\'s exact byte length in `images`.', job.id);
  }
  const images: Uint8Array[] = [];
  let offset = 4 + headerLength;
  for (const len of job.images) {
    images.push(frame.subarray(offset, offset + len));
    offset += len;
  }
  return { job, images };
}
