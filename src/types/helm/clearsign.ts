/**
 * clearsign.Decode from github.com/ProtonMail/go-crypto v1.4.1 (openpgp/clearsign), which
 * Rekor's helm provenance parser calls: the first "-----BEGIN PGP SIGNED MESSAGE-----"
 * block, optional "Hash:" armor headers (only those, with values from an allow-list), the
 * message lines — dash-unescaped ("- " removed), trailing spaces and tabs stripped — up to
 * a line that is exactly "-----BEGIN PGP SIGNATURE-----", then the armored signature up to
 * "\n-----END PGP SIGNATURE-----". `bytes` (what is signed) joins the lines with CRLF and
 * no final line ending; `plaintext` joins them with LF.
 *
 * Go panics on a message with no line at all before the signature (it slices the empty
 * plaintext at -1); here that input is simply not a clearsigned message.
 */
import { decodeArmor, goTrimSpace, type ArmorBlock } from '../pki/pgp/packets';

const START = Buffer.from('\n-----BEGIN PGP SIGNED MESSAGE-----');
const END_TEXT = Buffer.from('-----BEGIN PGP SIGNATURE-----');
const END = Buffer.from('\n-----END PGP SIGNATURE-----');
const DASH_ESCAPE = Buffer.from('- ');
const CRLF = Buffer.from('\r\n');
const ALLOWED_HASHES = new Set(['MD5', 'SHA1', 'RIPEMD160', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-512']);

export interface ClearsignedBlock {
  /** The "Hash" header values (upper-cased), not checked against the signature. */
  hashHeaders: string[];
  /** The message lines joined with "\n". */
  plaintext: Buffer;
  /** The signed bytes: the lines joined with "\r\n". */
  bytes: Buffer;
  armoredSignature: ArmorBlock;
}

/** getLine: the first "\n"- (or "\r\n"-) terminated line and the rest. */
function getLine(data: Buffer): [Buffer, Buffer] {
  const i = data.indexOf(0x0a);
  if (i < 0) return [data, data.subarray(data.length)];
  const end = i > 0 && data[i - 1] === 0x0d ? i - 1 : i;
  return [data.subarray(0, end), data.subarray(i + 1)];
}

/** bytes.TrimRight(line, " \t") */
function trimRightSpaceTab(line: Buffer): Buffer {
  let end = line.length;
  while (end > 0 && (line[end - 1] === 0x20 || line[end - 1] === 0x09)) end--;
  return line.subarray(0, end);
}

/** Decode: the first clearsigned message in `data`, or null when there is none or it is invalid. */
export function decodeClearsigned(data: Buffer): ClearsignedBlock | null {
  let rest: Buffer;
  if (data.subarray(0, START.length - 1).equals(START.subarray(1))) {
    rest = data.subarray(START.length - 1);
  } else {
    const i = data.indexOf(START);
    if (i < 0) return null;
    rest = data.subarray(i + START.length);
  }
  let line: Buffer;
  [line, rest] = getLine(rest);
  if (line.length !== 0) return null;

  const hashHeaders: string[] = [];
  for (;;) {
    if (rest.length === 0) return null;
    [line, rest] = getLine(rest);
    if (goTrimSpace(line).length === 0) break;
    // Control and non-ASCII characters are refused.
    if (line.some((b) => b < 0x20 || b > 0x7e)) return null;
    const colon = line.indexOf(0x3a);
    if (colon < 0) return null;
    const key = line.subarray(0, colon).toString('latin1').trim();
    if (key !== 'Hash') return null;
    for (const value of line.subarray(colon + 1).toString('latin1').split(',')) {
      const name = value.trim().toUpperCase();
      if (!ALLOWED_HASHES.has(name)) return null;
      hashHeaders.push(name);
    }
  }

  const bytes: Buffer[] = [];
  const plaintext: Buffer[] = [];
  let first = true;
  for (;;) {
    const start = rest;
    [line, rest] = getLine(rest);
    if (line.length === 0 && rest.length === 0) return null; // no armored signature follows
    if (line.equals(END_TEXT)) {
      rest = start;
      break;
    }
    if (first) first = false;
    else bytes.push(CRLF);
    if (line.subarray(0, 2).equals(DASH_ESCAPE)) line = line.subarray(2);
    line = trimRightSpaceTab(line);
    bytes.push(line);
    plaintext.push(line, Buffer.from('\n'));
  }
  if (plaintext.length === 0) return null; // Go: panic (slice bounds out of range)
  plaintext.pop();

  const endAt = rest.indexOf(END);
  if (endAt < 0) return null;
  let i = endAt + END.length;
  while (i < rest.length && (rest[i] === 0x0d || rest[i] === 0x0a)) i++;
  const armoredSignature = decodeArmor(rest.subarray(0, i));
  if (!armoredSignature) return null;
  return { hashHeaders, plaintext: Buffer.concat(plaintext), bytes: Buffer.concat(bytes), armoredSignature };
}
