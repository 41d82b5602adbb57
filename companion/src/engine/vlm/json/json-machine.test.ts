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

describe('JSON schema machine', () => {
  it('accepts a flat object in schema order, with or without an optional key', () => {
    expect(accepts(person, '{"name":"Ann","age":41,"nick":"A","ok":true}')).toBe(true);
    expect(accepts(person, '{"name":"Ann","age":41,"ok":false}')).toBe(true);
  });
  it('refuses a missing required key, a wrong type, an unknown key and whitespace', () => {
    expect(accepts(person, '{"name":"Ann","ok":true}')).toBe(false);
    expect(run(person, '{"name":1')).toBeNull();
    expect(run(person, '{"nme"')).toBeNull();
    expect(run(person, '{ "name"')).toBeNull();
    expect(run(person, '{"name":"Ann","age":4.5')).toBeNull();
  });
  it('keeps escapes, unicode and control bytes honest in strings', () => {
    const s = { type: 'string' };
    expect(accepts(s, '"a\\"b\\u00e9 中文"')).toBe(true);
    expect(run(s, '"a\\x')).toBeNull();
    expect(run(s, '"a\nb"')).toBeNull();
    expect(accepts({ type: 'string', maxLength: 3 }, '"abc"')).toBe(true);
    expect(run({ type: 'string', maxLength: 3 }, '"abcd')).toBeNull();
    expect(run({ type: 'string', minLength: 2 }, '"a"')).toBeNull();
  });
  it('numbers: forms JSON allows, integers only where asked, and a top-level number may end', () => {
    for (const n of ['0', '-12', '3.25', '1e5', '-0.5E-3']) expect(accepts({ type: 'number' }, n)).toBe(true);
    for (const n of ['01', '-', '1.', '.5', '+1']) expect(accepts({ type: 'number' }, n)).toBe(false);
    expect(run({ type: 'integer' }, '1.5')).toBeNull();
  });
  it('enums, const, null and unions by first byte', () => {
    const e = { type: 'string', enum: ['paid', 'unpaid', 'void'] };
    expect(accepts(e, '"unpaid"')).toBe(true);
    expect(run(e, '"unp"x')).toBeNull();
    expect(accepts({ enum: [1, 12, 'x'] }, '1')).toBe(true);
    expect(accepts({ enum: [1, 12, 'x'] }, '12')).toBe(true);
    expect(accepts({ type: ['string', 'null'] }, 'null')).toBe(true);
    expect(accepts({ anyOf: [{ type: 'number' }, { type: 'string' }] }, '"7"')).toBe(true);
    expect(() => compileSchema({ anyOf: [{ type: 'object', properties: { a: {} } }, { type: 'object', properties: { b: {} } }] })).toThrow(/start differently/);
  });
  it('nested arrays of objects with item bounds', () => {
    const invoice = {
      type: 'object',
      properties: { items: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'] } } },
      required: ['items'],
    };
    expect(accepts(invoice, '{"items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}')).toBe(true);
    expect(run(invoice, '{"items":[]')).toBeNull();
    expect(run(invoice, '{"items":[{"sku":"a","qty":1},{"sku":"b","qty":2},')).toBeNull();
  });
  it('json_object mode: any object, values of any type', () => {
    const any = { type: 'object' };
    expect(accepts(any, '{"a":[1,"x",{"b":null}],"c":true}')).toBe(true);
    expect(run(any, '[1]')).toBeNull();
  });
  it('under pressure, open values may only close', () => {
    const s = run({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, '{"a":"xy');
    expect(s).not.toBeNull();
    expect(feed(s!, 0x7a, true)).toBeNull();
    expect(feed(s!, 0x22, true)).not.toBeNull();
  });
});
