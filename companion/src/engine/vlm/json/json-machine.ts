import { firstBytes, LIMITS, type SchemaNode } from './schema-node';

/**
 * A byte-level pushdown recogniser for JSON of one schema. States are immutable (a frame on a
 * linked stack), so checking a token from the current state never disturbs it. Compact JSON
 * only: no whitespace between tokens (a rambling model cannot pad forever).
 *
 * `pressure` (the token budget is running out) lets every open value close as soon as it
 * may: strings take no more characters, arrays no more items, objects no optional keys.
 */

type Frame =
  | { t: 'root'; done: boolean }
  | { t: 'value'; node: SchemaNode; depth: number }
  | { t: 'obj'; props: Extract<SchemaNode, { kind: 'object' }>['props']; next: number; phase: Phase; depth: number }
  | { t: 'gobj'; count: number; phase: Phase; depth: number }
  | { t: 'arr'; items: SchemaNode; min: number; max: number; count: number; phase: 'open' | 'after'; depth: number }
  /** esc: 1 after `\`, 2–5 inside `\uXXXX`; cont: UTF-8 continuation bytes still owed. */
  | { t: 'str'; min: number; max: number; len: number; esc: number; cont: number }
  | { t: 'num'; integer: boolean; s: NumState; digits: number }
  | { t: 'lit'; values: Uint8Array[]; tags: number[]; pos: number };

/** Object phases: after `{`, after `"key"`, after `:`'s value, after `,`. */
type Phase = 'open' | 'colon' | 'after' | 'comma';
/** exp2: two exponent digits, the most a value in double range needs here. */
type NumState = 'minus' | 'zero' | 'int' | 'dot' | 'frac' | 'e' | 'esign' | 'exp' | 'exp2';

export interface State {
  readonly frame: Frame;
  readonly up: State | null;
}

const Q = 0x22; // "
const BS = 0x5c; // \
const COLON = 0x3a;
const COMMA = 0x2c;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isHex = (b: number) => isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
const ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));

export function initialState(root: SchemaNode): State {
  return { frame: { t: 'value', node: root, depth: 0 }, up: { frame: { t: 'root', done: false }, up: null } };
}

/** The value is complete: only the end of the answer may follow. */
export function isComplete(s: State): boolean {
  return s.frame.t === 'root' && s.frame.done;
}

/** The answer may end here (complete, or a top-level number that may stop). */
export function canEnd(s: State): boolean {
  if (isComplete(s)) return true;
  const popped = endable(s) ? childDone(s.up!, -1, false) : null;
  return popped !== null && isComplete(popped);
}

/** The top frame is a string taking free characters: every token without `"`, `\` or control bytes extends it. */
export function freeStringRoom(s: State, pressure: boolean): number {
  const f = s.frame;
  if (f.t !== 'str' || f.esc !== 0 || f.cont !== 0 || pressure) return -1;
  return f.max - f.len;
}

/**
 * The same free string with no upper length bound, once its lower bound is met (else null):
 * which tokens fit from there depends only on what encloses the string, not on its length.
 */
export function unboundedString(s: State): State | null {
  const f = s.frame;
  return f.t === 'str' && f.len >= f.min ? replace(s, { ...f, max: Infinity }) : null;
}

/** Characters a token adds to an open string before it closes the string (escapes count one). */
export function charsBeforeClose(bytes: Uint8Array): number {
  let chars = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === Q) break;
    if (b === BS) i += bytes[i + 1] === 0x75 ? 5 : 1;
    if ((b & 0xc0) !== 0x80) chars++;
  }
  return chars;
}

const push = (up: State, frame: Frame): State => ({ frame, up });
const replace = (s: State, frame: Frame): State => ({ frame, up: s.up });

function endable(s: State): boolean {
  const f = s.frame;
  if (f.t === 'num') return f.s === 'zero' || f.s === 'int' || f.s === 'frac' || f.s === 'exp' || f.s === 'exp2';
  if (f.t === 'lit') return f.values.some((v) => v.length === f.pos);
  return false;
}

export function feed(s: State, b: number, pressure: boolean): State | null {
  const next = step(s, b, pressure);
  if (next) return next;
  // A number (or a literal that is a prefix of another) ends where its next byte does not fit it.
  if (endable(s)) {
    const f = s.frame as Extract<Frame, { t: 'lit' }>;
    const tag = f.t === 'lit' ? f.tags[f.values.findIndex((v) => v.length === f.pos)]! : -1;
    const parent = childDone(s.up!, tag, pressure);
    return parent ? feed(parent, b, pressure) : null;
  }
  return null;
}

function step(s: State, b: number, pressure: boolean): State | null {
  const f = s.frame;
  switch (f.t) {
    case 'root':
      return null;
    case 'value':
      return startValue(s, f.node, f.depth, b, pressure);
    case 'str':
      return stringByte(s, f, b, pressure);
    case 'num':
      return numberByte(s, f, b, pressure);
    case 'lit': {
      const values: Uint8Array[] = [];
      const tags: number[] = [];
      f.values.forEach((v, i) => {
        if (v[f.pos] === b) {
          values.push(v);
          tags.push(f.tags[i]!);
        }
      });
      if (values.length === 0) return null;
      const pos = f.pos + 1;
      if (values.length === 1 && values[0]!.length === pos) return childDone(s.up!, tags[0]!, pressure);
      return replace(s, { t: 'lit', values, tags, pos });
    }
    case 'obj':
      return objectByte(s, f, b, pressure);
    case 'gobj':
      return genericObjectByte(s, f, b, pressure);
    case 'arr': {
      const more = f.count < f.max && !(pressure && f.count >= f.min);
      if (b === 0x5d && f.count >= f.min) return childDone(s.up!, -1, pressure);
      if (f.phase === 'after') return b === COMMA && more ? openItem(s, f) : null;
      // 'open': right after `[`, the first item starts (a comma's item starts in its own value frame).
      if (!more) return null;
      return startValue(openItem(s, f), f.items, f.depth + 1, b, pressure);
    }
  }
}

/** The next item's value frame, the array counting it. */
function openItem(s: State, f: Extract<Frame, { t: 'arr' }>): State {
  return push(replace(s, { ...f, count: f.count + 1, phase: 'after' }), { t: 'value', node: f.items, depth: f.depth + 1 });
}

function startValue(s: State, node: SchemaNode, depth: number, b: number, pressure: boolean): State | null {
  switch (node.kind) {
    case 'object':
      return b === 0x7b ? replace(s, { t: 'obj', props: node.props, next: 0, phase: 'open', depth }) : null;
    case 'string':
      return b === Q ? replace(s, { t: 'str', min: node.minLength, max: node.maxLength, len: 0, esc: 0, cont: 0 }) : null;
    case 'number':
      return startNumber(s, node.integer, b);
    case 'literals': {
      const lit: Frame = { t: 'lit', values: node.values, tags: node.values.map((_, i) => i), pos: 0 };
      return step(replace(s, lit), b, pressure);
    }
    case 'array':
      return b === 0x5b ? replace(s, { t: 'arr', items: node.items, min: node.minItems, max: node.maxItems, count: 0, phase: 'open', depth }) : null;
    case 'union': {
      const option = node.options.find((o) => firstBytes(o).has(b));
      return option ? startValue(s, option, depth, b, pressure) : null;
    }
    case 'any': {
      if (b === 0x7b) return depth < LIMITS.maxDepth ? replace(s, { t: 'gobj', count: 0, phase: 'open', depth }) : null;
      if (node.objectOnly) return null;
      if (b === 0x5b) return depth < LIMITS.maxDepth ? replace(s, { t: 'arr', items: ANY, min: 0, max: LIMITS.maxItems, count: 0, phase: 'open', depth }) : null;
      if (b === Q) return replace(s, { t: 'str', min: 0, max: LIMITS.maxStringChars, len: 0, esc: 0, cont: 0 });
      if (b === 0x2d || isDigit(b)) return startNumber(s, false, b);
      return startValue(s, SCALARS, depth, b, pressure);
    }
  }
}

const ANY: SchemaNode = { kind: 'any', objectOnly: false };
const enc = new TextEncoder();
const SCALARS: SchemaNode = { kind: 'literals', values: ['true', 'false', 'null'].map((v) => enc.encode(v)) };

function startNumber(s: State, integer: boolean, b: number): State | null {
  if (b === 0x2d) return replace(s, { t: 'num', integer, s: 'minus', digits: 0 });
  if (b === 0x30) return replace(s, { t: 'num', integer, s: 'zero', digits: 1 });
  if (isDigit(b)) return replace(s, { t: 'num', integer, s: 'int', digits: 1 });
  return null;
}

function numberByte(s: State, f: Extract<Frame, { t: 'num' }>, b: number, pressure: boolean): State | null {
  const to = (state: NumState, digit = false): State | null => {
    if (digit && (f.digits >= LIMITS.maxDigits || (pressure && endable(s)))) return null;
    return replace(s, { ...f, s: state, digits: f.digits + (digit ? 1 : 0) });
  };
  const d = isDigit(b);
  switch (f.s) {
    case 'minus':
      return b === 0x30 ? to('zero', true) : d ? to('int', true) : null;
    case 'zero':
    case 'int':
      if (d && f.s === 'int') return to('int', true);
      if (f.integer || pressure) return null;
      return b === 0x2e ? to('dot') : b === 0x65 || b === 0x45 ? to('e') : null;
    case 'dot':
      return d ? to('frac', true) : null;
    case 'frac':
      if (d) return to('frac', true);
      return (b === 0x65 || b === 0x45) && !pressure ? to('e') : null;
    case 'e':
      return b === 0x2b || b === 0x2d ? to('esign') : d ? to('exp', true) : null;
    case 'esign':
      return d ? to('exp', true) : null;
    case 'exp':
      return d ? to('exp2', true) : null;
    case 'exp2':
      return null;
  }
}

function stringByte(s: State, f: Extract<Frame, { t: 'str' }>, b: number, pressure: boolean): State | null {
  if (f.esc === 1) return ESCAPES.has(b) ? replace(s, { ...f, esc: 0, len: f.len + 1 }) : b === 0x75 ? replace(s, { ...f, esc: 2 }) : null;
  if (f.esc >= 2) return isHex(b) ? replace(s, { ...f, esc: f.esc === 5 ? 0 : f.esc + 1, len: f.len + (f.esc === 5 ? 1 : 0) }) : null;
  // Valid UTF-8 only: a started character is finished before anything else.
  if (f.cont > 0) return (b & 0xc0) === 0x80 ? replace(s, { ...f, cont: f.cont - 1 }) : null;
  if (b === Q) return f.len >= f.min ? childDone(s.up!, -1, pressure) : null;
  if (b < 0x20 || (b >= 0x80 && b < 0xc2) || b >= 0xf5) return null;
  if (f.len >= f.max || (pressure && f.len >= f.min)) return null;
  if (b === BS) return replace(s, { ...f, esc: 1 });
  return replace(s, { ...f, len: f.len + 1, cont: b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : 0 });
}

function objectByte(s: State, f: Extract<Frame, { t: 'obj' }>, b: number, pressure: boolean): State | null {
  const requiredLeft = f.props.some((p, i) => i >= f.next && p.required);
  if (f.phase === 'colon') {
    if (b !== COLON) return null;
    const node = f.props[f.next]!.node;
    return push(replace(s, { ...f, phase: 'after' }), { t: 'value', node, depth: f.depth + 1 });
  }
  if (b === 0x7d && (f.phase === 'open' || f.phase === 'after') && !requiredLeft) return childDone(s.up!, -1, pressure);
  if (f.phase === 'after') return b === COMMA && keyChoices(f, pressure).length > 0 ? replace(s, { ...f, phase: 'comma' }) : null;
  // 'open' or 'comma': a key of the next properties, up to and including the next required one.
  if (b !== Q) return null;
  const choices = keyChoices(f, pressure);
  if (choices.length === 0) return null;
  return push(s, { t: 'lit', values: choices.map((i) => f.props[i]!.key), tags: choices, pos: 1 });
}

function keyChoices(f: Extract<Frame, { t: 'obj' }>, pressure: boolean): number[] {
  const out: number[] = [];
  for (let i = f.next; i < f.props.length; i++) {
    if (!pressure || f.props[i]!.required) out.push(i);
    if (f.props[i]!.required) break;
  }
  return out;
}

function genericObjectByte(s: State, f: Extract<Frame, { t: 'gobj' }>, b: number, pressure: boolean): State | null {
  const more = f.count < LIMITS.maxItems && !pressure;
  if (f.phase === 'colon') return b === COLON ? push(replace(s, { ...f, phase: 'after' }), { t: 'value', node: ANY, depth: f.depth + 1 }) : null;
  if (b === 0x7d && (f.phase === 'open' || f.phase === 'after')) return childDone(s.up!, -1, pressure);
  if (f.phase === 'after') return b === COMMA && more ? replace(s, { ...f, phase: 'comma' }) : null;
  if (b !== Q || !more) return null;
  return push(replace(s, { ...f, count: f.count + 1, phase: 'colon' }), { t: 'str', min: 0, max: LIMITS.maxKeyChars, len: 0, esc: 0, cont: 0 });
}

/** The top frame's value (or key) is complete: the frame below takes the next step. */
function childDone(parent: State, tag: number, pressure: boolean): State | null {
  const f = parent.frame;
  switch (f.t) {
    case 'root':
      return replace(parent, { t: 'root', done: true });
    case 'value':
      // A literal started in place of its value frame: the value below is now complete.
      return childDone(parent.up!, tag, pressure);
    case 'obj':
      // A key literal reports which property it named; a value moves on past its property.
      if (f.phase === 'open' || f.phase === 'comma') return replace(parent, { ...f, next: tag, phase: 'colon' });
      return replace(parent, { ...f, next: f.next + 1, phase: 'after' });
    case 'gobj':
    case 'arr':
      return parent;
    default:
      return null;
  }
}
