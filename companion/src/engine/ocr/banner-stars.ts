/**
 * A block comment's banner (`/* ===…=== *\/`, `/*-----*\/`) read on its grid: the recogniser reads
 * the slashes and the rule but leaves the stars beside them blank (`/  ===…=== /`), small marks
 * high in their cells next to a long run. An inked cell read blank just inside the line's first
 * or last slash, with a rule of eight `=`/`-` or more between, is the star.
 */
const BANNER_BODY = /^\/ *[-=]{8,} *\/$/;

export function restoreBannerStars(cells: string[], inked: (i: number) => boolean): void {
  const first = cells.findIndex((c) => c !== ' ');
  let last = cells.length - 1;
  while (last > first && cells[last] === ' ') last--;
  if (first < 0 || !BANNER_BODY.test(cells.slice(first, last + 1).join(''))) return;
  if (cells[first + 1] === ' ' && inked(first + 1)) cells[first + 1] = '*';
  if (cells[last - 1] === ' ' && inked(last - 1)) cells[last - 1] = '*';
}
