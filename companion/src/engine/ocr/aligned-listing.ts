/** The rows of one table candidate in layout.ts: its cells (with their text) and its extent. */
export interface ListingRow {
  cells: ReadonlyArray<{ text: string }>;
  y0: number;
  y1: number;
  x0: number;
}

/** An option's name opening a cell: `-x`, `--foo-bar`, `-?`. */
const OPTION = /^--?[A-Za-z0-9?]/;
/** A list item's bullet before it (`-   -p, --purge   从组中移除所有成员`), alone in its cell or not. */
const BULLET = /^[-*+•·]\s+(?=\S)|^[-*+•·]$/;

/** The text a row's listing entry opens with: its first cell's, past a bullet (the next cell's where the bullet stands alone). */
function entryStart(r: ListingRow): string {
  const first = r.cells[0]!.text;
  if (!BULLET.test(first)) return first;
  const rest = first.replace(BULLET, '');
  return rest || (r.cells[1]?.text ?? '');
}

/**
 * Rows on shared anchors that are not a grid but aligned text: a `--help` or man page's
 * option | description listing (every first cell an option, or a list item's bullet and then an
 * option), or a description wrapped onto a
 * row of its own at a later column just before or after the rows (a table's neighbours start at
 * the text's left edge, not inside it).
 */
export function isAlignedListing(rows: readonly ListingRow[], i: number, j: number, anchors: readonly number[], tolerance: number, lineH: number): boolean {
  const firsts = rows.slice(i, j).map(entryStart);
  // A column of negative numbers is no option list: one option at least has a letter.
  if (firsts.every((t) => OPTION.test(t)) && firsts.some((t) => /^--?[A-Za-z]/.test(t))) return true;
  const near = (r: ListingRow | undefined, other: ListingRow | undefined) => !!r && !!other && Math.max(r.y0 - other.y1, other.y0 - r.y1) < 2 * lineH;
  const wrapped = (r: ListingRow | undefined) => !!r && r.cells.length === 1 && anchors.slice(1).some((a) => Math.abs(a - r.x0) <= tolerance);
  return (near(rows[j], rows[j - 1]) && wrapped(rows[j])) || (near(rows[i - 1], rows[i]) && wrapped(rows[i - 1]));
}
