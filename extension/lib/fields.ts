type Empty = undefined | null | '' | 0 | false;

/**
 * The fields that hold something, as `...(x ? { x } : {})` for each: one without a value
 * (undefined, null, '', 0, false) is left out, so a sent or stored object carries no empty keys.
 */
export function filled<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], Empty> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => Boolean(value))) as { [K in keyof T]?: Exclude<T[K], Empty> };
}
