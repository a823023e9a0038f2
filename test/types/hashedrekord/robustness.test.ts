/**
 * Whatever a client sends, canonicalize answers with a canonical entry or one of the
 * domain errors — never a TypeError, a RangeError or an OpenSSL error escaping as a 500.
 */
import fc from 'fast-check';
import { InvalidEntryError, SignatureVerificationError, UnprocessableError } from '../../../src/errors';
import { hashedRekordV001 } from '../../../src/types/hashedrekord/v0.0.1';
import { canonicalizeProposedEntry } from '../../../src/types/registry';
import { hashedRekordSpec, makeCertificateAuthority, makeSigner, toPem } from '../helpers';

const signer = makeSigner('ecdsa-p256');
const { digest, signature } = signer.sign(Buffer.from('artifact'));

async function outcome(promise: Promise<unknown>): Promise<'ok' | 'invalid' | 'unverified'> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    // UnprocessableError: the {kind, apiVersion, spec} envelope itself is wrong (Rekor's 422).
    if (err instanceof InvalidEntryError || err instanceof UnprocessableError) return 'invalid';
    if (err instanceof SignatureVerificationError) return 'unverified';
    throw err;
  }
}

/** Flip `flips` bytes of `bytes` at the given positions. */
function mutate(bytes: Buffer, flips: { at: number; xor: number }[]): Buffer {
  const copy = Buffer.from(bytes);
  for (const { at, xor } of flips) copy[at % copy.length]! ^= xor;
  return copy;
}

const flips = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 });

describe('canonicalizing whatever a client sends', () => {
  it('refuses arbitrary JSON as a proposed entry with a domain error only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        expect(await outcome(canonicalizeProposedEntry(value))).toBe('invalid');
        expect(await outcome(canonicalizeProposedEntry({ kind: 'hashedrekord', apiVersion: '0.0.1', spec: value }))).toBe(
          'invalid',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('answers a certificate with corrupted bytes with a domain error or an entry', async () => {
    const ca = await makeCertificateAuthority();
    const der = Buffer.from(
      (await ca.issue(signer.spki, { email: 'a@example.org' })).replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    );
    await fc.assert(
      fc.asyncProperty(flips, async (changes) => {
        const pem = toPem('CERTIFICATE', mutate(der, changes));
        const spec = hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: pem });
        expect(['ok', 'invalid', 'unverified']).toContain(await outcome(hashedRekordV001.canonicalize(spec)));
      }),
      { numRuns: 400 },
    );
  });

  it('answers a public key with corrupted bytes with a domain error or an entry', async () => {
    await fc.assert(
      fc.asyncProperty(flips, async (changes) => {
        const pem = toPem('PUBLIC KEY', mutate(signer.spki, changes));
        const spec = hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: pem });
        expect(['ok', 'invalid', 'unverified']).toContain(await outcome(hashedRekordV001.canonicalize(spec)));
      }),
      { numRuns: 400 },
    );
  });

  it('answers arbitrary signature bytes with SignatureVerificationError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const spec = hashedRekordSpec({ algorithm: 'sha256', digest, signature: Buffer.from(bytes), publicKey: signer.publicKeyPem });
        expect(await outcome(hashedRekordV001.canonicalize(spec))).toBe('unverified');
      }),
      { numRuns: 300 },
    );
  });
});
