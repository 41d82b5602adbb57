import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Conversation } from '../jobs/conversation';
import { exportHistory } from './history-file';
import { capImageBytes, clearHistory, deleteEntry, entryText, HISTORY_IMAGE_BYTES, HISTORY_LIMIT, listHistory, replaceHistory, saveEntry, searchHistory, shouldKeep, toEntry } from './history-store';

const conversation = (id: string, text: string, title = 'Page'): Conversation => ({
  id,
  createdAt: 1,
  source: 'image',
  pageTitle: title,
  pageUrl: `http://example.test/${id}`,
  image: { dataUrl: 'data:image/png;base64,AAAA', width: 10, height: 20, bytes: 3, origin: 'bytes' },
  turns: [{ id: `${id}-j`, task: 'describe', status: 'done', text, createdAt: 1, model: { id: 'm', engine: 'vlm', device: 'cpu', standIn: true } }],
});

beforeEach(() => fakeBrowser.reset());

describe('history store', () => {
  it('starts empty and keeps entries newest first, replacing an entry with the same id', async () => {
    expect(await listHistory()).toEqual([]);
    await saveEntry(toEntry(conversation('a', 'first')));
    await saveEntry(toEntry(conversation('b', 'second')));
    await saveEntry(toEntry(conversation('a', 'first, updated')));
    const list = await listHistory();
    expect(list.map((e) => e.id)).toEqual(['a', 'b']);
    expect(list[0]!.turns[0]!.text).toBe('first, updated');
  });

  it('stores every image with its turn, thumbnail and sent bytes, and keeps the stand-in flag', async () => {
    const c = conversation('a', 'x');
    const second = { dataUrl: 'data:image/png;base64,BBBB', width: 5, height: 6, bytes: 3, origin: 'crop' as const };
    c.turns.push({ id: 'a-j2', task: 'ask', prompt: 'and this?', images: [second], format: { type: 'json_object' }, status: 'done', text: '{}', createdAt: 2 });
    const thumbs = new Map([[c.image!, 'data:image/jpeg;base64,T1'], [second, 'data:image/jpeg;base64,T2']]);
    await saveEntry(toEntry(c, 'data:image/jpeg;base64,THUMB', (i) => thumbs.get(i)));
    const [entry] = await listHistory();
    expect(entry!.image).toEqual({ width: 10, height: 20, bytes: 3 });
    expect(entry!.thumbnail).toBe('data:image/jpeg;base64,THUMB');
    expect(entry!.images).toEqual([
      { turn: 0, width: 10, height: 20, bytes: 3, origin: 'bytes', thumbnail: 'data:image/jpeg;base64,T1', dataUrl: 'data:image/png;base64,AAAA' },
      { turn: 1, width: 5, height: 6, bytes: 3, origin: 'crop', thumbnail: 'data:image/jpeg;base64,T2', dataUrl: 'data:image/png;base64,BBBB' },
    ]);
    expect(entry!.turns[0]).toMatchObject({ model: 'm', standIn: true, device: 'cpu' });
    expect(entry!.turns[1]).toMatchObject({ json: true });
    // A later save without a thumbnail keeps the earlier one.
    await saveEntry(toEntry(conversation('a', 'y')));
    expect((await listHistory())[0]!.thumbnail).toBe('data:image/jpeg;base64,THUMB');
  });

  it('over the byte cap drops the older entries’ sent bytes, keeping every entry and its thumbnails', () => {
    const entry = (id: string, bytes: number[]) => ({
      ...toEntry(conversation(id, 't')),
      images: bytes.map((b, turn) => ({ turn, width: 1, height: 1, bytes: b, origin: 'bytes' as const, thumbnail: 'data:image/jpeg;base64,T', dataUrl: 'data:image/png;base64,X' })),
    });
    const capped = capImageBytes([entry('new', [40, 30]), entry('mid', [40]), entry('old', [10])], 100);
    expect(capped.map((e) => e.images!.map((i) => Boolean(i.dataUrl)))).toEqual([[true, true], [false], [true]]);
    expect(capped.every((e) => e.images!.every((i) => i.thumbnail))).toBe(true);
    expect(capImageBytes([entry('a', [HISTORY_IMAGE_BYTES + 1])])[0]!.images![0]).not.toHaveProperty('dataUrl');
  });

  it('caps the list at HISTORY_LIMIT entries, dropping the oldest', async () => {
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) await saveEntry(toEntry(conversation(`c${i}`, `t${i}`)));
    const list = await listHistory();
    expect(list).toHaveLength(HISTORY_LIMIT);
    expect(list[0]!.id).toBe(`c${HISTORY_LIMIT + 4}`);
    expect(list.some((e) => e.id === 'c0')).toBe(false);
  });

  it('searches titles, URLs and answers case-insensitively, every word must match', async () => {
    await saveEntry(toEntry(conversation('a', 'A red Bicycle leaning on a wall', 'Bikes')));
    await saveEntry(toEntry(conversation('b', '发票 total 42', 'Invoice')));
    const all = await listHistory();
    expect(searchHistory(all, 'bicycle').map((e) => e.id)).toEqual(['a']);
    expect(searchHistory(all, 'RED wall').map((e) => e.id)).toEqual(['a']);
    expect(searchHistory(all, 'red invoice')).toEqual([]);
    expect(searchHistory(all, '发票').map((e) => e.id)).toEqual(['b']);
    expect(searchHistory(all, 'example.test/b').map((e) => e.id)).toEqual(['b']);
    expect(searchHistory(all, '  ')).toHaveLength(2);
  });

  it('deletes one entry, clears all, and exports valid JSON', async () => {
    await saveEntry(toEntry(conversation('a', 'x')));
    await saveEntry(toEntry(conversation('b', 'y')));
    await deleteEntry('a');
    expect((await listHistory()).map((e) => e.id)).toEqual(['b']);
    const exported = JSON.parse(exportHistory(await listHistory()));
    expect(exported).toMatchObject({ format: 'loupe-history', version: 1, entries: [{ id: 'b' }] });
    await clearHistory();
    expect(await listHistory()).toEqual([]);
  });
});

describe('history that forgives', () => {
  it('clear returns what it removed, and replace puts it back (Undo)', async () => {
    await saveEntry(toEntry(conversation('a', 'one')));
    await saveEntry(toEntry(conversation('b', 'two')));
    const removed = await clearHistory();
    expect(await listHistory()).toEqual([]);
    await replaceHistory(removed);
    expect((await listHistory()).map((e) => e.id)).toEqual(['b', 'a']);
  });
  it('keeps a conversation only once it has an answer, and marks its failed turns', () => {
    const failed: Conversation = { ...conversation('f', ''), turns: [{ id: 'j', task: 'ocr', status: 'error', text: '', createdAt: 1, error: { code: 'disconnected', message: 'offline' } }] };
    expect(shouldKeep(failed)).toBe(false);
    const mixed: Conversation = { ...conversation('m', 'answer'), turns: [...conversation('m', 'answer').turns, ...failed.turns] };
    expect(shouldKeep(mixed)).toBe(true);
    const turns = toEntry(mixed).turns;
    expect(turns[1]).toMatchObject({ status: 'error', error: 'offline', text: '' });
    expect(entryText(toEntry(mixed))).toContain('(error: offline)');
  });
});
