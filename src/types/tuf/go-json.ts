/**
 * Go's encoding/json as Rekor's tuf type meets it, over bytes.
 *
 * TUF metadata goes through Go's json three ways, and each leaves marks on what Rekor
 * accepts and stores: `json.Unmarshal` into go-tuf's typed structs (field names matched
 * case-insensitively, duplicate members merged or replaced, first type error kept,
 * `json.RawMessage` keeping the raw bytes of `signed`), `json.Unmarshal` into
 * `map[string]any` (numbers as float64) for the signature check, and `json.Marshal` of the
 * request's `content` objects back to bytes. This module does those three, with Go's error
 * texts, on a byte buffer:
 *
 * - `checkValid`: Go's scanner (encoding/json/scanner.go) step for step, so syntax errors
 *   read as Go's ("invalid character 'x' looking for beginning of value", nesting over
 *   10000 refused with "exceeded max depth").
 * - `parseTree`: the value tree of a buffer that passed `checkValid`, built without
 *   recursion (client documents may nest up to Go's 10000 levels).
 * - `unquote`: Go's unquoteBytes (invalid UTF-8 and unpaired surrogate escapes become
 *   U+FFFD), giving a well-formed JS string.
 * - `goMarshal`: json.Marshal of a value decoded from JSON (map keys sorted by bytes, Go's
 *   HTML-safe string escaping).
 * - `decodeAny`: decoding into `any` / `map[string]any` (float64 numbers, or Go's
 *   json.Number with UseNumber).
 * - `goUnmarshal` with a `GoType` description: decoding into a Go struct, with Go's
 *   UnmarshalTypeError texts ("json: cannot unmarshal string into Go struct field
 *   Root.version of type int64").
 *
 * Nothing here recurses on the depth of client data except typed decoding, which follows
 * the (shallow) Go types and never descends into unknown members.
 */
import { InvalidEntryError } from '../../errors';
import { compareUtf8, JsonNumber } from './canonical-json';

/** Go's maxNestingDepth. */
export const MAX_NESTING_DEPTH = 10000;

// ---------------------------------------------------------------------------------------
// Scanner (checkValid)

const SCAN_CONTINUE = 0;
const SCAN_BEGIN_LITERAL = 1;
const SCAN_BEGIN_OBJECT = 2;
const SCAN_OBJECT_KEY = 3;
const SCAN_OBJECT_VALUE = 4;
const SCAN_END_OBJECT = 5;
const SCAN_BEGIN_ARRAY = 6;
const SCAN_ARRAY_VALUE = 7;
const SCAN_END_ARRAY = 8;
const SCAN_SKIP_SPACE = 9;
const SCAN_END = 10;
const SCAN_ERROR = 11;

const PARSE_OBJECT_KEY = 0;
const PARSE_OBJECT_VALUE = 1;
const PARSE_ARRAY_VALUE = 2;

type Step = (s: Scanner, c: number) => number;

class Scanner {
  step: Step = stateBeginValue;
  parseState: number[] = [];
  err: string | null = null;
  endTop = false;

  eof(): number {
    if (this.err !== null) return SCAN_ERROR;
    if (this.endTop) return SCAN_END;
    this.step(this, 0x20);
    if (this.endTop) return SCAN_END;
    if (this.err === null) this.err = 'unexpected end of JSON input';
    return SCAN_ERROR;
  }

  pushParseState(c: number, newParseState: number, successState: number): number {
    this.parseState.push(newParseState);
    if (this.parseState.length <= MAX_NESTING_DEPTH) return successState;
    return this.error(c, 'exceeded max depth');
  }

  popParseState(): void {
    this.parseState.pop();
    if (this.parseState.length === 0) {
      this.step = stateEndTop;
      this.endTop = true;
    } else {
      this.step = stateEndValue;
    }
  }

  error(c: number, context: string): number {
    this.step = stateError;
    this.err = `invalid character ${quoteChar(c)} ${context}`;
    return SCAN_ERROR;
  }
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigitByte = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHexByte = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

function stateBeginValueOrEmpty(s: Scanner, c: number): number {
  if (isSpace(c)) return SCAN_SKIP_SPACE;
  if (c === 0x5d) return stateEndValue(s, c);
  return stateBeginValue(s, c);
}

function stateBeginValue(s: Scanner, c: number): number {
  if (isSpace(c)) return SCAN_SKIP_SPACE;
  switch (c) {
    case 0x7b: // {
      s.step = stateBeginStringOrEmpty;
      return s.pushParseState(c, PARSE_OBJECT_KEY, SCAN_BEGIN_OBJECT);
    case 0x5b: // [
      s.step = stateBeginValueOrEmpty;
      return s.pushParseState(c, PARSE_ARRAY_VALUE, SCAN_BEGIN_ARRAY);
    case 0x22:
      s.step = stateInString;
      return SCAN_BEGIN_LITERAL;
    case 0x2d: // -
      s.step = stateNeg;
      return SCAN_BEGIN_LITERAL;
    case 0x30:
      s.step = state0;
      return SCAN_BEGIN_LITERAL;
    case 0x74: // t
      s.step = literalStep('rue', 'true', stateEndValue);
      return SCAN_BEGIN_LITERAL;
    case 0x66: // f
      s.step = literalStep('alse', 'false', stateEndValue);
      return SCAN_BEGIN_LITERAL;
    case 0x6e: // n
      s.step = literalStep('ull', 'null', stateEndValue);
      return SCAN_BEGIN_LITERAL;
  }
  if (c >= 0x31 && c <= 0x39) {
    s.step = state1;
    return SCAN_BEGIN_LITERAL;
  }
  return s.error(c, 'looking for beginning of value');
}

function stateBeginStringOrEmpty(s: Scanner, c: number): number {
  if (isSpace(c)) return SCAN_SKIP_SPACE;
  if (c === 0x7d) {
    s.parseState[s.parseState.length - 1] = PARSE_OBJECT_VALUE;
    return stateEndValue(s, c);
  }
  return stateBeginString(s, c);
}

function stateBeginString(s: Scanner, c: number): number {
  if (isSpace(c)) return SCAN_SKIP_SPACE;
  if (c === 0x22) {
    s.step = stateInString;
    return SCAN_BEGIN_LITERAL;
  }
  return s.error(c, 'looking for beginning of object key string');
}

function stateEndValue(s: Scanner, c: number): number {
  const n = s.parseState.length;
  if (n === 0) {
    s.step = stateEndTop;
    s.endTop = true;
    return stateEndTop(s, c);
  }
  if (isSpace(c)) {
    s.step = stateEndValue;
    return SCAN_SKIP_SPACE;
  }
  switch (s.parseState[n - 1]) {
    case PARSE_OBJECT_KEY:
      if (c === 0x3a) {
        s.parseState[n - 1] = PARSE_OBJECT_VALUE;
        s.step = stateBeginValue;
        return SCAN_OBJECT_KEY;
      }
      return s.error(c, 'after object key');
    case PARSE_OBJECT_VALUE:
      if (c === 0x2c) {
        s.parseState[n - 1] = PARSE_OBJECT_KEY;
        s.step = stateBeginString;
        return SCAN_OBJECT_VALUE;
      }
      if (c === 0x7d) {
        s.popParseState();
        return SCAN_END_OBJECT;
      }
      return s.error(c, 'after object key:value pair');
    default:
      if (c === 0x2c) {
        s.step = stateBeginValue;
        return SCAN_ARRAY_VALUE;
      }
      if (c === 0x5d) {
        s.popParseState();
        return SCAN_END_ARRAY;
      }
      return s.error(c, 'after array element');
  }
}

function stateEndTop(s: Scanner, c: number): number {
  if (!isSpace(c)) s.error(c, 'after top-level value');
  return SCAN_END;
}

function stateInString(s: Scanner, c: number): number {
  if (c === 0x22) {
    s.step = stateEndValue;
    return SCAN_CONTINUE;
  }
  if (c === 0x5c) {
    s.step = stateInStringEsc;
    return SCAN_CONTINUE;
  }
  if (c < 0x20) return s.error(c, 'in string literal');
  return SCAN_CONTINUE;
}

function stateInStringEsc(s: Scanner, c: number): number {
  switch (c) {
    case 0x62: // b
    case 0x66: // f
    case 0x6e: // n
    case 0x72: // r
    case 0x74: // t
    case 0x5c: // \
    case 0x2f: // /
    case 0x22: // "
      s.step = stateInString;
      return SCAN_CONTINUE;
    case 0x75: // u
      s.step = hexStep(4);
      return SCAN_CONTINUE;
  }
  return s.error(c, 'in string escape code');
}

const hexSteps: Step[] = [];
function hexStep(remaining: number): Step {
  return (hexSteps[remaining] ??= (s: Scanner, c: number): number => {
    if (isHexByte(c)) {
      s.step = remaining === 1 ? stateInString : hexStep(remaining - 1);
      return SCAN_CONTINUE;
    }
    return s.error(c, 'in \\u hexadecimal character escape');
  });
}

function stateNeg(s: Scanner, c: number): number {
  if (c === 0x30) {
    s.step = state0;
    return SCAN_CONTINUE;
  }
  if (c >= 0x31 && c <= 0x39) {
    s.step = state1;
    return SCAN_CONTINUE;
  }
  return s.error(c, 'in numeric literal');
}

function state1(s: Scanner, c: number): number {
  if (isDigitByte(c)) {
    s.step = state1;
    return SCAN_CONTINUE;
  }
  return state0(s, c);
}

function state0(s: Scanner, c: number): number {
  if (c === 0x2e) {
    s.step = stateDot;
    return SCAN_CONTINUE;
  }
  if (c === 0x65 || c === 0x45) {
    s.step = stateE;
    return SCAN_CONTINUE;
  }
  return stateEndValue(s, c);
}

function stateDot(s: Scanner, c: number): number {
  if (isDigitByte(c)) {
    s.step = stateDot0;
    return SCAN_CONTINUE;
  }
  return s.error(c, 'after decimal point in numeric literal');
}

function stateDot0(s: Scanner, c: number): number {
  if (isDigitByte(c)) return SCAN_CONTINUE;
  if (c === 0x65 || c === 0x45) {
    s.step = stateE;
    return SCAN_CONTINUE;
  }
  return stateEndValue(s, c);
}

function stateE(s: Scanner, c: number): number {
  if (c === 0x2b || c === 0x2d) {
    s.step = stateESign;
    return SCAN_CONTINUE;
  }
  return stateESign(s, c);
}

function stateESign(s: Scanner, c: number): number {
  if (isDigitByte(c)) {
    s.step = stateE0;
    return SCAN_CONTINUE;
  }
  return s.error(c, 'in exponent of numeric literal');
}

function stateE0(s: Scanner, c: number): number {
  if (isDigitByte(c)) return SCAN_CONTINUE;
  return stateEndValue(s, c);
}

const literalSteps = new Map<string, Step>();
/** The states after the first letter of true/false/null: "in literal true (expecting 'r')". */
function literalStep(rest: string, word: string, done: Step): Step {
  const key = `${word}:${rest}`;
  let step = literalSteps.get(key);
  if (!step) {
    const expected = rest.charCodeAt(0);
    const next = rest.length === 1 ? done : literalStep(rest.slice(1), word, done);
    step = (s: Scanner, c: number): number => {
      if (c === expected) {
        s.step = next;
        return SCAN_CONTINUE;
      }
      return s.error(c, `in literal ${word} (expecting '${rest[0]}')`);
    };
    literalSteps.set(key, step);
  }
  return step;
}

function stateError(): number {
  return SCAN_ERROR;
}

/** Go's quoteChar: the byte as a Go rune literal. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const quoted = goQuote(String.fromCharCode(c));
  return `'${quoted.slice(1, -1)}'`;
}

/** Go's checkValid: the syntax error message Go's json.Unmarshal reports, or null. */
export function checkValid(src: Uint8Array): string | null {
  const scan = new Scanner();
  for (let i = 0; i < src.length; i++) {
    if (scan.step(scan, src[i]!) === SCAN_ERROR) return scan.err;
  }
  if (scan.eof() === SCAN_ERROR) return scan.err;
  return null;
}

// ---------------------------------------------------------------------------------------
// strconv.Quote

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote for a well-formed string (unicode.IsPrint approximated by Unicode categories). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
    } else if (PRINTABLE.test(ch)) {
      out += ch;
    } else {
      switch (r) {
        case 0x07:
          out += '\\a';
          break;
        case 0x08:
          out += '\\b';
          break;
        case 0x0c:
          out += '\\f';
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        case 0x0b:
          out += '\\v';
          break;
        default:
          if (r < 0x20 || r === 0x7f) out += `\\x${r.toString(16).padStart(2, '0')}`;
          else if (r >= 0xd800 && r <= 0xdfff) out += '\\ufffd';
          else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
          else out += `\\U${r.toString(16).padStart(8, '0')}`;
      }
    }
  }
  return `${out}"`;
}

// ---------------------------------------------------------------------------------------
// Value tree

export type GoNodeType = 'object' | 'array' | 'string' | 'number' | 'true' | 'false' | 'null';

export interface GoNode {
  type: GoNodeType;
  /** Byte range of the value in its source buffer. */
  start: number;
  end: number;
  /** Object member names (Go-unquoted), in document order, duplicates kept. */
  keys?: string[];
  /** Object member name tokens as byte ranges: start, end, start, end, … */
  keySpans?: number[];
  /** Object member values or array items. */
  values?: GoNode[];
}

export interface GoDocument {
  src: Buffer;
  root: GoNode;
}

/** The bytes of a node. */
export function raw(doc: GoDocument, node: GoNode): Buffer {
  return doc.src.subarray(node.start, node.end);
}

/** Parse `src` as Go's json.Unmarshal would read it; syntax errors throw with Go's text. */
export function parseDocument(src: Buffer): GoDocument {
  const error = checkValid(src);
  if (error !== null) throw new InvalidEntryError(error);
  return { src, root: parseTree(src) };
}

/** The value tree of `src`, which must have passed checkValid. */
function parseTree(src: Buffer): GoNode {
  let i = 0;
  const skipSpace = (): void => {
    while (i < src.length && isSpace(src[i]!)) i++;
  };
  const readKey = (parent: GoNode): void => {
    skipSpace();
    const start = i;
    i = stringEnd(src, i);
    parent.keys!.push(unquote(src, start, i));
    parent.keySpans!.push(start, i);
    skipSpace();
    i++; // ':'
    skipSpace();
  };
  const stack: GoNode[] = [];
  skipSpace();
  for (;;) {
    let value: GoNode;
    const c = src[i]!;
    if (c === 0x7b || c === 0x5b) {
      const node: GoNode = { type: c === 0x7b ? 'object' : 'array', start: i, end: -1, values: [] };
      if (c === 0x7b) {
        node.keys = [];
        node.keySpans = [];
      }
      i++;
      skipSpace();
      if (src[i] === c + 2) {
        // '}' is '{' + 2, ']' is '[' + 2
        i++;
        node.end = i;
        value = node;
      } else {
        stack.push(node);
        if (c === 0x7b) readKey(node);
        continue;
      }
    } else {
      const start = i;
      let type: GoNodeType;
      if (c === 0x22) {
        i = stringEnd(src, i);
        type = 'string';
      } else if (c === 0x74) {
        i += 4;
        type = 'true';
      } else if (c === 0x66) {
        i += 5;
        type = 'false';
      } else if (c === 0x6e) {
        i += 4;
        type = 'null';
      } else {
        while (i < src.length && isNumberByte(src[i]!)) i++;
        type = 'number';
      }
      value = { type, start, end: i };
    }
    // Attach the finished value, closing containers as far as they end here.
    for (;;) {
      const parent = stack[stack.length - 1];
      if (!parent) return value;
      parent.values!.push(value);
      skipSpace();
      if (src[i] === 0x2c) {
        i++;
        if (parent.type === 'object') readKey(parent);
        else skipSpace();
        break;
      }
      i++; // '}' or ']'
      parent.end = i;
      stack.pop();
      value = parent;
    }
  }
}

const isNumberByte = (c: number): boolean => isDigitByte(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;

/** Index just past the string token starting at `i` (a valid token). */
function stringEnd(src: Buffer, i: number): number {
  let j = i + 1;
  while (src[j] !== 0x22) j += src[j] === 0x5c ? 2 : 1;
  return j + 1;
}

// ---------------------------------------------------------------------------------------
// Strings

/** Go's utf8.DecodeRune: [rune, size], rune -1 for an invalid byte (size 1). */
export function decodeRune(src: Uint8Array, i: number, end = src.length): [number, number] {
  const b0 = src[i]!;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const b = i + k < end ? src[i + k]! : -1;
    return b >= lo && b <= hi ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const b1 = cont(1);
    return b1 < 0 ? [-1, 1] : [((b0 & 0x1f) << 6) | b1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const b1 = cont(1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf);
    const b2 = b1 < 0 ? -1 : cont(2);
    return b2 < 0 ? [-1, 1] : [((b0 & 0x0f) << 12) | (b1 << 6) | b2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const b1 = cont(1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf);
    const b2 = b1 < 0 ? -1 : cont(2);
    const b3 = b2 < 0 ? -1 : cont(3);
    return b3 < 0 ? [-1, 1] : [((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3, 4];
  }
  return [-1, 1];
}

function hex4(src: Uint8Array, i: number, end: number): number {
  if (i + 6 > end || src[i] !== 0x5c || src[i + 1] !== 0x75) return -1;
  let r = 0;
  for (let k = 2; k < 6; k++) {
    const c = src[i + k]!;
    if (!isHexByte(c)) return -1;
    r = r * 16 + parseInt(String.fromCharCode(c), 16);
  }
  return r;
}

const isSurrogate = (r: number): boolean => r >= 0xd800 && r < 0xe000;

/**
 * Go's unquote of the valid string token src[start, end) (quotes included): escapes
 * decoded, a \u surrogate pair joined, an unpaired surrogate escape or an invalid UTF-8
 * byte replaced by U+FFFD. The result is well-formed.
 */
export function unquote(src: Uint8Array, start: number, end: number): string {
  const last = end - 1;
  let out = '';
  let i = start + 1;
  let runStart = i;
  const flush = (to: number): void => {
    if (to > runStart) out += Buffer.from(src.buffer, src.byteOffset + runStart, to - runStart).toString('utf8');
  };
  while (i < last) {
    const c = src[i]!;
    if (c === 0x5c) {
      flush(i);
      const e = src[i + 1]!;
      switch (e) {
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          let r = hex4(src, i, last);
          i += 6;
          if (isSurrogate(r)) {
            const r2 = hex4(src, i, last);
            if (r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000) {
              r = 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00);
              i += 6;
            } else {
              r = 0xfffd;
            }
          }
          out += String.fromCodePoint(r);
          runStart = i;
          continue;
        }
        default: // " \ /
          out += String.fromCharCode(e);
      }
      i += 2;
      runStart = i;
    } else if (c < 0x80) {
      i++;
    } else {
      const [r, size] = decodeRune(src, i, last);
      if (r < 0) {
        flush(i);
        out += '\ufffd';
        i += 1;
        runStart = i;
      } else {
        i += size;
      }
    }
  }
  flush(last);
  return out;
}

// ---------------------------------------------------------------------------------------
// json.Marshal of decoded JSON values

/**
 * Go's encodeState.string with HTML escaping (what json.Marshal writes): `"` `\` and the
 * short control escapes \b \f \n \r \t, other controls \u00xx, `<` `>` `&` U+2028 U+2029
 * as \u escapes, an unpaired surrogate (Go would hold U+FFFD) as U+FFFD, the rest raw.
 */
export function goQuoteJson(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (ch) => {
    switch (ch) {
      case '"':
        return '\\"';
      case '\\':
        return '\\\\';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default: {
        const code = ch.charCodeAt(0);
        if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
        return `\\u${code.toString(16).padStart(4, '0')}`;
      }
    }
  })}"`;
}

/**
 * The literal Go kept for a number the client sent (Rekor decodes requests with UseNumber,
 * so the literal survives; JSON.parse keeps only the double). Integers are written out in
 * full, other values as JavaScript writes them; values JSON.parse took to ±Infinity get a
 * literal that overflows float64 in Go as well.
 */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '1e999' : '-1e999';
  if (Object.is(n, -0)) return '-0';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * json.Marshal of a value the request's JSON decoder produced (here: what JSON.parse
 * produced): objects with keys sorted by their UTF-8 bytes, Go's string escaping.
 * Iterative; anything that is not JSON data (or a cycle) is refused.
 */
export function goMarshal(value: unknown): Buffer {
  const out: string[] = [];
  type Frame = { kind: 'array'; items: unknown[]; i: number } | { kind: 'object'; record: Record<string, unknown>; keys: string[]; i: number };
  const stack: Frame[] = [];
  const open = new Set<object>();
  const frames: object[] = [];
  let pending: unknown = value;
  let hasPending = true;
  for (;;) {
    if (hasPending) {
      hasPending = false;
      const v = pending;
      if (v === null) out.push('null');
      else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
      else if (typeof v === 'number') out.push(numberLiteral(v));
      else if (typeof v === 'string') out.push(goQuoteJson(v));
      else if (typeof v === 'object') {
        if (v instanceof JsonNumber) {
          out.push(v.literal);
        } else {
          if (open.has(v)) throw new InvalidEntryError('json: unsupported value: encountered a cycle');
          if (Array.isArray(v)) {
            out.push('[');
            stack.push({ kind: 'array', items: v, i: 0 });
          } else if (isPlainObject(v)) {
            const record = v as Record<string, unknown>;
            // Go sorts map keys by their bytes; JSON.parse cannot produce two equal keys.
            const keys = Object.keys(record).sort(compareUtf8);
            out.push('{');
            stack.push({ kind: 'object', record, keys, i: 0 });
          } else {
            throw new InvalidEntryError(`json: unsupported type: ${Object.prototype.toString.call(v)}`);
          }
          open.add(v);
          frames.push(v);
        }
      } else {
        throw new InvalidEntryError(`json: unsupported type: ${typeof v}`);
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
        out.push(goQuoteJson(key), ':');
        pending = top.record[key];
        hasPending = true;
        continue;
      }
      out.push('}');
    }
    stack.pop();
    open.delete(frames.pop()!);
  }
  return Buffer.from(out.join(''), 'utf8');
}

// ---------------------------------------------------------------------------------------
// Decoding into any

export type DecodeAnyResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Go's decoding of a node into `any`: objects become null-prototype records (a repeated
 * member: the last wins), numbers float64 — or json.Number (`JsonNumber`) with `useNumber`.
 * A number beyond float64 is Go's UnmarshalTypeError (the first one is reported).
 */
export function decodeAny(doc: GoDocument, node: GoNode, useNumber: boolean): DecodeAnyResult {
  let error: string | null = null;
  const leaf = (n: GoNode): unknown => {
    switch (n.type) {
      case 'string':
        return unquote(doc.src, n.start, n.end);
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
      default: {
        const literal = doc.src.toString('latin1', n.start, n.end);
        if (useNumber) return new JsonNumber(literal);
        const f = Number(literal);
        if (!Number.isFinite(f)) {
          error ??= `json: cannot unmarshal number ${literal} into Go value of type float64`;
          return null;
        }
        return f;
      }
    }
  };
  const container = (n: GoNode): unknown[] | Record<string, unknown> =>
    n.type === 'array' ? [] : (Object.create(null) as Record<string, unknown>);
  if (node.type !== 'object' && node.type !== 'array') {
    const value = leaf(node);
    return error === null ? { ok: true, value } : { ok: false, error };
  }
  const rootValue = container(node);
  const stack: { node: GoNode; value: unknown[] | Record<string, unknown>; i: number }[] = [{ node, value: rootValue, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const children = top.node.values!;
    if (top.i >= children.length) {
      stack.pop();
      continue;
    }
    const index = top.i++;
    const child = children[index]!;
    const childValue = child.type === 'object' || child.type === 'array' ? container(child) : leaf(child);
    if (Array.isArray(top.value)) top.value.push(childValue);
    else top.value[top.node.keys![index]!] = childValue;
    if (child.type === 'object' || child.type === 'array') {
      stack.push({ node: child, value: childValue as unknown[] | Record<string, unknown>, i: 0 });
    }
  }
  return error === null ? { ok: true, value: rootValue } : { ok: false, error };
}

// ---------------------------------------------------------------------------------------
// Decoding into Go types

/** A Go type json.Unmarshal decodes into, described by what decides its behaviour. */
export type GoType =
  | { kind: 'string'; name: string }
  | { kind: 'int'; name: 'int' | 'int64' }
  | { kind: 'bool' }
  /** A value type whose pointer has UnmarshalJSON: called with the raw bytes, null included. */
  | { kind: 'unmarshaler'; unmarshal: (bytes: Buffer, previous: unknown) => unknown }
  /** A pointer to such a type: null leaves nil, anything else goes to UnmarshalJSON. */
  | { kind: 'pointerUnmarshaler'; unmarshal: (bytes: Buffer) => unknown }
  | { kind: 'slice'; name: string; elem: GoType }
  | { kind: 'map'; name: string; elem: GoType }
  | { kind: 'pointer'; elem: GoStruct }
  | GoStruct
  /** A member the struct does not keep an eye on (e.g. `custom`: *json.RawMessage). */
  | { kind: 'ignored' };

export interface GoStruct {
  kind: 'struct';
  /** reflect.Type.String(), e.g. "data.Root". */
  name: string;
  /** reflect.Type.Name(), e.g. "Root". */
  shortName: string;
  /** JSON name → type. */
  fields: Record<string, GoType>;
}

export type GoRecord = Record<string, unknown>;

/**
 * Go's foldName for matching a member name to a field case-insensitively:
 * ASCII letters upper-cased, and the four non-ASCII letters that fold to ASCII ones
 * (ſ, K, ı, İ) replaced by them. Other characters never match an ASCII field name.
 */
function foldName(name: string): string {
  return name.replace(/[a-z\u017f\u212a\u0131\u0130]/g, (ch) => {
    switch (ch) {
      case '\u017f':
        return 'S';
      case '\u212a':
        return 'K';
      case '\u0131':
      case '\u0130':
        return 'I';
      default:
        return ch.toUpperCase();
    }
  });
}

/**
 * Go's UnmarshalTypeError returned by an UnmarshalJSON that decodes with a decoder of its
 * own: the outer decoder adds its field context on the way out ("Go struct field
 * rsaVerifier.public of type string").
 */
export class GoTypeError extends InvalidEntryError {
  constructor(
    readonly value: string,
    readonly goType: string,
    readonly inContext = false,
    message = `json: cannot unmarshal ${value} into Go value of type ${goType}`,
  ) {
    super(message);
  }
}

/** The decoding state Go keeps: the first saved type error and the field path for it. */
class DecodeState {
  saved: string | null = null;
  struct: string | null = null;
  fields: string[] = [];

  constructor(readonly doc: GoDocument) {}

  typeError(value: string, type: string): void {
    if (this.saved !== null) return;
    this.saved =
      this.struct !== null
        ? `json: cannot unmarshal ${value} into Go struct field ${this.struct}.${this.fields.join('.')} of type ${type}`
        : `json: cannot unmarshal ${value} into Go value of type ${type}`;
  }
}

/** What Go calls a JSON value in a type error ("number" for numbers into non-numeric kinds). */
function describe(node: GoNode): string {
  switch (node.type) {
    case 'true':
    case 'false':
      return 'bool';
    case 'null':
      return 'null';
    default:
      return node.type;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64). */
function parseInt64(literal: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(literal)) return null;
  const n = BigInt(literal);
  return n < INT64_MIN || n > INT64_MAX ? null : n;
}

function decodeValue(state: DecodeState, node: GoNode, type: GoType, previous: unknown): unknown {
  const { doc } = state;
  switch (type.kind) {
    case 'ignored':
      return previous;
    case 'unmarshaler':
      return type.unmarshal(raw(doc, node), previous);
    case 'pointerUnmarshaler':
      return node.type === 'null' ? undefined : type.unmarshal(raw(doc, node));
    case 'string':
      if (node.type === 'string') return unquote(doc.src, node.start, node.end);
      if (node.type !== 'null') state.typeError(describe(node), type.name);
      return previous;
    case 'int': {
      if (node.type === 'number') {
        const literal = doc.src.toString('latin1', node.start, node.end);
        const n = parseInt64(literal);
        if (n !== null) return n;
        state.typeError(`number ${literal}`, type.name);
      } else if (node.type !== 'null') {
        state.typeError(describe(node), type.name);
      }
      return previous;
    }
    case 'bool':
      if (node.type === 'true' || node.type === 'false') return node.type === 'true';
      if (node.type !== 'null') state.typeError(describe(node), 'bool');
      return previous;
    case 'slice': {
      if (node.type === 'null') return undefined;
      if (node.type !== 'array') {
        state.typeError(describe(node), type.name);
        return previous;
      }
      // Go decodes into the elements already there, then truncates.
      const old = Array.isArray(previous) ? previous : [];
      return node.values!.map((item, i) => decodeValue(state, item, type.elem, old[i]));
    }
    case 'map': {
      if (node.type === 'null') return undefined;
      if (node.type !== 'object') {
        state.typeError(describe(node), type.name);
        return previous;
      }
      // An existing map is reused, keeping its entries; each value starts from zero.
      const map = previous instanceof Map ? (previous as Map<string, unknown>) : new Map<string, unknown>();
      node.values!.forEach((value, i) => map.set(node.keys![i]!, decodeValue(state, value, type.elem, undefined)));
      return map;
    }
    case 'pointer':
      if (node.type === 'null') return undefined;
      if (node.type !== 'object') {
        // Go allocates the pointee, then finds the value cannot go into a struct.
        state.typeError(describe(node), type.elem.name);
        return previous ?? {};
      }
      return decodeStruct(state, node, type.elem, (previous as GoRecord | undefined) ?? {});
    case 'struct':
      if (node.type === 'null') return previous;
      if (node.type !== 'object') {
        state.typeError(describe(node), type.name);
        return previous;
      }
      return decodeStruct(state, node, type, (previous as GoRecord | undefined) ?? {});
  }
}

const foldedFieldsCache = new WeakMap<GoStruct, Map<string, string>>();

function decodeStruct(state: DecodeState, node: GoNode, type: GoStruct, target: GoRecord): GoRecord {
  let folded = foldedFieldsCache.get(type);
  if (!folded) {
    folded = new Map(Object.keys(type.fields).map((name) => [foldName(name), name]));
    foldedFieldsCache.set(type, folded);
  }
  const savedStruct = state.struct;
  const savedDepth = state.fields.length;
  node.values!.forEach((value, i) => {
    const key = node.keys![i]!;
    const field = Object.prototype.hasOwnProperty.call(type.fields, key) ? key : folded.get(foldName(key));
    if (field === undefined) return;
    state.struct = type.shortName;
    state.fields.push(field);
    try {
      target[field] = decodeValue(state, value, type.fields[field]!, target[field]);
    } catch (err) {
      if (err instanceof GoTypeError && !err.inContext) {
        const message = `json: cannot unmarshal ${err.value} into Go struct field ${state.struct}.${state.fields.join('.')} of type ${err.goType}`;
        throw new GoTypeError(err.value, err.goType, true, message);
      }
      throw err;
    }
    state.fields.length = savedDepth;
    state.struct = savedStruct;
  });
  return target;
}

/**
 * json.Unmarshal(bytes, &v) for a value of Go type `type`: syntax errors, then the first
 * error an UnmarshalJSON returns (at once), else the first type error. Returns the decoded
 * value: records for structs, Maps, arrays, strings, bigints, booleans; `undefined` for
 * Go's zero/nil.
 */
export function goUnmarshal(bytes: Buffer, type: GoType): unknown {
  return goUnmarshalDocument(parseDocument(bytes), type);
}

export function goUnmarshalDocument(doc: GoDocument, type: GoType): unknown {
  const state = new DecodeState(doc);
  const value = decodeValue(state, doc.root, type, undefined);
  if (state.saved !== null) throw new InvalidEntryError(state.saved);
  return value;
}
