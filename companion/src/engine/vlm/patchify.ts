/**
 * Qwen-VL pixel_values straight from packed RGB, in one typed-array pass: rescale,
 * normalise and the patch/merge reordering the Qwen2-VL image processor does with a
 * 9-D permute (view(t, T, C, h/m, m, P, w/m, m, P).permute(0,3,6,4,7,2,1,5,8)).
 * Same values (float32 arithmetic in the same order), ~50× faster on large images.
 */
export interface PatchifyConfig {
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  mean: readonly number[];
  std: readonly number[];
  rescaleFactor: number;
  doRescale: boolean;
  doNormalize: boolean;
}

export interface Patchified {
  /** [gridH·gridW, 3·T·P·P] row-major. */
  data: Float32Array;
  rows: number;
  rowLength: number;
  grid: [number, number, number];
}

export function patchify(rgb: Uint8Array, width: number, height: number, c: PatchifyConfig): Patchified {
  const P = c.patchSize;
  const M = c.mergeSize;
  const T = c.temporalPatchSize;
  const gh = height / P;
  const gw = width / P;
  if (!Number.isInteger(gh) || !Number.isInteger(gw) || gh % M !== 0 || gw % M !== 0) {
    throw new Error(`image ${width}×${height} is not a multiple of patch×merge ${P * M}`);
  }
  if (rgb.length !== width * height * 3) throw new Error(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  // One lookup table for the three channels (channel·256 + byte) → its normalised float32.
  const lut = new Float32Array(768);
  for (let ch = 0; ch < 3; ch++) {
    for (let v = 0; v < 256; v++) {
      let x = Math.fround(v);
      if (c.doRescale) x = Math.fround(c.rescaleFactor * x);
      if (c.doNormalize) x = Math.fround((x - c.mean[ch]!) / c.std[ch]!);
      lut[ch * 256 + v] = x;
    }
  }
  const plane = P * P;
  const channelSpan = T * plane;
  const rowLength = 3 * channelSpan;
  const rows = gh * gw;
  const out = new Float32Array(rows * rowLength);
  const stride = width * 3;
  const green = channelSpan;
  const blue = 2 * channelSpan;
  // Each source pixel is read once and written to every temporal slot of its three channel
  // planes: a still image is its own temporal neighbour.
  let base = 0;
  for (let bh = 0; bh < gh / M; bh++) {
    for (let bw = 0; bw < gw / M; bw++) {
      for (let mh = 0; mh < M; mh++) {
        for (let mw = 0; mw < M; mw++) {
          const y0 = (bh * M + mh) * P;
          const x0 = (bw * M + mw) * P;
          let dst = base;
          for (let py = 0; py < P; py++) {
            let src = (y0 + py) * stride + x0 * 3;
            for (let px = 0; px < P; px++, src += 3, dst++) {
              const r = lut[rgb[src]!]!;
              const g = lut[256 + rgb[src + 1]!]!;
              const b = lut[512 + rgb[src + 2]!]!;
              for (let t = 0; t < channelSpan; t += plane) {
                out[dst + t] = r;
                out[dst + green + t] = g;
                out[dst + blue + t] = b;
              }
            }
          }
          base += rowLength;
        }
      }
    }
  }
  return { data: out, rows, rowLength, grid: [1, gh, gw] };
}

/**
 * A video's pixel_values: frames (all width × height, time order) in temporal patches of
 * `temporalPatchSize` frames, an odd tail padded with the last frame as the Qwen video processor
 * does. Rows run patch by patch ([groups·gridH·gridW, 3·T·P·P]), grid [groups, gridH, gridW].
 */
export function patchifyFrames(frames: readonly Uint8Array[], width: number, height: number, c: PatchifyConfig): Patchified {
  if (frames.length === 0) throw new Error('a video needs at least one frame');
  const T = c.temporalPatchSize;
  const groups = Math.ceil(frames.length / T);
  const plane = c.patchSize * c.patchSize;
  const channelSpan = T * plane;
  let out = new Float32Array(0);
  let rows = 0;
  let rowLength = 0;
  let grid: [number, number, number] = [groups, 0, 0];
  // Each frame patchified as a still fills all T slots with itself; its temporal patch takes slot t from it
  // (one still alive at a time). The last frame also fills the slots an odd tail leaves empty.
  for (let f = 0; f < frames.length; f++) {
    const still = patchify(frames[f]!, width, height, c);
    if (f === 0) {
      ({ rows, rowLength } = still);
      grid = [groups, still.grid[1], still.grid[2]];
      out = new Float32Array(groups * rows * rowLength);
    }
    const groupBase = Math.floor(f / T) * rows * rowLength;
    const lastSlot = f === frames.length - 1 ? T - 1 : f % T;
    for (let t = f % T; t <= lastSlot; t++) {
      for (let r = 0; r < rows; r++) {
        for (let ch = 0; ch < 3; ch++) {
          const at = r * rowLength + ch * channelSpan + t * plane;
          out.set(still.data.subarray(at, at + plane), groupBase + at);
        }
      }
    }
  }
  return { data: out, rows: groups * rows, rowLength, grid };
}
