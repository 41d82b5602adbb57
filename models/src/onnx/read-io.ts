import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { elemTypeName, onnx } from './proto';
import type { ValueInfoProto } from './proto';

export interface TensorInfo {
  name: string;
  /** onnxruntime's element type name (float32, float16, int64, ...). */
  type: string;
  /** Numeric dims as numbers, symbolic dims as their names, unknown as '?'. */
  dims: Array<number | string>;
}

export interface OnnxIo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Files named by initializers stored as external data (`location` keys), in first-seen order. */
  externalLocations: string[];
  opsetVersion?: number;
}

/**
 * Reads a model's graph inputs/outputs and external-data locations without loading its weights:
 * walks the protobuf on disk and seeks past initializer payloads, so a multi-GB .onnx costs a few reads.
 */
export async function readOnnxIo(path: string): Promise<OnnxIo> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const r = new Reader(fh);
    const io: OnnxIo = { inputs: [], outputs: [], externalLocations: [] };
    let sawGraph = false;
    await forEachField(r, 0, size, async (field, wire, start, end) => {
      if (field === 7 && wire === 2) {
        sawGraph = true;
        await readGraph(r, start, end, io);
      } else if (field === 8 && wire === 2) {
        const opset = onnx.OperatorSetIdProto.decode(await r.bytes(start, end - start));
        if (!opset.domain) io.opsetVersion = Number(opset.version);
      }
    });
    if (!sawGraph) throw new Error('not an ONNX model (no graph)');
    return io;
  } finally {
    await fh.close();
  }
}

async function readGraph(r: Reader, from: number, to: number, io: OnnxIo): Promise<void> {
  await forEachField(r, from, to, async (field, wire, start, end) => {
    if (wire !== 2) return;
    if (field === 11 || field === 12) {
      const info = onnx.ValueInfoProto.decode(await r.bytes(start, end - start));
      (field === 11 ? io.inputs : io.outputs).push(toTensorInfo(info));
    } else if (field === 5) {
      const location = await externalLocation(r, start, end);
      if (location && !io.externalLocations.includes(location)) io.externalLocations.push(location);
    }
  });
}

/** TensorProto: field 13 external_data (StringStringEntryProto: 1 key, 2 value); skips raw_data (9). */
async function externalLocation(r: Reader, from: number, to: number): Promise<string | undefined> {
  let location: string | undefined;
  await forEachField(r, from, to, async (field, wire, start, end) => {
    if (field !== 13 || wire !== 2) return;
    const entry = onnx.StringStringEntryProto.decode(await r.bytes(start, end - start));
    if (entry.key === 'location') location = entry.value;
  });
  return location;
}

function toTensorInfo(info: ValueInfoProto): TensorInfo {
  const tensor = info.type?.tensorType;
  return {
    name: info.name,
    type: tensor?.elemType !== undefined && tensor.elemType !== null ? elemTypeName(tensor.elemType) : 'unknown',
    // Decoded messages leave unset oneof members null.
    dims: (tensor?.shape?.dim ?? []).map((d): number | string => {
      if (d.dimParam) return d.dimParam;
      if (d.dimValue !== null && d.dimValue !== undefined) return Number(d.dimValue);
      return '?';
    }),
  };
}

type FieldVisitor = (field: number, wire: number, start: number, end: number) => Promise<void>;

/** Iterates the fields of one message in [from, to); length-delimited payloads are passed as ranges. */
async function forEachField(r: Reader, from: number, to: number, visit: FieldVisitor): Promise<void> {
  let pos = from;
  while (pos < to) {
    const [tag, afterTag] = await r.varint(pos);
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    pos = afterTag;
    if (wire === 0) {
      pos = (await r.varint(pos))[1];
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else if (wire === 2) {
      const [len, afterLen] = await r.varint(pos);
      const end = afterLen + Number(len);
      if (end > to) throw new Error('truncated ONNX file');
      await visit(field, wire, afterLen, end);
      pos = end;
    } else {
      throw new Error(`corrupt ONNX protobuf (wire type ${wire})`);
    }
  }
}

/** Positional reads with a small window cache. */
class Reader {
  private window = Buffer.alloc(0);
  private windowStart = 0;
  constructor(private readonly fh: FileHandle) {}

  async bytes(pos: number, length: number): Promise<Uint8Array> {
    if (pos >= this.windowStart && pos + length <= this.windowStart + this.window.length) {
      return this.window.subarray(pos - this.windowStart, pos - this.windowStart + length);
    }
    const size = Math.max(length, 64 * 1024);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await this.fh.read(buf, 0, size, pos);
    this.window = buf.subarray(0, bytesRead);
    this.windowStart = pos;
    if (bytesRead < length) throw new Error('truncated ONNX file');
    return this.window.subarray(0, length);
  }

  async varint(pos: number): Promise<[bigint, number]> {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = await this.byte(pos + i);
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return [result, pos + i + 1];
      shift += 7n;
    }
    throw new Error('corrupt ONNX protobuf (varint)');
  }

  private async byte(pos: number): Promise<number> {
    if (pos >= this.windowStart && pos < this.windowStart + this.window.length) return this.window[pos - this.windowStart]!;
    return (await this.bytes(pos, 1))[0]!;
  }
}
