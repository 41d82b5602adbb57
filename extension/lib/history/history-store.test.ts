import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Conversation } from '../jobs/conversation';
import { clearHistory, deleteEntry, entryText, exportHistory, HISTORY_LIMIT, listHistory, replaceHistory, saveEntry, searchHistory, shouldKeep, toEntry } from './history-store';

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

  it('stores no full image, only its size (and a thumbnail when given), and keeps the stand-in flag', async () => {
    await saveEntry(toEntry(conversation('a', 'x'), 'data:image/jpeg;base64,THUMB'));
    const [entry] = await listHistory();
    expect(JSON.stringify(entry)).not.toContain('AAAA');
    expect(entry!.image).toEqual({ width: 10, height: 20, bytes: 3 });
    expect(entry!.thumbnail).toBe('data:image/jpeg;base64,THUMB');
    expect(entry!.turns[0]).toMatchObject({ model: 'm', standIn: true, device: 'cpu' });
    // A later save without a thumbnail keeps the earlier one.
    await saveEntry(toEntry(conversation('a', 'y')));
    expect((await listHistory())[0]!.thumbnail).toBe('data:image/jpeg;base64,THUMB');
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
