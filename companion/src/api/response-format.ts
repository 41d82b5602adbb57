import { MAX_SCHEMA_CHARS, type ResponseFormat } from '@loupe/shared';
import { HttpError } from './http-io';

/**
 * OpenAI's `response_format` → the job's `format`: `{type:"json_object"}`, or
 * `{type:"json_schema", json_schema:{name, schema, strict?}}`; `{type:"text"}` = none.
 */
export function parseResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (message: string) => new HttpError(400, 'bad_request', message, 'Send response_format as {"type":"json_schema","json_schema":{"name":"…","schema":{…}}} or {"type":"json_object"}.', 'response_format');
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('`response_format` must be an object');
  const format = value as Record<string, unknown>;
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type !== 'json_schema') throw bad('unsupported `response_format.type` (use text, json_object or json_schema)');
  const spec = format.json_schema;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw bad('`response_format.json_schema` must be an object');
  const { name, schema } = spec as Record<string, unknown>;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw bad('`response_format.json_schema.schema` must be a JSON Schema object');
  if (JSON.stringify(schema).length > MAX_SCHEMA_CHARS) throw bad(`the JSON Schema is over ${MAX_SCHEMA_CHARS} characters`);
  return { type: 'json_schema', ...(typeof name === 'string' && name.length > 0 ? { name: name.slice(0, 64) } : {}), schema: schema as Record<string, unknown> };
}
