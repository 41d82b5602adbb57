import { z } from 'zod';

/** Why a chosen file was refused; `field` names the bad value (`settings.port`, `entries[1].turns[0].status`). */
export type FileProblem = { ok: false; problem: 'not-json' | 'wrong-file' | 'bad-value'; field?: string };
export type ReadFile<T> = { ok: true; content: T } | FileProblem;

/**
 * One kind of file Loupe exports and reads back (settings, history): `{ format, version,
 * exportedAt, [key]: content }`. Reading checks JSON, then the envelope (another kind or version
 * is `wrong-file`; `shell` is what the content must look like for the file to be of this kind),
 * then the content, refused whole at its first bad value, which it names.
 */
export function exportedFile<K extends string, T>(kind: { format: string; version: number; key: K; content: z.ZodType<T>; shell?: z.ZodType }) {
  const { format, version, key, content } = kind;
  const Envelope = z.object({ format: z.literal(format), version: z.literal(version), [key]: kind.shell ?? z.unknown() });
  return {
    write(value: T): string {
      return JSON.stringify({ format, version, exportedAt: new Date().toISOString(), [key]: value }, null, 2);
    },
    read(text: string): ReadFile<T> {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, problem: 'not-json' };
      }
      const file = Envelope.safeParse(json);
      if (!file.success) return { ok: false, problem: 'wrong-file' };
      const parsed = content.safeParse((file.data as Record<K, unknown>)[key]);
      if (parsed.success) return { ok: true, content: parsed.data };
      const issue = parsed.error.issues[0]!;
      // An unknown key (e.g. a smuggled token) is reported by zod with the keys, not the path.
      const fields = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      return { ok: false, problem: 'bad-value', field: fields.map((path) => fieldName([key, ...path])).join(', ') };
    },
  };
}

/** `entries[1].turns[0].status`: indexes in brackets, names after dots. */
const fieldName = (path: PropertyKey[]): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
