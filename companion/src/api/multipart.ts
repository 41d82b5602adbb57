import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { MAX_IMAGE_BYTES, MAX_PROMPT_CHARS } from '@loupe/shared';
import { HttpError } from './http-io';

export interface ImageForm {
  image: Uint8Array;
  fields: Record<string, string>;
}

const FORM_HINT = 'POST multipart/form-data with the image file in the field `image` or `file`, e.g. `curl -F image=@shot.png`.';
/** `image` is Loupe's name; `file` is what FastAPI-style folder clients send (`file: UploadFile`). */
const FILE_FIELDS = new Set(['image', 'file']);

/** Parses `multipart/form-data` with one image file (field `image` or `file`) and a few small text fields. */
export function readImageForm(req: IncomingMessage): Promise<ImageForm> {
  return new Promise((resolve, reject) => {
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
      reject(new HttpError(415, 'bad_request', 'request must be multipart/form-data', FORM_HINT));
      req.resume();
      return;
    }
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: MAX_IMAGE_BYTES, fields: 16, fieldSize: MAX_PROMPT_CHARS * 4, parts: 20, headerPairs: 50 },
      });
    } catch {
      reject(new HttpError(400, 'bad_request', 'malformed multipart request', FORM_HINT));
      req.resume();
      return;
    }
    const fields: Record<string, string> = {};
    let image: Uint8Array | undefined;
    let failed: HttpError | undefined;
    let pending = 0;
    let finished = false;
    const fail = (err: HttpError): void => {
      if (failed) return;
      failed = err;
      req.unpipe(bb);
      req.resume();
      reject(err);
    };
    const settle = (): void => {
      if (failed || !finished || pending > 0) return;
      if (!image) reject(new HttpError(400, 'bad_request', 'no image file in the form (field `image` or `file`)', FORM_HINT));
      else resolve({ image, fields });
    };
    bb.on('file', (name, stream) => {
      if (!FILE_FIELDS.has(name)) {
        stream.resume();
        return;
      }
      pending++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(new HttpError(413, 'image_too_large', `image is over the ${MAX_IMAGE_BYTES}-byte limit`, 'Send a smaller image or a region of it.')));
      stream.on('close', () => {
        pending--;
        if (!failed) image = new Uint8Array(Buffer.concat(chunks));
        settle();
      });
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new HttpError(413, 'bad_request', `field \`${name}\` is too long`, `Keep \`${name}\` under ${MAX_PROMPT_CHARS} characters.`));
      else fields[name] = value;
    });
    bb.on('filesLimit', () => fail(new HttpError(400, 'bad_request', 'only one file may be sent', FORM_HINT)));
    bb.on('error', () => fail(new HttpError(400, 'bad_request', 'malformed multipart request', FORM_HINT)));
    bb.on('close', () => {
      finished = true;
      settle();
    });
    req.on('error', () => fail(new HttpError(400, 'bad_request', 'request aborted', FORM_HINT)));
    req.pipe(bb);
  });
}
