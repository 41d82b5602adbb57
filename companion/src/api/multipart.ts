import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { MAX_IMAGE_BYTES, MAX_PROMPT_CHARS, MAX_VIDEO_BYTES } from '@loupe/shared';
import { HttpError } from './http-io';

export interface ImageForm {
  image: Uint8Array;
  fields: Record<string, string>;
}

const FORM_HINT = 'POST multipart/form-data with the image file in the field `image` or `file`, e.g. `curl -F image=@shot.png`.';
/** `image` is Loupe's name; `file` is what FastAPI-style folder clients send (`file: UploadFile`). */
const FILE_FIELDS = new Set(['image', 'file']);

/** A form with one image, or (where video is taken) one video file in the field `video`. */
export type MediaForm = { fields: Record<string, string> } & ({ image: Uint8Array; video?: undefined } | { video: Uint8Array; image?: undefined });

/** Parses `multipart/form-data` with one image file (field `image` or `file`) and a few small text fields. */
export function readImageForm(req: IncomingMessage): Promise<ImageForm> {
  return readForm(req, false) as Promise<ImageForm>;
}

/** The same, also taking a video file (field `video`, up to MAX_VIDEO_BYTES) instead of the image. */
export function readMediaForm(req: IncomingMessage): Promise<MediaForm> {
  return readForm(req, true);
}

function readForm(req: IncomingMessage, allowVideo: boolean): Promise<MediaForm> {
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
        limits: { files: 1, fileSize: allowVideo ? Math.max(MAX_IMAGE_BYTES, MAX_VIDEO_BYTES) : MAX_IMAGE_BYTES, fields: 16, fieldSize: MAX_PROMPT_CHARS * 4, parts: 20, headerPairs: 50 },
      });
    } catch {
      reject(new HttpError(400, 'bad_request', 'malformed multipart request', FORM_HINT));
      req.resume();
      return;
    }
    const fields: Record<string, string> = {};
    let image: Uint8Array | undefined;
    let video: Uint8Array | undefined;
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
      if (video) resolve({ video, fields });
      else if (!image) reject(new HttpError(400, 'bad_request', `no image file in the form (field \`image\` or \`file\`${allowVideo ? ', or `video`' : ''})`, FORM_HINT));
      else resolve({ image, fields });
    };
    bb.on('file', (name, stream) => {
      const isVideo = allowVideo && name === 'video';
      if (!FILE_FIELDS.has(name) && !isVideo) {
        stream.resume();
        return;
      }
      pending++;
      const chunks: Buffer[] = [];
      let bytes = 0;
      const tooLarge = () =>
        isVideo
          ? new HttpError(413, 'image_too_large', `the video is over the ${MAX_VIDEO_BYTES / 1048576} MB upload limit`, 'Send a shorter clip, or run `loupe describe <file>` on the file.')
          : new HttpError(413, 'image_too_large', `image is over the ${MAX_IMAGE_BYTES}-byte limit`, 'Send a smaller image or a region of it.');
      stream.on('data', (c: Buffer) => {
        bytes += c.byteLength;
        if (!isVideo && bytes > MAX_IMAGE_BYTES) fail(tooLarge());
        else chunks.push(c);
      });
      stream.on('limit', () => fail(tooLarge()));
      stream.on('close', () => {
        pending--;
        if (!failed) {
          if (isVideo) video = new Uint8Array(Buffer.concat(chunks));
          else image = new Uint8Array(Buffer.concat(chunks));
        }
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
