import type { MessageKey } from '../i18n/i18n';
import type { JsonSchema } from './presets';

/** The types a field list may name, and the JSON Schema each becomes. */
const FIELD_TYPES: Record<string, JsonSchema> = {
  text: { type: 'string' },
  string: { type: 'string' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  list: { type: 'array', items: { type: 'string' } },
};
export const FIELD_TYPE_NAMES = Object.keys(FIELD_TYPES);

const NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_ .-]{0,63}$/u;

export type FieldListResult = { ok: true; schema: JsonSchema } | { ok: false; message: MessageKey; subs: string[] };

/**
 * A field list typed in the panel ("invoice number, total: number, items: list", one per line
 * or comma-separated) as a JSON Schema: an object with exactly those fields, all required.
 * Returns undefined for an empty list (the caller then asks for any JSON object).
 */
export function fieldsToSchema(input: string): FieldListResult | undefined {
  const entries = input
    .split(/[\n,，]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const properties: Record<string, JsonSchema> = {};
  for (const entry of entries) {
    const colon = entry.search(/[:：]/);
    const name = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    const type = colon < 0 ? 'text' : entry.slice(colon + 1).trim().toLowerCase();
    if (!NAME.test(name)) return { ok: false, message: 'fieldBadName', subs: [entry] };
    const schema = FIELD_TYPES[type];
    if (!schema) return { ok: false, message: 'fieldBadType', subs: [entry, FIELD_TYPE_NAMES.join(', ')] };
    if (name in properties) return { ok: false, message: 'fieldDuplicate', subs: [name] };
    properties[name] = schema;
  }
  return { ok: true, schema: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false } };
}
