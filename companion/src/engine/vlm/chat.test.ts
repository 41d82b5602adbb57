import { describe, expect, it } from 'vitest';
import { buildChat, expandImagePads, expandPadIds } from './chat';

/** Earlier turns of a conversation, alternating user (first) and assistant; a user turn may bring images. */
const said = (...turns: Array<string | { text: string; images: number }>) =>
  turns.map((turn, i) => ({ role: i % 2 ? ('assistant' as const) : ('user' as const), ...(typeof turn === 'string' ? { text: turn } : turn) }));

describe('buildChat', () => {
  it('puts all images in the first user turn', () => {
    const chat = buildChat({ imageCount: 2, history: [], text: 'compare', firstTurnText: 'x' });
    expect(chat).toEqual([{ role: 'user', content: [{ type: 'image' }, { type: 'image' }, { type: 'text', text: 'compare' }] }]);
  });

  it('rebuilds a follow-up conversation with the image in the first user turn', () => {
    const chat = buildChat({ imageCount: 1, history: said('what is this?', 'a cat'), text: 'what colour?', firstTurnText: 'x' });
    expect(chat.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(chat[0]?.content).toEqual([{ type: 'image' }, { type: 'text', text: 'what is this?' }]);
    expect(chat[2]?.content).toEqual([{ type: 'text', text: 'what colour?' }]);
  });

  it('restates the first question when history starts with an answer', () => {
    const chat = buildChat({ imageCount: 1, history: [{ role: 'assistant', text: 'a description' }], text: 'more?', firstTurnText: 'Describe this image.' });
    expect(chat[0]).toEqual({ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe this image.' }] });
    expect(chat).toHaveLength(3);
  });
});

describe('expandImagePads', () => {
  it('expands each placeholder by its own image', () => {
    expect(expandImagePads('a<P>b<P>c', [2, 3], '<P>')).toBe('a<P><P>b<P><P><P>c');
  });
  it('refuses a placeholder/image count mismatch', () => {
    expect(() => expandImagePads('a<P>b', [1, 1], '<P>')).toThrow(/2 images/);
  });
});

describe('expandPadIds', () => {
  it('repeats each pad id by its own image, keeping the other ids in order', () => {
    expect(Array.from(expandPadIds([1n, 9n, 2n, 9n, 3n], 9n, [2, 3]))).toEqual([1n, 9n, 9n, 2n, 9n, 9n, 9n, 3n]);
    expect(Array.from(expandPadIds([1n, 2n], 9n, []))).toEqual([1n, 2n]);
  });
  it('refuses a pad count that does not match the images', () => {
    expect(() => expandPadIds([1n, 9n, 2n], 9n, [1, 1])).toThrow(/1 image placeholders for 2 images/);
  });
});

describe('buildChat across turns', () => {
  it('puts each image in the user turn that brought it, this job’s new ones last', () => {
    const history = said('what is this?', 'a form', { text: 'and this?', images: 1 }, 'a button');
    const chat = buildChat({ imageCount: 3, history, text: 'where did the button move?', firstTurnText: 'x', newImages: 1 });
    const images = chat.map((m) => m.content.filter((c) => c.type === 'image').length);
    expect(images).toEqual([1, 0, 1, 0, 1]);
  });
});

describe('buildChat for a video', () => {
  it('puts one video item (not one image per frame) in the first user turn, also in a follow-up', () => {
    expect(buildChat({ imageCount: 12, history: [], text: 'what happens?', firstTurnText: 'x', video: true })).toEqual([{ role: 'user', content: [{ type: 'video' }, { type: 'text', text: 'what happens?' }] }]);
    const follow = buildChat({ imageCount: 12, history: [{ role: 'assistant', text: 'a dog runs' }], text: 'and then?', firstTurnText: 'Describe the video.', video: true });
    expect(follow[0]).toEqual({ role: 'user', content: [{ type: 'video' }, { type: 'text', text: 'Describe the video.' }] });
    expect(follow.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'and then?' }] });
  });
});
