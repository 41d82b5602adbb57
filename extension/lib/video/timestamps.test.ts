import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { findTimestamps, formatTimestamp, linkifyTimestamps, parseTimeInput } from './timestamps';

describe('findTimestamps', () => {
  it('reads m:ss, mm:ss and h:mm:ss as seconds', () => {
    const found = findTimestamps('At 00:45 a door opens, at 1:22 it closes; the credits roll at 01:02:03.');
    expect(found.map((f) => [f.text, f.seconds])).toEqual([
      ['00:45', 45],
      ['1:22', 82],
      ['01:02:03', 3723],
    ]);
  });

  it('does not take ratios, impossible seconds, or pieces of longer colon runs', () => {
    expect(findTimestamps('aspect 16:9, score 3:75, build 1:02:03:04, v1.2:30')).toEqual([]);
  });

  it('finds both ends of a range and bracketed times', () => {
    expect(findTimestamps('[0:05] intro, 0:10–0:20 the chase').map((f) => f.seconds)).toEqual([5, 10, 20]);
  });

  it('with the video length, skips times past its end', () => {
    expect(findTimestamps('0:05 and 0:12 and 0:30', 12).map((f) => f.seconds)).toEqual([5, 12]);
  });
});

describe('linkifyTimestamps', () => {
  const html = (body: string) => parseHTML(`<!doctype html><html><body><div id="r">${body}</div></body></html>`).document;

  it('wraps times in text in seek links, leaves code, pre and links alone', () => {
    const doc = html('<p>At <strong>0:07</strong> a ball, then 1:02.</p><pre>0:09</pre><p><code>0:10</code> <a href="https://x">0:11</a></p>');
    const root = doc.getElementById('r')!;
    expect(linkifyTimestamps(root)).toBe(2);
    const links = [...root.querySelectorAll('a[data-seek]')].map((a) => [a.textContent, a.getAttribute('data-seek')]);
    expect(links).toEqual([
      ['0:07', '7'],
      ['1:02', '62'],
    ]);
    expect(root.querySelector('pre')!.innerHTML).toBe('0:09');
    expect(root.querySelector('code')!.innerHTML).toBe('0:10');
    expect(root.textContent).toBe('At 0:07 a ball, then 1:02.0:090:10 0:11');
  });

  it('keeps the text around a time as text (never re-parsed as markup)', () => {
    const doc = html('<p>x</p>');
    const p = doc.querySelector('p')!;
    p.textContent = '<img src=x onerror=alert(1)> 0:03 <b>';
    linkifyTimestamps(doc.getElementById('r')!);
    expect(p.querySelectorAll('img, b')).toHaveLength(0);
    expect(p.querySelector('a')!.getAttribute('data-seek')).toBe('3');
    expect(p.textContent).toBe('<img src=x onerror=alert(1)> 0:03 <b>');
  });
});

describe('formatTimestamp / parseTimeInput', () => {
  it('formats like a player and reads back what a user types', () => {
    expect([0.5, 7.9, 82, 3723].map(formatTimestamp)).toEqual(['0:00', '0:07', '1:22', '1:02:03']);
    expect(['83', '1:23', '0:01:23', ' 2:05 ', '12.5'].map(parseTimeInput)).toEqual([83, 83, 83, 125, 12.5]);
    expect(['', '1:75', 'abc', '-3'].map(parseTimeInput)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
