/**
 * TUF public keys as go-tuf v0.7.0 reads and uses them (pkg/keys; Rekor imports
 * pkg/deprecated/set_ecdsa, so "ecdsa" keys may also be legacy hex points):
 *
 * - `ed25519`: keyval.public = hex of the 32 key bytes; Ed25519 over the message.
 * - `ecdsa` and `ecdsa-sha2-nistp256`: keyval.public = PEM "PUBLIC KEY" of an EC key on any
 *   curve Go parses, else the hex of an uncompressed P-256 point (04‖X‖Y); ECDSA over
 *   SHA-256 with an ASN.1 DER signature. If both readings fail, the hex one's error is
 *   reported.
 * - `rsa`: keyval.public = PEM "PUBLIC KEY" of an RSA key; RSASSA-PSS with SHA-256 and
 *   MGF1-SHA-256, any salt length (Go's PSSSaltLengthAuto).
 * The `scheme` plays no part. Any other keytype is "invalid key"; key errors are wrapped
 * "tuf: error unmarshalling key: …" as GetVerifier wraps them.
 *
 * A key's ID for counting signatures (go-tuf data.PublicKey.IDs) is the SHA-256 of the OLPC
 * canonical JSON of {keytype, scheme, keyid_hash_algorithms (if any), keyval}, whatever ID
 * the root files it under.
 */
import { createHash, verify as nodeVerify } from 'node:crypto';
import { InvalidEntryError, SignatureVerificationError } from '../../errors';
import { readChildren, readElement, readSingle, TAG_INTEGER, TAG_SEQUENCE, isMinimalInteger, DerError } from '../pki/der';
import { isOnCurve, toBigInt } from '../pki/ec-point';
import { verifyEcdsaDigest } from '../pki/ecdsa-digest';
import { decodePem } from '../pki/pem';
import { parseSubjectPublicKeyInfo, type SubjectPublicKey } from '../pki/public-key';
import { verifyDigestSignature, verifyEd25519 } from '../pki/verify';
import { olpcCanonicalJson } from './canonical-json';
import { decodeAny, goMarshal, goUnmarshalDocument, GoTypeError, parseDocument, unquote, type GoDocument, type GoType } from './go-json';

/** go-tuf's data.PublicKey, as decoded from a root's `keys`. */
export interface TufPublicKey {
  keytype: string;
  scheme: string;
  /** keyid_hash_algorithms; undefined for Go's nil slice. */
  algorithms: string[] | undefined;
  /** The raw `keyval` (json.RawMessage); undefined when the member is absent. */
  keyval: Buffer | undefined;
}

export interface TufVerifier {
  /** Whether `signature` verifies `message`; failures of any kind are false, as in go-tuf. */
  verify(message: Buffer, signature: Buffer): boolean;
  /** The key IDs go-tuf computes for the key (for counting distinct signers). */
  keyIds(): string[];
}

/** keys.MaxJSONKeySize: the decoder reading a keyval stops after 512 KiB. */
const MAX_JSON_KEY_SIZE = 512 * 1024;

function keyError(message: string): never {
  throw new InvalidEntryError(`tuf: error unmarshalling key: ${message}`);
}

/**
 * `json.NewDecoder(io.LimitReader(keyval, MaxJSONKeySize)).Decode(&verifierStruct)` for a
 * struct whose one field `public` has type `publicType`. Returns the decoded `public`
 * (undefined if absent or null-valued for a pointer), or throws the Go error message
 * (before "tuf: error unmarshalling key: " is added).
 */
function decodeKeyval(keyval: Buffer | undefined, structName: string, publicType: GoType): unknown {
  if (keyval === undefined) throw new InvalidEntryError('tuf: the public key is truncated or too large: EOF');
  let doc: GoDocument = parseDocument(keyval);
  if (keyval.length > MAX_JSON_KEY_SIZE) {
    // The limited reader cuts the value short; only a number can still be read whole.
    if (doc.root.type !== 'number') throw new InvalidEntryError('tuf: the public key is truncated or too large: unexpected EOF');
    doc = parseDocument(Buffer.from('0'));
  }
  const struct: GoType = { kind: 'struct', name: `keys.${structName}`, shortName: structName, fields: { public: publicType } };
  const value = goUnmarshalDocument(doc, struct) as { public?: unknown } | undefined;
  return value?.public;
}

/** data.HexBytes.UnmarshalJSON over the raw JSON value. */
export function unmarshalHexBytes(bytes: Buffer): Buffer {
  if (bytes.length < 2 || bytes.length % 2 !== 0 || bytes[0] !== 0x22 || bytes[bytes.length - 1] !== 0x22) {
    throw new InvalidEntryError('tuf: invalid JSON hex bytes');
  }
  const text = bytes.subarray(1, bytes.length - 1);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) {
      throw new InvalidEntryError(`encoding/hex: invalid byte: ${goRuneLiteral(c)}`);
    }
  }
  return Buffer.from(text.toString('latin1'), 'hex');
}

/** fmt's %#U of rune(b) for a byte: "U+0041 'A'", or "U+0080" when not printable. */
function goRuneLiteral(b: number): string {
  const code = `U+${b.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = (b >= 0x20 && b < 0x7f) || (b >= 0xa1 && b !== 0xad);
  return printable ? `${code} '${String.fromCharCode(b)}'` : code;
}

const HEX_BYTES: GoType = { kind: 'unmarshaler', unmarshal: (bytes) => unmarshalHexBytes(bytes) };

/** keys.PKIXPublicKey.UnmarshalJSON: a JSON string holding a PEM "PUBLIC KEY". */
const PKIX_PUBLIC_KEY: GoType = {
  kind: 'pointerUnmarshaler',
  unmarshal: (bytes): SubjectPublicKey | 'not-rsa-or-ecdsa' => {
    const doc = parseDocument(bytes);
    if (doc.root.type !== 'string') {
      const what = doc.root.type === 'true' || doc.root.type === 'false' ? 'bool' : doc.root.type;
      throw new GoTypeError(what, 'string');
    }
    const pem = Buffer.from(unquote(doc.src, doc.root.start, doc.root.end), 'utf8');
    const { block } = decodePem(pem);
    if (!block) throw new InvalidEntryError('invalid PEM value');
    if (block.type !== 'PUBLIC KEY') throw new InvalidEntryError(`invalid block type: ${block.type}`);
    try {
      return parseSubjectPublicKeyInfo(block.bytes);
    } catch (err) {
      // Go parses DSA and X25519 keys too; go-tuf then finds they are neither RSA nor ECDSA.
      if (err instanceof InvalidEntryError && err.message === 'unsupported public key type') return 'not-rsa-or-ecdsa';
      throw err;
    }
  },
};

/** What the PEM reading (EcdsaVerifier / rsaVerifier UnmarshalPublicKey) makes of a keyval. */
type PemReading = { key: SubjectPublicKey } | { nilKey: true };

/**
 * The PEM reading: the key, `nilKey` when the keyval decodes without a `public` (go-tuf then
 * dereferences a nil pointer and panics — Rekor's recoverer answers 500), or Go's error.
 */
function readPemKey(keyval: Buffer | undefined, structName: string, type: 'ecdsa' | 'rsa'): PemReading {
  const key = decodeKeyval(keyval, structName, PKIX_PUBLIC_KEY) as SubjectPublicKey | 'not-rsa-or-ecdsa' | undefined;
  if (key === undefined) return { nilKey: true };
  if (key === 'not-rsa-or-ecdsa' || key.algorithm.type !== type) throw new InvalidEntryError('invalid public key');
  return { key };
}

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** ecdsa.VerifyASN1's signature reading: exactly SEQUENCE { r, s }, minimal positive INTEGERs. */
function parseAsn1Signature(signature: Buffer): { r: bigint; s: bigint } | null {
  try {
    const { element, next } = readElement(signature, 0);
    if (next !== signature.length || element.tag !== TAG_SEQUENCE) return null;
    const children = readChildren(element.content);
    if (children.length !== 2) return null;
    const [r, s] = children as [NonNullable<(typeof children)[0]>, NonNullable<(typeof children)[0]>];
    for (const n of [r, s]) {
      if (n.tag !== TAG_INTEGER || !isMinimalInteger(n.content) || n.content[0]! & 0x80) return null;
    }
    return { r: toBigInt(r.content), s: toBigInt(s.content) };
  } catch (err) {
    if (err instanceof DerError) return null;
    throw err;
  }
}

function verifyEcdsa(key: SubjectPublicKey, message: Buffer, signature: Buffer): boolean {
  const rs = parseAsn1Signature(signature);
  if (!rs || key.algorithm.type !== 'ecdsa') return false;
  const digest = sha256(message);
  if (key.algorithm.curve === 'P-224') {
    // Not among the curves of ecdsa-digest.ts; OpenSSL reads the (already strict DER) signature.
    return nodeVerify('sha256', message, key.keyObject, signature);
  }
  return verifyEcdsaDigest(key.algorithm.curve, key.keyBytes, digest, rs.r, rs.s);
}

/** Go's RSA public key checks at verification (crypto/rsa: ≥ 1024 bits, odd modulus, odd 3 ≤ e < 2^31). */
function rsaUsable(key: SubjectPublicKey): boolean {
  try {
    const [n, e] = readChildren(readSingle(key.keyBytes, TAG_SEQUENCE).content);
    if (!n || !e) return false;
    const modulus = toBigInt(n.content);
    const exponent = toBigInt(e.content);
    return modulus.toString(2).length >= 1024 && (modulus & 1n) === 1n && (exponent & 1n) === 1n && exponent >= 3n && exponent < 2n ** 31n;
  } catch (err) {
    if (err instanceof DerError) return false;
    throw err;
  }
}

function verifyRsaPss(key: SubjectPublicKey, message: Buffer, signature: Buffer): boolean {
  if (!rsaUsable(key)) return false;
  try {
    verifyDigestSignature(key, 'sha256', sha256(message), signature, { rsaPadding: 'pss' });
    return true;
  } catch (err) {
    if (err instanceof InvalidEntryError || err instanceof SignatureVerificationError) return false;
    throw err;
  }
}

/** data.PublicKey.IDs(): hex SHA-256 of the OLPC canonical JSON of json.Marshal(key). */
function computeKeyIds(key: TufPublicKey): string[] {
  // EncodeCanonical marshals the struct (keyid_hash_algorithms is omitempty, a nil keyval
  // is null), then decodes that text with UseNumber before encoding it.
  const members = [`"keytype":${goMarshal(key.keytype).toString('utf8')}`, `"scheme":${goMarshal(key.scheme).toString('utf8')}`];
  if (key.algorithms && key.algorithms.length > 0) members.push(`"keyid_hash_algorithms":${goMarshal(key.algorithms).toString('utf8')}`);
  const marshalled = Buffer.concat([Buffer.from(`{${members.join(',')},"keyval":`, 'utf8'), key.keyval ?? Buffer.from('null'), Buffer.from('}')]);
  const doc = parseDocument(marshalled);
  const decoded = decodeAny(doc, doc.root, true);
  try {
    if (!decoded.ok) throw new InvalidEntryError(decoded.error);
    return [sha256(olpcCanonicalJson(decoded.value)).toString('hex')];
  } catch (err) {
    // go-tuf panics here ("tuf: error creating key ID"); Rekor's recoverer answers 500.
    if (err instanceof InvalidEntryError) throw new InvalidEntryError(`tuf: error creating key ID: ${err.message}`);
    throw err;
  }
}

function withIds(key: TufPublicKey, verify: (message: Buffer, signature: Buffer) => boolean): TufVerifier {
  let ids: string[] | undefined;
  return {
    verify(message, signature) {
      try {
        return verify(message, signature);
      } catch (err) {
        if (err instanceof InvalidEntryError) return false;
        throw err;
      }
    },
    keyIds: () => (ids ??= computeKeyIds(key)),
  };
}

function ed25519Verifier(key: TufPublicKey): TufVerifier {
  let publicKey: Buffer;
  try {
    publicKey = (decodeKeyval(key.keyval, 'ed25519Verifier', HEX_BYTES) as Buffer | undefined) ?? Buffer.alloc(0);
  } catch (err) {
    if (err instanceof InvalidEntryError) keyError(err.message);
    throw err;
  }
  if (publicKey.length !== 32) keyError(`tuf: unexpected public key length for ed25519 key, expected 32, got ${publicKey.length}`);
  return withIds(key, (message, signature) => verifyEd25519(publicKey, message, signature));
}

function ecdsaVerifier(key: TufPublicKey): TufVerifier {
  let reading: PemReading | undefined;
  try {
    reading = readPemKey(key.keyval, 'EcdsaVerifier', 'ecdsa');
  } catch (err) {
    if (!(err instanceof InvalidEntryError)) throw err;
    // The PEM reading failed: its error is dropped and the hex reading tried.
  }
  if (reading && 'nilKey' in reading) keyError('invalid public key'); // Rekor: panic, 500
  if (reading) {
    const ecKey = reading.key;
    return withIds(key, (message, signature) => verifyEcdsa(ecKey, message, signature));
  }
  // The legacy reading: hex of an uncompressed P-256 point.
  let point: Buffer;
  try {
    point = (decodeKeyval(key.keyval, 'deprecatedP256Verifier', HEX_BYTES) as Buffer | undefined) ?? Buffer.alloc(0);
  } catch (err) {
    if (err instanceof InvalidEntryError) keyError(err.message);
    throw err;
  }
  if (!isOnCurve('P-256', point)) keyError('tuf: invalid ecdsa public key point');
  return withIds(key, (message, signature) => {
    const rs = parseAsn1Signature(signature);
    return rs !== null && verifyEcdsaDigest('P-256', point, sha256(message), rs.r, rs.s);
  });
}

function rsaVerifier(key: TufPublicKey): TufVerifier {
  let reading: PemReading;
  try {
    reading = readPemKey(key.keyval, 'rsaVerifier', 'rsa');
  } catch (err) {
    if (err instanceof InvalidEntryError) keyError(err.message);
    throw err;
  }
  if ('nilKey' in reading) keyError('invalid public key'); // Rekor: panic, 500
  const rsaKey = reading.key;
  return withIds(key, (message, signature) => verifyRsaPss(rsaKey, message, signature));
}

/** keys.GetVerifier: the verifier for a root key, or Go's error. */
export function getVerifier(key: TufPublicKey): TufVerifier {
  switch (key.keytype) {
    case 'ed25519':
      return ed25519Verifier(key);
    case 'ecdsa':
    case 'ecdsa-sha2-nistp256':
      return ecdsaVerifier(key);
    case 'rsa':
      return rsaVerifier(key);
    default:
      throw new InvalidEntryError('invalid key');
  }
}

/** For tests and callers that hold a key's raw JSON: its go-tuf key ID. */
export function tufKeyId(key: TufPublicKey): string {
  return computeKeyIds(key)[0]!;
}
