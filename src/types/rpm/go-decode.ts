/**
 * Pieces of Rekor's DecodeEntry (the map fast path every archive kind shares, e.g.
 * pkg/types/rpm/v0.0.1/entry.go and pkg/types/helm/v0.0.1/entry.go): Go's
 * base64.StdEncoding.Decode with its exact error ("illegal base64 data at input byte N"),
 * the "unsupported input type %T" answer for a spec that is not an object, and the
 * "a URL was given instead of inline content" hint glasslog adds (no remote fetch, ever).
 */
import { InvalidEntryError } from '../../errors';

const DECODE = new Int16Array(256).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) DECODE[c.charCodeAt(0)] = i;

const isNewline = (b: number) => b === 0x0a || b === 0x0d;

/**
 * base64.StdEncoding.Decode(src): the decoded bytes, or the byte offset Go's
 * CorruptInputError reports (decodeQuantum, including its padding and newline rules).
 */
export function goStdBase64(text: string | Buffer): { bytes: Buffer } | { errorAt: number } {
  const src = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    let ended = false;
    for (j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { bytes: Buffer.from(out) };
        return { errorAt: si - j };
      }
      const input = src[si]!;
      si++;
      const value = DECODE[input]!;
      if (value >= 0) {
        dbuf[j] = value;
        continue;
      }
      if (isNewline(input)) {
        j--;
        continue;
      }
      if (input !== 0x3d) return { errorAt: si - 1 };
      // Padding.
      if (j === 0 || j === 1) return { errorAt: si - 1 };
      if (j === 2) {
        while (si < src.length && isNewline(src[si]!)) si++;
        if (si === src.length) return { errorAt: src.length };
        if (src[si] !== 0x3d) return { errorAt: si - 1 };
        si++;
      }
      while (si < src.length && isNewline(src[si]!)) si++;
      if (si < src.length) return { errorAt: si };
      dlen = j;
      ended = true;
      break;
    }
    const v = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (ended) break;
  }
  return { bytes: Buffer.from(out) };
}

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
