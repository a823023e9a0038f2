/**
 * Signature verification over a digest that the client computed (pre-hashed), as sigstore's
 * `signature.LoadVerifierWithOpts(key, WithED25519ph())` + `VerifySignature(…, WithDigest)`
 * does for Rekor's hashedrekord (sigstore/sigstore pkg/signature: ecdsa.go, rsapkcs1v15.go,
 * rsapss.go, ed25519ph.go).
 *
 * node:crypto's sign/verify always hash their input, so it cannot check a signature over a
 * given digest directly. We use:
 * - ECDSA: the verification equation over the given digest with OpenSSL's scalar
 *   multiplication (ecdsa-digest.ts; the digest is truncated to the curve order as FIPS 186
 *   and Go do), high-S allowed as Go allows it. ASN.1 DER signatures, and
 *   IEEE P1363 r‖s when the bytes do not parse as ASN.1, as sigstore's ECDSAVerifier.
 * - RSA PKCS#1 v1.5: the raw RSA public operation (node `publicDecrypt`, which also checks
 *   the type 1 padding), then an exact compare against DigestInfo(hash) ‖ digest — the
 *   same comparison Go's rsa.VerifyPKCS1v15 makes.
 * - RSA-PSS: the raw RSA operation without padding, then EMSA-PSS-VERIFY (RFC 8017 §9.1.2)
 *   with MGF1 over the same hash and the salt length recovered (Go's PSSSaltLengthAuto).
 * - Ed25519ph: RFC 8032 §5.1 with the pre-hash flag, computed from @noble/curves' point
 *   arithmetic so that the *given* SHA-512 digest is used, and decided as Go's
 *   crypto/ed25519 decides (canonical S, cofactorless equation, R compared as encoded).
 */
import { constants, createHash, publicDecrypt } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { InvalidEntryError, SignatureVerificationError } from '../../errors';
import { DerError, TAG_INTEGER, TAG_SEQUENCE, isMinimalInteger, readChildren, readElement } from './der';
import type { EcdsaCurve, SubjectPublicKey } from './public-key';
import { verifyEcdsaDigest } from './ecdsa-digest';
import { toBigInt } from './ec-point';

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export const DIGEST_LENGTH: Record<DigestAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };

export interface DigestVerifyOptions {
  /** RSA signature scheme; Rekor v1 loads PKCS#1 v1.5 verifiers only. Default 'pkcs1v15'. */
  rsaPadding?: 'pkcs1v15' | 'pss';
}

/** Throws SignatureVerificationError (bad signature) or InvalidEntryError (unusable key). */
export function verifyDigestSignature(
  key: SubjectPublicKey,
  algorithm: DigestAlgorithm,
  digest: Buffer,
  signature: Buffer,
  options: DigestVerifyOptions = {},
): void {
  if (digest.length !== DIGEST_LENGTH[algorithm]) {
    throw new SignatureVerificationError('unexpected length of digest for hash function specified');
  }
  switch (key.algorithm.type) {
    case 'ecdsa':
      return verifyEcdsa(key.algorithm.curve, key.keyBytes, digest, signature);
    case 'rsa':
      return options.rsaPadding === 'pss'
        ? verifyRsaPss(key, algorithm, digest, signature)
        : verifyRsaPkcs1v15(key, algorithm, digest, signature);
    case 'ed25519':
      if (algorithm !== 'sha512') {
        // sigstore's ED25519phVerifier supports SHA-512 pre-hashes only.
        const name = algorithm.toUpperCase().replace('SHA', 'SHA-');
        throw new SignatureVerificationError(`unsupported hash algorithm: "${name}" not in [SHA-512]`);
      }
      if (!verifyEd25519ph(key.keyBytes, digest, signature)) {
        throw new SignatureVerificationError('failed to verify signature: ed25519: invalid signature');
      }
      return;
  }
}

function verifyEcdsa(curveName: EcdsaCurve, point: Buffer, digest: Buffer, signature: Buffer): void {
  if (curveName === 'P-224') {
    throw new InvalidEntryError('unsupported public key type: ecdsa P-224');
  }
  const asn1 = parseEcdsaAsn1(signature);
  let r: bigint;
  let s: bigint;
  if (asn1 === 'not-asn1') {
    // sigstore falls back to IEEE P1363 (r ‖ s) when the bytes are not ASN.1.
    if (signature.length === 0 || signature.length > 132 || signature.length % 2 !== 0) {
      throw new SignatureVerificationError('ecdsa: Invalid IEEE_P1363 encoded bytes');
    }
    r = toBigInt(signature.subarray(0, signature.length / 2));
    s = toBigInt(signature.subarray(signature.length / 2));
  } else if (asn1 === 'invalid') {
    throw new SignatureVerificationError('invalid signature when validating ASN.1 encoded signature');
  } else {
    ({ r, s } = asn1);
  }
  // r or s out of [1, n-1] is simply invalid, as in Go.
  if (!verifyEcdsaDigest(curveName, point, digest, r, s)) {
    const form = asn1 === 'not-asn1' ? 'IEEE_P1363' : 'ASN.1';
    throw new SignatureVerificationError(`invalid signature when validating ${form} encoded signature`);
  }
}

/**
 * Go's two-step reading of an ECDSA signature: encoding/asn1 decides whether the bytes are
 * ASN.1 at all (a SEQUENCE starting with two minimal INTEGERs; bytes after it tolerated),
 * then ecdsa.VerifyASN1 insists on exactly SEQUENCE { r, s } with positive r and s.
 */
function parseEcdsaAsn1(signature: Buffer): { r: bigint; s: bigint } | 'not-asn1' | 'invalid' {
  let children;
  let next: number;
  try {
    const read = readElement(signature, 0);
    next = read.next;
    if (read.element.tag !== TAG_SEQUENCE) return 'not-asn1';
    children = readChildren(read.element.content);
  } catch (err) {
    if (err instanceof DerError) return 'not-asn1';
    throw err;
  }
  const [r, s] = children;
  const isInteger = (e: typeof r): e is NonNullable<typeof r> =>
    e !== undefined && e.tag === TAG_INTEGER && isMinimalInteger(e.content);
  if (!isInteger(r) || !isInteger(s)) return 'not-asn1';
  if (next !== signature.length || children.length !== 2) return 'invalid';
  if (r.content[0]! & 0x80 || s.content[0]! & 0x80) return 'invalid';
  return { r: toBigInt(r.content), s: toBigInt(s.content) };
}

/** DER of DigestInfo { AlgorithmIdentifier { oid, NULL }, OCTET STRING } before the digest. */
const DIGEST_INFO_PREFIX: Record<DigestAlgorithm, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function rsaModulusBytes(key: SubjectPublicKey): number {
  return key.algorithm.type === 'rsa' ? Math.ceil(key.algorithm.modulusBits / 8) : 0;
}

/** The RSA public operation s^e mod n, or null when the signature is not a valid input. */
function rsaPublicOperation(key: SubjectPublicKey, signature: Buffer, padding: number): Buffer | null {
  if (signature.length !== rsaModulusBytes(key)) return null; // Go: len(sig) must be k
  try {
    return publicDecrypt({ key: key.keyObject, padding }, signature);
  } catch {
    return null; // s ≥ n, or (PKCS#1) not a type 1 block
  }
}

function verifyRsaPkcs1v15(key: SubjectPublicKey, algorithm: DigestAlgorithm, digest: Buffer, signature: Buffer): void {
  const recovered = rsaPublicOperation(key, signature, constants.RSA_PKCS1_PADDING);
  const expected = Buffer.concat([DIGEST_INFO_PREFIX[algorithm], digest]);
  if (!recovered || !recovered.equals(expected)) {
    throw new SignatureVerificationError('crypto/rsa: verification error');
  }
}

function verifyRsaPss(key: SubjectPublicKey, algorithm: DigestAlgorithm, digest: Buffer, signature: Buffer): void {
  const raw = rsaPublicOperation(key, signature, constants.RSA_NO_PADDING);
  if (!raw || !emsaPssVerify(raw, rsaModulusBits(key) - 1, algorithm, digest)) {
    throw new SignatureVerificationError('crypto/rsa: verification error');
  }
}

function rsaModulusBits(key: SubjectPublicKey): number {
  return key.algorithm.type === 'rsa' ? key.algorithm.modulusBits : 0;
}

/** RFC 8017 §9.1.2 with the salt length taken from the encoding itself. */
function emsaPssVerify(raw: Buffer, emBits: number, algorithm: DigestAlgorithm, mHash: Buffer): boolean {
  const emLength = Math.ceil(emBits / 8);
  const leading = raw.length - emLength;
  if (leading < 0 || raw.subarray(0, leading).some((b) => b !== 0)) return false;
  const em = raw.subarray(leading);
  const hLength = DIGEST_LENGTH[algorithm];
  if (emLength < hLength + 2 || em[emLength - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLength - hLength - 1);
  const h = em.subarray(emLength - hLength - 1, emLength - 1);
  const topBits = 8 * emLength - emBits;
  if (maskedDb[0]! & (0xff << (8 - topBits)) & 0xff) return false;
  const mask = mgf1(algorithm, h, maskedDb.length);
  const db = Buffer.from(maskedDb.map((b, i) => b ^ mask[i]!));
  db[0]! &= 0xff >> topBits;
  const separator = db.findIndex((b) => b !== 0);
  if (separator < 0 || db[separator] !== 0x01) return false;
  const salt = db.subarray(separator + 1);
  const hPrime = createHash(algorithm).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return hPrime.equals(h);
}

function mgf1(algorithm: DigestAlgorithm, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * DIGEST_LENGTH[algorithm] < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(algorithm).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** dom2(phflag = 1, context = "") of RFC 8032 §5.1. */
const ED25519PH_DOMAIN = Buffer.concat([Buffer.from('SigEd25519 no Ed25519 collisions'), Buffer.from([1, 0])]);
const ED25519_ORDER = ed25519.Point.Fn.ORDER;

/** Ed25519ph over a given SHA-512 digest, decided as Go's ed25519.VerifyWithOptions. */
export function verifyEd25519ph(publicKey: Buffer, digest: Buffer, signature: Buffer): boolean {
  return verifyEd25519WithDomain(publicKey, ED25519PH_DOMAIN, digest, signature);
}

/** Pure Ed25519 (RFC 8032 §5.1.7) over a message, decided as Go's ed25519.Verify. */
export function verifyEd25519(publicKey: Buffer, message: Buffer, signature: Buffer): boolean {
  return verifyEd25519WithDomain(publicKey, Buffer.alloc(0), message, signature);
}

function verifyEd25519WithDomain(publicKey: Buffer, domain: Buffer, message: Buffer, signature: Buffer): boolean {
  if (publicKey.length !== 32 || signature.length !== 64 || (signature[63]! & 0xe0) !== 0) return false;
  const encodedR = signature.subarray(0, 32);
  const s = toBigInt(Buffer.from(signature.subarray(32)).reverse());
  if (s >= ED25519_ORDER) return false; // S must be canonical
  try {
    // Go's edwards25519 SetBytes accepts non-canonical y encodings: noble's zip215 mode.
    const a = ed25519.Point.fromBytes(publicKey, true);
    const hram = createHash('sha512').update(domain).update(encodedR).update(publicKey).update(message);
    const k = toBigInt(hram.digest().reverse()) % ED25519_ORDER;
    // R' = [S]B − [k]A must encode to the R of the signature.
    const rPrime = ed25519.Point.BASE.multiplyUnsafe(s).add(a.negate().multiplyUnsafe(k));
    return Buffer.from(rPrime.toBytes()).equals(encodedR);
  } catch {
    return false;
  }
}

/**
 * A signature over a whole message, as sigstore's `signature.LoadVerifier(key, crypto.SHA256)`
 * checks it — what Rekor uses for DSSE envelopes (PAE bytes): ECDSA over SHA-256 whatever
 * the curve, RSA PKCS#1 v1.5 with SHA-256, pure Ed25519. Throws SignatureVerificationError.
 */
export function verifyMessageSignature(key: SubjectPublicKey, message: Buffer, signature: Buffer): void {
  if (key.algorithm.type === 'ed25519') {
    if (!verifyEd25519(key.keyBytes, message, signature)) throw new SignatureVerificationError('ed25519: invalid signature');
    return;
  }
  verifyDigestSignature(key, 'sha256', createHash('sha256').update(message).digest(), signature);
}
