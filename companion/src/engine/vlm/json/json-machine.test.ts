import { describe, expect, it } from 'vitest';
import { canEnd, feed, initialState, type State } from './json-machine';
import { compileSchema } from './schema-node';

const bytes = (text: string) => new TextEncoder().encode(text);
/** Feeds the whole text; null when some byte is refused. */
function run(schema: Record<string, unknown>, text: string, pressure = false): State | null {
  let s: State | null = initialState(compileSchema(schema));
  for (const b of bytes(text)) if (s) s = feed(s, b, pressure);
  return s;
}
const accepts = (schema: Record<string, unknown>, text: string) => {
  const s = run(schema, text);
  return s !== null && canEnd(s);
};

const person = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' }, nick: { type: 'string' }, ok: { type: 'boolean' } },
  required: ['name', 'age', 'ok'],
};

const invoice = {
  type: 'object',
  properties: { items: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'] } } },
  required: ['items'],
};

/**
 * Each schema with texts it `accepts` whole, texts it `rejects` (some byte refused, or it may
 * not end there), and prefixes it `refuses` at a byte (run() is null).
 */
const CASES: Array<{ what: string; schema: Record<string, unknown>; accepts?: string[]; rejects?: string[]; refuses?: string[] }> = [
  { what: 'a flat object in schema order, with or without an optional key', schema: person, accepts: ['{"name":"Ann","age":41,"nick":"A","ok":true}', '{"name":"Ann","age":41,"ok":false}'] },
  { what: 'a missing required key, a wrong type, an unknown key and whitespace', schema: person, rejects: ['{"name":"Ann","ok":true}'], refuses: ['{"name":1', '{"nme"', '{ "name"', '{"name":"Ann","age":4.5'] },
  { what: 'escapes, unicode and control bytes in strings', schema: { type: 'string' }, accepts: ['"a\\"b\\u00e9 中文"'], refuses: ['"a\\x', '"a\nb"'] },
  { what: 'a string’s maxLength', schema: { type: 'string', maxLength: 3 }, accepts: ['"abc"'], refuses: ['"abcd'] },
  { what: 'a string’s minLength', schema: { type: 'string', minLength: 2 }, refuses: ['"a"'] },
  { what: 'the number forms JSON allows (a top-level number may end)', schema: { type: 'number' }, accepts: ['0', '-12', '3.25', '1e5', '-0.5E-3'], rejects: ['01', '-', '1.', '.5', '+1'] },
  { what: 'integers only where asked', schema: { type: 'integer' }, refuses: ['1.5'] },
  { what: 'a string enum', schema: { type: 'string', enum: ['paid', 'unpaid', 'void'] }, accepts: ['"unpaid"'], refuses: ['"unp"x'] },
  { what: 'a mixed enum', schema: { enum: [1, 12, 'x'] }, accepts: ['1', '12'] },
  { what: 'null in a type union', schema: { type: ['string', 'null'] }, accepts: ['null'] },
  { what: 'anyOf, by first byte', schema: { anyOf: [{ type: 'number' }, { type: 'string' }] }, accepts: ['"7"'] },
  { what: 'nested arrays of objects with item bounds', schema: invoice, accepts: ['{"items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}'], refuses: ['{"items":[]', '{"items":[{"sku":"a","qty":1},{"sku":"b","qty":2},'] },
  { what: 'json_object mode: any object, values of any type', schema: { type: 'object' }, accepts: ['{"a":[1,"x",{"b":null}],"c":true}'], refuses: ['[1]'] },
];

describe('JSON schema machine', () => {
  it.each(CASES)('$what', ({ schema, accepts: whole = [], rejects = [], refuses = [] }) => {
    for (const text of whole) expect(accepts(schema, text), text).toBe(true);
    for (const text of rejects) expect(accepts(schema, text), text).toBe(false);
    for (const text of refuses) expect(run(schema, text), text).toBeNull();
  });
  it('refuses a union whose branches start alike', () => {
    expect(() => compileSchema({ anyOf: [{ type: 'object', properties: { a: {} } }, { type: 'object', properties: { b: {} } }] })).toThrow(/start differently/);
  });
  it('under pressure, open values may only close', () => {
    const s = run({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, '{"a":"xy');
    expect(s).not.toBeNull();
    expect(feed(s!, 0x7a, true)).toBeNull();
    expect(feed(s!, 0x22, true)).not.toBeNull();
  });
});
