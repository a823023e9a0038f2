/**
 * rekord's "ssh" format. Mirrors sigstore/rekor pkg/pki/ssh (ssh.go, encode.go, sign.go,
 * verify.go @ eee7d8d6) and the parts of golang.org/x/crypto/ssh v0.55.0 it relies on —
 * keys.go (ParseAuthorizedKey, ParsePublicKey, each key type's Marshal and Verify),
 * certs.go (parseCert, Certificate.Marshal) and messages.go (Unmarshal) — with their
 * error texts. The SSH wire format is parsed here by hand.
 *
 * - Key: the first key line of an authorized_keys text (options, blank and `#` lines
 *   allowed; the declared type must match the key blob), at most 64 KiB. Plain, `sk-*` and
 *   certificate keys. Canonical value: MarshalAuthorizedKey, "<type> <base64 wire key>\n"
 *   with the key re-encoded as Go marshals it (minimal mpints, certificate options
 *   re-serialized) and the comment and options dropped.
 * - Signature: an armored SSHSIG (OpenSSH PROTOCOL.sshsig) whose namespace is "file" and
 *   whose hash is sha256 or sha512. Canonical value: re-armored (64 columns) with the
 *   embedded key re-encoded, reserved "" and hash_algorithm forced to "sha512".
 * - Verify: upstream verifies the *canonical* signature, so the signed message is always
 *   built with SHA-512 of the content: an SSHSIG made with `-O hashalg=sha256` does not
 *   verify ("ssh: signature did not verify"; "crypto/rsa: verification error" for RSA
 *   keys, whose Verify returns crypto/rsa's error). The key is publicKey.content; the key
 *   embedded in the SSHSIG is not compared with it. Verification decides as Go does: Go's
 *   Ed25519 rules (../pki/verify), ECDSA over the digest (../pki/ecdsa-digest), RSA
 *   PKCS#1 v1.5 as an exact DigestInfo compare, DSA as crypto/dsa computes it.
 * - Subjects: upstream returns the comment when it is an email, but index keys are taken
 *   from the canonicalized entry, whose key has no comment — so none, in effect.
 */
import { constants, createHash, createPublicKey, publicDecrypt } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import { isOnCurve, toBigInt, type NistCurve } from '../pki/ec-point';
import { verifyEcdsaDigest } from '../pki/ecdsa-digest';
import { decodePem, encodePem } from '../pki/pem';
import { sshString } from '../pki/ssh-wire';
import { verifyEd25519 } from '../pki/verify';
import type { RekordFormat, RekordPublicKey, RekordSignature } from './format';

interface SshPublicKey extends RekordPublicKey {
  /** The comment after the key (what upstream's Subjects() would test for an email). */
  comment: string;
}

type SshSignature = RekordSignature;

/** The largest key text upstream reads (http.MaxBytesReader(nil, r, 65536)). */
const MAX_KEY_BYTES = 65536;
const PEM_TYPE = 'SSH SIGNATURE';
const MAGIC = Buffer.from('SSHSIG');
const NAMESPACE = 'file';
const CANONICAL_HASH = 'sha512';
const HASH_ALGORITHMS = new Set(['sha256', 'sha512']);

const PARSE_ERROR = 'ssh: parse error in message type 0';
const SHORT_READ = 'ssh: short read';
const NOT_VERIFIED = 'ssh: signature did not verify';

function fail(message: string): never {
  throw new InvalidEntryError(message);
}

// ---------------------------------------------------------------------------------------
// Go strings in messages

/** Go's utf8.DecodeRune: the rune at `i` and its width; (U+FFFD, 1) when invalid. */
function decodeRune(bytes: Buffer, i: number): [rune: number, width: number] {
  const c0 = bytes[i]!;
  if (c0 < 0x80) return [c0, 1];
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c0 >= 0xc2 && c0 <= 0xdf) need = 1;
  else if (c0 >= 0xe0 && c0 <= 0xef) [need, lo, hi] = [2, c0 === 0xe0 ? 0xa0 : 0x80, c0 === 0xed ? 0x9f : 0xbf];
  else if (c0 >= 0xf0 && c0 <= 0xf4) [need, lo, hi] = [3, c0 === 0xf0 ? 0x90 : 0x80, c0 === 0xf4 ? 0x8f : 0xbf];
  else return [0xfffd, 1];
  if (i + need >= bytes.length) return [0xfffd, 1]; // incomplete
  let rune = c0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= need; k++) {
    const c = bytes[i + k]!;
    const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
    if (c < min || c > max) return [0xfffd, 1];
    rune = (rune << 6) | (c & 0x3f);
  }
  return [rune, need + 1];
}

/** Bytes as a Go string converts into a JSON message: each invalid UTF-8 byte is U+FFFD. */
function goString(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const [rune, width] = decodeRune(bytes, i);
    out += String.fromCodePoint(rune);
    i += width;
  }
  return out;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Go's %q of a byte string (strconv.Quote). */
function goQuote(value: Buffer | string): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const [rune, width] = decodeRune(bytes, i);
    if (rune === 0xfffd && width === 1) out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
    else if (rune === 0x22 || rune === 0x5c) out += `\\${String.fromCharCode(rune)}`;
    else if (rune === 0x20 || (rune > 0x20 && rune < 0x7f) || (rune >= 0x80 && PRINTABLE.test(String.fromCodePoint(rune)))) {
      out += String.fromCodePoint(rune);
    } else if (ESCAPES[rune]) out += ESCAPES[rune];
    else if (rune < 0x20 || rune === 0x7f) out += `\\x${rune.toString(16).padStart(2, '0')}`;
    else if (rune < 0x10000) out += `\\u${rune.toString(16).padStart(4, '0')}`;
    else out += `\\U${rune.toString(16).padStart(8, '0')}`;
    i += width;
  }
  return `${out}"`;
}

// ---------------------------------------------------------------------------------------
// Go's bytes.TrimSpace and base64.StdEncoding.Decode, as ParseAuthorizedKey uses them

const ASCII_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);
/** The non-ASCII runes unicode.IsSpace accepts, UTF-8 encoded. */
const UNICODE_SPACES = [0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a]
  .concat([0x2028, 0x2029, 0x202f, 0x205f, 0x3000])
  .map((rune) => Buffer.from(String.fromCodePoint(rune), 'utf8'));

function spaceAt(bytes: Buffer, start: number, end: number, fromEnd: boolean): number {
  const at = fromEnd ? end - 1 : start;
  if (ASCII_SPACE.has(bytes[at]!)) return 1;
  for (const space of UNICODE_SPACES) {
    const from = fromEnd ? end - space.length : start;
    if (from >= start && from + space.length <= end && bytes.subarray(from, from + space.length).equals(space)) return space.length;
  }
  return 0;
}

/** Go's bytes.TrimSpace: leading and trailing Unicode white space removed. */
function trimSpace(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  for (let n: number; start < end && (n = spaceAt(bytes, start, end, false)) > 0; ) start += n;
  for (let n: number; end > start && (n = spaceAt(bytes, start, end, true)) > 0; ) end -= n;
  return bytes.subarray(start, end);
}

/** The index of the first space or tab (bytes.IndexAny(in, " \t")), or -1. */
function indexBlank(bytes: Buffer): number {
  return bytes.findIndex((b) => b === 0x20 || b === 0x09);
}

const BASE64_VALUES = new Int16Array(256).fill(-1);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].forEach((c, i) => (BASE64_VALUES[c.charCodeAt(0)] = i));
const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;

/**
 * Go's base64.StdEncoding.Decode (decodeQuantum, one quantum at a time): the bytes, or the
 * input offset of Go's CorruptInputError ("illegal base64 data at input byte N").
 */
function decodeBase64(src: Buffer): Buffer | number {
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const quantum = [0, 0, 0, 0];
    let length = 4;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        return si - j;
      }
      const c = src[si++]!;
      if (BASE64_VALUES[c]! >= 0) {
        quantum[j] = BASE64_VALUES[c]!;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d || j < 2) return si - 1;
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== 0x3d) return si - 1;
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) return si;
      length = j;
      break;
    }
    const value = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    out.push(...[(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff].slice(0, length - 1));
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------
// SSH wire format: Go's ssh.Unmarshal and Marshal

/** Go's parseString: a uint32-length-prefixed string and what follows, or undefined. */
function parseString(input: Buffer): { value: Buffer; rest: Buffer } | undefined {
  if (input.length < 4) return undefined;
  const length = input.readUInt32BE(0);
  if (input.length - 4 < length) return undefined;
  return { value: input.subarray(4, 4 + length), rest: input.subarray(4 + length) };
}

/** Go's parseInt: an mpint (two's complement, big-endian) of any length. */
function mpintValue(content: Buffer): bigint {
  const magnitude = toBigInt(content);
  return content.length > 0 && content[0]! & 0x80 ? magnitude - (1n << BigInt(8 * content.length)) : magnitude;
}

function unsignedBytes(value: bigint): Buffer {
  if (value === 0n) return Buffer.alloc(0);
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/** Go's marshalInt: the minimal two's complement encoding, as a string. */
function marshalMpint(value: bigint): Buffer {
  let content: Buffer;
  if (value > 0n) {
    const bytes = unsignedBytes(value);
    content = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  } else if (value < 0n) {
    const bytes = Buffer.from(unsignedBytes(-value - 1n).map((b) => b ^ 0xff));
    content = bytes.length === 0 || !(bytes[0]! & 0x80) ? Buffer.concat([Buffer.from([0xff]), bytes]) : bytes;
  } else {
    content = Buffer.alloc(0);
  }
  return sshString(content);
}

/** big.Int.BitLen: bits of the absolute value. */
function bitLength(value: bigint): number {
  return value === 0n ? 0 : (value < 0n ? -value : value).toString(2).length;
}

/**
 * ssh.Unmarshal into a Go struct, field by field, with Go's errors: no input at all or bytes
 * left over is a parse error; a short `string` field names the field and its struct type;
 * any other short field is a short read.
 */
class Unmarshaler {
  private data: Buffer;

  constructor(
    data: Buffer,
    /** The Go struct's type name ("" for an anonymous struct). */
    private readonly struct: string,
  ) {
    if (data.length === 0) fail(PARSE_ERROR);
    this.data = data;
  }

  fixed(length: number): Buffer {
    if (this.data.length < length) fail(SHORT_READ);
    const value = this.data.subarray(0, length);
    this.data = this.data.subarray(length);
    return value;
  }

  uint32(): number {
    return this.fixed(4).readUInt32BE(0);
  }

  /** A Go `string` field. */
  string(field: string): Buffer {
    const parsed = parseString(this.data);
    if (!parsed) fail(`ssh: unmarshal error for field ${field} of type ${this.struct}`);
    this.data = parsed.rest;
    return parsed.value;
  }

  /** A Go `[]byte` field. */
  bytes(): Buffer {
    const parsed = parseString(this.data);
    if (!parsed) fail(SHORT_READ);
    this.data = parsed.rest;
    return parsed.value;
  }

  /** A Go `*big.Int` field. */
  mpint(): bigint {
    return mpintValue(this.bytes());
  }

  /** A Go `[]byte` field tagged `ssh:"rest"`. */
  rest(): Buffer {
    const value = this.data;
    this.data = Buffer.alloc(0);
    return value;
  }

  end(): void {
    if (this.data.length !== 0) fail(PARSE_ERROR);
  }
}

// ---------------------------------------------------------------------------------------
// Public keys (x/crypto/ssh keys.go, certs.go)

const KEY_RSA = 'ssh-rsa';
const KEY_DSA = 'ssh-dss';
const KEY_ED25519 = 'ssh-ed25519';
const KEY_SK_ED25519 = 'sk-ssh-ed25519@openssh.com';
const KEY_SK_ECDSA = 'sk-ecdsa-sha2-nistp256@openssh.com';

const ECDSA_TYPES: Record<string, { curve: NistCurve; hash: string } | undefined> = {
  'ecdsa-sha2-nistp256': { curve: 'P-256', hash: 'sha256' },
  'ecdsa-sha2-nistp384': { curve: 'P-384', hash: 'sha384' },
  'ecdsa-sha2-nistp521': { curve: 'P-521', hash: 'sha512' },
};

/** Certificate algorithms and their key type (certKeyAlgoNames; the rsa-sha2 ones are not key formats). */
const CERT_KEY_TYPES: Record<string, string | undefined> = {
  'ssh-rsa-cert-v01@openssh.com': KEY_RSA,
  'ssh-dss-cert-v01@openssh.com': KEY_DSA,
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': 'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': 'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': 'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com': KEY_SK_ECDSA,
  'ssh-ed25519-cert-v01@openssh.com': KEY_ED25519,
  'sk-ssh-ed25519-cert-v01@openssh.com': KEY_SK_ED25519,
};
const RSA_SHA2_CERTS = new Set(['rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com']);

type SshKey =
  | { kind: 'rsa'; type: string; e: bigint; n: bigint }
  | { kind: 'dsa'; type: string; p: bigint; q: bigint; g: bigint; y: bigint }
  | { kind: 'ecdsa'; type: string; curve: NistCurve; curveName: Buffer; point: Buffer }
  | { kind: 'sk-ecdsa'; type: string; point: Buffer; application: Buffer }
  | { kind: 'ed25519'; type: string; key: Buffer }
  | { kind: 'sk-ed25519'; type: string; key: Buffer; application: Buffer }
  | { kind: 'certificate'; type: string; certificate: Certificate };

/** ssh.Signature: format, blob, and the bytes after them (sk-* signature fields). */
interface SignatureBody {
  format: Buffer;
  blob: Buffer;
  rest: Buffer;
}

interface Certificate {
  nonce: Buffer;
  key: SshKey;
  /** Serial and CertType, kept as read (uint64 ‖ uint32). */
  serialAndType: Buffer;
  keyId: Buffer;
  /** The principals field as read (a list of strings, re-marshalled identically). */
  principals: Buffer;
  /** ValidAfter ‖ ValidBefore as read. */
  validity: Buffer;
  criticalOptions: [Buffer, Buffer][];
  extensions: [Buffer, Buffer][];
  reserved: Buffer;
  signatureKey: SshKey;
  signature: SignatureBody;
}

function parseRsa(input: Buffer): { key: SshKey; rest: Buffer } {
  const w = new Unmarshaler(input, '');
  const e = w.mpint();
  const n = w.mpint();
  const rest = w.rest();
  if (bitLength(n) > 16384) fail('ssh: rsa modulus too large');
  if (bitLength(e) > 24) fail('ssh: exponent too large');
  if (e < 3n || (e & 1n) === 0n) fail('ssh: incorrect exponent');
  return { key: { kind: 'rsa', type: KEY_RSA, e, n }, rest };
}

function parseDsa(input: Buffer): { key: SshKey; rest: Buffer } {
  const w = new Unmarshaler(input, '');
  const [p, q, g, y] = [w.mpint(), w.mpint(), w.mpint(), w.mpint()];
  const rest = w.rest();
  if (bitLength(p) !== 1024) fail(`ssh: unsupported DSA key size ${bitLength(p)}`);
  if (bitLength(q) !== 160) fail(`ssh: unsupported DSA sub-prime size ${bitLength(q)}`);
  if (g >= p) fail('ssh: DSA generator larger than modulus');
  if (g <= 0n) fail('ssh: DSA generator must be positive');
  if (y <= 0n || y >= p) fail('ssh: DSA public value Y out of range');
  return { key: { kind: 'dsa', type: KEY_DSA, p, q, g, y }, rest };
}

function parseEcdsa(input: Buffer, type: string): { key: SshKey; rest: Buffer } {
  const w = new Unmarshaler(input, '');
  const curveName = w.string('Curve');
  const point = w.bytes();
  const rest = w.rest();
  const actual = Buffer.concat([Buffer.from('ecdsa-sha2-'), curveName]);
  if (!actual.equals(Buffer.from(type))) {
    fail(`ssh: algorithm type mismatch: expected ${goQuote(type)}, found curve ${goQuote(curveName)} (type ${goQuote(actual)})`);
  }
  const { curve } = ECDSA_TYPES[type]!;
  if (!isOnCurve(curve, point)) fail('ssh: invalid curve point');
  return { key: { kind: 'ecdsa', type, curve, curveName, point }, rest };
}

function parseSkEcdsa(input: Buffer): { key: SshKey; rest: Buffer } {
  const w = new Unmarshaler(input, '');
  const curveName = w.string('Curve');
  const point = w.bytes();
  const application = w.string('Application');
  const rest = w.rest();
  if (curveName.toString('latin1') !== 'nistp256') fail('ssh: unsupported curve');
  if (!isOnCurve('P-256', point)) fail('ssh: invalid curve point');
  return { key: { kind: 'sk-ecdsa', type: KEY_SK_ECDSA, point, application }, rest };
}

function parseEd25519(input: Buffer, sk: boolean): { key: SshKey; rest: Buffer } {
  const w = new Unmarshaler(input, '');
  const key = w.bytes();
  const application = sk ? w.string('Application') : undefined;
  const rest = w.rest();
  if (key.length !== 32) fail(`invalid size ${key.length} for Ed25519 public key`);
  return {
    key: application !== undefined ? { kind: 'sk-ed25519', type: KEY_SK_ED25519, key, application } : { kind: 'ed25519', type: KEY_ED25519, key },
    rest,
  };
}

/** Go's parsePubKey: the key of type `algorithm` at the start of `input`, and what follows. */
function parsePubKey(input: Buffer, algorithm: string): { key: SshKey; rest: Buffer } {
  if (algorithm === KEY_RSA) return parseRsa(input);
  if (algorithm === KEY_DSA) return parseDsa(input);
  if (ECDSA_TYPES[algorithm]) return parseEcdsa(input, algorithm);
  if (algorithm === KEY_SK_ECDSA) return parseSkEcdsa(input);
  if (algorithm === KEY_ED25519) return parseEd25519(input, false);
  if (algorithm === KEY_SK_ED25519) return parseEd25519(input, true);
  const certKeyType = CERT_KEY_TYPES[algorithm];
  if (certKeyType) {
    return { key: { kind: 'certificate', type: algorithm, certificate: parseCertificate(input, certKeyType) }, rest: Buffer.alloc(0) };
  }
  if (['rsa-sha2-256', 'rsa-sha2-512'].includes(algorithm) || RSA_SHA2_CERTS.has(algorithm)) {
    const format = RSA_SHA2_CERTS.has(algorithm) ? 'ssh-rsa-cert-v01@openssh.com' : KEY_RSA;
    fail(`ssh: signature algorithm ${goQuote(algorithm)} isn't a key format; key is malformed and should be re-encoded with type ${goQuote(format)}`);
  }
  return fail(`ssh: unknown key algorithm: ${goString(Buffer.from(algorithm, 'latin1'))}`);
}

/** Go's ssh.ParsePublicKey: a whole wire-format key (or certificate). */
function parsePublicKey(input: Buffer): SshKey {
  const algorithm = parseString(input);
  if (!algorithm) fail(SHORT_READ);
  const { key, rest } = parsePubKey(algorithm.rest, algorithm.value.toString('latin1'));
  if (rest.length > 0) fail('ssh: trailing junk in public key');
  return key;
}

/** Go's parseTuples: certificate options, in strictly increasing order. */
function parseTuples(input: Buffer): [Buffer, Buffer][] {
  const tuples: [Buffer, Buffer][] = [];
  for (let rest = input; rest.length > 0; ) {
    const key = parseString(rest);
    if (!key) fail(SHORT_READ);
    const last = tuples[tuples.length - 1];
    if (last && Buffer.compare(key.value, last[0]) <= 0) fail('ssh: certificate options are not in lexical order');
    const data = parseString(key.rest);
    if (!data) fail(SHORT_READ);
    let value: Buffer = Buffer.alloc(0);
    if (data.value.length > 0) {
      const inner = parseString(data.value);
      if (!inner) fail(SHORT_READ);
      if (inner.rest.length > 0) fail('ssh: unexpected trailing data after certificate option value');
      value = inner.value;
    }
    tuples.push([key.value, value]);
    rest = data.rest;
  }
  return tuples;
}

/** Go's parseSignatureBody: format and blob; the rest is the sk-* fields or trailing bytes. */
function parseSignatureBody(input: Buffer): { signature: SignatureBody; rest: Buffer } | undefined {
  const format = parseString(input);
  const blob = format && parseString(format.rest);
  if (!format || !blob) return undefined;
  const sk = ['sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', KEY_SK_ED25519, 'sk-ssh-ed25519-cert-v01@openssh.com'];
  if (sk.includes(format.value.toString('latin1'))) {
    return { signature: { format: format.value, blob: blob.value, rest: blob.rest }, rest: Buffer.alloc(0) };
  }
  return { signature: { format: format.value, blob: blob.value, rest: Buffer.alloc(0) }, rest: blob.rest };
}

/** Go's parseCert (OpenSSH PROTOCOL.certkeys); nothing about its validity is checked. */
function parseCertificate(input: Buffer, keyType: string): Certificate {
  const nonce = parseString(input);
  if (!nonce) fail(SHORT_READ);
  const { key, rest } = parsePubKey(nonce.rest, keyType);
  const g = new Unmarshaler(rest, 'genericCertData');
  const serialAndType = Buffer.concat([g.fixed(8), g.fixed(4)]);
  const keyId = g.string('KeyId');
  const principals = g.bytes();
  const validity = Buffer.concat([g.fixed(8), g.fixed(8)]);
  const [critical, extensions, reserved, signatureKey, signature] = [g.bytes(), g.bytes(), g.bytes(), g.bytes(), g.bytes()];
  g.end();
  for (let left = principals; left.length > 0; ) {
    const principal = parseString(left);
    if (!principal) fail(SHORT_READ);
    left = principal.rest;
  }
  const criticalOptions = parseTuples(critical);
  const extensionList = parseTuples(extensions);
  const signatureKeyType = parseString(signatureKey);
  if (!signatureKeyType) fail(SHORT_READ);
  const type = signatureKeyType.value.toString('latin1');
  if (CERT_KEY_TYPES[type] || RSA_SHA2_CERTS.has(type)) fail(`ssh: the signature key type ${goQuote(type)} is invalid for certificates`);
  const parsedSignatureKey = parsePublicKey(signatureKey);
  const body = parseSignatureBody(signature);
  if (!body || body.rest.length > 0) fail('ssh: signature parse error');
  return {
    nonce: nonce.value,
    key,
    serialAndType,
    keyId,
    principals,
    validity,
    criticalOptions,
    extensions: extensionList,
    reserved,
    signatureKey: parsedSignatureKey,
    signature: body.signature,
  };
}

function marshalTuples(tuples: [Buffer, Buffer][]): Buffer {
  return Buffer.concat(tuples.map(([key, value]) => Buffer.concat([sshString(key), sshString(value.length > 0 ? sshString(value) : value)])));
}

function marshalSignatureBody(signature: SignatureBody): Buffer {
  return Buffer.concat([sshString(signature.format), sshString(signature.blob), signature.rest]);
}

/** Go's PublicKey.Marshal(): the wire encoding, type name first. */
function marshalKey(key: SshKey): Buffer {
  const type = sshString(key.type);
  switch (key.kind) {
    case 'rsa':
      return Buffer.concat([type, marshalMpint(key.e), marshalMpint(key.n)]);
    case 'dsa':
      return Buffer.concat([type, ...[key.p, key.q, key.g, key.y].map(marshalMpint)]);
    case 'ecdsa':
      return Buffer.concat([type, sshString(key.curveName), sshString(key.point)]);
    case 'sk-ecdsa':
      return Buffer.concat([type, sshString('nistp256'), sshString(key.point), sshString(key.application)]);
    case 'ed25519':
      return Buffer.concat([type, sshString(key.key)]);
    case 'sk-ed25519':
      return Buffer.concat([type, sshString(key.key), sshString(key.application)]);
    case 'certificate':
      return marshalCertificate(key.type, key.certificate);
  }
}

function marshalCertificate(type: string, c: Certificate): Buffer {
  const keyFields = parseString(marshalKey(c.key))!.rest;
  return Buffer.concat([
    sshString(type),
    sshString(c.nonce),
    keyFields,
    c.serialAndType,
    sshString(c.keyId),
    sshString(c.principals),
    c.validity,
    sshString(marshalTuples(c.criticalOptions)),
    sshString(marshalTuples(c.extensions)),
    sshString(c.reserved),
    sshString(marshalKey(c.signatureKey)),
    sshString(marshalSignatureBody(c.signature)),
  ]);
}

/** Go's ssh.MarshalAuthorizedKey: "<type> <base64>\n". */
function marshalAuthorizedKey(key: SshKey): Buffer {
  return Buffer.from(`${key.type} ${marshalKey(key).toString('base64')}\n`, 'latin1');
}

// ---------------------------------------------------------------------------------------
// ssh.ParseAuthorizedKey

type Attempt = { key: SshKey; comment: Buffer } | { error: string };

/** Go's parseAuthorizedKey: base64 key blob, then the comment. */
function parseKeyAndComment(input: Buffer): { key: SshKey; comment: Buffer } {
  const text = trimSpace(input);
  let i = indexBlank(text);
  if (i < 0) i = text.length;
  const decoded = decodeBase64(text.subarray(0, i));
  if (typeof decoded === 'number') fail(`illegal base64 data at input byte ${decoded}`);
  return { key: parsePublicKey(decoded), comment: trimSpace(text.subarray(i)) };
}

/** One attempt at "<type> <base64> [comment]": the declared type must be the key's. */
function attempt(declaredType: Buffer, remainder: Buffer): Attempt {
  try {
    const parsed = parseKeyAndComment(remainder);
    if (declaredType.equals(Buffer.from(parsed.key.type, 'latin1'))) return parsed;
    return {
      error: `ssh: authorized keys key type mismatch: human-readable type ${goQuote(declaredType)}, encoded type ${goQuote(parsed.key.type)}`,
    };
  } catch (err) {
    if (err instanceof InvalidEntryError) return { error: err.message };
    throw err;
  }
}

/** Where the key type starts after an options field (Go's quote-aware scan and its quirks). */
function afterOptions(line: Buffer): number {
  let inQuote = false;
  let i = 0;
  let ended = false;
  for (; i < line.length; i++) {
    const b = line[i]!;
    if (!inQuote && (b === 0x20 || b === 0x09)) {
      ended = true;
      break;
    }
    if (b === 0x22 && (i === 0 || line[i - 1] !== 0x5c)) inQuote = !inQuote;
  }
  // Go's `for i, b = range in` leaves i at the last index when it runs to the end.
  if (!ended) i = line.length - 1;
  while (i < line.length && (line[i] === 0x20 || line[i] === 0x09)) i++;
  return i;
}

/** Go's ssh.ParseAuthorizedKey: the first line that holds a key. */
function parseAuthorizedKey(input: Buffer): { key: SshKey; comment: Buffer } {
  let lastError: string | undefined;
  for (let rest = input; rest.length > 0; ) {
    const newline = rest.indexOf(0x0a);
    let line = newline >= 0 ? rest.subarray(0, newline) : rest;
    rest = newline >= 0 ? rest.subarray(newline + 1) : Buffer.alloc(0);
    const cr = line.indexOf(0x0d);
    if (cr >= 0) line = line.subarray(0, cr);
    line = trimSpace(line);
    if (line.length === 0 || line[0] === 0x23) continue;

    let i = indexBlank(line);
    if (i < 0) continue;
    const plain = attempt(line.subarray(0, i), line.subarray(i));
    if ('key' in plain) return plain;
    lastError = plain.error;

    // Perhaps an options field comes first.
    const start = afterOptions(line);
    if (start === line.length) continue;
    const withoutOptions = line.subarray(start);
    i = indexBlank(withoutOptions);
    if (i < 0) continue;
    const optioned = attempt(withoutOptions.subarray(0, i), withoutOptions.subarray(i));
    if ('key' in optioned) return optioned;
    lastError = optioned.error;
  }
  return fail(lastError === undefined ? 'ssh: no key found' : `ssh: no key found; last parsing error for ignored line: ${lastError}`);
}

// ---------------------------------------------------------------------------------------
// SSHSIG (pkg/pki/ssh/encode.go)

interface DecodedSignature {
  publicKey: SshKey;
  signature: SignatureBody;
  hashAlgorithm: string;
}

/** Upstream's Decode: PEM, the WrappedSig struct, its checks, then the signature and key. */
function decodeSignature(bytes: Buffer): DecodedSignature {
  const { block } = decodePem(bytes);
  if (!block) fail('unable to decode pem file');
  if (block.type !== PEM_TYPE) fail(`wrong pem block type: ${block.type}. Expected SSH-SIGNATURE`);
  const w = new Unmarshaler(block.bytes, 'WrappedSig');
  const magic = w.fixed(MAGIC.length);
  const version = w.uint32();
  const publicKey = w.string('PublicKey');
  const namespace = w.string('Namespace');
  w.string('Reserved');
  const hashAlgorithm = w.string('HashAlgorithm');
  const signature = w.string('Signature');
  w.end();

  if (version !== 1) fail(`unsupported signature version: ${version}`);
  if (!magic.equals(MAGIC)) fail(`invalid magic header: ${goString(magic)}`);
  if (namespace.toString('latin1') !== NAMESPACE) fail(`invalid signature namespace: ${goString(namespace)}`);
  const hash = hashAlgorithm.toString('latin1');
  if (!HASH_ALGORITHMS.has(hash)) fail(`unsupported hash algorithm: ${goString(hashAlgorithm)}`);

  const s = new Unmarshaler(signature, 'Signature');
  const body = { format: s.string('Format'), blob: s.bytes(), rest: s.rest() };
  return { signature: body, publicKey: parsePublicKey(publicKey), hashAlgorithm: hash };
}

/** Upstream's Armor: the WrappedSig re-encoded with namespace "file" and hash "sha512". */
function armor(decoded: DecodedSignature): Buffer {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const wrapped = Buffer.concat([
    MAGIC,
    version,
    sshString(marshalKey(decoded.publicKey)),
    sshString(NAMESPACE),
    sshString(''),
    sshString(CANONICAL_HASH),
    sshString(marshalSignatureBody(decoded.signature)),
  ]);
  return encodePem(PEM_TYPE, wrapped);
}

// ---------------------------------------------------------------------------------------
// Verification (each key type's Verify in x/crypto/ssh keys.go)

const DIGEST_INFO: Record<string, Buffer> = {
  sha1: Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};
const RSA_SIGNATURE_HASHES: Record<string, string | undefined> = { 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512', 'ssh-rsa': 'sha1' };

const digest = (algorithm: string, ...parts: Buffer[]): Buffer => {
  const h = createHash(algorithm);
  for (const part of parts) h.update(part);
  return h.digest();
};

function checkFormat(key: SshKey, signature: SignatureBody): void {
  if (signature.format.toString('latin1') !== key.type) {
    fail(`ssh: signature type ${goString(signature.format)} for key type ${key.type}`);
  }
}

function toLength(value: bigint, length: number): Buffer {
  const bytes = unsignedBytes(value);
  return Buffer.concat([Buffer.alloc(Math.max(0, length - bytes.length)), bytes]);
}

/** rsaPublicKey.Verify, then crypto/rsa VerifyPKCS1v15 (Go ≥ 1.24: keys under 1024 bits refused). */
function verifyRsa(key: { e: bigint; n: bigint }, data: Buffer, signature: SignatureBody): void {
  const format = signature.format.toString('latin1');
  const hash = RSA_SIGNATURE_HASHES[format];
  if (!hash) fail(`ssh: signature type ${goString(signature.format)} for key type ${KEY_RSA}`);
  const modulus = key.n < 0n ? -key.n : key.n;
  const bits = bitLength(modulus);
  const size = Math.ceil(bits / 8);
  // Short signatures (missing leading zeros) are padded to the modulus size.
  const blob = signature.blob.length < size ? toLength(toBigInt(signature.blob), size) : signature.blob;
  if (bits < 1024) fail(`crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`);
  if ((modulus & 1n) === 0n) fail('crypto/rsa: public modulus is even');
  const expected = Buffer.concat([DIGEST_INFO[hash]!, digest(hash, data)]);
  let recovered: Buffer | undefined;
  if (blob.length === size) {
    try {
      const jwk = { kty: 'RSA', n: unsignedBytes(modulus).toString('base64url'), e: unsignedBytes(key.e).toString('base64url') };
      recovered = publicDecrypt({ key: createPublicKey({ key: jwk, format: 'jwk' }), padding: constants.RSA_PKCS1_PADDING }, blob);
    } catch {
      recovered = undefined; // s ≥ n, or not a PKCS#1 type 1 block
    }
  }
  if (!recovered || !recovered.equals(expected)) fail('crypto/rsa: verification error');
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n % modulus;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return r0 === 1n ? ((s0 % m) + m) % m : undefined;
}

/** dsaPublicKey.Verify: SHA-1, r ‖ s of 20 bytes each, then Go's crypto/dsa Verify. */
function verifyDsa(key: { p: bigint; q: bigint; g: bigint; y: bigint }, data: Buffer, signature: SignatureBody): void {
  if (signature.blob.length !== 40) fail('ssh: DSA signature parse error');
  const r = toBigInt(signature.blob.subarray(0, 20));
  const s = toBigInt(signature.blob.subarray(20));
  const { p, q, g, y } = key;
  const w = s >= 1n && s < q ? modInverse(s, q) : undefined;
  let valid = r >= 1n && r < q && w !== undefined && bitLength(q) % 8 === 0;
  if (valid && w !== undefined) {
    const z = toBigInt(digest('sha1', data));
    const v = ((modPow(g, (z * w) % q, p) * modPow(y, (r * w) % q, p)) % p) % q;
    valid = v === r;
  }
  if (!valid) fail(NOT_VERIFIED);
}

/** The blob of an ECDSA signature: mpint r, mpint s (an anonymous Go struct). */
function ecdsaSignature(blob: Buffer): { r: bigint; s: bigint } {
  const w = new Unmarshaler(blob, '');
  const r = w.mpint();
  const s = w.mpint();
  w.end();
  return { r, s };
}

/** The sk-* signature fields after the blob: flags byte, uint32 counter (struct skFields). */
function securityKeyFields(rest: Buffer): Buffer {
  const w = new Unmarshaler(rest, 'skFields');
  const fields = w.fixed(5);
  w.end();
  if (!(fields[0]! & 0x01)) fail('ssh: signature missing required user presence flag');
  return fields;
}

/** What a security key signed: SHA-256(application) ‖ flags ‖ counter ‖ SHA-256(data). */
function securityKeyMessage(application: Buffer, fields: Buffer, data: Buffer): Buffer {
  return Buffer.concat([digest('sha256', application), fields, digest('sha256', data)]);
}

/** Go's PublicKey.Verify(data, sig) for every key type. */
function verifyKey(key: SshKey, data: Buffer, signature: SignatureBody): void {
  switch (key.kind) {
    case 'rsa':
      return verifyRsa(key, data, signature);
    case 'dsa':
      checkFormat(key, signature);
      return verifyDsa(key, data, signature);
    case 'ecdsa': {
      checkFormat(key, signature);
      const hashed = digest(ECDSA_TYPES[key.type]!.hash, data);
      const { r, s } = ecdsaSignature(signature.blob);
      if (!verifyEcdsaDigest(key.curve, key.point, hashed, r, s)) fail(NOT_VERIFIED);
      return;
    }
    case 'ed25519':
      checkFormat(key, signature);
      if (!verifyEd25519(key.key, data, signature.blob)) fail(NOT_VERIFIED);
      return;
    case 'sk-ecdsa': {
      checkFormat(key, signature);
      const { r, s } = ecdsaSignature(signature.blob);
      const message = securityKeyMessage(key.application, securityKeyFields(signature.rest), data);
      if (!verifyEcdsaDigest('P-256', key.point, digest('sha256', message), r, s)) fail(NOT_VERIFIED);
      return;
    }
    case 'sk-ed25519': {
      checkFormat(key, signature);
      const edSignature = new Unmarshaler(signature.blob, '').rest();
      const message = securityKeyMessage(key.application, securityKeyFields(signature.rest), data);
      if (!verifyEd25519(key.key, message, edSignature)) fail(NOT_VERIFIED);
      return;
    }
    case 'certificate':
      // Certificate.Verify uses the certified key; the certificate itself is not checked.
      return verifyKey(key.certificate.key, data, signature);
  }
}

/** Upstream's Verify(message, armoredSignature, publicKey) on the canonical values. */
function verifyCanonical(canonicalSignature: Buffer, canonicalKey: Buffer, content: Buffer): void {
  const decoded = decodeSignature(canonicalSignature);
  const { key } = parseAuthorizedKey(canonicalKey);
  const signed = Buffer.concat([
    MAGIC,
    sshString(NAMESPACE),
    sshString(''),
    sshString(decoded.hashAlgorithm),
    sshString(digest(decoded.hashAlgorithm, content)),
  ]);
  verifyKey(key, signed, decoded.signature);
}

/** Anything but InvalidEntryError escaping a parser is a bug; still report it as bad input. */
function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof InvalidEntryError) throw err;
    throw new InvalidEntryError(`ssh: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Synchronous: parse and verify answer at once (the interface also allows promises). */
export const sshFormat = {
  name: 'ssh',
  parseSignature(bytes) {
    return guarded(() => ({ canonical: armor(decodeSignature(bytes)) }));
  },
  parsePublicKey(bytes) {
    return guarded(() => {
      if (bytes.length > MAX_KEY_BYTES) fail('http: request body too large');
      const { key, comment } = parseAuthorizedKey(bytes);
      return { canonical: marshalAuthorizedKey(key), comment: goString(comment), subjects: [] };
    });
  },
  verify(signature, key, content) {
    guarded(() => verifyCanonical(signature.canonical, key.canonical, content));
  },
} satisfies RekordFormat<SshPublicKey, SshSignature>;
