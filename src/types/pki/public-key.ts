/**
 * PKIX SubjectPublicKeyInfo, accepted and rejected as Go's `x509.ParsePKIXPublicKey` does
 * and re-encoded as `x509.MarshalPKIXPublicKey` does (sigstore/rekor pkg/pki/x509 uses
 * both). node:crypto alone would also take compressed EC points, RSA keys without NULL
 * parameters, trailing bytes and more, and could re-encode them differently from Rekor.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import { ecKeyObject, ecSpki, isOnCurve, type NistCurve } from './ec-point';
import {
  DerError,
  TAG_BIT_STRING,
  TAG_NULL,
  TAG_OID,
  TAG_SEQUENCE,
  decodeOid,
  readChildren,
  readSingle,
} from './der';

export type EcdsaCurve = 'P-224' | 'P-256' | 'P-384' | 'P-521';

export type PublicKeyAlgorithm =
  | { type: 'rsa'; modulusBits: number }
  | { type: 'ecdsa'; curve: EcdsaCurve }
  | { type: 'ed25519' };

export interface SubjectPublicKey {
  algorithm: PublicKeyAlgorithm;
  keyObject: KeyObject;
  /** The raw key of the BIT STRING: an uncompressed EC point, 32 Ed25519 bytes, PKCS#1 RSA. */
  keyBytes: Buffer;
  /** PKIX DER as Go's MarshalPKIXPublicKey writes it. */
  spki: Buffer;
}

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const OID_ED25519 = '1.3.101.112';
/** Keys Go parses but sigstore's LoadVerifier cannot use ("unsupported public key type"). */
const OIDS_PARSED_NOT_VERIFIABLE = new Set(['1.2.840.10040.4.1' /* DSA */, '1.3.101.110' /* X25519 */]);

const CURVES: Record<string, { curve: EcdsaCurve; fieldBytes: number }> = {
  '1.3.132.0.33': { curve: 'P-224', fieldBytes: 28 },
  '1.2.840.10045.3.1.7': { curve: 'P-256', fieldBytes: 32 },
  '1.3.132.0.34': { curve: 'P-384', fieldBytes: 48 },
  '1.3.132.0.35': { curve: 'P-521', fieldBytes: 66 },
};

function fail(message: string): never {
  throw new InvalidEntryError(message);
}

/**
 * Parse a DER SubjectPublicKeyInfo. `spki` must be exactly one element (Go: "trailing data
 * after ASN.1 of public-key"). Throws InvalidEntryError with Go's wording.
 */
export function parseSubjectPublicKeyInfo(spki: Buffer): SubjectPublicKey {
  try {
    return parseChecked(spki);
  } catch (err) {
    if (err instanceof DerError) fail(`x509: malformed public key: ${err.message}`);
    throw err;
  }
}

function parseChecked(spki: Buffer): SubjectPublicKey {
  const [algorithmId, bitString, ...extra] = readChildren(readSingle(spki, TAG_SEQUENCE).content);
  if (!algorithmId || !bitString || extra.length > 0) throw new DerError('not a SubjectPublicKeyInfo');
  if (algorithmId.tag !== TAG_SEQUENCE || bitString.tag !== TAG_BIT_STRING) throw new DerError('bad tags');
  const [oidElement, parameterElement, ...more] = readChildren(algorithmId.content);
  if (!oidElement || oidElement.tag !== TAG_OID || more.length > 0) throw new DerError('bad AlgorithmIdentifier');
  // Whole-byte keys only: the "unused bits" octet must be zero.
  if (bitString.content.length < 1 || bitString.content[0] !== 0) throw new DerError('bad BIT STRING');
  const keyBytes = bitString.content.subarray(1);
  const algorithm = classify(decodeOid(oidElement.content), parameterElement?.raw, keyBytes);
  if (algorithm.type === 'ecdsa' && algorithm.curve !== 'P-224') return parseEcPoint(algorithm, keyBytes);
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    fail('x509: invalid public key');
  }
  return {
    algorithm,
    keyObject,
    keyBytes,
    spki: keyObject.export({ type: 'spki', format: 'der' }),
  };
}

/**
 * A P-256/384/521 key, checked and re-encoded without OpenSSL (see ec-point.ts); its
 * KeyObject is made only if something asks (a certificate chain check), since the ECDSA
 * check works on the point itself.
 */
function parseEcPoint(algorithm: PublicKeyAlgorithm & { type: 'ecdsa' }, keyBytes: Buffer): SubjectPublicKey {
  const curve = algorithm.curve as NistCurve;
  // Go's elliptic.Unmarshal refuses a point off the curve with the same words as a bad encoding.
  if (!isOnCurve(curve, keyBytes)) fail('x509: failed to unmarshal elliptic curve point');
  const spki = ecSpki(curve, keyBytes);
  let keyObject: KeyObject | undefined;
  return {
    algorithm,
    keyBytes,
    spki,
    get keyObject() {
      return (keyObject ??= ecKeyObject(spki));
    },
  };
}

function classify(oid: string, parameters: Buffer | undefined, keyBytes: Buffer): PublicKeyAlgorithm {
  switch (oid) {
    case OID_RSA:
      if (!parameters || parameters.length !== 2 || parameters[0] !== TAG_NULL || parameters[1] !== 0) {
        fail('x509: RSA key missing NULL parameters');
      }
      return { type: 'rsa', modulusBits: rsaModulusBits(keyBytes) };
    case OID_EC: {
      if (!parameters || parameters[0] !== TAG_OID) fail('x509: failed to parse ECDSA parameters as named curve');
      const named = CURVES[decodeOid(readSingle(parameters, TAG_OID).content)];
      if (!named) fail('x509: unsupported elliptic curve');
      // Go's elliptic.Unmarshal takes only the uncompressed form 0x04 ‖ X ‖ Y.
      if (keyBytes.length !== 1 + 2 * named.fieldBytes || keyBytes[0] !== 0x04) {
        fail('x509: failed to unmarshal elliptic curve point');
      }
      return { type: 'ecdsa', curve: named.curve };
    }
    case OID_ED25519:
      if (parameters !== undefined) fail('x509: Ed25519 key encoded with illegal parameters');
      if (keyBytes.length !== 32) fail('x509: wrong Ed25519 public key size');
      return { type: 'ed25519' };
    default:
      if (OIDS_PARSED_NOT_VERIFIABLE.has(oid)) fail('unsupported public key type');
      return fail('x509: unknown public key algorithm');
  }
}

/** Bit length of the modulus of a PKCS#1 RSAPublicKey; Go requires both integers positive. */
function rsaModulusBits(pkcs1: Buffer): number {
  const [modulus, exponent, ...extra] = readChildren(readSingle(pkcs1, TAG_SEQUENCE).content);
  if (!modulus || !exponent || extra.length > 0) throw new DerError('not an RSAPublicKey');
  const n = positiveInteger(modulus.tag, modulus.content);
  if (n === null) fail('x509: RSA modulus is not a positive number');
  if (positiveInteger(exponent.tag, exponent.content) === null) {
    fail('x509: RSA public exponent is not a positive number');
  }
  return n.toString(2).length;
}

function positiveInteger(tag: number, content: Buffer): bigint | null {
  if (tag !== 0x02 || content.length === 0) throw new DerError('expected INTEGER');
  if (content.length > 1 && content[0] === 0 && content[1]! < 0x80) throw new DerError('non-minimal integer');
  if (content[0]! & 0x80) return null;
  const value = BigInt('0x' + content.toString('hex'));
  return value > 0n ? value : null;
}
