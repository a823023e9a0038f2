/**
 * Bare NIST EC public keys without OpenSSL's key decoder and encoder, which cost more than
 * the signature check itself (OpenSSL 3's createPublicKey + export: ~30% of a validation
 * worker's time under load). Go's ParsePKIXPublicKey accepts an uncompressed point only if
 * it lies on the curve, and MarshalPKIXPublicKey writes a fixed prefix (algorithm and
 * curve OIDs, BIT STRING header) followed by the point — so the canonical SPKI is that
 * prefix plus the point, and the on-curve check is y² = x³ − 3x + b (mod p).
 * Curve constants are @noble/curves'; the prefixes are taken once from node:crypto's own
 * encoding of a generated key, so nothing here is typed in by hand.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist';

export type FastCurve = 'P-256' | 'P-384' | 'P-521';

interface CurveInfo {
  p: bigint;
  b: bigint;
  fieldBytes: number;
  prefix: Buffer;
}

const cache = new Map<FastCurve, CurveInfo>();

function info(curve: FastCurve): CurveInfo {
  let c = cache.get(curve);
  if (!c) {
    const { p, b } = { 'P-256': p256, 'P-384': p384, 'P-521': p521 }[curve].Point.CURVE();
    const fieldBytes = Math.ceil(p.toString(2).length / 8);
    const der = generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'der' });
    c = { p, b, fieldBytes, prefix: der.subarray(0, der.length - (1 + 2 * fieldBytes)) };
    cache.set(curve, c);
  }
  return c;
}

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

/** True when `point` (0x04 ‖ X ‖ Y) has coordinates in [0, p) and lies on the curve. */
export function isOnCurve(curve: FastCurve, point: Uint8Array): boolean {
  const { p, b, fieldBytes } = info(curve);
  if (point.length !== 1 + 2 * fieldBytes || point[0] !== 4) return false;
  const x = toBigInt(point.subarray(1, 1 + fieldBytes));
  const y = toBigInt(point.subarray(1 + fieldBytes));
  if (x >= p || y >= p) return false;
  return (y * y - (x * x * x - 3n * x + b)) % p === 0n;
}

/** The SPKI DER Go's MarshalPKIXPublicKey writes for this curve and point. */
export function ecSpki(curve: FastCurve, point: Uint8Array): Buffer {
  return Buffer.concat([info(curve).prefix, point]);
}

/** node:crypto's KeyObject for the key, made only when something needs one. */
export function ecKeyObject(spki: Buffer) {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}
