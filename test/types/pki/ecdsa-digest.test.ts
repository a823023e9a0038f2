/**
 * The native-speed ECDSA digest verifier agrees with two independent references — the
 * pure-JS @noble/curves and node:crypto's own verify — on valid signatures, high-S
 * twins, every kind of mutation, random (r, s), truncated long digests, and the rare
 * branches of its point addition (u1 = 0, T = Q, T = −Q).
 */
import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { p256, p384, p521 } from '@noble/curves/nist';
import { verifyEcdsaDigest, type DigestCurve } from '../../../src/types/pki/ecdsa-digest';

const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const HASH = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' } as const;
const CURVES = Object.keys(NOBLE) as DigestCurve[];

function toBigInt(b: Uint8Array): bigint {
  return BigInt('0x' + Buffer.from(b).toString('hex'));
}

function keyOf(curve: DigestCurve): { privateKey: KeyObject; point: Buffer; d: bigint } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const d = toBigInt(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
  return { privateKey, point, d };
}

function rs(curve: DigestCurve, der: Buffer): { r: bigint; s: bigint } {
  const sig = NOBLE[curve].Signature.fromBytes(der, 'der');
  return { r: sig.r, s: sig.s };
}

function noble(curve: DigestCurve, point: Uint8Array, digest: Uint8Array, r: bigint, s: bigint): boolean {
  try {
    const compact = new NOBLE[curve].Signature(r, s).toBytes('compact');
    return NOBLE[curve].verify(compact, digest, point, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

describe.each(CURVES)('ECDSA %s over a given digest', (curve) => {
  const n = NOBLE[curve].Point.CURVE().n;
  const key = keyOf(curve);

  it('accepts what node:crypto signs and node:crypto accepts, and the high-S twin as Go does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (message) => {
        const der = sign(HASH[curve], message, key.privateKey);
        expect(verify(HASH[curve], message, key.privateKey, der)).toBe(true);
        const digest = createHash(HASH[curve]).update(message).digest();
        const { r, s } = rs(curve, der);
        expect(verifyEcdsaDigest(curve, key.point, digest, r, s)).toBe(true);
        expect(verifyEcdsaDigest(curve, key.point, digest, r, n - s)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('truncates a digest longer than the curve order, as FIPS 186 and Go do', () => {
    // P-256 with SHA-512, P-384 with SHA-512: node signs the truncated hash the same way.
    const message = Buffer.from('a long digest');
    const der = sign('sha512', message, key.privateKey);
    const digest = createHash('sha512').update(message).digest();
    const { r, s } = rs(curve, der);
    expect(verifyEcdsaDigest(curve, key.point, digest, r, s)).toBe(true);
    expect(noble(curve, key.point, digest, r, s)).toBe(true);
  });

  it('agrees with @noble/curves on every mutation of signature, digest and key', () => {
    const other = keyOf(curve);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.constantFrom('r', 's', 'digest', 'key'),
        fc.nat(),
        (message, what, at) => {
          const digest = createHash(HASH[curve]).update(message).digest();
          let { r, s } = rs(curve, sign(HASH[curve], message, key.privateKey));
          let point = key.point;
          const d = Buffer.from(digest);
          if (what === 'r') r = (r + BigInt(at % 1000) + 1n) % n;
          if (what === 's') s = (s ^ (1n << BigInt(at % 200))) % n;
          if (what === 'digest') d[at % d.length] ^= 1 << (at % 8);
          if (what === 'key') point = other.point;
          const ours = verifyEcdsaDigest(curve, point, d, r, s);
          expect(ours).toBe(noble(curve, point, d, r, s));
          expect(ours).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('agrees with @noble/curves on random (r, s), including out-of-range values', () => {
    const digest = createHash(HASH[curve]).update('random').digest();
    fc.assert(
      fc.property(fc.bigInt({ min: -1n, max: n + 1n }), fc.bigInt({ min: -1n, max: n + 1n }), (r, s) => {
        expect(verifyEcdsaDigest(curve, key.point, digest, r, s)).toBe(noble(curve, key.point, digest, r, s));
      }),
      { numRuns: 60 },
    );
  });

  describe('in the rare branches of R = u2·(T + Q), T = (e/r)·G', () => {
    const { Point } = NOBLE[curve];
    const mod = (a: bigint) => ((a % n) + n) % n;
    const inv = (a: bigint) => {
      let [r0, r1, s0, s1] = [mod(a), n, 1n, 0n];
      while (r1) [r0, r1, s0, s1] = [r1, r0 - (r0 / r1) * r1, s1, s0 - (r0 / r1) * s1];
      return mod(s0);
    };
    const nBits = n.toString(2).length;
    const bytes = Math.ceil(nBits / 8);
    /** A digest whose leftmost nBits bits (all the verifier reads) are e. */
    const digestOf = (e: bigint) => Buffer.from((e << BigInt(bytes * 8 - nBits)).toString(16).padStart(bytes * 2, '0'), 'hex');
    /** A valid signature on digest e, made by hand with nonce k: s = k⁻¹(e + r·d). */
    const signWith = (e: bigint, k: bigint) => {
      const r = mod(Point.BASE.multiply(k).x);
      return { r, s: mod(inv(k) * (e + r * key.d)) };
    };

    it('u1 = 0 (a zero digest): valid and accepted', () => {
      const { r, s } = signWith(0n, 12345n);
      const digest = digestOf(0n);
      expect(noble(curve, key.point, digest, r, s)).toBe(true);
      expect(verifyEcdsaDigest(curve, key.point, digest, r, s)).toBe(true);
    });

    it('T = Q (e = d·r, the doubling case): valid and accepted', () => {
      const k = 987654321n;
      const r = mod(Point.BASE.multiply(k).x);
      const e = mod(key.d * r);
      const s = mod(inv(k) * (e + r * key.d));
      const digest = digestOf(e);
      expect(noble(curve, key.point, digest, r, s)).toBe(true);
      expect(verifyEcdsaDigest(curve, key.point, digest, r, s)).toBe(true);
    });

    it('T = −Q (R is the point at infinity): refused', () => {
      const r = mod(Point.BASE.multiply(424242n).x);
      const e = mod(-key.d * r);
      const digest = digestOf(e);
      for (const s of [1n, 2n, n - 1n]) {
        expect(noble(curve, key.point, digest, r, s)).toBe(false);
        expect(verifyEcdsaDigest(curve, key.point, digest, r, s)).toBe(false);
      }
    });
  });
});
