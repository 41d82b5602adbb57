import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './history-store';
import { exportHistory, mergeHistory, parseHistoryFile } from './history-file';
import { testClip } from '../video/test-clip';

const entry = (id: string, updatedAt: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  createdAt: 1,
  updatedAt,
  source: 'image',
  turns: [{ id: `${id}-j`, task: 'ocr', text: `text ${id}`, status: 'done' }],
  ...extra,
});

describe('history file import', () => {
  it('reads back what export wrote', () => {
    const entries = [entry('a', 2, { thumbnail: 'data:image/jpeg;base64,AAAA', pageTitle: 'P' }), entry('b', 1)];
    expect(parseHistoryFile(exportHistory(entries))).toEqual({ ok: true, content: entries });
  });
  it('refuses what is not JSON, not a history file, or has a bad value, naming the field', () => {
    expect(parseHistoryFile('{nope')).toEqual({ ok: false, problem: 'not-json' });
    expect(parseHistoryFile('{"format":"loupe-settings","version":1,"settings":{}}')).toEqual({ ok: false, problem: 'wrong-file' });
    const bad = JSON.parse(exportHistory([entry('a', 1), entry('b', 1)]));
    bad.entries[1].turns[0].status = 'exploded';
    expect(parseHistoryFile(JSON.stringify(bad))).toEqual({ ok: false, problem: 'bad-value', field: 'entries[1].turns[0].status' });
  });
  it('never accepts a thumbnail that would make the panel fetch a URL', () => {
    const file = exportHistory([entry('a', 1, { thumbnail: 'https://tracker.example/p.png' })]);
    expect(parseHistoryFile(file)).toMatchObject({ ok: false, field: 'entries[0].thumbnail' });
  });
  it('reads back a video entry with its filmstrip, and refuses a frame that would fetch a URL', () => {
    const video = testClip();
    const entries = [entry('v', 1, { source: 'video', video })];
    expect(parseHistoryFile(exportHistory(entries))).toEqual({ ok: true, content: entries });
    const bad = exportHistory([entry('v', 1, { source: 'video', video: { ...video, frames: [{ time: 0.5, thumb: 'https://tracker.example/f.jpg' }, video.frames[1]!] } })]);
    expect(parseHistoryFile(bad)).toMatchObject({ ok: false, field: 'entries[0].video.frames[0].thumb' });
  });
  it('merges: entries already there stay as they are, the rest are added newest first', () => {
    const current = [entry('a', 5, { pageTitle: 'mine' })];
    const { list, added, skipped } = mergeHistory(current, [entry('a', 9, { pageTitle: 'theirs' }), entry('b', 7), entry('c', 1)]);
    expect(list.map((e) => e.id)).toEqual(['b', 'a', 'c']);
    expect(list.find((e) => e.id === 'a')!.pageTitle).toBe('mine');
    expect([added, skipped]).toEqual([2, 1]);
  });
});
