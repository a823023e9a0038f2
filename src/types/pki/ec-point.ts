/**
 * NIST P-256/384/521 curves and their points, for the two places that work on a bare
 * point without OpenSSL's key objects: the key parser (is the point on the curve? its
 * canonical SPKI) and the ECDSA check over a given digest (ecdsa-digest.ts).
 *
 * OpenSSL 3's createPublicKey + export cost more than the signature check itself (~30% of a
 * validation worker's time under load). Go's ParsePKIXPublicKey accepts an uncompressed
 * point only if it lies on the curve, and MarshalPKIXPublicKey writes a fixed prefix
 * (algorithm and curve OIDs, BIT STRING header) followed by the point — so the canonical
 * SPKI is that prefix plus the point, and the on-curve check is y² = x³ − 3x + b (mod p).
 * Curve constants are @noble/curves'; the prefixes are taken once from node:crypto's own
 * encoding of a generated key, so nothing here is typed in by hand.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist';

export type NistCurve = 'P-256' | 'P-384' | 'P-521';

export interface CurveParams {
  /** OpenSSL's name, for createECDH. */
  openssl: string;
  /** Field prime, group order, and b of y² = x³ − 3x + b. */
  p: bigint;
  n: bigint;
  b: bigint;
  /** Bytes of a field element and of a scalar; bits of the order. */
  fieldBytes: number;
  scalarBytes: number;
  nBits: number;
}

function params(openssl: string, c: { p: bigint; n: bigint; b: bigint }): CurveParams {
  const nBits = c.n.toString(2).length;
  return {
    openssl,
    p: c.p,
    n: c.n,
    b: c.b,
    fieldBytes: Math.ceil(c.p.toString(2).length / 8),
    scalarBytes: Math.ceil(nBits / 8),
    nBits,
  };
}

export const CURVES: Record<NistCurve, CurveParams> = {
  'P-256': params('prime256v1', p256.Point.CURVE()),
  'P-384': params('secp384r1', p384.Point.CURVE()),
  'P-521': params('secp521r1', p521.Point.CURVE()),
};

export interface Point {
  x: bigint;
  y: bigint;
}

export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

/** The coordinates of an uncompressed point 0x04 ‖ X ‖ Y, or undefined if it is not one. */
export function decodePoint(curve: NistCurve, bytes: Uint8Array): Point | undefined {
  const { fieldBytes } = CURVES[curve];
  if (bytes.length !== 1 + 2 * fieldBytes || bytes[0] !== 4) return undefined;
  return { x: toBigInt(bytes.subarray(1, 1 + fieldBytes)), y: toBigInt(bytes.subarray(1 + fieldBytes)) };
}

/** True when `point` (0x04 ‖ X ‖ Y) has coordinates in [0, p) and lies on the curve. */
export function isOnCurve(curve: NistCurve, point: Uint8Array): boolean {
  const { p, b } = CURVES[curve];
  const pt = decodePoint(curve, point);
  if (!pt || pt.x >= p || pt.y >= p) return false;
  const { x, y } = pt;
  return (y * y - (x * x * x - 3n * x + b)) % p === 0n;
}

const spkiPrefixes = new Map<NistCurve, Buffer>();

/** The SPKI DER Go's MarshalPKIXPublicKey writes for this curve and point. */
export function ecSpki(curve: NistCurve, point: Uint8Array): Buffer {
  let prefix = spkiPrefixes.get(curve);
  if (!prefix) {
    const der = generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'der' });
    prefix = der.subarray(0, der.length - (1 + 2 * CURVES[curve].fieldBytes));
    spkiPrefixes.set(curve, prefix);
  }
  return Buffer.concat([prefix, point]);
}

/** node:crypto's KeyObject for the key, made only when something needs one. */
export function ecKeyObject(spki: Buffer) {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}
