/** A window of a pixel grid: columns x0..x1 and rows y0..y1, ends exclusive. */
export type GridWindow = readonly [x0: number, y0: number, x1: number, y1: number];

/**
 * Grows one 8-connected component from `seed` (already claimed by the caller) inside `window` of a
 * grid `width` pixels wide: a neighbour joins when `claim(q)` says so (and marks q taken), and
 * `visit(x, y, p)` sees every pixel of the component once. The ink-blob finders of the OCR
 * post-processing share it; db-postprocess keeps its own typed-array loop (the detector's hot path).
 */
export function growComponent(width: number, [x0, y0, x1, y1]: GridWindow, seed: number, claim: (q: number) => boolean, visit: (x: number, y: number, p: number) => void): void {
  const stack = [seed];
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % width, y = (p - x) / width;
    visit(x, y, p);
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < y0 || ny >= y1) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if ((dx === 0 && dy === 0) || nx < x0 || nx >= x1) continue;
        const q = ny * width + nx;
        if (claim(q)) stack.push(q);
      }
    }
  }
}
