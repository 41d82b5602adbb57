import { describe, expect, it } from 'vitest';
import { MAX_SCHEMA_CHARS, SubmitJob } from './client-messages';

describe('SubmitJob.format', () => {
  const base = { type: 'submit', id: 'j1', task: 'ask', prompt: 'extract' } as const;
  it('takes json_object and json_schema with a schema object', () => {
    expect(SubmitJob.parse({ ...base, format: { type: 'json_object' } }).format).toEqual({ type: 'json_object' });
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    expect(SubmitJob.parse({ ...base, format: { type: 'json_schema', name: 'x', schema } }).format).toEqual({ type: 'json_schema', name: 'x', schema });
  });
  it('refuses unknown types, missing or oversize schemas', () => {
    expect(SubmitJob.safeParse({ ...base, format: { type: 'xml' } }).success).toBe(false);
    expect(SubmitJob.safeParse({ ...base, format: { type: 'json_schema' } }).success).toBe(false);
    const huge = { type: 'object', description: 'x'.repeat(MAX_SCHEMA_CHARS) };
    expect(SubmitJob.safeParse({ ...base, format: { type: 'json_schema', schema: huge } }).success).toBe(false);
  });
});
