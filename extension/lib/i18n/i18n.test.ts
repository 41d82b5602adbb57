import { describe, expect, it } from 'vitest';
import en from '../../public/_locales/en/messages.json';
import zh from '../../public/_locales/zh_CN/messages.json';
import { allKeys, setLocale, t } from './i18n';

const placeholders = (s: string) => (s.match(/\$\d/g) ?? []).sort().join(',');

describe('i18n catalogs', () => {
  it('zh_CN and en have the same keys, no empty messages, and the same placeholders', () => {
    expect(allKeys('zh-CN').sort()).toEqual(allKeys('en').sort());
    for (const key of allKeys('en')) {
      const a = (en as Record<string, { message: string }>)[key]!.message;
      const b = (zh as Record<string, { message: string }>)[key]!.message;
      expect(a.trim(), key).not.toBe('');
      expect(b.trim(), key).not.toBe('');
      expect(placeholders(b), key).toBe(placeholders(a));
    }
  });

  it('switches language at run time and fills placeholders', () => {
    setLocale('en');
    expect(t('statusQueued', 3)).toBe('Queued (position 3)…');
    setLocale('zh-CN');
    expect(t('statusQueued', 3)).toBe('排队中（第 3 位）…');
    setLocale('en');
  });

  it('every message key used in the source exists', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = join(import.meta.dirname, '..', '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts')) files.push(p);
      }
    };
    walk(join(root, 'lib'));
    walk(join(root, 'entrypoints'));
    const used = new Set<string>();
    for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([A-Za-z]+)'/g)) used.add(m[1]!);
    const manifest = readFileSync(join(root, 'wxt.config.ts'), 'utf8');
    for (const m of manifest.matchAll(/__MSG_([A-Za-z]+)__/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });
});
