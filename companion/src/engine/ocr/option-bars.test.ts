import { describe, expect, it } from 'vitest';
import { fixOptionBars } from './option-bars';

describe('bars between alternative option names', () => {
  it('reads a stroke or bracket between an option and the next as the bar', () => {
    expect(fixOptionBars('  -GI--refuse-downgrade   skip older')).toBe('  -G|--refuse-downgrade   skip older');
    expect(fixOptionBars('-V]--verify')).toBe('-V|--verify');
    expect(fixOptionBars('--no-act]--dry-run|--simulate')).toBe('--no-act|--dry-run|--simulate');
    expect(fixOptionBars('-E|--skip-same-versionl--skip')).toBe('-E|--skip-same-version|--skip');
  });

  it('keeps a bracket closing one opened in the word, and strokes that are no bar', () => {
    expect(fixOptionBars('[-V]--verify')).toBe('[-V]--verify');
    expect(fixOptionBars('-i1 -l1 -n')).toBe('-i1 -l1 -n');
    expect(fixOptionBars('install --all')).toBe('install --all');
    expect(fixOptionBars('x-l--y')).toBe('x-l--y');
    // An `l` ending a word inside a long option, before the next word's single hyphen.
    expect(fixOptionBars('--dereference-command-line-to-dir')).toBe('--dereference-command-line-to-dir');
    expect(fixOptionBars('--ab-commandl-line')).toBe('--ab-commandl-line');
  });
});
