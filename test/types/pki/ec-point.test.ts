/**
 * Bare EC keys checked and re-encoded without OpenSSL agree with node:crypto's own
 * decoding and encoding: the same canonical SPKI for every generated key, the same refusal
 * of points off the curve, and a usable KeyObject when one is asked for.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { InvalidEntryError } from '../../../src/errors';
import { parseSubjectPublicKeyInfo } from '../../../src/types/pki/public-key';
import { isOnCurve } from '../../../src/types/pki/ec-point';

const CURVES = ['P-256', 'P-384', 'P-521'] as const;

describe.each(CURVES)('a bare %s key', (curve) => {
  const keys = Array.from({ length: 8 }, () => generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'der' }));

  it("re-encodes exactly as node:crypto (and Go's MarshalPKIXPublicKey) do", () => {
    for (const der of keys) {
      const key = parseSubjectPublicKeyInfo(der);
      expect(key.spki.equals(der)).toBe(true);
      expect(key.spki.equals(createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' }))).toBe(true);
      expect(key.keyObject.asymmetricKeyDetails?.namedCurve).toBeDefined();
    }
  });

  it('is refused when its point is off the curve, as node:crypto refuses it', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const der = Buffer.from(keys[at % keys.length]);
        const fieldBytes = { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[curve];
        const y = der.length - 1 - (at % fieldBytes); // a byte of Y
        der[y] ^= xor;
        const nodeAccepts = (() => {
          try {
            createPublicKey({ key: der, format: 'der', type: 'spki' });
            return true;
          } catch {
            return false;
          }
        })();
        const point = der.subarray(der.length - (1 + 2 * fieldBytes));
        expect(isOnCurve(curve, point)).toBe(nodeAccepts);
        if (!nodeAccepts) expect(() => parseSubjectPublicKeyInfo(der)).toThrow(new InvalidEntryError('x509: failed to unmarshal elliptic curve point'));
      }),
      { numRuns: 50 },
    );
  });
});
