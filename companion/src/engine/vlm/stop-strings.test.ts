import { describe, expect, it } from 'vitest';
import { StopStrings } from './stop-strings';

const feed = (stops: string[], deltas: string[]) => {
  const s = new StopStrings(stops);
  const shown = deltas.map((d) => s.push(d));
  return { shown, tail: s.flush(), text: s.text, stopped: s.stopped };
};

describe('StopStrings', () => {
  it('passes text through unchanged without stop strings', () => {
    expect(feed([], ['a', 'b'])).toEqual({ shown: ['a', 'b'], tail: '', text: 'ab', stopped: false });
  });

  it('ends before a stop string split across deltas, which is never shown', () => {
    const r = feed(['END'], ['Hello wor', 'ld E', 'ND more']);
    expect(r.shown.join('') + r.tail).toBe('Hello world ');
    expect(r.text).toBe('Hello world ');
    expect(r.stopped).toBe(true);
  });

  it('holds back a possible start of a stop string and releases it when it is not one', () => {
    const r = feed(['\n\n'], ['line', '\n', 'next']);
    expect(r.shown).toEqual(['line', '', '\nnext']);
    expect(r.stopped).toBe(false);
    const end = feed(['</s>'], ['done </', 'x']);
    expect(end.shown).toEqual(['done ', '</x']);
    const atEnd = feed(['</s>'], ['done </']);
    expect(atEnd.tail).toBe('</');
    expect(atEnd.text).toBe('done </');
  });

  it('the earliest of several stop strings wins, even inside one delta', () => {
    const r = feed(['bb', 'a'], ['xxbbya']);
    expect(r.text).toBe('xx');
    expect(r.shown).toEqual(['xx']);
    expect(feed(['bb', 'a'], ['xxby'])).toMatchObject({ text: 'xxby', stopped: false });
  });

  it('shows nothing after the stop', () => {
    const s = new StopStrings(['.']);
    expect(s.push('One. Two')).toBe('One');
    expect(s.push(' three')).toBe('');
    expect(s.flush()).toBe('');
  });
});
