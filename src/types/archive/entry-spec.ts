/**
 * What the archive-carrying kinds share when they read a proposed spec the way Rekor's
 * hand-written DecodeEntry functions do (pkg/types/{jar,alpine}/v0.0.1/entry.go): fields of
 * the wrong JSON type are silently ignored, an empty string counts as absent, byte fields
 * are decoded with Go's base64.StdEncoding, and a `{algorithm, value}` hash must be 64 hex
 * characters. glasslog never fetches anything: a spec naming a `url` instead of inline
 * content is refused (400) with a message that says so.
 */
import { createHash } from 'node:crypto';
import { InvalidEntryError } from '../../errors';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Go type a JSON value decodes to, as `%T` prints it. */
export function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (value === null || value === undefined) return '<nil>';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map[string]interface {}';
  }
}

/** A non-empty string field, else undefined (DecodeEntry's `c, ok := m["x"].(string); ok && c != ""`). */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Go's StdEncoding decode of a byte field; Rekor's "failed parsing base64 data for …" otherwise. */
export function decodeBytes(text: string, field: string): Buffer {
  const bytes = decodeStdBase64(text);
  if (!bytes) {
    throw new InvalidEntryError(`failed parsing base64 data for ${field}: illegal base64 data at input byte ${base64ErrorOffset(text)}`);
  }
  return bytes;
}

/**
 * Go's StdEncoding decode (padding required, CR and LF skipped), null when Go would fail.
 * A plain loop: archives are megabytes, and a regular expression over the whole text can
 * exhaust V8's backtracking stack at that size.
 */
export function decodeStdBase64(text: string): Buffer | null {
  const compact = text.includes('\r') || text.includes('\n') ? text.replace(/[\r\n]/g, '') : text;
  if (compact.length % 4 !== 0) return null;
  let padding = 0;
  if (compact.endsWith('==')) padding = 2;
  else if (compact.endsWith('=')) padding = 1;
  for (let i = 0; i < compact.length - padding; i++) {
    const c = compact.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return null;
  }
  return Buffer.from(compact, 'base64');
}

const BASE64_ALPHABET = /[A-Za-z0-9+/]/;

/** The offset Go's base64.CorruptInputError reports for an input StdEncoding refuses (decodeQuantum). */
export function base64ErrorOffset(text: string): number {
  const src = Buffer.from(text, 'utf8');
  const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;
  let si = 0;
  for (;;) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return -1; // decoded cleanly (not expected here)
        return si - j;
      }
      const c = src[si++]!;
      if (c < 0x80 && BASE64_ALPHABET.test(String.fromCharCode(c))) continue;
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d /* = */) return si - 1;
      if (j < 2) return si - 1;
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== 0x3d) return si - 1;
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      return si < src.length ? si : -1;
    }
  }
}

/** validate(): a given hash value must be 64 hex digits (either case). */
export function checkHashValue(value: unknown): void {
  if (typeof value !== 'string' || value.length !== 64 || !/^[0-9a-fA-F]*$/.test(value)) {
    throw new InvalidEntryError('invalid value for hash');
  }
}

/**
 * What the JSON Schema check sees in place of a byte field already decoded here: its
 * `format: byte` check has been made, and (src/types/base64.ts's regular expression cannot
 * take megabytes) must not be made again on the real text.
 */
export const DECODED_BYTES = 'AA==';

export const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** When `container` names a url but has no inline content: the 400 glasslog answers instead of fetching. */
export function refuseUrlOnly(container: unknown, rekorMessage: string, what: string): void {
  if (isObject(container) && container.url !== undefined && nonEmptyString(container.content) === undefined) {
    throw new InvalidEntryError(
      `${rekorMessage} (this server never fetches a url: send the ${what} inline, base64-encoded, in 'content')`,
    );
  }
}
