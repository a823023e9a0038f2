/**
 * Base64 as Rekor reads it: Go's `base64.StdEncoding.Decode`, which Rekor applies to every
 * `format: byte` field of a proposed entry (pkg/types/hashedrekord/v0.0.1/entry.go
 * DecodeEntry) and encoding/pem applies to a PEM body.
 *
 * Go's rules: the standard alphabet, `=` padding required (so the length is a multiple of
 * four), and carriage returns and line feeds skipped wherever they stand. Non-zero bits
 * after the last full byte are tolerated (StdEncoding is not Strict). Node's
 * `Buffer.from(s, 'base64')` is far looser (it skips any junk), hence this gate.
 */

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether Go's StdEncoding would decode `text` without error. */
export function isGoStdBase64(text: string): boolean {
  return STD_BASE64.test(text.replace(/[\r\n]/g, ''));
}

/** Decode as Go's StdEncoding does; null when Go would report an error. */
export function decodeGoStdBase64(text: string): Buffer | null {
  const compact = text.replace(/[\r\n]/g, '');
  if (!STD_BASE64.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

const URL_BASE64 = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

/** Decode as Go's base64.URLEncoding (padded, `-_` alphabet, CR/LF skipped); null on error. */
export function decodeGoUrlBase64(text: string): Buffer | null {
  const compact = text.replace(/[\r\n]/g, '');
  if (!URL_BASE64.test(compact)) return null;
  return Buffer.from(compact, 'base64url');
}
