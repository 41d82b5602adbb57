import { describe, expect, it } from 'vitest';
import { defaultSettings } from './settings';
import { exportSettings, importSettings } from './settings-file';

describe('settings file', () => {
  it('round-trips every setting but the pairing token', () => {
    const settings = { ...defaultSettings(), port: 8123, language: 'zh-CN' as const, autoCopy: false, maxImagePixels: 8_000_000, manualToken: 'secret-token' };
    const text = exportSettings(settings);
    expect(text).not.toContain('secret-token');
    expect(JSON.parse(text)).toMatchObject({ format: 'loupe-settings', version: 1 });
    const back = importSettings(text);
    expect(back).toEqual({ ok: true, content: { ...settings, manualToken: undefined } });
    expect(back.ok && 'manualToken' in back.content).toBe(false);
  });

  it('accepts a file with only some settings', () => {
    expect(importSettings(JSON.stringify({ format: 'loupe-settings', version: 1, settings: { autoCopy: false } }))).toEqual({ ok: true, content: { autoCopy: false } });
  });

  it('refuses what is not a settings file of this version', () => {
    expect(importSettings('not json')).toEqual({ ok: false, problem: 'not-json' });
    const history = JSON.stringify({ format: 'loupe-history', version: 1, entries: [] });
    expect(importSettings(history)).toEqual({ ok: false, problem: 'wrong-file' });
    expect(importSettings(JSON.stringify({ format: 'loupe-settings', version: 2, settings: {} }))).toEqual({ ok: false, problem: 'wrong-file' });
  });

  it('refuses a bad value whole, naming the field and the fix', () => {
    const bad = JSON.stringify({ format: 'loupe-settings', version: 1, settings: { autoCopy: false, port: 70000 } });
    expect(importSettings(bad)).toEqual({ ok: false, problem: 'bad-value', field: 'settings.port' });
  });

  it('refuses a token smuggled into a file', () => {
    const r = importSettings(JSON.stringify({ format: 'loupe-settings', version: 1, settings: { manualToken: 'abc' } }));
    expect(r).toEqual({ ok: false, problem: 'bad-value', field: 'settings.manualToken' });
  });
});
