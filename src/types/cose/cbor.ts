/**
 * A strict, minimal CBOR (RFC 8949) reader for COSE_Sign1 as Rekor reads it: go-cose v1.3.0
 * over fxamacker/cbor v2.9.0 with go-cose's decoding options (definite lengths only,
 * duplicate map keys refused, integers decoded to int64, tags optionally forbidden) and
 * fxamacker's default limits (32 nested levels, 131072 array elements, 131072 map pairs).
 * Error texts are fxamacker's, since Rekor returns them to the client.
 *
 * Two layers, as in fxamacker:
 *  - `checkWellFormed`: the syntax pass every `Unmarshal` makes first over the whole item
 *    (heads, lengths, nesting, tags allowed or not, trailing bytes);
 *  - `decodeAny`: the semantic pass that decoding into a Go `any` makes (int64 range, UTF-8,
 *    built-in tag contents, map key hashability and duplicate keys), returning the error the
 *    Go decoder would return (first in document order, a duplicate key overriding).
 *
 * Nothing is materialised beyond what a caller asks for: the input is walked with offsets,
 * map keys are reduced to identity strings, arrays keep their items only on request. Recursion
 * is bounded by the nesting limit, each item takes at least one input byte, and every declared
 * length is checked against the bytes that remain before use, so hostile input can neither
 * exhaust the stack nor allocate beyond a small multiple of its own size. Every failure is an
 * InvalidEntryError.
 */
import { isUtf8 } from 'node:buffer';
import { InvalidEntryError } from '../../errors';

export const MAJOR_UINT = 0;
export const MAJOR_NINT = 1;
export const MAJOR_BYTES = 2;
export const MAJOR_TEXT = 3;
export const MAJOR_ARRAY = 4;
export const MAJOR_MAP = 5;
export const MAJOR_TAG = 6;
export const MAJOR_SIMPLE = 7;

export interface CborLimits {
  maxNestedLevels: number;
  maxArrayElements: number;
  maxMapPairs: number;
}

/** fxamacker/cbor's defaults, which go-cose does not change. */
export const DEFAULT_LIMITS: Readonly<CborLimits> = { maxNestedLevels: 32, maxArrayElements: 131072, maxMapPairs: 131072 };

const INT64_MAX = (1n << 63n) - 1n;
const TAG_SELF_DESCRIBED = 55799n;

/** fxamacker's cborType.String(). */
const TYPE_NAMES = ['positive integer', 'negative integer', 'byte string', 'UTF-8 text string', 'array', 'map', 'tag', 'primitives'];

function fail(message: string): never {
  throw new InvalidEntryError(message);
}

export interface CborHead {
  major: number;
  /** Additional information (low five bits of the initial byte). */
  ai: number;
  /** The argument: value, length, count, tag number or simple value. */
  arg: bigint;
  /** Offset just after the head. */
  end: number;
}

/**
 * Read one head at `off` (fxamacker wellformedHead): truncation, reserved additional
 * information 28-30, and a break code or indefinite length where none may stand are errors.
 * Indefinite lengths of strings/arrays/maps come back with ai 31 for the caller to refuse.
 */
export function readHead(data: Uint8Array, off: number): CborHead {
  if (off >= data.length) fail('unexpected EOF');
  const initial = data[off]!;
  const major = initial >> 5;
  const ai = initial & 0x1f;
  const start = off + 1;
  if (ai <= 23) return { major, ai, arg: BigInt(ai), end: start };
  const remaining = data.length - start;
  switch (ai) {
    case 24: {
      if (remaining < 1) fail('unexpected EOF');
      const v = data[start]!;
      if (major === MAJOR_SIMPLE && v < 32) fail(`cbor: invalid simple value ${v} for type primitives`);
      return { major, ai, arg: BigInt(v), end: start + 1 };
    }
    case 25:
      if (remaining < 2) fail('unexpected EOF');
      return { major, ai, arg: BigInt((data[start]! << 8) | data[start + 1]!), end: start + 2 };
    case 26:
      if (remaining < 4) fail('unexpected EOF');
      return { major, ai, arg: BigInt(readUint32(data, start)), end: start + 4 };
    case 27:
      if (remaining < 8) fail('unexpected EOF');
      return { major, ai, arg: (BigInt(readUint32(data, start)) << 32n) | BigInt(readUint32(data, start + 4)), end: start + 8 };
    case 31:
      if (major === MAJOR_UINT || major === MAJOR_NINT || major === MAJOR_TAG) {
        fail(`cbor: invalid additional information 31 for type ${TYPE_NAMES[major]}`);
      }
      if (major === MAJOR_SIMPLE) fail('cbor: unexpected "break" code');
      return { major, ai, arg: 0n, end: start };
    default:
      return fail(`cbor: invalid additional information ${ai} for type ${TYPE_NAMES[major]}`);
  }
}

function readUint32(data: Uint8Array, off: number): number {
  return ((data[off]! << 24) >>> 0) + ((data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!);
}

/**
 * fxamacker's `wellformed(allowExtraData = false)`: `data` must be exactly one well-formed
 * item. Errors are Go's: "EOF" for no input, "unexpected EOF", "cbor: CBOR tag isn't allowed",
 * "cbor: indefinite-length map isn't allowed", "cbor: exceeded max nested level 32",
 * "cbor: N bytes of extraneous data starting at index M", ...
 */
export function checkWellFormed(data: Uint8Array, options: { tagsAllowed: boolean; limits?: CborLimits }): void {
  if (data.length === 0) fail('EOF');
  const end = wellFormed(data, 0, 0, options.tagsAllowed, options.limits ?? DEFAULT_LIMITS);
  if (end !== data.length) fail(`cbor: ${data.length - end} bytes of extraneous data starting at index ${end}`);
}

function wellFormed(data: Uint8Array, off: number, depth: number, tagsAllowed: boolean, limits: CborLimits): number {
  const head = readHead(data, off);
  const { major } = head;
  switch (major) {
    case MAJOR_BYTES:
    case MAJOR_TEXT: {
      if (head.ai === 31) fail(`cbor: indefinite-length ${TYPE_NAMES[major]} isn't allowed`);
      if (head.arg > INT64_MAX) fail(`cbor: ${TYPE_NAMES[major]} length ${head.arg} is too large, causing integer overflow`);
      if (BigInt(data.length - head.end) < head.arg) fail('unexpected EOF');
      return head.end + Number(head.arg);
    }
    case MAJOR_ARRAY:
    case MAJOR_MAP: {
      depth++;
      if (depth > limits.maxNestedLevels) fail(`cbor: exceeded max nested level ${limits.maxNestedLevels}`);
      if (head.ai === 31) fail(`cbor: indefinite-length ${TYPE_NAMES[major]} isn't allowed`);
      if (head.arg > INT64_MAX) {
        fail(`cbor: ${TYPE_NAMES[major]} length ${head.arg} is too large, it would cause integer overflow`);
      }
      if (major === MAJOR_ARRAY && head.arg > BigInt(limits.maxArrayElements)) {
        fail(`cbor: exceeded max number of elements ${limits.maxArrayElements} for CBOR array`);
      }
      if (major === MAJOR_MAP && head.arg > BigInt(limits.maxMapPairs)) {
        fail(`cbor: exceeded max number of key-value pairs ${limits.maxMapPairs} for CBOR map`);
      }
      const items = Number(head.arg) * (major === MAJOR_MAP ? 2 : 1);
      let pos = head.end;
      for (let i = 0; i < items; i++) pos = wellFormed(data, pos, depth, tagsAllowed, limits);
      return pos;
    }
    case MAJOR_TAG: {
      if (!tagsAllowed) fail("cbor: CBOR tag isn't allowed");
      // Nested tag numbers are scanned in a loop, each one a level deeper.
      let pos = head.end;
      for (;;) {
        if (pos >= data.length) fail('unexpected EOF');
        if (data[pos]! >> 5 !== MAJOR_TAG) break;
        pos = readHead(data, pos).end;
        depth++;
        if (depth > limits.maxNestedLevels) fail(`cbor: exceeded max nested level ${limits.maxNestedLevels}`);
      }
      return wellFormed(data, pos, depth, tagsAllowed, limits);
    }
    default:
      return head.end;
  }
}

/**
 * Hard recursion cap for the walkers below, which expect input `checkWellFormed` accepted
 * (at most 32 levels of arrays and maps plus tags): called on anything else they still end
 * with an InvalidEntryError rather than exhausting the stack.
 */
const MAX_WALK_DEPTH = 2 * DEFAULT_LIMITS.maxNestedLevels + 2;

function walkDepth(depth: number): number {
  if (depth > MAX_WALK_DEPTH) fail(`cbor: exceeded max nested level ${DEFAULT_LIMITS.maxNestedLevels}`);
  return depth + 1;
}

/** End offset of the (already well-formed) item at `off`. */
export function skipItem(data: Uint8Array, off: number, depth = 0): number {
  depth = walkDepth(depth);
  const head = readHead(data, off);
  switch (head.major) {
    case MAJOR_BYTES:
    case MAJOR_TEXT:
      return head.end + Number(head.arg);
    case MAJOR_ARRAY:
    case MAJOR_MAP: {
      const items = Number(head.arg) * (head.major === MAJOR_MAP ? 2 : 1);
      let pos = head.end;
      for (let i = 0; i < items; i++) pos = skipItem(data, pos, depth);
      return pos;
    }
    case MAJOR_TAG:
      return skipItem(data, head.end, depth);
    default:
      return head.end;
  }
}

/** Offsets of the items of the (well-formed, definite) array at `off`, and its end. */
export function arrayItemOffsets(data: Uint8Array, off: number): { items: number[]; end: number } {
  const head = readHead(data, off);
  if (head.major !== MAJOR_ARRAY) fail('cbor: expected an array');
  const items: number[] = [];
  let pos = head.end;
  for (let i = 0n; i < head.arg; i++) {
    items.push(pos);
    pos = skipItem(data, pos);
  }
  return { items, end: pos };
}

/** Contents of the (well-formed) byte or text string at `off`. */
export function stringContent(data: Buffer, off: number): Buffer {
  const head = readHead(data, off);
  if (head.major !== MAJOR_BYTES && head.major !== MAJOR_TEXT) fail('cbor: expected a string');
  return data.subarray(head.end, head.end + Number(head.arg));
}

/**
 * The Go value a CBOR item decodes to as `any` under go-cose's decMode, reduced to what
 * COSE header validation and error messages need. Arrays and maps keep their contents only
 * when asked (`keep`).
 */
export type GoValue =
  | { type: 'int64'; value: bigint }
  | { type: 'big.Int'; value: bigint }
  | { type: 'string'; value: string }
  | { type: '[]uint8'; value: Buffer }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'float64'; value: number }
  | { type: 'cbor.SimpleValue'; value: number }
  | { type: '[]interface {}'; items?: GoValue[] }
  | { type: 'map[interface {}]interface {}'; entries?: Array<[GoValue, GoValue]> }
  | { type: 'cbor.Tag'; number: bigint; content: GoValue }
  | { type: 'time.Time'; time: GoTime };

/** A time.Time: the instant, and its *Location (which `==` compares by pointer). */
export interface GoTime {
  /** Unix seconds and nanoseconds of the instant. */
  seconds: bigint;
  nanos: number;
  /** Offset from UTC of the location, in seconds. */
  offset: number;
  /** The location as time.Time.GoString names it. */
  location: 'time.UTC' | 'time.Local' | 'time.Location("")';
  /** The *Location's identity: equal for the same pointer. */
  locationId: string;
}

export interface Decoded {
  end: number;
  value: GoValue;
  /** The error Go's decoder reports for this item, if any (the value is then meaningless). */
  error?: string;
}

/** fxamacker validBuiltinTag: the content type a built-in tag number requires. */
function builtinTagError(tag: bigint, contentInitial: number): string | undefined {
  const t = contentInitial >> 5;
  switch (tag) {
    case 0n:
      return t === MAJOR_TEXT ? undefined : `cbor: tag number 0 must be followed by text string, got ${TYPE_NAMES[t]}`;
    case 1n:
      return t === MAJOR_UINT || t === MAJOR_NINT || (contentInitial >= 0xf9 && contentInitial <= 0xfb)
        ? undefined
        : `cbor: tag number 1 must be followed by integer or floating-point number, got ${TYPE_NAMES[t]}`;
    case 2n:
    case 3n:
      return t === MAJOR_BYTES ? undefined : `cbor: tag number 2 or 3 must be followed by byte string, got ${TYPE_NAMES[t]}`;
    default:
      return undefined;
  }
}

/** Skip self-described CBOR tags (55799) at `off`, as fxamacker does at element positions. */
export function stripSelfDescribed(data: Uint8Array, off: number): number {
  while (off < data.length && data[off]! >> 5 === MAJOR_TAG) {
    const head = readHead(data, off);
    if (head.arg !== TAG_SELF_DESCRIBED) break;
    off = head.end;
  }
  return off;
}

/** The first built-in tag error in the tag chain at `off`, if any (fxamacker checks each link). */
export function tagChainError(data: Uint8Array, off: number): string | undefined {
  while (data[off]! >> 5 === MAJOR_TAG) {
    const head = readHead(data, off);
    const error = builtinTagError(head.arg, data[head.end]!);
    if (error) return error;
    off = head.end;
  }
  return undefined;
}

const NIL: GoValue = { type: 'nil' };

/**
 * fxamacker `decoder.parse`: decode the (well-formed) item at `off` as Go `any` would.
 * `skipSelfDescribed` strips leading 55799 tags (true at element positions);
 * `keep` keeps the contents of arrays and maps, all the way down (for values that error
 * messages print in full).
 */
export function decodeAny(data: Buffer, off: number, skipSelfDescribed: boolean, keep = false, depth = 0): Decoded {
  depth = walkDepth(depth);
  if (skipSelfDescribed) off = stripSelfDescribed(data, off);
  const chainError = tagChainError(data, off);
  if (chainError) return { end: skipItem(data, off), value: NIL, error: chainError };
  const head = readHead(data, off);
  switch (head.major) {
    case MAJOR_UINT:
      if (head.arg > INT64_MAX) {
        return { end: head.end, value: NIL, error: `cbor: cannot unmarshal positive integer into Go value of type int64 (${head.arg} overflows Go's int64)` };
      }
      return { end: head.end, value: { type: 'int64', value: head.arg } };
    case MAJOR_NINT:
      // Beyond int64 it becomes a big.Int (IntDecConvertSigned only fails on positive overflow).
      return { end: head.end, value: { type: head.arg > INT64_MAX ? 'big.Int' : 'int64', value: -1n - head.arg } };
    case MAJOR_BYTES: {
      const end = head.end + Number(head.arg);
      return { end, value: { type: '[]uint8', value: data.subarray(head.end, end) } };
    }
    case MAJOR_TEXT: {
      const end = head.end + Number(head.arg);
      const bytes = data.subarray(head.end, end);
      if (!isUtf8(bytes)) return { end, value: NIL, error: 'cbor: invalid UTF-8 string' };
      return { end, value: { type: 'string', value: bytes.toString('utf8') } };
    }
    case MAJOR_TAG:
      return decodeTag(data, off, head, depth);
    case MAJOR_SIMPLE:
      return { end: head.end, value: simpleValue(head) };
    case MAJOR_ARRAY: {
      let pos = head.end;
      let error: string | undefined;
      const items: GoValue[] | undefined = keep ? [] : undefined;
      for (let i = 0n; i < head.arg; i++) {
        const item = decodeAny(data, pos, true, keep, depth);
        pos = item.end;
        error ??= item.error;
        items?.push(item.value);
      }
      return { end: pos, value: items ? { type: '[]interface {}', items } : { type: '[]interface {}' }, error };
    }
    default:
      return decodeMap(data, head, depth, keep);
  }
}

function simpleValue(head: CborHead): GoValue {
  switch (head.ai) {
    case 20:
      return { type: 'bool', value: false };
    case 21:
      return { type: 'bool', value: true };
    case 22:
    case 23:
      return NIL;
    case 25:
      return { type: 'float64', value: float16(Number(head.arg)) };
    case 26: {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(Number(head.arg));
      return { type: 'float64', value: b.readFloatBE(0) };
    }
    case 27: {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(head.arg);
      return { type: 'float64', value: b.readDoubleBE(0) };
    }
    default:
      return { type: 'cbor.SimpleValue', value: Number(head.arg) };
  }
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function decodeTag(data: Buffer, off: number, head: CborHead, depth: number): Decoded {
  const contentOff = head.end;
  switch (head.arg) {
    case 0n:
    case 1n:
      return decodeTime(data, head.arg, contentOff);
    case 2n:
    case 3n: {
      const bytes = stringContent(data, contentOff);
      const magnitude = bytes.length === 0 ? 0n : BigInt('0x' + bytes.toString('hex'));
      const value = head.arg === 2n ? magnitude : -1n - magnitude;
      return { end: skipItem(data, off), value: { type: 'big.Int', value } };
    }
    default: {
      // Unregistered tags (21-23 too: no text conversion is configured) decode to cbor.Tag.
      const content = decodeAny(data, contentOff, false, false, depth);
      return { end: content.end, value: { type: 'cbor.Tag', number: head.arg, content: content.value }, error: content.error };
    }
  }
}

/** fxamacker parseToTime for tags 0 (RFC 3339 text) and 1 (epoch seconds). */
function decodeTime(data: Buffer, tag: bigint, contentOff: number): Decoded {
  const head = readHead(data, contentOff);
  if (tag === 0n) {
    const end = head.end + Number(head.arg);
    const bytes = data.subarray(head.end, end);
    if (!isUtf8(bytes)) return { end, value: NIL, error: 'cbor: invalid UTF-8 string' };
    const parsed = goParseRfc3339(bytes);
    if ('error' in parsed) {
      return { end, value: NIL, error: `cbor: cannot set ${bytes.toString('utf8')} for time.Time: ${parsed.error}` };
    }
    return { end, value: { type: 'time.Time', time: parsed.time } };
  }
  if (head.major === MAJOR_UINT && head.arg > INT64_MAX) {
    return { end: head.end, value: NIL, error: `cbor: cannot unmarshal positive integer into Go value of type time.Time (${head.arg} overflows Go's int64)` };
  }
  if (head.major === MAJOR_NINT && head.arg > INT64_MAX) {
    return { end: head.end, value: NIL, error: `cbor: cannot unmarshal negative integer into Go value of type time.Time (${-1n - head.arg} overflows Go's int64)` };
  }
  if (head.major === MAJOR_SIMPLE) {
    const f = (simpleValue(head) as { value: number }).value;
    // NaN and infinities give the zero time; otherwise time.Unix(int64(seconds), int64(fraction*1e9)).
    if (!Number.isFinite(f)) return { end: head.end, value: { type: 'time.Time', time: ZERO_TIME } };
    const seconds = Math.trunc(f);
    // int64(seconds) of a float beyond int64 is the minimum int64 on amd64.
    const whole = Math.abs(seconds) >= 2 ** 63 ? -(2n ** 63n) : BigInt(seconds);
    return { end: head.end, value: { type: 'time.Time', time: localTime(whole, Math.trunc((f - seconds) * 1e9)) } };
  }
  const seconds = head.major === MAJOR_UINT ? head.arg : -1n - head.arg;
  return { end: head.end, value: { type: 'time.Time', time: localTime(seconds, 0) } };
}

/** time.Time{}: January 1, year 1, UTC. */
const ZERO_TIME: GoTime = { seconds: -62135596800n, nanos: 0, offset: 0, location: 'time.UTC', locationId: 'UTC' };

/** time.Unix(seconds, nanos) in the server's Local zone, taken to be UTC (as in Rekor's containers). */
function localTime(seconds: bigint, nanos: number): GoTime {
  const carry = Math.floor(nanos / 1e9);
  return { seconds: seconds + BigInt(carry), nanos: nanos - carry * 1e9, offset: 0, location: 'time.Local', locationId: 'Local' };
}

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** time.Time.GoString (the %#v of a time). */
function goTimeString(t: GoTime): string {
  const local = t.seconds + BigInt(t.offset);
  const days = Number((local - (((local % 86400n) + 86400n) % 86400n)) / 86400n);
  const secondOfDay = Number(((local % 86400n) + 86400n) % 86400n);
  const { year, month, day } = civilFromDays(days);
  const clock = [Math.floor(secondOfDay / 3600), Math.floor((secondOfDay % 3600) / 60), secondOfDay % 60];
  return `time.Date(${year}, time.${LONG_MONTHS[month - 1]}, ${day}, ${clock.join(', ')}, ${t.nanos}, ${t.location})`;
}

/** time.Time.String (the %v of a time): "2006-01-02 15:04:05.999999999 -0700 MST". */
function goTimeV(t: GoTime): string {
  const local = t.seconds + BigInt(t.offset);
  const secondOfDay = Number(((local % 86400n) + 86400n) % 86400n);
  const { year, month, day } = civilFromDays(Number((local - BigInt(secondOfDay)) / 86400n));
  const p2 = (n: number) => String(n).padStart(2, '0');
  const fraction = t.nanos ? ('.' + String(t.nanos).padStart(9, '0')).replace(/0+$/, '') : '';
  const sign = t.offset < 0 ? '-' : '+';
  const abs = Math.abs(t.offset);
  const numeric = `${sign}${p2(Math.floor(abs / 3600))}${p2(Math.floor((abs % 3600) / 60))}`;
  const name = t.location === 'time.Location("")' ? numeric : 'UTC';
  return `${String(year).padStart(4, '0')}-${p2(month)}-${p2(day)} ${p2(Math.floor(secondOfDay / 3600))}:${p2(Math.floor((secondOfDay % 3600) / 60))}:${p2(secondOfDay % 60)}${fraction} ${numeric} ${name}`;
}

/** The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's civil_from_days). */
function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

/** Go time's quote() for parse errors: ASCII printable kept, other bytes as \xNN. */
function goTimeQuote(bytes: Buffer): string {
  let out = '"';
  const text = bytes.toString('latin1');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += (c === 0x22 || c === 0x5c ? '\\' : '') + text[i];
  }
  return out + '"';
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Go's `time.Parse(time.RFC3339, value)` (the general layout parser, which is what decides
 * what is accepted): the time's map-key identity, or Go's ParseError text.
 */
function goParseRfc3339(value: Buffer): { time: GoTime } | { error: string } {
  let pos = 0;
  const q = goTimeQuote(value);
  const cannot = (from: number, elem: string) => ({
    error: `parsing time ${q} as "${RFC3339_LAYOUT}": cannot parse ${goTimeQuote(value.subarray(from))} as "${elem}"`,
  });
  const outOfRange = (what: string) => ({ error: `parsing time ${q}: ${what} out of range` });
  const isDigit = (i: number) => i < value.length && value[i]! >= 0x30 && value[i]! <= 0x39;
  const getnum = (fixed: boolean): number | null => {
    if (!isDigit(pos)) return null;
    if (!isDigit(pos + 1)) {
      if (fixed) return null;
      return value[pos++]! - 0x30;
    }
    const n = (value[pos]! - 0x30) * 10 + value[pos + 1]! - 0x30;
    pos += 2;
    return n;
  };
  const literal = (c: string): boolean => {
    if (pos >= value.length || value[pos] !== c.charCodeAt(0)) return false;
    pos++;
    return true;
  };

  if (value.length - pos < 4 || ![0, 1, 2, 3].every((i) => isDigit(pos + i))) return cannot(pos, '2006');
  const year = Number(value.subarray(pos, pos + 4).toString('latin1'));
  pos += 4;
  if (!literal('-')) return cannot(pos, '-');
  let hold = pos;
  const month = getnum(true);
  if (month !== null && (month < 1 || month > 12)) return outOfRange('month');
  if (month === null) return cannot(hold, '01');
  if (!literal('-')) return cannot(pos, '-');
  hold = pos;
  const day = getnum(true);
  if (day === null) return cannot(hold, '02');
  if (!literal('T')) return cannot(pos, 'T');
  hold = pos;
  const hour = getnum(false);
  if (hour !== null && hour >= 24) return outOfRange('hour');
  if (hour === null) return cannot(hold, '15');
  if (!literal(':')) return cannot(pos, ':');
  hold = pos;
  const minute = getnum(true);
  if (minute !== null && minute >= 60) return outOfRange('minute');
  if (minute === null) return cannot(hold, '04');
  if (!literal(':')) return cannot(pos, ':');
  hold = pos;
  const second = getnum(true);
  if (second === null) return cannot(hold, '05');
  if (second >= 60) return outOfRange('second');
  let nanos = 0;
  if (value.length - pos >= 2 && (value[pos] === 0x2e || value[pos] === 0x2c) && isDigit(pos + 1)) {
    let n = 2;
    while (isDigit(pos + n)) n++;
    nanos = Number(value.subarray(pos + 1, pos + Math.min(n, 10)).toString('latin1').padEnd(9, '0'));
    pos += n;
  }
  hold = pos;
  let offset: number | 'Z';
  if (pos < value.length && value[pos] === 0x5a) {
    pos++;
    offset = 'Z';
  } else {
    if (value.length - pos < 6 || value[pos + 3] !== 0x3a) return cannot(hold, 'Z07:00');
    const sign = value[pos]!;
    const two = (i: number) => (isDigit(i) && isDigit(i + 1) ? (value[i]! - 0x30) * 10 + value[i + 1]! - 0x30 : null);
    const hr = two(pos + 1);
    const mm = hr === null ? null : two(pos + 4);
    pos += 6;
    let range: string | undefined;
    if ((hr ?? 0) > 24) range = 'time zone offset hour';
    if ((mm ?? 0) > 60) range = 'time zone offset minute';
    if (range) return outOfRange(range);
    if (hr === null || mm === null || (sign !== 0x2b && sign !== 0x2d)) return cannot(hold, 'Z07:00');
    offset = (sign === 0x2d ? -1 : 1) * (hr * 60 + mm) * 60;
  }
  if (pos < value.length) return { error: `parsing time ${q}: extra text: ${goTimeQuote(value.subarray(pos))}` };
  if (day < 1 || day > daysIn(month, year)) return outOfRange('day');
  const seconds = BigInt(daysFromCivil(year, month, day)) * 86400n + BigInt(hour * 3600 + minute * 60 + second);
  // "Z" is UTC; the Local zone's offset (0) gives Local; another offset time.FixedZone("", offset),
  // which hands out one shared *Location per whole hour from -12 to +14 and a new one otherwise.
  if (offset === 'Z') return { time: { seconds, nanos, offset: 0, location: 'time.UTC', locationId: 'UTC' } };
  if (offset === 0) return { time: localTime(seconds, nanos) };
  const zoneHour = offset / 3600;
  const shared = Number.isInteger(zoneHour) && zoneHour >= -12 && zoneHour <= 14;
  return {
    time: { seconds: seconds - BigInt(offset), nanos, offset, location: 'time.Location("")', locationId: shared ? `fixed${zoneHour}` : `zone${uniqueId()}` },
  };
}

let uniqueCounter = 0;
function uniqueId(): string {
  uniqueCounter = (uniqueCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${uniqueCounter}`;
}

/**
 * The identity of a Go map key (equal identities = `==` in Go), or null when the value
 * cannot be a Go map key. Byte strings become cbor.ByteString (MapKeyByteStringAllowed).
 */
export function goKeyIdentity(value: GoValue): string | null {
  switch (value.type) {
    case 'int64':
      return `i${value.value}`;
    case 'string':
      return `s${value.value}`;
    case '[]uint8':
      return `b${value.value.toString('hex')}`;
    case 'bool':
      return value.value ? 'T' : 'F';
    case 'nil':
      return 'n';
    case 'float64':
      // NaN never equals itself; +0 and -0 are equal.
      return Number.isNaN(value.value) ? `nan${uniqueId()}` : `f${value.value === 0 ? 0 : value.value}`;
    case 'cbor.SimpleValue':
      return `v${value.value}`;
    case 'time.Time':
      return `t${value.time.locationId}:${value.time.seconds}.${value.time.nanos}`;
    case 'cbor.Tag': {
      const content = goKeyIdentity(value.content);
      return content === null ? null : `g${value.number}:${content}`;
    }
    default:
      return null;
  }
}

function decodeMap(data: Buffer, head: CborHead, depth: number, keep: boolean): Decoded {
  const entries: Array<[GoValue, GoValue]> | undefined = keep ? [] : undefined;
  const value = (): GoValue => ({ type: 'map[interface {}]interface {}', ...(entries ? { entries } : {}) });
  let pos = head.end;
  let error: string | undefined;
  const seen = new Set<string>();
  const count = Number(head.arg);
  for (let i = 0; i < count; i++) {
    const key = decodeAny(data, pos, true, keep, depth);
    pos = key.end;
    if (key.error) {
      error ??= key.error;
      pos = skipItem(data, pos);
      continue;
    }
    const identity = goKeyIdentity(key.value);
    if (identity === null) {
      error ??= `cbor: invalid map key type: ${key.value.type}`;
      pos = skipItem(data, pos);
      continue;
    }
    const element = decodeAny(data, pos, true, keep, depth);
    pos = element.end;
    if (element.error) {
      error ??= element.error;
      continue;
    }
    if (seen.has(identity)) {
      for (let j = i + 1; j < count; j++) pos = skipItem(data, skipItem(data, pos));
      return { end: pos, value: value(), error: `cbor: found duplicate map key ${goSharpV(key.value)} at map element index ${i}` };
    }
    seen.add(identity);
    entries?.push([key.value, element.value]);
  }
  return { end: pos, value: value(), error };
}

/** Go's strconv.Quote (as %q and %#v print strings) of a string's UTF-8 bytes. */
export function goQuote(s: string | Uint8Array): string {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s);
  let out = '"';
  let i = 0;
  while (i < bytes.length) {
    const rune = decodeRune(bytes, i);
    if (rune === null) {
      out += '\\x' + bytes[i]!.toString(16).padStart(2, '0');
      i++;
      continue;
    }
    const [cp, width] = rune;
    i += width;
    const ch = String.fromCodePoint(cp);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (GO_ESCAPES[cp] !== undefined) out += GO_ESCAPES[cp];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp === 0x20 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const GO_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** One UTF-8 rune at `i` as Go's utf8.DecodeRune accepts it, or null for an invalid byte. */
function decodeRune(b: Uint8Array, i: number): [number, number] | null {
  const c = b[i]!;
  if (c < 0x80) return [c, 1];
  const width = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
  if (width === 0 || i + width > b.length) return null;
  const slice = b.subarray(i, i + width);
  if (!isUtf8(slice)) return null;
  return [Buffer.from(slice).toString('utf8').codePointAt(0)!, width];
}

/** Go's `%v` of a float64 (strconv 'g', shortest; exponent form below 1e-4 and from 1e6). */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, e] = f.toExponential().split('e') as [string, string];
  const exponent = Number(e);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(f);
}

/** Go's `%v` of a decoded value (error messages only). */
export function goV(value: GoValue): string {
  switch (value.type) {
    case 'int64':
      return String(value.value);
    case 'big.Int':
      // A big.Int value (not pointer) prints as its struct: {neg abs}, abs in 64-bit words, low first.
      return `{${value.value < 0n} [${bigWords(value.value < 0n ? -value.value : value.value).join(' ')}]}`;
    case 'string':
      return value.value;
    case '[]uint8':
      return `[${[...value.value].join(' ')}]`;
    case 'bool':
      return String(value.value);
    case 'nil':
      return '<nil>';
    case 'float64':
      return goFloat(value.value);
    case 'cbor.SimpleValue':
      return String(value.value);
    case '[]interface {}':
      return value.items ? `[${value.items.map(goV).join(' ')}]` : '[...]';
    case 'map[interface {}]interface {}':
      // fmt sorts map keys; keys of one type by value (mixed types: by type, an address in Go).
      return value.entries
        ? `map[${[...value.entries].sort(([a], [b]) => goKeyOrder(a, b)).map(([k, v]) => `${goV(k)}:${goV(v)}`).join(' ')}]`
        : 'map[...]';
    case 'cbor.Tag':
      return `{${value.number} ${goV(value.content)}}`;
    case 'time.Time':
      return goTimeV(value.time);
  }
}

function bigWords(magnitude: bigint): string[] {
  const words: string[] = [];
  for (let m = magnitude; m > 0n; m >>= 64n) words.push(String(m & 0xffffffffffffffffn));
  return words;
}

/** internal/fmtsort's order for two keys of one type (numbers, strings, booleans). */
function goKeyOrder(a: GoValue, b: GoValue): number {
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  const x = 'value' in a ? a.value : 0;
  const y = 'value' in b ? b.value : 0;
  if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) return Buffer.compare(x, y);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Go's `%#v` of a map key (duplicate-key messages). */
export function goSharpV(value: GoValue): string {
  switch (value.type) {
    case 'string':
      return goQuote(value.value);
    case '[]uint8':
      return goQuote(value.value);
    case 'cbor.SimpleValue':
      return `0x${value.value.toString(16)}`;
    case 'cbor.Tag':
      return `cbor.Tag{Number:0x${value.number.toString(16)}, Content:${goSharpV(value.content)}}`;
    case 'time.Time':
      return goTimeString(value.time);
    default:
      return goV(value);
  }
}

/**
 * Decode `data` as exactly one CBOR item into a Go `any` (fxamacker `Unmarshal` with
 * go-cose's options). Safe on arbitrary input: throws only InvalidEntryError.
 */
export function decodeCbor(data: Buffer, options: { tagsAllowed: boolean }): GoValue {
  checkWellFormed(data, options);
  const decoded = decodeAny(data, 0, true, true);
  if (decoded.error) fail(decoded.error);
  return decoded.value;
}

/** Minimal-length head (deterministic encoding). */
export function encodeHead(major: number, n: number | bigint): Buffer {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 24n) return Buffer.from([m | Number(v)]);
  if (v < 0x100n) return Buffer.from([m | 24, Number(v)]);
  if (v < 0x10000n) {
    const b = Buffer.alloc(3);
    b[0] = m | 25;
    b.writeUInt16BE(Number(v), 1);
    return b;
  }
  if (v < 0x100000000n) {
    const b = Buffer.alloc(5);
    b[0] = m | 26;
    b.writeUInt32BE(Number(v), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = m | 27;
  b.writeBigUInt64BE(v, 1);
  return b;
}

/** A byte string with a minimal head. */
export function encodeBytes(bytes: Uint8Array): Buffer {
  return Buffer.concat([encodeHead(MAJOR_BYTES, bytes.length), bytes]);
}

/** A text string with a minimal head. */
export function encodeText(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([encodeHead(MAJOR_TEXT, bytes.length), bytes]);
}
