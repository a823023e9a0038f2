/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), restricted to the values glasslog emits.
 *
 * - Objects: members sorted by their names compared as arrays of UTF-16 code units (the
 *   order of JavaScript's default string comparison), no whitespace. Members whose value is
 *   `undefined` are left out, as JSON.stringify does.
 * - Strings: as ECMAScript JSON.stringify: `"` `\` and the controls \b \t \n \f \r escaped
 *   short, other controls below U+0020 as \u00xx (lowercase hex), everything else literal,
 *   then UTF-8. Strings with unpaired surrogates are refused (RFC 8785 requires I-JSON).
 * - Numbers: safe integers only (|n| ≤ 2^53 − 1), written in decimal; -0 is written 0. We
 *   never emit floats, so any other number is a bug and throws.
 * - null, true, false; arrays in order.
 * Anything else (undefined outside an object member, bigint, functions, symbols, Dates,
 * Buffers, Maps, class instances, cycles) throws a TypeError rather than being serialized
 * in some surprising way.
 */

const LONE_SURROGATE = /\p{Cs}/u;

function serializeString(s: string, out: string[]): void {
  if (LONE_SURROGATE.test(s)) {
    throw new TypeError(`canonical JSON: string has an unpaired surrogate: ${JSON.stringify(s)}`);
  }
  // ECMAScript's JSON.stringify is exactly RFC 8785's string serialization for well-formed
  // strings (RFC 8785 §3.2.2.2 defers to ECMA-262 "QuoteJSONString").
  out.push(JSON.stringify(s));
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, out: string[], stack: Set<object>, path: string): void {
  switch (typeof value) {
    case 'string':
      serializeString(value, out);
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new TypeError(`canonical JSON: ${path} is ${value}, not a safe integer`);
      }
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON: ${path} has unsupported type ${typeof value}`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (stack.has(value)) {
    throw new TypeError(`canonical JSON: ${path} is a cycle`);
  }
  stack.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const item: unknown = value[i];
      if (item === undefined) {
        throw new TypeError(`canonical JSON: ${path}[${i}] is undefined`);
      }
      serialize(item, out, stack, `${path}[${i}]`);
    }
    out.push(']');
  } else {
    if (!isPlainObject(value)) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`canonical JSON: ${path} is a ${name}, not a plain object`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      serializeString(k, out);
      out.push(':');
      serialize(record[k], out, stack, `${path}.${k}`);
    });
    out.push('}');
  }
  stack.delete(value);
}

/** RFC 8785 canonical JSON of `value`, as UTF-8 bytes. */
export function canonicalJson(value: unknown): Buffer {
  const out: string[] = [];
  serialize(value, out, new Set(), '$');
  return Buffer.from(out.join(''), 'utf8');
}
