import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import en from '../../public/_locales/en/messages.json';
import zh from '../../public/_locales/zh_CN/messages.json';
import { setLocale } from '../i18n/i18n';
import { extractRequest, prettyJson } from './extract-request';
import { fieldsToSchema } from './field-list';
import { EXTRACT_PRESETS } from './presets';
import { parseSchemaText } from './schema-text';

const ajv = new Ajv({ strict: true, allErrors: true });

describe('Extract as JSON presets', () => {
  it('are valid JSON Schemas (Ajv, strict) with titles in English and Chinese', () => {
    expect(EXTRACT_PRESETS.map((p) => p.id)).toEqual(['invoice', 'receipt', 'business-card', 'table']);
    for (const preset of EXTRACT_PRESETS) {
      expect(ajv.validateSchema(preset.schema), preset.id).toBe(true);
      expect(() => ajv.compile(preset.schema), preset.id).not.toThrow();
      expect(en, preset.title).toHaveProperty(preset.title);
      expect(zh, preset.title).toHaveProperty(preset.title);
    }
  });

  it('accept a filled-in example and refuse a wrong shape', () => {
    const table = ajv.compile(EXTRACT_PRESETS.find((p) => p.id === 'table')!.schema);
    expect(table({ columns: ['a', 'b'], rows: [['1', '2']] })).toBe(true);
    expect(table({ columns: ['a'], rows: [[1]] })).toBe(false);
    const receipt = ajv.compile(EXTRACT_PRESETS.find((p) => p.id === 'receipt')!.schema);
    expect(receipt({ merchant: 'M', date: 'd', items: [{ name: 'x', price: 1 }], total: 1, payment_method: 'card' })).toBe(true);
    expect(receipt({ merchant: 'M', date: 'd', items: [], total: 1, payment_method: 'cheque' })).toBe(false);
  });
});

describe('field list → JSON Schema', () => {
  it('makes an object with exactly those fields, all required, typed as written', () => {
    const r = fieldsToSchema('invoice number, total: number\npaid: boolean，items: list\n发票号码');
    expect(r).toEqual({
      ok: true,
      schema: {
        type: 'object',
        properties: { 'invoice number': { type: 'string' }, total: { type: 'number' }, paid: { type: 'boolean' }, items: { type: 'array', items: { type: 'string' } }, 发票号码: { type: 'string' } },
        required: ['invoice number', 'total', 'paid', 'items', '发票号码'],
        additionalProperties: false,
      },
    });
    expect(ajv.validateSchema((r as { schema: object }).schema)).toBe(true);
  });

  it('is empty for no fields, and names the bad entry and the fix otherwise', () => {
    expect(fieldsToSchema(' , \n ')).toBeUndefined();
    expect(fieldsToSchema('total: money')).toEqual({ ok: false, message: 'fieldBadType', subs: ['total: money', 'text, string, number, integer, boolean, list'] });
    expect(fieldsToSchema('"quoted"')).toMatchObject({ ok: false, message: 'fieldBadName', subs: ['"quoted"'] });
    expect(fieldsToSchema('a, a: number')).toMatchObject({ ok: false, message: 'fieldDuplicate', subs: ['a'] });
  });
});

describe('pasted JSON Schema', () => {
  it('takes an object schema and refuses what is not JSON or not an object schema', () => {
    expect(parseSchemaText('{"type":"object","properties":{"a":{"type":"string"}}}')).toMatchObject({ ok: true });
    expect(parseSchemaText('{"type":"object",}')).toMatchObject({ ok: false, message: 'schemaNotJson' });
    expect(parseSchemaText('[1]')).toMatchObject({ ok: false, message: 'schemaNotObject' });
    expect(parseSchemaText('{"type":"array"}')).toEqual({ ok: false, message: 'schemaNotObjectType', subs: ['"array"'] });
    expect(parseSchemaText('{"type":"object","properties":[]}')).toMatchObject({ ok: false, message: 'schemaBadProperties' });
    expect(parseSchemaText('   ')).toBeUndefined();
  });
});

describe('the extract job', () => {
  it('sends json_schema for a preset or fields, json_object with nothing given, and pretty-prints answers', () => {
    setLocale('en');
    expect(extractRequest({ kind: 'preset', id: 'invoice' })).toMatchObject({ ok: true, prompt: 'This image shows: Invoice. Extract its data as JSON.', format: { type: 'json_schema', name: 'invoice' } });
    expect(extractRequest({ kind: 'fields', text: 'name' })).toMatchObject({ ok: true, format: { type: 'json_schema', schema: { required: ['name'] } } });
    expect(extractRequest({ kind: 'fields', text: '' })).toMatchObject({ ok: true, format: { type: 'json_object' } });
    expect(extractRequest(undefined)).toMatchObject({ ok: true, format: { type: 'json_object' } });
    expect(extractRequest({ kind: 'schema', text: 'nope' })).toMatchObject({ ok: false, message: 'schemaNotJson' });
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('{"a":')).toBeNull();
  });
});
