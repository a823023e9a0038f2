/**
 * OpenPGP packets as go-crypto (github.com/ProtonMail/go-crypto v1.4.1, which Rekor's rpm
 * and helm kinds use) reads and re-writes them: packet framing (openpgp/packet/packet.go
 * readHeader, readLength, partial lengths), armor decoding (openpgp/armor/armor.go Decode:
 * bufio lines of at most 100 bytes, headers, base64 body ending at "-----END " or at the
 * checksum line, which is not checked), v4 signature packets (packet/signature.go parse and
 * parseSignatureSubpacket, with their errors) and the re-serialization that
 * Entity.Serialize applies (new-format headers; a signature keeps its hashed area verbatim
 * and has its unhashed subpackets re-encoded with minimal lengths).
 *
 * Errors carry go-crypto's messages ("openpgp: invalid data: …", "openpgp: unsupported
 * feature: …", "unexpected EOF") and a kind, because go-crypto's packet reader skips
 * packets it cannot support and its key ring reader skips malformed keys.
 *
 * Not supported here (go-crypto reads them): OpenPGP v6 keys and signatures (RFC 9580);
 * they are treated as unsupported packets. v5 is disabled in go-crypto's default build too.
 */
import { createHash } from 'node:crypto';
import { goStdBase64 } from '../../base64';

export type PgpErrorKind = 'structural' | 'unsupported' | 'unknown-packet' | 'fatal';

/** An error as go-crypto reports it; `kind` says how its packet and key ring readers treat it. */
export class PgpError extends Error {
  override readonly name = 'PgpError';
  constructor(
    message: string,
    readonly kind: PgpErrorKind,
  ) {
    super(message);
  }
}

export const structuralError = (s: string) => new PgpError(`openpgp: invalid data: ${s}`, 'structural');
export const unsupportedError = (s: string) => new PgpError(`openpgp: unsupported feature: ${s}`, 'unsupported');
export const signatureError = (s: string) => new PgpError(`openpgp: invalid signature: ${s}`, 'fatal');
export const invalidArgumentError = (s: string) => new PgpError(`openpgp: invalid argument: ${s}`, 'fatal');
export const unexpectedEof = () => new PgpError('unexpected EOF', 'fatal');

export const PACKET = {
  signature: 2,
  secretKey: 5,
  publicKey: 6,
  secretSubkey: 7,
  marker: 10,
  trust: 12,
  userId: 13,
  publicSubkey: 14,
  userAttribute: 17,
} as const;

/** Packet tags go-crypto's packet.Read knows (others below 40 are "critical unknown"). */
const KNOWN_TAGS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17, 18, 20, 21]);

export interface RawPacket {
  tag: number;
  /** The body, with partial-length chunks joined. */
  body: Buffer;
  /** Whether the length was old-format "indeterminate" (the body runs to the end of the input). */
  indeterminate: boolean;
  /**
   * Whether the declared length ran past the end of the input: `body` is what there is.
   * go-crypto reads a body through a span reader, so such a packet still parses when its
   * fields fit, and fails with "unexpected EOF" when they do not.
   */
  truncated: boolean;
  /** Offset of the body in the input. */
  bodyStart: number;
  /** Whether the body came in partial-length chunks. */
  partial: boolean;
}

/**
 * Where go-crypto's stream stands after a packet whose parser read `consumed` bytes of
 * its body without error: the body is read through a span reader and the rest of the span
 * is only skipped after a parse error, so the next packet starts right after the fields
 * read (a declared length longer or shorter than the fields is not noticed). For
 * partial-length bodies the whole body is consumed.
 */
export function afterParse(read: { packet: RawPacket; next: number }, consumed: number): number {
  if (read.packet.partial) return read.next;
  return read.packet.bodyStart + consumed;
}

/**
 * Read the packet at `pos` (packet.readHeader). Returns null at the end of `buf`. A header
 * or body cut short is "unexpected EOF", as go-crypto's readFull reports it.
 */
export function readPacket(buf: Buffer, pos: number): { packet: RawPacket; next: number } | null {
  if (pos >= buf.length) return null;
  const first = buf[pos]!;
  let p = pos + 1;
  if ((first & 0x80) === 0) throw structuralError('tag byte does not have MSB set');
  if ((first & 0x40) === 0) {
    const tag = (first & 0x3f) >> 2;
    const lengthType = first & 3;
    if (lengthType === 3) {
      return { packet: { tag, body: buf.subarray(p), indeterminate: true, truncated: false, bodyStart: p, partial: false }, next: buf.length };
    }
    const lengthBytes = 1 << lengthType;
    if (p + lengthBytes > buf.length) throw unexpectedEof();
    let length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + buf[p + i]!;
    p += lengthBytes;
    const truncated = p + length > buf.length;
    return { packet: { tag, body: buf.subarray(p, p + length), indeterminate: false, truncated, bodyStart: p, partial: false }, next: Math.min(p + length, buf.length) };
  }
  const tag = first & 0x3f;
  const chunks: Buffer[] = [];
  let truncated = false;
  let chunkCount = 0;
  let bodyStart = -1;
  for (;;) {
    const { length, partial, next } = readNewLength(buf, p);
    p = next;
    if (bodyStart < 0) bodyStart = p;
    chunkCount++;
    chunks.push(buf.subarray(p, p + length));
    if (p + length > buf.length) {
      truncated = true;
      p = buf.length;
      break;
    }
    p += length;
    if (!partial) break;
  }
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  return { packet: { tag, body, indeterminate: false, truncated, bodyStart, partial: chunkCount > 1 }, next: p };
}

function readNewLength(buf: Buffer, pos: number): { length: number; partial: boolean; next: number } {
  if (pos >= buf.length) throw unexpectedEof();
  const b = buf[pos]!;
  if (b < 192) return { length: b, partial: false, next: pos + 1 };
  if (b < 224) {
    if (pos + 1 >= buf.length) throw unexpectedEof();
    return { length: ((b - 192) << 8) + buf[pos + 1]! + 192, partial: false, next: pos + 2 };
  }
  if (b < 255) return { length: 2 ** (b & 0x1f), partial: true, next: pos + 1 };
  if (pos + 5 > buf.length) throw unexpectedEof();
  return { length: buf.readUInt32BE(pos + 1), partial: false, next: pos + 5 };
}

/** go-crypto's serializeHeader: new format, 1, 2 or 5 length octets. */
export function newFormatHeader(tag: number, length: number): Buffer {
  if (length < 192) return Buffer.from([0xc0 | tag, length]);
  if (length < 8384) {
    const l = length - 192;
    return Buffer.from([0xc0 | tag, 192 + (l >> 8), l & 0xff]);
  }
  const out = Buffer.alloc(6);
  out[0] = 0xc0 | tag;
  out[1] = 255;
  out.writeUInt32BE(length, 2);
  return out;
}

export function isKnownTag(tag: number): boolean {
  return KNOWN_TAGS.has(tag);
}

/** packet.Read's answer for a tag it does not implement. */
export function unknownTagError(tag: number): PgpError {
  // Trust packets are consumed unparsed; tags 40-63 are non-critical; the rest is fatal.
  if (tag === PACKET.trust || tag >= 40) return new PgpError(`openpgp: unknown packet type: ${tag}`, 'unknown-packet');
  return new PgpError(`openpgp: unknown critical packet type: ${tag}`, 'fatal');
}

// ---------------------------------------------------------------------------------------
// Armor (openpgp/armor/armor.go)

const ARMOR_START = Buffer.from('-----BEGIN ');
const ARMOR_END = Buffer.from('-----END ');
const ARMOR_CORRUPT = 'openpgp: invalid data: armor invalid';
/** bufio.NewReaderSize(in, 100) */
const LINE_BUFFER = 100;

/** bufio.Reader.ReadLine over a byte slice with a 100-byte buffer. */
class LineReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  /** null at EOF. */
  readLine(): { line: Buffer; isPrefix: boolean } | null {
    const { buf } = this;
    if (this.pos >= buf.length) return null;
    const window = buf.subarray(this.pos, this.pos + LINE_BUFFER);
    const nl = window.indexOf(0x0a);
    if (nl >= 0) {
      let line = window.subarray(0, nl);
      this.pos += nl + 1;
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      return { line, isPrefix: false };
    }
    if (buf.length - this.pos < LINE_BUFFER) {
      // The rest of the input holds no newline and fits the buffer: the final line.
      const line = buf.subarray(this.pos);
      this.pos = buf.length;
      return { line, isPrefix: false };
    }
    // Buffer full: the line is too long. A trailing '\r' is left for the next call.
    let line = window;
    if (line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    this.pos += line.length;
    return { line, isPrefix: true };
  }
}

/** Go's bytes.TrimSpace / strings.TrimSpace (Unicode White_Space; bytes that are not valid UTF-8 stay). */
export function goTrimSpace(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  // ASCII whitespace handled byte-wise; non-ASCII Unicode spaces need decoding, rare in armor.
  let start = 0;
  let end = bytes.length;
  const isAsciiSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);
  while (start < end && isAsciiSpace(bytes[start]!)) start++;
  while (end > start && isAsciiSpace(bytes[end - 1]!)) end--;
  if (!/[\x80-\xff]/.test(text)) return bytes.subarray(start, end);
  const trimmed = goTrimSpaceString(bytes.subarray(start, end));
  return trimmed;
}

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

function goTrimSpaceString(bytes: Buffer): Buffer {
  // Walk UTF-8 sequences from both ends; only well-formed sequences can be spaces.
  let start = 0;
  while (start < bytes.length) {
    const len = utf8SeqLen(bytes, start);
    if (len === 0) break;
    const ch = bytes.subarray(start, start + len).toString('utf8');
    if (!GO_SPACE.test(ch)) break;
    start += len;
  }
  let end = bytes.length;
  while (end > start) {
    let s = end - 1;
    while (s > start && (bytes[s]! & 0xc0) === 0x80 && end - s < 4) s--;
    const len = utf8SeqLen(bytes, s);
    if (len !== end - s) break;
    const ch = bytes.subarray(s, end).toString('utf8');
    if (!GO_SPACE.test(ch)) break;
    end = s;
  }
  return bytes.subarray(start, end);
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0. */
function utf8SeqLen(bytes: Buffer, i: number): number {
  const b = bytes[i]!;
  const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
  if (len === 0 || i + len > bytes.length) return 0;
  const decoded = Buffer.from(bytes.subarray(i, i + len).toString('utf8'), 'utf8');
  return decoded.equals(bytes.subarray(i, i + len)) ? len : 0;
}

export interface ArmorBlock {
  type: string;
  headers: Map<string, string>;
  /**
   * The decoded body, read to its end as go-crypto's Body reader would; a read error
   * (corrupt armor, bad base64, truncated quantum) is kept in `bodyError`, with the bytes
   * decoded before it in `body`.
   */
  body: Buffer;
  bodyError: PgpError | null;
}

/**
 * armor.Decode: the first block of `input` (leading garbage skipped). Returns null when no
 * block is found (go-crypto's io.EOF) or when the headers are cut short.
 */
export function decodeArmor(input: Buffer): ArmorBlock | null {
  const reader = new LineReader(input);
  let ignoreNext = false;
  for (;;) {
    // Skip leading garbage.
    let startLine: Buffer;
    for (;;) {
      const ignoreThis = ignoreNext;
      const read = reader.readLine();
      if (!read) return null;
      ignoreNext = read.isPrefix;
      if (ignoreNext || ignoreThis) continue;
      const line = goTrimSpace(read.line);
      if (line.length > ARMOR_START.length + 5 && line.subarray(0, ARMOR_START.length).equals(ARMOR_START)) {
        startLine = line;
        break;
      }
    }
    const type = startLine.subarray(ARMOR_START.length, startLine.length - 5).toString('utf8');
    const headers = new Map<string, string>();
    let nextIsContinuation = false;
    let lastKey = '';
    let tryNext = false;
    for (;;) {
      const isContinuation = nextIsContinuation;
      const read = reader.readLine();
      if (!read) return null;
      nextIsContinuation = read.isPrefix;
      if (isContinuation) {
        headers.set(lastKey, (headers.get(lastKey) ?? '') + read.line.toString('utf8'));
        continue;
      }
      const line = goTrimSpace(read.line);
      if (line.length === 0) break;
      const colon = line.indexOf(0x3a);
      if (colon === -1) {
        tryNext = true;
        break;
      }
      lastKey = line.subarray(0, colon).toString('utf8');
      headers.set(lastKey, line.length > colon + 2 ? line.subarray(colon + 2).toString('utf8') : '');
    }
    if (tryNext) continue;
    const { body, error } = readArmorBody(reader);
    return { type, headers, body, bodyError: error };
  }
}

/**
 * The lineReader + base64.NewDecoder(StdEncoding) pair, read to the end as io.Copy reads
 * it: each Read decodes the complete quanta of what is buffered (the leftover of the
 * previous line plus the next line, '\r' filtered out), so a base64 error's offset counts
 * from the start of that chunk, as Go reports it.
 */
function readArmorBody(reader: LineReader): { body: Buffer; error: PgpError | null } {
  const out: Buffer[] = [];
  let buffered = '';
  const corrupt = () => new PgpError(ARMOR_CORRUPT, 'structural');
  for (;;) {
    // Refill until a quantum is buffered or the lines end.
    let readError: PgpError | 'eof' | null = null;
    while (buffered.length < 4) {
      const read = reader.readLine();
      if (!read) {
        readError = 'eof';
        break;
      }
      if (read.isPrefix) {
        readError = corrupt();
        break;
      }
      const line = goTrimSpace(read.line);
      if (line.subarray(0, ARMOR_END.length).equals(ARMOR_END) || (line.length === 5 && line[0] === 0x3d)) {
        // The end line, or "=XXXX": the checksum, which is not checked.
        readError = 'eof';
        break;
      }
      if (line.length > 96) {
        readError = corrupt();
        break;
      }
      buffered += line.toString('latin1').replace(/[\r\n]/g, '');
    }
    if (buffered.length < 4) {
      if (readError === 'eof' || readError === null) {
        return { body: Buffer.concat(out), error: buffered.length > 0 ? new PgpError('unexpected EOF', 'fatal') : null };
      }
      return { body: Buffer.concat(out), error: readError };
    }
    const take = buffered.length - (buffered.length % 4);
    const decoded = goStdBase64(Buffer.from(buffered.slice(0, take), 'latin1'));
    if ('errorAt' in decoded) {
      // The bytes before the failing quantum are delivered; they cannot matter once reading fails.
      return { body: Buffer.concat(out), error: new PgpError(`illegal base64 data at input byte ${decoded.errorAt}`, 'fatal') };
    }
    out.push(decoded.bytes);
    buffered = buffered.slice(take);
    if (readError !== null) {
      // Go reports a read error on the next Read, after delivering this chunk.
      if (readError === 'eof') {
        if (buffered.length > 0) return { body: Buffer.concat(out), error: new PgpError('unexpected EOF', 'fatal') };
        return { body: Buffer.concat(out), error: null };
      }
      return { body: Buffer.concat(out), error: readError };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Signature packets (packet/signature.go)

export const SIG_TYPE = {
  binary: 0x00,
  text: 0x01,
  genericCert: 0x10,
  personaCert: 0x11,
  casualCert: 0x12,
  positiveCert: 0x13,
  subkeyBinding: 0x18,
  primaryKeyBinding: 0x19,
  directSignature: 0x1f,
  keyRevocation: 0x20,
  subkeyRevocation: 0x28,
  certificationRevocation: 0x30,
} as const;

export const PK_ALGO = {
  rsa: 1,
  rsaEncryptOnly: 2,
  rsaSignOnly: 3,
  elgamal: 16,
  dsa: 17,
  ecdh: 18,
  ecdsa: 19,
  eddsa: 22,
  x25519: 25,
  x448: 26,
  ed25519: 27,
  ed448: 28,
} as const;

const SIGNING_ALGOS = new Set<number>([PK_ALGO.rsa, PK_ALGO.rsaSignOnly, PK_ALGO.dsa, PK_ALGO.ecdsa, PK_ALGO.eddsa, PK_ALGO.ed25519, PK_ALGO.ed448]);

/** PublicKeyAlgorithm.CanSign */
export function canSign(algo: number): boolean {
  return SIGNING_ALGOS.has(algo);
}

/** algorithm.HashIdToHashWithSha1 (v4 signatures): SHA-1 and the SHA-2/SHA-3 family; MD5 and RIPEMD-160 are refused. */
const HASH_BY_ID = new Map<number, string>([
  [2, 'sha1'],
  [8, 'sha256'],
  [9, 'sha384'],
  [10, 'sha512'],
  [11, 'sha224'],
  [12, 'sha3-256'],
  [14, 'sha3-512'],
]);

/** Key-flag bits (packet.KeyFlag*). */
const KEY_FLAG = { certify: 1, sign: 2, encryptCommunications: 4, encryptStorage: 8 } as const;

export const KEY_COMPROMISED = 2;

export interface Subpacket {
  hashed: boolean;
  type: number;
  critical: boolean;
  contents: Buffer;
}

export interface GoSignature {
  version: number;
  sigType: number;
  pubKeyAlgo: number;
  /** node:crypto hash name. */
  hash: string;
  /** Version through the hashed subpackets: go-crypto's HashSuffix before the trailer. */
  hashedPart: Buffer;
  subpackets: Subpacket[];
  hashTag: Buffer;
  /** Algorithm-specific signature material (MPIs or raw), as read. */
  material: Buffer;
  /** Bytes of the packet body the fields used. */
  consumed: number;
  /** Seconds since the epoch. */
  creationTime: number;
  sigLifetime: number | null;
  keyLifetime: number | null;
  flagsValid: boolean;
  flags: number;
  isPrimaryId: boolean | null;
  revocationReason: number | null;
  notations: { name: string; critical: boolean }[];
  issuerKeyId: bigint | null;
  issuerFingerprint: Buffer | null;
  embedded: GoSignature | null;
}

export function flagSign(sig: GoSignature): boolean {
  return (sig.flags & KEY_FLAG.sign) !== 0;
}

export function usageFlags(sig: GoSignature): number {
  return sig.flags & (KEY_FLAG.certify | KEY_FLAG.sign | KEY_FLAG.encryptCommunications | KEY_FLAG.encryptStorage);
}

export function encryptionFlags(sig: GoSignature): boolean {
  return (sig.flags & (KEY_FLAG.encryptCommunications | KEY_FLAG.encryptStorage)) !== 0;
}

export const KEY_FLAG_SIGN = KEY_FLAG.sign;

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  take(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw unexpectedEof();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  mpi(): Buffer {
    const head = this.take(2);
    const bits = head.readUInt16BE(0);
    return this.take((bits + 7) >> 3);
  }
}

/**
 * Signature.parse: a v4 signature packet body. Throws PgpError with go-crypto's message;
 * `kind` "unsupported" for what go-crypto's packet reader skips.
 */
export function parseSignature(body: Buffer): GoSignature {
  const c = new Cursor(body);
  const version = c.take(1)[0]!;
  if (version === 5) throw unsupportedError('support for parsing v5 entities is disabled; build with `-tags v5` if needed');
  if (version === 6) throw unsupportedError('signature packet version 6 (not supported by this server)');
  if (version !== 4) throw unsupportedError(`signature packet version ${version}`);
  const head = c.take(5);
  const sigType = head[0]!;
  const pubKeyAlgo = head[1]!;
  if (!canSign(pubKeyAlgo)) throw unsupportedError(`public key algorithm ${pubKeyAlgo}`);
  const hash = HASH_BY_ID.get(head[2]!);
  if (!hash) throw unsupportedError(`hash function ${head[2]}`);
  const hashedLength = head.readUInt16BE(3);
  const hashedArea = c.take(hashedLength);
  const sig: GoSignature = {
    version,
    sigType,
    pubKeyAlgo,
    hash,
    hashedPart: body.subarray(0, c.pos),
    subpackets: [],
    hashTag: Buffer.alloc(0),
    material: Buffer.alloc(0),
    consumed: 0,
    creationTime: 0,
    sigLifetime: null,
    keyLifetime: null,
    flagsValid: false,
    flags: 0,
    isPrimaryId: null,
    revocationReason: null,
    notations: [],
    issuerKeyId: null,
    issuerFingerprint: null,
    embedded: null,
  };
  parseSubpackets(sig, hashedArea, true);
  const unhashedLength = c.take(2).readUInt16BE(0);
  parseSubpackets(sig, c.take(unhashedLength), false);
  sig.hashTag = c.take(2);
  const materialStart = c.pos;
  switch (pubKeyAlgo) {
    case PK_ALGO.rsa:
    case PK_ALGO.rsaSignOnly:
      c.mpi();
      break;
    case PK_ALGO.dsa:
    case PK_ALGO.ecdsa:
    case PK_ALGO.eddsa:
      c.mpi();
      c.mpi();
      break;
    case PK_ALGO.ed25519:
      c.take(64);
      break;
    case PK_ALGO.ed448:
      c.take(114);
      break;
  }
  sig.material = body.subarray(materialStart, c.pos);
  sig.consumed = c.pos;
  return sig;
}

function parseSubpackets(sig: GoSignature, area: Buffer, hashed: boolean): void {
  let rest = area;
  while (rest.length > 0) rest = parseSubpacket(sig, rest, hashed);
  if (sig.creationTime === 0) throw structuralError('no creation time in signature');
}

function parseSubpacket(sig: GoSignature, data: Buffer, hashed: boolean): Buffer {
  const truncated = () => structuralError('signature subpacket truncated');
  let length: number;
  let p: number;
  const b0 = data[0]!;
  if (b0 < 192) {
    length = b0;
    p = 1;
  } else if (b0 < 255) {
    if (data.length < 2) throw truncated();
    length = ((b0 - 192) << 8) + data[1]! + 192;
    p = 2;
  } else {
    if (data.length < 5) throw truncated();
    length = data.readUInt32BE(1);
    p = 5;
  }
  if (length > data.length - p) throw truncated();
  const rest = data.subarray(p + length);
  let sub = data.subarray(p, p + length);
  if (sub.length === 0) throw structuralError('zero length signature subpacket');
  const type = sub[0]! & 0x7f;
  const critical = (sub[0]! & 0x80) !== 0;
  sub = sub.subarray(1);
  sig.subpackets.push({ hashed, type, critical, contents: sub });
  if (!hashed && type !== 16 && type !== 33 && type !== 32) return rest;
  switch (type) {
    case 2: // creation time
      if (sub.length !== 4) throw structuralError('signature creation time not four bytes');
      sig.creationTime = sub.readUInt32BE(0);
      break;
    case 3:
      if (sub.length !== 4) throw structuralError('expiration subpacket with bad length');
      sig.sigLifetime = sub.readUInt32BE(0);
      break;
    case 4: // exportable certification
      if (sub[0] === 0) throw unsupportedError('signature with non-exportable certification');
      break;
    case 5:
      if (sub.length !== 2) throw structuralError('trust subpacket with bad length');
      break;
    case 6:
      if (sub.length === 0) throw structuralError('regexp subpacket with bad length');
      if (sub[sub.length - 1] !== 0) throw structuralError('expected regular expression to be null-terminated');
      break;
    case 9:
      if (sub.length !== 4) throw structuralError('key expiration subpacket with bad length');
      sig.keyLifetime = sub.readUInt32BE(0);
      break;
    case 16: // issuer
      if (sub.length !== 8) throw structuralError('issuer subpacket with bad length');
      sig.issuerKeyId = sub.readBigUInt64BE(0);
      break;
    case 20: {
      if (sub.length < 8) throw structuralError('notation data subpacket with bad length');
      const nameLength = sub.readUInt16BE(4);
      const valueLength = sub.readUInt16BE(6);
      if (sub.length !== nameLength + valueLength + 8) throw structuralError('notation data subpacket with bad length');
      sig.notations.push({ name: sub.subarray(8, 8 + nameLength).toString('utf8'), critical });
      break;
    }
    case 25:
      if (sub.length !== 1) throw structuralError('primary user id subpacket with bad length');
      sig.isPrimaryId = sub[0]! > 0;
      break;
    case 27:
      sig.flagsValid = true;
      if (sub.length > 0) sig.flags = sub[0]!;
      break;
    case 29:
      if (sub.length === 0) throw structuralError('empty revocation reason subpacket');
      sig.revocationReason = sub[0]!;
      break;
    case 32: {
      if (sig.embedded) throw structuralError('Cannot have multiple embedded signatures');
      const embedded = parseSignature(sub);
      if (embedded.sigType !== SIG_TYPE.primaryKeyBinding) {
        throw structuralError(`cross-signature has unexpected type ${embedded.sigType}`);
      }
      sig.embedded = embedded;
      break;
    }
    case 33: {
      if (sub.length === 0) throw structuralError('empty issuer fingerprint subpacket');
      const v = sub[0]!;
      const l = sub.length - 1;
      if ((v >= 5 && l !== 32) || (v < 5 && l !== 20)) throw structuralError('bad fingerprint length');
      sig.issuerFingerprint = Buffer.from(sub.subarray(1));
      sig.issuerKeyId = v >= 5 ? sub.readBigUInt64BE(1) : sub.readBigUInt64BE(13);
      break;
    }
    case 35: {
      if (sub.length < 1) throw structuralError('invalid intended recipient fingerpring length');
      const l = sub.length - 1;
      if ((sub[0]! >= 5 && l !== 32) || (sub[0]! < 5 && l !== 20)) throw structuralError('invalid fingerprint length');
      break;
    }
    case 39:
      if (sub.length % 2 !== 0) throw structuralError('invalid aead cipher suite length');
      break;
    case 11:
    case 21:
    case 22:
    case 23:
    case 24:
    case 26:
    case 28:
    case 30:
      break;
    default:
      if (critical) throw unsupportedError(`unknown critical signature subpacket type ${type}`);
  }
  return rest;
}

/** Signature.Serialize: header, verbatim hashed part, unhashed subpackets re-encoded, hash tag, material. */
export function serializeSignature(sig: GoSignature): Buffer {
  const unhashed: Buffer[] = [];
  for (const sp of sig.subpackets) {
    if (sp.hashed) continue;
    unhashed.push(subpacketLength(sp.contents.length + 1), Buffer.from([sp.type | (sp.critical ? 0x80 : 0)]), sp.contents);
  }
  const unhashedBytes = Buffer.concat(unhashed);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(unhashedBytes.length & 0xffff, 0);
  const body = Buffer.concat([sig.hashedPart, length, unhashedBytes, sig.hashTag, sig.material]);
  return Buffer.concat([newFormatHeader(PACKET.signature, body.length), body]);
}

function subpacketLength(length: number): Buffer {
  if (length < 192) return Buffer.from([length]);
  if (length < 16320) {
    const l = length - 192;
    return Buffer.from([(l >> 8) + 192, l & 0xff]);
  }
  const out = Buffer.alloc(5);
  out[0] = 255;
  out.writeUInt32BE(length, 1);
  return out;
}

/** The v4 trailer hashed after the signed data: hashed part, 0x04 0xff, its length (32 bits). */
export function v4Trailer(sig: GoSignature): Buffer {
  const tail = Buffer.alloc(6);
  tail[0] = 4;
  tail[1] = 0xff;
  tail.writeUInt32BE(sig.hashedPart.length, 2);
  return Buffer.concat([sig.hashedPart, tail]);
}

/** The hash of `data ‖ trailer` as go-crypto's VerifySignature computes it (no hash-tag check for v4). */
export function signatureDigest(sig: GoSignature, data: Buffer | Buffer[]): Buffer {
  const h = createHash(sig.hash);
  for (const part of Array.isArray(data) ? data : [data]) h.update(part);
  h.update(v4Trailer(sig));
  return h.digest();
}
