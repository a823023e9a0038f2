import { createHash } from 'node:crypto';
import { SignatureVerificationError } from '../../../src/errors';
import { canonicalJson } from '../../../src/crypto';
import { hashedRekordV001 } from '../../../src/types/hashedrekord/v0.0.1';
import {
  hashedRekordSpec,
  makeCertificateAuthority,
  makeSigner,
  type KeyKind,
  type TestCertificateAuthority,
} from '../helpers';

const artifact = Buffer.from('glasslog hashedrekord test artifact\n');
const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

let ca: TestCertificateAuthority;
beforeAll(async () => {
  ca = await makeCertificateAuthority();
});

const ACCEPTED: KeyKind[] = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'rsa-2048', 'ed25519ph'];

describe.each(ACCEPTED)('a hashedrekord entry signed with %s', (kind) => {
  const signer = makeSigner(kind);
  const { digest, signature } = signer.sign(artifact);

  it('canonicalizes with a bare public key, to Rekor’s body and index keys', async () => {
    const spec = hashedRekordSpec({ algorithm: signer.hash, digest, signature, publicKey: signer.publicKeyPem });
    const entry = await hashedRekordV001.canonicalize(spec);

    expect(entry.kind).toBe('hashedrekord');
    expect(entry.apiVersion).toBe('0.0.1');
    expect(entry.canonicalBody).toEqual(canonicalJson({ apiVersion: '0.0.1', kind: 'hashedrekord', spec }));
    expect(entry.indexKeys).toEqual([sha256Hex(signer.publicKeyPem), `${signer.hash}:${digest.toString('hex')}`]);
  });

  it('canonicalizes with a certificate from a test CA, indexing its email and URI', async () => {
    const certificatePem = await ca.issue(signer.spki, {
      email: 'Signer@Example.com',
      uri: 'https://github.com/glasslog/glasslog/.github/workflows/release.yml@refs/heads/main',
    });
    const spec = hashedRekordSpec({ algorithm: signer.hash, digest, signature, publicKey: certificatePem });
    const entry = await hashedRekordV001.canonicalize(spec);

    expect(entry.canonicalBody).toEqual(canonicalJson({ apiVersion: '0.0.1', kind: 'hashedrekord', spec }));
    expect(entry.indexKeys).toEqual([
      sha256Hex(certificatePem),
      'signer@example.com',
      'https://github.com/glasslog/glasslog/.github/workflows/release.yml@refs/heads/main',
      `${signer.hash}:${digest.toString('hex')}`,
    ]);
  });

  it('canonicalizes with a leaf ‖ intermediate ‖ root chain, keeping the whole chain', async () => {
    const intermediate = await ca.intermediate('glasslog test intermediate');
    const leafPem = await intermediate.issue(signer.spki, { email: 'chain@example.com' });
    const chainPem = leafPem + intermediate.certificatePem + ca.certificatePem;
    const spec = hashedRekordSpec({ algorithm: signer.hash, digest, signature, publicKey: chainPem });
    const entry = await hashedRekordV001.canonicalize(spec);

    expect(entry.canonicalBody).toEqual(canonicalJson({ apiVersion: '0.0.1', kind: 'hashedrekord', spec }));
    expect(entry.indexKeys).toContain('chain@example.com');
  });

  it('is rejected when signed over a different artifact', async () => {
    const other = signer.sign(Buffer.from('another artifact'));
    const spec = hashedRekordSpec({ algorithm: signer.hash, digest, signature: other.signature, publicKey: signer.publicKeyPem });
    await expect(hashedRekordV001.canonicalize(spec)).rejects.toThrow(SignatureVerificationError);
  });

  it('is rejected when checked against another key of the same type', async () => {
    const stranger = makeSigner(kind, true);
    const spec = hashedRekordSpec({ algorithm: signer.hash, digest, signature, publicKey: stranger.publicKeyPem });
    await expect(hashedRekordV001.canonicalize(spec)).rejects.toThrow(SignatureVerificationError);
  });
});

describe('RSA-PSS', () => {
  const signer = makeSigner('rsa-pss-2048');
  const { digest, signature } = signer.sign(artifact);

  it('is not accepted for hashedrekord, because Rekor verifies RSA there with PKCS#1 v1.5 only', async () => {
    const spec = hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: signer.publicKeyPem });
    await expect(hashedRekordV001.canonicalize(spec)).rejects.toThrow(
      new SignatureVerificationError('verifying signature: crypto/rsa: verification error'),
    );
  });
});
