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

/**
 * Whether `text` (CR and LF already removed) is padded base64 in the given alphabet: a
 * multiple of four characters, `=` only as one or two final pad characters. A linear scan:
 * a regular expression over megabytes of text overflows V8's backtracking stack.
 */
function isPadded(text: string, alphabet: (c: number) => boolean): boolean {
  if (text.length % 4 !== 0) return false;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  for (let i = 0; i < text.length - pad; i++) if (!alphabet(text.charCodeAt(i))) return false;
  return true;
}

const isAlnum = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const isStdChar = (c: number) => isAlnum(c) || c === 0x2b || c === 0x2f; // + /
const isUrlChar = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f; // - _

const withoutLineBreaks = (text: string) => (text.includes('\r') || text.includes('\n') ? text.replace(/[\r\n]/g, '') : text);

/** Whether Go's StdEncoding would decode `text` without error. */
export function isGoStdBase64(text: string): boolean {
  return isPadded(withoutLineBreaks(text), isStdChar);
}

/** Decode as Go's StdEncoding does; null when Go would report an error. */
export function decodeGoStdBase64(text: string): Buffer | null {
  const compact = withoutLineBreaks(text);
  if (!isPadded(compact, isStdChar)) return null;
  return Buffer.from(compact, 'base64');
}

/** Decode as Go's base64.URLEncoding (padded, `-_` alphabet, CR/LF skipped); null on error. */
export function decodeGoUrlBase64(text: string): Buffer | null {
  const compact = withoutLineBreaks(text);
  if (!isPadded(compact, isUrlChar)) return null;
  return Buffer.from(compact, 'base64url');
}

// Go's base64.StdEncoding with the byte offset its CorruptInputError reports, for the
// messages that quote it (rpm, helm, PGP armor).

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
