import { describe, expect, it } from 'vitest';
import { toConversation, type ChatTurnInput } from './conversation';

const img = (n: number) => new Uint8Array([n]);
const user = (text: string, ...images: Uint8Array[]): ChatTurnInput => ({ role: 'user', text, images });
const assistant = (text: string): ChatTurnInput => ({ role: 'assistant', text, images: [] });

describe('toConversation: images in any message', () => {
  it('keeps every image in order, each counted in the turn that brought it, the last message’s as newImages', () => {
    const chat = toConversation([user('what is this?', img(1)), assistant('a form'), user('', img(2)), user('and this one?', img(3))]);
    expect(chat.images.map((i) => i[0])).toEqual([1, 2, 3]);
    expect(chat.history).toEqual([
      { role: 'user', text: 'what is this?', images: 1 },
      { role: 'assistant', text: 'a form' },
    ]);
    expect(chat.prompt).toBe('and this one?');
    expect(chat.newImages).toBe(2);
  });

  it('an image-only earlier message stays a turn; a single message sets no newImages', () => {
    const earlier = toConversation([user('', img(1)), assistant('a chart'), user('what colour?')]);
    expect(earlier.history).toEqual([
      { role: 'user', text: '', images: 1 },
      { role: 'assistant', text: 'a chart' },
    ]);
    expect(earlier.newImages).toBeUndefined();
    const single = toConversation([user('compare', img(1), img(2))]);
    expect(single).toMatchObject({ history: [], prompt: 'compare' });
    expect(single.newImages).toBeUndefined();
  });
});
