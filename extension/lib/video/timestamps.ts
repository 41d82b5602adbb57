/**
 * Video timestamps in text: `00:45`, `1:22`, `01:02:03` (what answers about a clip cite), read
 * as seconds and written back as players show them.
 */

/** m:ss or h:mm:ss; not part of a longer number run (a date, a clock with seconds' fractions kept). */
const TIMESTAMP = /(?<![\d:.])(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?![\d:])/g;

export interface TimestampMatch {
  start: number;
  end: number;
  text: string;
  seconds: number;
}

/** Every timestamp in `text`, in order. With `maxSeconds`, only those within the video (a later time is no place to seek to). */
export function findTimestamps(text: string, maxSeconds?: number): TimestampMatch[] {
  const out: TimestampMatch[] = [];
  for (const m of text.matchAll(TIMESTAMP)) {
    const [whole, h, mm, ss] = m;
    const minutes = Number(mm);
    const secs = Number(ss);
    if (secs >= 60 || (h !== undefined && minutes >= 60)) continue;
    const seconds = Number(h ?? 0) * 3600 + minutes * 60 + secs;
    if (maxSeconds !== undefined && seconds > Math.ceil(maxSeconds)) continue;
    out.push({ start: m.index, end: m.index + whole.length, text: whole, seconds });
  }
  return out;
}

/** A time as a player shows it: 0:07, 1:22, 1:02:03 (whole seconds, rounded down like the player's clock). */
export function formatTimestamp(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** What a user types into a range field: 83, 1:23, 0:01:23 → seconds; anything else → undefined. */
export function parseTimeInput(value: string): number | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(v);
  if (!m || Number(m[3]) >= 60 || (m[1] !== undefined && Number(m[2]) >= 60)) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/**
 * Wraps the timestamps in the text nodes under `root` in seek links (`<a data-seek="83">1:23</a>`),
 * leaving code, preformatted text and existing links alone. DOM in, DOM out: the text is never
 * re-parsed as HTML.
 */
export function linkifyTimestamps(root: Node, maxSeconds?: number): number {
  const doc = root.ownerDocument ?? (root as Document);
  const texts: Text[] = [];
  const walk = (node: Node) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 3) texts.push(child as Text);
      else if (child.nodeType === 1 && !['A', 'CODE', 'PRE'].includes((child as Element).tagName.toUpperCase())) walk(child);
    }
  };
  walk(root);
  let count = 0;
  for (const node of texts) {
    const text = node.data;
    const found = findTimestamps(text, maxSeconds);
    if (found.length === 0) continue;
    const parts: Node[] = [];
    let at = 0;
    for (const f of found) {
      if (f.start > at) parts.push(doc.createTextNode(text.slice(at, f.start)));
      const a = doc.createElement('a');
      a.setAttribute('href', '#');
      a.setAttribute('data-seek', String(f.seconds));
      a.setAttribute('class', 'seek');
      a.textContent = f.text;
      parts.push(a);
      at = f.end;
      count++;
    }
    if (at < text.length) parts.push(doc.createTextNode(text.slice(at)));
    node.replaceWith(...parts);
  }
  return count;
}
