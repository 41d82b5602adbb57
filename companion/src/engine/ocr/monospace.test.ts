import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { monospacePitch, spaceLineWithPitch } from './spacing';
import type { Rgb } from './raster';
import { codeBlock, guessLanguage } from './code-blocks';

/** Glyphs of a monospace line: each character at its cell, `pitchSteps` time steps apart (spaces are empty cells). */
function monoLine(text: string, pitchSteps: number): CtcChar[] {
  return [...text].flatMap((char, i) => (char === ' ' ? [] : [{ char, start: Math.round(i * pitchSteps), end: Math.round(i * pitchSteps), prob: 0.99, spaceBefore: 0 }]));
}
const blankCrop = (width: number): Rgb => ({ data: new Uint8Array(width * 20 * 3).fill(255), width, height: 20 });

describe('monospace lines', () => {
  it('finds the pitch of a monospace line and keeps its runs of spaces', () => {
    const text = 'drwxr-xr-x  2 root     root      4096 Jun 24  2025 fonts';
    const chars = monoLine(text, 2.5);
    const out = spaceLineWithPitch(chars, 8, blankCrop(text.length * 20));
    expect(out.pitch).toBeCloseTo(20, 0);
    expect(out.text).toBe(text);
  });

  it('calls proportional type (glyph centres off any grid) not monospace', () => {
    const steps = [0, 1, 3, 4, 7, 8, 9, 12, 13, 14, 17, 19];
    const chars = [...'illustrating'].map((char, i) => ({ char, start: steps[i]!, end: steps[i]!, prob: 0.99, spaceBefore: 0 }));
    expect(monospacePitch(chars, 8)).toBeUndefined();
  });

  it('on a known pitch, fits the grid to all glyphs, not to the first one alone (small type: a step is a third of a cell)', () => {
    const text = 'var root = freeGlobal || self;';
    // 2.2 steps a cell, each centre rounded to a whole step, the first glyph's a step late.
    const chars = monoLine(text, 2.2).map((c, i) => (i === 0 ? { ...c, start: c.start + 1, end: c.end + 1 } : c));
    const out = spaceLineWithPitch(chars, 8, blankCrop(text.length * 18), undefined, 2.2 * 8);
    expect(out.pitch).toBeCloseTo(17.6, 1);
    expect(out.text).toBe(text);
  });

  it('does not take a line of capitals for monospace (they are near-monospace in any font)', () => {
    expect(monospacePitch(monoLine('GCLOUDWIDEFLAGS', 2.5), 8)).toBeUndefined();
  });
});

describe('code blocks', () => {
  it('names a language only when several of its marks agree', () => {
    expect(guessLanguage(['def load(path: str) -> dict:', '    import json', '    return json.load(path)'])).toBe('python');
    expect(guessLanguage(['const x = require("fs");', 'module.exports = x;'])).toBe('javascript');
    expect(guessLanguage(['Usage: ls [OPTION]... [FILE]...', 'List information about the FILEs'])).toBeUndefined();
  });

  it('tells a bordered table from code', () => {
    expect(codeBlock(['+----+------+', '| ii | adduser |', '+----+------+'], 3)).toEqual({ kind: 'table', firstLine: 3, lastLine: 5 });
    expect(codeBlock(['x = 1', 'y = 2'], 0)).toEqual({ kind: 'code', firstLine: 0, lastLine: 1 });
  });
});
