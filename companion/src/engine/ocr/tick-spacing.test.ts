import { describe, expect, it } from 'vitest';
import { joinClosingTicks, joinOpeningTicks } from './tick-spacing';

describe('joinOpeningTicks', () => {
  it.each([
    ['use it instead of ` foreach to loop', 'use it instead of `foreach to loop'],
    ['[Deps] Update ` object-keys`', '[Deps] Update `object-keys`'],
    ['the meta in (` import.meta.url`)', 'the meta in (`import.meta.url`)'],
    ['2. ` options (object)', '2. `options (object)'],
    ['the callback gets ` (error, result)`.', 'the callback gets `(error, result)`.'],
    ['the expected format of the response ( `json`).', 'the expected format of the response (`json`).'],
  ])('joins an opening backtick to its word: %s', (read, meant) => expect(joinOpeningTicks(read)).toBe(meant));
  it.each([
    '` cannot be represented as an one on one JavaScript code.',
    'a `name` and `other` here',
    'x = `` `',
  ])('leaves ticks that close code or stand alone: %s', (text) => expect(joinOpeningTicks(text)).toBe(text));
});

describe('joinClosingTicks', () => {
  it.each([
    ['buffer size for `fs.read() `operations.', 'buffer size for `fs.read()` operations.'],
    ['- `opts.unknown `- a function which', '- `opts.unknown` - a function which'],
    ['the meta in (`import.meta.url `).', 'the meta in (`import.meta.url`).'],
    ['clone the repo, `npm install `, and run `npm test`', 'clone the repo, `npm install`, and run `npm test`'],
    ['the value will be `null` .', 'the value will be `null`.'],
    ['the callback gets `(error, result)` .', 'the callback gets `(error, result)`.'],
    ['created with [`.launch([opts])` ](#launchopts).', 'created with [`.launch([opts])`](#launchopts).'],
  ])('gives a closing backtick back to its code: %s', (read, meant) => expect(joinClosingTicks(read)).toBe(meant));
  it.each([
    'a `name` and `other` here',
    '` cannot be represented as one on one JavaScript code.',
    // The tick closing `opts['--']` was not read; the one before argv opens the next code.
    "- `opts['--'] - when true, populate `argv._` with everything",
    'the response ( `json`).',
    'x = `` ` y',
    'a lone ` tick',
  ])('leaves ticks that open code or stand alone: %s', (text) => expect(joinClosingTicks(text)).toBe(text));
});
