import { describe, expect, it } from 'vitest';
import { extractHtml, stripRemoteScripts } from './extract-html';

describe('extractHtml', () => {
  it('takes the html fence of an answer', () => {
    expect(extractHtml('Here you go:\n```html\n<!doctype html><html><body><h1>Hi</h1></body></html>\n```\nEnjoy')).toBe('<!doctype html><html><body><h1>Hi</h1></body></html>');
  });
  it('accepts an unclosed fence while streaming', () => {
    expect(extractHtml('```html\n<div class="p-4">Hel')).toBe('<div class="p-4">Hel');
  });
  it('finds markup in an unlabelled fence, or bare markup', () => {
    expect(extractHtml('```\n<section>x</section>\n```')).toBe('<section>x</section>');
    expect(extractHtml('Sure. <!DOCTYPE html><html><body>y</body></html>')).toBe('<!DOCTYPE html><html><body>y</body></html>');
  });
  it('returns null when there is no HTML', () => {
    expect(extractHtml('A cat sitting on a mat.')).toBeNull();
    expect(extractHtml('```python\nprint(1)\n```')).toBeNull();
  });
  it('drops remote scripts such as the Tailwind CDN', () => {
    expect(stripRemoteScripts('<head><script src="https://cdn.tailwindcss.com"></script></head>')).toBe('<head></head>');
    expect(stripRemoteScripts('<script>local()</script>')).toBe('<script>local()</script>');
  });
});
