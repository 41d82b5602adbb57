/**
 * A JSON Schema compiled to the shapes constrained decoding can enforce byte by byte.
 * Keywords it cannot enforce while decoding (pattern, format, minimum, …) are left to the
 * Ajv check of the finished answer.
 */

export type SchemaNode =
  | { kind: 'object'; props: PropNode[] }
  /** Any JSON value (json_object mode, `{}` or a schema without a type), nesting bounded by `depth`. */
  | { kind: 'any'; objectOnly: boolean }
  | { kind: 'string'; minLength: number; maxLength: number }
  | { kind: 'number'; integer: boolean }
  /** enum, const, boolean and null: the JSON texts (UTF-8) the value may be. */
  | { kind: 'literals'; values: Uint8Array[] }
  | { kind: 'array'; items: SchemaNode; minItems: number; maxItems: number }
  /** anyOf / a type list: alternatives told apart by their first byte. */
  | { kind: 'union'; options: SchemaNode[] };

export interface PropNode {
  key: Uint8Array;
  node: SchemaNode;
  required: boolean;
}

/** Bounds that keep any answer finite when the schema sets none. */
export const LIMITS = { maxStringChars: 128, maxKeyChars: 64, maxItems: 16, maxDigits: 16, maxDepth: 4, maxRefDepth: 8 };

export class UnsupportedSchemaError extends Error {}

const utf8 = new TextEncoder();
const literal = (value: unknown): Uint8Array => utf8.encode(JSON.stringify(value));
type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

export function compileSchema(schema: Schema): SchemaNode {
  return compile(schema, schema, 0, '#');
}

function compile(schema: unknown, root: Schema, refDepth: number, at: string): SchemaNode {
  if (schema === true || (isSchema(schema) && Object.keys(schema).every((k) => !SHAPE_KEYS.has(k)))) return { kind: 'any', objectOnly: false };
  if (!isSchema(schema)) throw new UnsupportedSchemaError(`${at}: a schema must be an object`);
  if (typeof schema.$ref === 'string') {
    if (refDepth >= LIMITS.maxRefDepth) throw new UnsupportedSchemaError(`${at}: $ref nests deeper than ${LIMITS.maxRefDepth} (recursive schemas are not supported)`);
    return compile(resolveRef(schema.$ref, root, at), root, refDepth + 1, schema.$ref);
  }
  if ('const' in schema) return { kind: 'literals', values: [literal(schema.const)] };
  if (Array.isArray(schema.enum)) {
    if (schema.enum.length === 0) throw new UnsupportedSchemaError(`${at}: enum is empty`);
    return { kind: 'literals', values: schema.enum.map(literal) };
  }
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (alternatives) return union(alternatives.map((s, i) => compile(s, root, refDepth, `${at}/anyOf/${i}`)), at);
  if (Array.isArray(schema.allOf)) throw new UnsupportedSchemaError(`${at}: allOf is not supported; merge the schemas into one object schema`);
  if (Array.isArray(schema.type)) return union(schema.type.map((t) => compile({ ...schema, type: t }, root, refDepth, at)), at);
  switch (schema.type) {
    case 'object':
      return objectNode(schema, root, refDepth, at);
    case 'array': {
      const minItems = int(schema.minItems, 0);
      const maxItems = Math.max(minItems, int(schema.maxItems, Math.max(minItems, LIMITS.maxItems)));
      const items = isSchema(schema.items) || schema.items === true ? compile(schema.items, root, refDepth, `${at}/items`) : { kind: 'any' as const, objectOnly: false };
      return { kind: 'array', items, minItems, maxItems };
    }
    case 'string': {
      const minLength = int(schema.minLength, 0);
      return { kind: 'string', minLength, maxLength: Math.max(minLength, int(schema.maxLength, Math.max(minLength, LIMITS.maxStringChars))) };
    }
    case 'number':
    case 'integer':
      return { kind: 'number', integer: schema.type === 'integer' };
    case 'boolean':
      return { kind: 'literals', values: [literal(true), literal(false)] };
    case 'null':
      return { kind: 'literals', values: [literal(null)] };
    case undefined:
      if (isSchema(schema.properties)) return objectNode(schema, root, refDepth, at);
      return { kind: 'any', objectOnly: false };
    default:
      throw new UnsupportedSchemaError(`${at}: unknown type ${JSON.stringify(schema.type)}`);
  }
}

const SHAPE_KEYS = new Set(['type', 'properties', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', '$ref']);

function objectNode(schema: Schema, root: Schema, refDepth: number, at: string): SchemaNode {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : []);
  for (const key of required) if (!(key in properties)) throw new UnsupportedSchemaError(`${at}: required property "${key}" has no entry in properties`);
  if (Object.keys(properties).length === 0) return { kind: 'any', objectOnly: true };
  // Properties come in the schema's order; an optional one may be left out.
  const props = Object.entries(properties).map(([key, sub]) => ({ key: literal(key), node: compile(sub, root, refDepth, `${at}/properties/${key}`), required: required.has(key) }));
  return { kind: 'object', props };
}

function resolveRef(ref: string, root: Schema, at: string): unknown {
  if (!ref.startsWith('#')) throw new UnsupportedSchemaError(`${at}: only local $ref ("#/$defs/…") is supported`);
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  if (node === undefined) throw new UnsupportedSchemaError(`${at}: $ref ${ref} points nowhere`);
  return node;
}

const int = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);

/** The bytes a value of this node may start with. */
export function firstBytes(node: SchemaNode): Set<number> {
  const c = (s: string) => s.charCodeAt(0);
  switch (node.kind) {
    case 'object':
      return new Set([c('{')]);
    case 'any':
      return new Set(node.objectOnly ? [c('{')] : [...'{["-0123456789tfn'].map(c));
    case 'string':
      return new Set([c('"')]);
    case 'number':
      return new Set([...'-0123456789'].map(c));
    case 'literals':
      return new Set(node.values.map((v) => v[0]!));
    case 'array':
      return new Set([c('[')]);
    case 'union':
      return new Set(node.options.flatMap((o) => [...firstBytes(o)]));
  }
}

function union(options: SchemaNode[], at: string): SchemaNode {
  if (options.length === 1) return options[0]!;
  const seen = new Set<number>();
  for (const option of options) {
    for (const b of firstBytes(option)) {
      if (seen.has(b)) throw new UnsupportedSchemaError(`${at}: the alternatives of anyOf/oneOf/type must start differently (e.g. a string or null); two of them can start with "${String.fromCharCode(b)}"`);
      seen.add(b);
    }
  }
  return { kind: 'union', options };
}
