import type { MessageKey } from '../i18n/i18n';
import type { JsonSchema } from './presets';

export type SchemaTextResult = { ok: true; schema: JsonSchema } | { ok: false; message: MessageKey; subs: string[] };

/** Largest pasted schema, in characters: the protocol's MAX_SCHEMA_CHARS. */
export const MAX_SCHEMA_TEXT = 16_000;

/**
 * A JSON Schema pasted in the panel, checked before it is sent: it parses, it is an object
 * schema (the answer is one JSON object) and fits the protocol's size. Keywords the companion's
 * constrained decoding cannot enforce come back from it as the turn's error, naming the fix.
 */
export function parseSchemaText(text: string): SchemaTextResult | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (trimmed.length > MAX_SCHEMA_TEXT) return { ok: false, message: 'schemaTooLarge', subs: [String(MAX_SCHEMA_TEXT)] };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { ok: false, message: 'schemaNotJson', subs: [error instanceof Error ? error.message : String(error)] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'schemaNotObject', subs: [] };
  const schema = value as JsonSchema;
  if (schema.type !== 'object') return { ok: false, message: 'schemaNotObjectType', subs: [JSON.stringify(schema.type ?? null)] };
  if (schema.properties !== undefined && (typeof schema.properties !== 'object' || schema.properties === null || Array.isArray(schema.properties))) {
    return { ok: false, message: 'schemaBadProperties', subs: [] };
  }
  return { ok: true, schema };
}
