/**
 * What the artifact-carrying kinds share when they read a proposed spec the way Rekor's
 * hand-written DecodeEntry functions do (pkg/types/{jar,alpine,rpm,helm}/v0.0.1/entry.go):
 * fields of the wrong JSON type are silently ignored, an empty string counts as absent,
 * byte fields are decoded with Go's base64.StdEncoding (with its error offset), and a
 * `{algorithm, value}` hash must be 64 hex characters. glasslog never fetches anything: a
 * spec naming a `url` instead of inline content is refused (400) with a message that says so.
 */
import { createHash } from 'node:crypto';
import { InvalidEntryError } from '../errors';
import { goStdBase64 } from './base64';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The Go type a JSON value decodes to, as `%T` prints it. A number is a float64, or a
 * json.Number where the spec was decoded with UseNumber (cose, tuf).
 */
export function goTypeName(value: unknown, number: 'float64' | 'json.Number' = 'float64'): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (value === null || value === undefined) return '<nil>';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return number;
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
  const result = goStdBase64(text);
  if ('errorAt' in result) {
    throw new InvalidEntryError(`failed parsing base64 data for ${field}: illegal base64 data at input byte ${result.errorAt}`);
  }
  return result.bytes;
}

/**
 * DecodeEntry's handling of one `format: byte` field: absent unless a non-empty string,
 * else decoded as decodeBytes does.
 */
export function decodeContent(value: unknown, field: string): Buffer | undefined {
  const text = nonEmptyString(value);
  return text === undefined ? undefined : decodeBytes(text, field);
}

/** DecodeEntry's answer for a spec that is not a JSON object. */
export function requireSpecObject(spec: unknown): JsonObject {
  if (!isObject(spec)) throw new InvalidEntryError(`unsupported input type ${goTypeName(spec)} for DecodeEntry`);
  return spec;
}

/** validate(): a given hash value must be 64 hex digits (either case). */
export function checkHashValue(value: unknown): void {
  if (typeof value !== 'string' || value.length !== 64 || !/^[0-9a-fA-F]*$/.test(value)) {
    throw new InvalidEntryError('invalid value for hash');
  }
}

/**
 * What the JSON Schema check sees in place of a byte field already decoded here: its
 * `format: byte` check has been made, and the real text (megabytes) need not be scanned a second time.
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

/** A JSON object as Go's `.(map[string]any)` sees it, else undefined. */
export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

/**
 * Rekor's own message, plus why: the client sent a `url` where the content belongs.
 * Rekor stopped fetching URLs in 2022 and its schemas no longer have the field; neither
 * does glasslog fetch anything.
 */
export function withUrlHint(message: string, object: JsonObject | undefined): string {
  if (!object || object.url === undefined) return message;
  return `${message} (remote fetch via 'url' is not supported: supply the content inline, base64-encoded)`;
}
