/**
 * Pieces of Rekor's DecodeEntry (the map fast path every archive kind shares, e.g.
 * pkg/types/rpm/v0.0.1/entry.go and pkg/types/helm/v0.0.1/entry.go): Go's
 * base64.StdEncoding.Decode with its exact error ("illegal base64 data at input byte N"),
 * the "unsupported input type %T" answer for a spec that is not an object, and the
 * "a URL was given instead of inline content" hint glasslog adds (no remote fetch, ever).
 */
import { goStdBase64 } from '../base64';
import { InvalidEntryError } from '../../errors';

/**
 * DecodeEntry's handling of one `format: byte` field: absent unless a non-empty string;
 * a decoding failure is "failed parsing base64 data for <field>: illegal base64 data at input byte N".
 */
export function decodeContent(value: unknown, field: string): Buffer | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const result = goStdBase64(value);
  if ('errorAt' in result) {
    throw new InvalidEntryError(`failed parsing base64 data for ${field}: illegal base64 data at input byte ${result.errorAt}`);
  }
  return result.bytes;
}

/** A JSON object as Go's `.(map[string]any)` sees it. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `%T` of a JSON value decoded into `any`. */
function goTypeName(value: unknown): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
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

/** DecodeEntry's answer for a spec that is not a JSON object. */
export function requireSpecObject(spec: unknown): Record<string, unknown> {
  const object = asObject(spec);
  if (!object) throw new InvalidEntryError(`unsupported input type ${goTypeName(spec)} for DecodeEntry`);
  return object;
}

/**
 * Rekor's own message, plus why: the client sent a `url` where the content belongs.
 * Rekor stopped fetching URLs in 2022 and its schemas no longer have the field; neither
 * does glasslog fetch anything.
 */
export function withUrlHint(message: string, object: Record<string, unknown> | undefined): string {
  if (!object || object.url === undefined) return message;
  return `${message} (remote fetch via 'url' is not supported: supply the content inline, base64-encoded)`;
}
