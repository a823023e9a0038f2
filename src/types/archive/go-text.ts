/**
 * Go string semantics for parsers that mirror Go code byte for byte (the jar manifest of
 * sassoftware/relic lib/signjar, the apk `.PKGINFO` of gopkg.in/ini.v1).
 *
 * A Go string is a byte sequence; here it is a "byte string": a JS string whose code units
 * are the bytes (Buffer latin1), so offsets, comparisons and map keys work on bytes as in
 * Go. Unicode-aware operations (TrimSpace, ToUpper) decode UTF-8 the way Go does, and
 * `goString` turns a byte string into the text encoding/json would write (each byte of an
 * invalid UTF-8 sequence becoming U+FFFD).
 */

/** Buffer → byte string. */
export function byteString(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** Byte string → Buffer. */
export function stringBytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/**
 * unicode.IsSpace in UTF-8: ASCII \t \n \v \f \r and space, U+0085, U+00A0, U+1680,
 * U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
 */
const SPACE = String.raw`(?:[\t\n\v\f\r ]|\xC2[\x85\xA0]|\xE1\x9A\x80|\xE2\x80[\x80-\x8A\xA8\xA9\xAF]|\xE2\x81\x9F|\xE3\x80\x80)`;
const LEADING_SPACE = new RegExp(`^${SPACE}+`);
const TRAILING_SPACE = new RegExp(`${SPACE}+$`);

/** strings.TrimSpace / bytes.TrimSpace on a byte string. */
export function goTrimSpace(s: string): string {
  return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/** strings.TrimLeftFunc(s, unicode.IsSpace) on a byte string. */
export function goTrimLeftSpace(s: string): string {
  return s.replace(LEADING_SPACE, '');
}

/** True when the byte string is all ASCII. */
function isAscii(s: string): boolean {
  return !/[\x80-\xff]/.test(s);
}

/**
 * Go's utf8.DecodeRune over a byte string from `i`: [code point, size]; an invalid
 * sequence is (U+FFFD, 1).
 */
function decodeRune(s: string, i: number): [number, number] {
  const b0 = s.charCodeAt(i);
  if (b0 < 0x80) return [b0, 1];
  const cont = (j: number, lo = 0x80, hi = 0xbf): number => {
    const b = i + j < s.length ? s.charCodeAt(i + j) : -1;
    return b >= lo && b <= hi ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const b1 = cont(1);
    return b1 < 0 ? [0xfffd, 1] : [((b0 & 0x1f) << 6) | b1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const b1 = b0 === 0xe0 ? cont(1, 0xa0) : b0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    const b2 = b1 < 0 ? -1 : cont(2);
    return b2 < 0 ? [0xfffd, 1] : [((b0 & 0x0f) << 12) | (b1 << 6) | b2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const b1 = b0 === 0xf0 ? cont(1, 0x90) : b0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    const b2 = b1 < 0 ? -1 : cont(2);
    const b3 = b2 < 0 ? -1 : cont(3);
    return b3 < 0 ? [0xfffd, 1] : [((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3, 4];
  }
  return [0xfffd, 1];
}

/** The text Go's encoding/json writes for this byte string (invalid bytes → U+FFFD each). */
export function goString(s: string): string {
  if (isAscii(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; ) {
    const [rune, size] = decodeRune(s, i);
    out += String.fromCodePoint(rune);
    i += size;
  }
  return out;
}

/** unicode.ToUpper for one code point: JS's mapping when it is a single code point (Go has no multi-character mappings). */
function upperRune(rune: number): number {
  const upper = String.fromCodePoint(rune).toUpperCase();
  const cp = upper.codePointAt(0)!;
  return upper.length === String.fromCodePoint(cp).length ? cp : rune;
}

/** strings.ToUpper on a byte string (invalid UTF-8 becomes U+FFFD, as Go's strings.Map does). */
export function goToUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let out = '';
  for (let i = 0; i < s.length; ) {
    const [rune, size] = decodeRune(s, i);
    out += Buffer.from(String.fromCodePoint(upperRune(rune)), 'utf8').toString('latin1');
    i += size;
  }
  return out;
}

/** RFC 7230 token characters: what textproto.CanonicalMIMEHeaderKey will rewrite. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;

/** net/textproto.CanonicalMIMEHeaderKey (what http.Header.Set/Get apply to keys). */
export function canonicalMimeHeaderKey(key: string): string {
  if (!TOKEN.test(key)) return key;
  let upper = true;
  let out = '';
  for (const c of key) {
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === '-';
  }
  return out;
}

const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote (what fmt's %q prints) of a byte string. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const [rune, size] = decodeRune(s, i);
    if (rune === 0xfffd && size === 1) {
      out += `\\x${s.charCodeAt(i).toString(16).padStart(2, '0')}`;
    } else {
      const c = String.fromCodePoint(rune);
      const simple: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
      if (simple[c]) out += simple[c];
      else if (GO_PRINTABLE.test(c)) out += c;
      else if (rune < 0x10000) out += `\\u${rune.toString(16).padStart(4, '0')}`;
      else out += `\\U${rune.toString(16).padStart(8, '0')}`;
    }
    i += size;
  }
  return `${out}"`;
}
