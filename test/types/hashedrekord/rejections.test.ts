import { generateKeyPairSync } from 'node:crypto';
import { InvalidEntryError, SignatureVerificationError } from '../../../src/errors';
import { createHashedRekordV001, hashedRekordV001 } from '../../../src/types/hashedrekord/v0.0.1';
import { hashedRekordSpec, makeCertificateAuthority, makeSigner, toPem } from '../helpers';

const artifact = Buffer.from('artifact');
const signer = makeSigner('ecdsa-p256');
const { digest, signature } = signer.sign(artifact);
const validSpec = (): ReturnType<typeof hashedRekordSpec> =>
  hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: signer.publicKeyPem });
const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

const canonicalize = (spec: unknown): Promise<unknown> => hashedRekordV001.canonicalize(spec);

describe('a hashedrekord spec that does not match Rekor’s schema', () => {
  it.each([
    ['is not an object', 'spec', 'spec in body must be of type object'],
    ['has no signature', { data: validSpec().data }, 'signature in body is required'],
    ['has no data', { signature: validSpec().signature }, 'data in body is required'],
    ['names an unknown hash algorithm', { ...validSpec(), data: { hash: { algorithm: 'md5', value: 'ab' } } }, 'data.hash.algorithm in body should be one of [sha256 sha384 sha512]'],
    ['has a hash without a value', { ...validSpec(), data: { hash: { algorithm: 'sha256' } } }, 'data.hash.value in body is required'],
    ['has a numeric signature', { ...validSpec(), signature: { content: 42 } }, 'signature.content in body must be of type string'],
  ])('is refused when it %s', async (_, spec, message) => {
    await expect(canonicalize(spec)).rejects.toThrow(new InvalidEntryError(message));
  });

  it('is refused when the signature is not base64', async () => {
    const spec = validSpec();
    spec.signature.content = 'not base64!';
    await expect(canonicalize(spec)).rejects.toThrow(InvalidEntryError);
  });

  it('is refused when base64 lacks its padding, as Go’s StdEncoding refuses it', async () => {
    const spec = validSpec();
    spec.signature.content = spec.signature.content.replace(/=+$/, '');
    if (spec.signature.content.length % 4 === 0) spec.signature.content = spec.signature.content.slice(0, -1);
    await expect(canonicalize(spec)).rejects.toThrow(InvalidEntryError);
  });

  it('is accepted with line breaks inside base64, as Go’s decoder skips them', async () => {
    const spec = validSpec();
    spec.signature.publicKey.content = spec.signature.publicKey.content.replace(/.{40}/g, '$&\r\n');
    await expect(canonicalize(spec)).resolves.toBeDefined();
  });

  it('is accepted with extra fields, which the schema allows and the canonical body drops', async () => {
    const spec = {
      ...validSpec(),
      extra: true,
      data: { hash: validSpec().data.hash, content: b64(artifact) },
    } as ReturnType<typeof validSpec>;
    spec.signature.publicKey = { ...spec.signature.publicKey, url: 'https://example.com/key' } as typeof spec.signature.publicKey;
    const entry = (await hashedRekordV001.canonicalize(spec)).canonicalBody.toString('utf8');
    expect(entry).not.toMatch(/extra|url|"content":"YXJ0aWZhY3Q="/);
  });
});

describe('a hashedrekord spec with fields missing that Rekor checks by hand', () => {
  it.each([
    ['an empty signature', (s: ReturnType<typeof validSpec>) => void (s.signature.content = ''), 'missing signature content'],
    ['no public key', (s: ReturnType<typeof validSpec>) => void delete (s.signature as Partial<typeof s.signature>).publicKey, 'missing public key'],
    ['no public key content', (s: ReturnType<typeof validSpec>) => void (s.signature.publicKey.content = ''), 'missing publicKey content'],
    ['no hash', (s: ReturnType<typeof validSpec>) => void delete (s.data as Partial<typeof s.data>).hash, 'missing hash'],
  ])('is refused with %s', async (_, change, message) => {
    const spec = validSpec();
    change(spec);
    await expect(canonicalize(spec)).rejects.toThrow(new InvalidEntryError(message));
  });
});

describe('the digest of a hashedrekord entry', () => {
  it.each([
    ['too short for sha256', 'sha256', digest.toString('hex').slice(2)],
    ['too long for sha256', 'sha256', digest.toString('hex') + '00'],
    ['the length of a sha256 digest but named sha512', 'sha512', digest.toString('hex')],
  ])('is refused when it is %s', async (_, algorithm, value) => {
    const spec = validSpec();
    spec.data.hash = { algorithm, value };
    await expect(canonicalize(spec)).rejects.toThrow(new InvalidEntryError('invalid value for hash'));
  });

  it('is refused when it is not hexadecimal', async () => {
    const spec = validSpec();
    spec.data.hash.value = 'zz' + spec.data.hash.value.slice(2);
    await expect(canonicalize(spec)).rejects.toThrow(InvalidEntryError);
  });

  it('may be upper case, and is then kept as given in the body but lowercased in the index', async () => {
    const spec = validSpec();
    spec.data.hash.value = spec.data.hash.value.toUpperCase();
    const entry = await hashedRekordV001.canonicalize(spec);
    expect(entry.canonicalBody.toString('utf8')).toContain(`"value":"${spec.data.hash.value}"`);
    expect(entry.indexKeys).toContain(`sha256:${digest.toString('hex')}`);
  });

  it('must be the one that was signed', async () => {
    const spec = validSpec();
    spec.data.hash.value = '00'.repeat(32);
    await expect(canonicalize(spec)).rejects.toThrow(SignatureVerificationError);
  });
});

describe('the signature of a hashedrekord entry', () => {
  it('is refused, naming ASN.1, when a DER signature does not verify', async () => {
    const spec = validSpec();
    const tampered = Buffer.from(signature);
    tampered[tampered.length - 1]! ^= 1;
    spec.signature.content = tampered.toString('base64');
    await expect(canonicalize(spec)).rejects.toThrow(
      new SignatureVerificationError('verifying signature: invalid signature when validating ASN.1 encoded signature'),
    );
  });

  it('is refused when it is garbage bytes', async () => {
    const spec = validSpec();
    spec.signature.content = b64('garbage');
    await expect(canonicalize(spec)).rejects.toThrow(
      new SignatureVerificationError('verifying signature: ecdsa: Invalid IEEE_P1363 encoded bytes'),
    );
  });
});

describe('the public key of a hashedrekord entry', () => {
  const withKey = (content: string | Buffer): ReturnType<typeof validSpec> => {
    const spec = validSpec();
    spec.signature.publicKey.content = b64(content);
    return spec;
  };

  it.each([
    ['is not PEM at all', 'hello, world', 'invalid public key: failure decoding PEM'],
    ['is a PEM block of another type', toPem('PRIVATE KEY', Buffer.from('abc')), 'invalid public key: cannot handle type PRIVATE KEY'],
    ['is a PEM block whose base64 is broken', '-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----\n', 'invalid public key: failure decoding PEM'],
    ['is a CERTIFICATE block of garbage', toPem('CERTIFICATE', Buffer.from('not a certificate')), /^x509: malformed certificate/],
    ['is a PUBLIC KEY block of garbage', toPem('PUBLIC KEY', Buffer.from('not a key')), /^x509: malformed public key/],
    // Anything after the first block sends Rekor down the chain path, which reads every block as a certificate.
    ['is a public key followed by more text', signer.publicKeyPem + 'trailing', /^x509: malformed certificate/],
  ])('is refused when it %s', async (_, content, message) => {
    const promise = canonicalize(withKey(content));
    await expect(promise).rejects.toThrow(InvalidEntryError);
    await expect(promise).rejects.toThrow(message);
  });

  it('is refused when it is an EC key with a compressed point, which Go cannot parse', async () => {
    const uncompressed = signer.spki.subarray(-65);
    const compressed = Buffer.concat([Buffer.from([2 + (uncompressed[64]! & 1)]), uncompressed.subarray(1, 33)]);
    const header = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
    const promise = canonicalize(withKey(toPem('PUBLIC KEY', Buffer.concat([header, compressed]))));
    await expect(promise).rejects.toThrow(new InvalidEntryError('x509: failed to unmarshal elliptic curve point'));
  });

  it('is refused when it is an RSA-PSS key (id-RSASSA-PSS), which Go cannot parse', async () => {
    const { publicKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const pem = toPem('PUBLIC KEY', publicKey.export({ type: 'spki', format: 'der' }));
    await expect(canonicalize(withKey(pem))).rejects.toThrow(new InvalidEntryError('x509: unknown public key algorithm'));
  });

  it('is refused when it is an X25519 key, which no verifier takes', async () => {
    const { publicKey } = generateKeyPairSync('x25519');
    const pem = toPem('PUBLIC KEY', publicKey.export({ type: 'spki', format: 'der' }));
    await expect(canonicalize(withKey(pem))).rejects.toThrow(new InvalidEntryError('unsupported public key type'));
  });

  it('is refused when a certificate is followed by text that is not PEM', async () => {
    const ca = await makeCertificateAuthority();
    const promise = canonicalize(withKey((await ca.issue(signer.spki)) + 'trailing'));
    await expect(promise).rejects.toThrow(new InvalidEntryError('error during PEM decoding'));
  });

  it('is refused when a chain has more than ten certificates', async () => {
    const ca = await makeCertificateAuthority();
    const chain = (await ca.issue(signer.spki)) + ca.certificatePem.repeat(10);
    await expect(canonicalize(withKey(chain))).rejects.toThrow(
      new InvalidEntryError('too many certificates specified in PEM block'),
    );
  });

  it('is refused when a chain does not chain to its last certificate', async () => {
    const ca = await makeCertificateAuthority('issuer');
    const stranger = await makeCertificateAuthority('stranger');
    const chain = (await ca.issue(signer.spki)) + stranger.certificatePem;
    await expect(canonicalize(withKey(chain))).rejects.toThrow(
      new SignatureVerificationError('verifying signature: x509: certificate signed by unknown authority'),
    );
  });

  it('may be a certificate that has expired, since Rekor does not check certificate time', async () => {
    const ca = await makeCertificateAuthority();
    const expired = await ca.issue(signer.spki, { notBefore: new Date('2021-01-01'), notAfter: new Date('2021-01-02') });
    await expect(canonicalize(withKey(expired + ca.certificatePem))).resolves.toBeDefined();
  });
});

describe('the algorithm policy for hashedrekord entries', () => {
  it('refuses an ECDSA P-256 key over a SHA-512 digest by default', async () => {
    const { digest: sha512, signature: sig } = signer.sign(artifact, 'sha512');
    const spec = hashedRekordSpec({ algorithm: 'sha512', digest: sha512, signature: sig, publicKey: signer.publicKeyPem });
    await expect(canonicalize(spec)).rejects.toThrow(
      new InvalidEntryError('entry algorithms are not allowed (ecdsa public key: P256 with sha512)'),
    );
  });

  it('refuses an Ed25519 key over a SHA-256 digest, since Ed25519ph pre-hashes with SHA-512 only', async () => {
    const ed = makeSigner('ed25519ph');
    const { signature: sig } = ed.sign(artifact);
    const spec = hashedRekordSpec({ algorithm: 'sha256', digest, signature: sig, publicKey: ed.publicKeyPem });
    await expect(canonicalize(spec)).rejects.toThrow(SignatureVerificationError);
  });

  it('refuses what a log’s own --client-signing-algorithms leaves out', async () => {
    const onlyRsa = createHashedRekordV001({ clientSigningAlgorithms: ['rsa-sign-pkcs1-2048-sha256'] });
    await expect(onlyRsa.canonicalize(validSpec())).rejects.toThrow(/entry algorithms are not allowed/);
  });

  it('refuses an RSA key smaller than 2048 bits', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { sign } = await import('node:crypto');
    const spec = hashedRekordSpec({
      algorithm: 'sha256',
      digest,
      signature: sign('sha256', artifact, privateKey),
      publicKey: toPem('PUBLIC KEY', publicKey.export({ type: 'spki', format: 'der' })),
    });
    await expect(canonicalize(spec)).rejects.toThrow(/entry algorithms are not allowed \(rsa public key \(1024 bits\)/);
  });
});
