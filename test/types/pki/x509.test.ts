import { InvalidEntryError, SignatureVerificationError } from '../../../src/errors';
import { parseX509PublicKey } from '../../../src/types/pki/x509';
import { makeCertificateAuthority, makeSigner, toPem, type TestCertificateAuthority } from '../helpers';

const signer = makeSigner('ecdsa-p256');
const parse = (pem: string): ReturnType<typeof parseX509PublicKey> => parseX509PublicKey(Buffer.from(pem));

let ca: TestCertificateAuthority;
beforeAll(async () => {
  ca = await makeCertificateAuthority();
});

describe('a bare public key', () => {
  it('is re-encoded as the PKIX PEM Go writes, whatever the input wrapping', () => {
    const body = signer.spki.toString('base64').replace(/.{20}/g, '$&\r\n');
    const key = parse(`\n  -----BEGIN PUBLIC KEY-----\r\n${body}\r\n-----END PUBLIC KEY-----  \r\n\n`);
    expect(key.canonicalPem.toString()).toBe(signer.publicKeyPem);
    expect(key.certificates).toHaveLength(0);
    expect(key.subjects).toEqual([]);
  });

  it('is refused as an RSA key without the NULL algorithm parameters', () => {
    const rsa = makeSigner('rsa-2048').spki;
    // Drop the two NULL bytes from the AlgorithmIdentifier and fix up the three lengths.
    const body = Buffer.concat([Buffer.from('300b06092a864886f70d010101', 'hex'), rsa.subarray(19)]);
    const der = Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
    expect(() => parse(toPem('PUBLIC KEY', der))).toThrow(new InvalidEntryError('x509: RSA key missing NULL parameters'));
  });

  it('is refused with bytes after the key', () => {
    expect(() => parse(toPem('PUBLIC KEY', Buffer.concat([signer.spki, Buffer.from([0])])))).toThrow(InvalidEntryError);
  });
});

describe('a certificate’s subject alternative names', () => {
  it('are listed in sigstore’s order: DNS names, emails, IP addresses, URIs', async () => {
    const pem = await ca.issue(signer.spki, {
      uri: 'spiffe://example.org/workload',
      email: 'someone@example.org',
      names: [
        { type: 'ip', value: '2001:db8:0:0:1:0:0:1' },
        { type: 'dns', value: 'build.example.org' },
        { type: 'ip', value: '192.0.2.7' },
      ],
    });
    expect(parse(pem).subjects).toEqual([
      'build.example.org',
      'someone@example.org',
      '2001:db8::1:0:0:1',
      '192.0.2.7',
      'spiffe://example.org/workload',
    ]);
  });

  it('leave out an OtherName that is not Sigstore’s', async () => {
    const pem = await ca.issue(signer.spki, { email: 'a@example.org', names: [{ type: 'upn', value: 'user@corp' }] });
    expect(parse(pem).subjects).toEqual(['a@example.org']);
  });

  it('are those of the leaf only in a chain', async () => {
    const leaf = await ca.issue(signer.spki, { email: 'leaf@example.org' });
    expect(parse(leaf + ca.certificatePem).subjects).toEqual(['leaf@example.org']);
  });
});

describe('a certificate chain', () => {
  it('is re-encoded certificate by certificate, as one PEM after another', async () => {
    const leaf = await ca.issue(signer.spki);
    const key = parse(`${leaf.replace(/\n/g, '\r\n')}\n\n\n${ca.certificatePem}`);
    expect(key.canonicalPem.toString()).toBe(leaf + ca.certificatePem);
    expect(key.certificates).toHaveLength(2);
    expect(() => key.verifyChain()).not.toThrow();
  });

  it('reads any block as a certificate, whatever its type line says', async () => {
    const leaf = (await ca.issue(signer.spki)).replace(/CERTIFICATE/g, 'X509 CERTIFICATE');
    expect(parse(leaf + ca.certificatePem).canonicalPem.toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('verifies through an intermediate given in the middle', async () => {
    const intermediate = await ca.intermediate('intermediate');
    const leaf = await intermediate.issue(signer.spki);
    expect(() => parse(leaf + intermediate.certificatePem + ca.certificatePem).verifyChain()).not.toThrow();
  });

  it('does not verify when the intermediate is missing', async () => {
    const intermediate = await ca.intermediate('intermediate');
    const leaf = await intermediate.issue(signer.spki);
    expect(() => parse(leaf + ca.certificatePem).verifyChain()).toThrow(SignatureVerificationError);
  });

  it('does not verify through an intermediate that may not sign certificates', async () => {
    const notCa = await ca.intermediate('not a CA', { ca: false });
    const leaf = await notCa.issue(signer.spki);
    expect(() => parse(leaf + notCa.certificatePem + ca.certificatePem).verifyChain()).toThrow(SignatureVerificationError);
  });

  it('does not verify when an intermediate had expired when the leaf was issued', async () => {
    const old = await ca.intermediate('old', { notAfter: new Date('2022-01-01T00:00:00Z') });
    const leaf = await old.issue(signer.spki, { notBefore: new Date('2023-01-01T00:00:00Z') });
    expect(() => parse(leaf + old.certificatePem + ca.certificatePem).verifyChain()).toThrow(SignatureVerificationError);
  });

  it('verifies when the leaf is also the root', () => {
    expect(() => parse(ca.certificatePem + ca.certificatePem).verifyChain()).not.toThrow();
  });
});
