/**
 * OLPC canonical JSON as TUF signs it: securesystemslib's `cjson.EncodeCanonical`
 * (github.com/secure-systems-lab/go-securesystemslib v0.11.0 cjson/canonicaljson.go), which
 * go-tuf v0.7.0 (verify.VerifySignature) uses for the bytes a TUF signature covers.
 * This is NOT RFC 8785: src/crypto's canonicalJson is the one for stored entry bodies.
 *
 * - Objects: members sorted by their names' UTF-8 bytes (Go's sort.Strings), written
 *   `{"k":v,...}` without whitespace; arrays in order.
 * - Strings: only `\` and `"` are escaped (as `\\` and `\"`); every other character,
 *   controls and U+2028 included, is written as raw UTF-8. (A lone surrogate, which a Go
 *   string cannot hold, is written as U+FFFD, as Go's json.Marshal would have made it.)
 * - Numbers: integers only. A JS number stands for Go's float64 (go-tuf decodes the signed
 *   document into `map[string]any`): EncodeCanonical marshals it (shortest digits, `1e+21`
 *   style from 1e21 up), decodes the text again with UseNumber and refuses anything
 *   `strconv.ParseInt(s, 10, 64)` refuses — so fractions, |n| ≥ 2^63 (as the float prints)
 *   and exponent forms fail, `1.0` is `1`, and -0 is written `-0`. A `JsonNumber` stands for
 *   a json.Number (a literal kept as sent, used for key IDs): it must itself be a decimal
 *   int64.
 * - true, false, null.
 * - Nesting deeper than Go's decoder allows (10000) is refused, as EncodeCanonical's
 *   re-decoding refuses it; the walk itself is iterative.
 * Anything else (NaN, ±Infinity, undefined, functions, class instances, cycles) is refused.
 * Refusals throw InvalidEntryError; go-tuf treats them as a signature that does not verify.
 */
import { InvalidEntryError } from '../../errors';

/** Go's json.Number: a number kept as its literal text. */
export class JsonNumber {
  constructor(readonly literal: string) {}
}

/** Go's maxNestingDepth for the decoder EncodeCanonical runs over its own output. */
const MAX_DEPTH = 10000;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isInt64Literal(text: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= INT64_MIN && n <= INT64_MAX;
}

function refuse(message: string): never {
  throw new InvalidEntryError(message);
}

/** How Go's json.Marshal writes a float64 (strconv 'f' below 1e21, 'e' with a two-digit-minimum exponent otherwise). */
function goFloatText(n: number): string {
  if (Object.is(n, -0)) return '-0';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // JS writes 1e+21 / 1e-7; Go writes 1e+21 / 1e-07.
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) refuse(`json: unsupported value: ${String(n)}`);
  const text = goFloatText(n);
  if (!isInt64Literal(text)) refuse(`Can't canonicalize floating point number '${text}'`);
  return text;
}

function encodeString(s: string): string {
  return `"${s.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Order of two strings by their UTF-8 bytes (Go's sort.Strings), i.e. by code points.
 * UTF-16 code units order the same way unless a surrogate is where they first differ.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    return x - y;
  }
  return a.length - b.length;
}

type Frame =
  | { kind: 'array'; container: object; items: readonly unknown[]; i: number }
  | { kind: 'object'; container: object; record: Record<string, unknown>; keys: string[]; i: number };

/** The OLPC canonical JSON of `value` as UTF-8 bytes, exactly as go-securesystemslib writes it. */
export function olpcCanonicalJson(value: unknown): Buffer {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = new Set<object>();
  let pending: unknown = value;
  let hasPending = true;
  for (;;) {
    if (hasPending) {
      hasPending = false;
      const v = pending;
      switch (typeof v) {
        case 'string':
          out.push(encodeString(v));
          break;
        case 'boolean':
          out.push(v ? 'true' : 'false');
          break;
        case 'number':
          out.push(encodeNumber(v));
          break;
        case 'object': {
          if (v === null) {
            out.push('null');
            break;
          }
          if (v instanceof JsonNumber) {
            if (!isInt64Literal(v.literal)) refuse(`Can't canonicalize floating point number '${v.literal}'`);
            out.push(v.literal);
            break;
          }
          if (open.has(v)) refuse('json: unsupported value: encountered a cycle');
          if (stack.length >= MAX_DEPTH) refuse('exceeded max depth');
          if (Array.isArray(v)) {
            out.push('[');
            stack.push({ kind: 'array', container: v, items: v, i: 0 });
          } else if (isPlainObject(v)) {
            const record = v as Record<string, unknown>;
            const keys = Object.keys(record)
              .filter((k) => record[k] !== undefined)
              .sort(compareUtf8);
            out.push('{');
            stack.push({ kind: 'object', container: v, record, keys, i: 0 });
          } else {
            refuse(`Can't canonicalize a value of type ${Object.prototype.toString.call(v)}`);
          }
          open.add(v);
          break;
        }
        default:
          refuse(`Can't canonicalize a value of type ${typeof v}`);
      }
    }
    const top = stack[stack.length - 1];
    if (!top) break;
    if (top.kind === 'array') {
      if (top.i < top.items.length) {
        if (top.i > 0) out.push(',');
        pending = top.items[top.i++];
        hasPending = true;
        continue;
      }
      out.push(']');
    } else {
      if (top.i < top.keys.length) {
        if (top.i > 0) out.push(',');
        const key = top.keys[top.i++]!;
        out.push(encodeString(key), ':');
        pending = top.record[key];
        hasPending = true;
        continue;
      }
      out.push('}');
    }
    stack.pop();
    open.delete(top.container);
  }
  return Buffer.from(out.join(''), 'utf8');
}
