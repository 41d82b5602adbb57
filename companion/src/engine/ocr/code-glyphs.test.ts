import { describe, expect, it } from 'vitest';
import { fixCodeGlyphs } from './code-glyphs';

describe('fixCodeGlyphs', () => {
  it.each([
    ['I/ CJS', '// CJS'],
    ['  I/ Pack a directory into a tar file', '  // Pack a directory into a tar file'],
    ['I* when globalThis is present */', '/* when globalThis is present */'],
    ['foo(); I/ done', 'foo(); // done'],
    ['I/=> true', '//=> true'],
    ['II alongside filename and content', '// alongside filename and content'],
    ['1266   /I loaded by a script', '1266   // loaded by a script'],
    ['12  |/ next', '12  // next'],
  ])('reads a comment opener read as I: %s', (read, meant) => expect(fixCodeGlyphs(read)).toBe(meant));

  it.each([
    ['3);', '});'],
    ['  3)', '  })'],

  ])('reads a closing brace read as 3: %s', (read, meant) => expect(fixCodeGlyphs(read)).toBe(meant));

  it.each([
    ['assert.equal(shimmedGlobal, getGlobalO);', 'assert.equal(shimmedGlobal, getGlobal());'],
    ["var shimmedGlobal = require('globalthis').shimO;", "var shimmedGlobal = require('globalthis').shim();"],
    ['• Long#toUnsignedO: Long<br />', '• Long#toUnsigned(): Long<br />'],
  ])('reads an empty argument list read as O: %s', (read, meant) => expect(fixCodeGlyphs(read)).toBe(meant));

  it.each([
    ["const {parse} = require(flatted');", "const {parse} = require('flatted');"],
    ["Token { type: 'Identifier', value: foo', start: 4 },", "Token { type: 'Identifier', value: 'foo', start: 4 },"],
  ])('gives a string its lost opening quote: %s', (read, meant) => expect(fixCodeGlyphs(read)).toBe(meant));

  it.each([
    ['limit(O => fetchSomething(foo)),', 'limit(() => fetchSomething(foo)),'],
    ['const f = 0 => 1;', 'const f = () => 1;'],
    ['.prepend((function O {n)', '.prepend((function () {n)'],
  ])('reads an empty parameter list read as O or 0: %s', (read, meant) => expect(fixCodeGlyphs(read)).toBe(meant));

  it.each([
    ['interval (default: 1oo). Interval of file system polling', 'interval (default: 100). Interval of file system polling'],
    ['* `awaitWriteFinish.pollInterval` (default: lOo). File size', '* `awaitWriteFinish.pollInterval` (default: 100). File size'],
    ['binaryInterval (default: 3oo).', 'binaryInterval (default: 300).'],
    ['equivalent to `[A-Fa-fO-9]`.', 'equivalent to `[A-Fa-f0-9]`.'],
  ])('reads zeros read as o: %s', (read, meant) => expect(fixCodeGlyphs(read)).toBe(meant));

  it('joins a URL scheme spaced from its slashes', () => {
    expect(fixCodeGlyphs('type definitions (http: //www.w3.org/TR/file-system-api/).')).toBe('type definitions (http://www.w3.org/TR/file-system-api/).');
  });

  it.each([
    'I/O errors are retried',
    'read the GPIO pin',
    'Use IO.read() or GO;',
    'the macOS build',
    "the users' files (don't) matter",
    "require('flatted'); // it's fine",
    'I love it',
    'Note: //comment',
    'the loo is 2 floors up',
    'ZERO => ONE',
    'II. Installation',
    'II Part two',
    'wait 3) then go',
    'a 3D model, 10oz of water, version 2.0',
  ])('leaves text that means what it says: %s', (text) => expect(fixCodeGlyphs(text)).toBe(text));
});
