import { constants, createHash, generateKeyPairSync, sign } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { InvalidEntryError, SignatureVerificationError } from '../../../src/errors';
import { parseSubjectPublicKeyInfo } from '../../../src/types/pki/public-key';
import { verifyDigestSignature, verifyEd25519ph } from '../../../src/types/pki/verify';

const message = Buffer.from('message');
const sha = (alg: string, data: Buffer): Buffer => createHash(alg).update(data).digest();

describe('ECDSA over a digest', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = parseSubjectPublicKeyInfo(publicKey.export({ type: 'spki', format: 'der' }));
  const digest = sha('sha256', message);
  const der = sign('sha256', message, privateKey);

  it('verifies an ASN.1 DER signature', () => {
    expect(() => verifyDigestSignature(key, 'sha256', digest, der)).not.toThrow();
  });

  it('verifies an IEEE P1363 (r ‖ s) signature, as sigstore falls back to it', () => {
    const p1363 = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(() => verifyDigestSignature(key, 'sha256', digest, p1363)).not.toThrow();
  });

  it('verifies a high-S signature, which Go does not refuse', () => {
    const parsed = p256.Signature.fromBytes(der, 'der');
    const highS = new p256.Signature(parsed.r, p256.Point.Fn.ORDER - parsed.s);
    expect(() => verifyDigestSignature(key, 'sha256', digest, Buffer.from(highS.toBytes('der')))).not.toThrow();
  });

  it('truncates a longer digest to the curve order, as FIPS 186 and Go do', () => {
    const sig = sign('sha512', message, privateKey);
    expect(() => verifyDigestSignature(key, 'sha512', sha('sha512', message), sig)).not.toThrow();
  });

  it('refuses a DER signature followed by extra bytes', () => {
    const padded = Buffer.concat([der, Buffer.from([0])]);
    expect(() => verifyDigestSignature(key, 'sha256', digest, padded)).toThrow(
      new SignatureVerificationError('invalid signature when validating ASN.1 encoded signature'),
    );
  });

  it('refuses r or s of zero', () => {
    const zero = Buffer.from('3006020100020101', 'hex');
    expect(() => verifyDigestSignature(key, 'sha256', digest, zero)).toThrow(SignatureVerificationError);
  });

  it('refuses a digest of the wrong length for its algorithm', () => {
    expect(() => verifyDigestSignature(key, 'sha384', digest, der)).toThrow(
      new SignatureVerificationError('unexpected length of digest for hash function specified'),
    );
  });

  it('cannot verify P-224, which Rekor’s policy would refuse anyway', () => {
    const p224 = generateKeyPairSync('ec', { namedCurve: 'P-224' });
    const k = parseSubjectPublicKeyInfo(p224.publicKey.export({ type: 'spki', format: 'der' }));
    expect(() => verifyDigestSignature(k, 'sha256', digest, sign('sha256', message, p224.privateKey))).toThrow(
      InvalidEntryError,
    );
  });
});

describe('RSA over a digest', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = parseSubjectPublicKeyInfo(publicKey.export({ type: 'spki', format: 'der' }));

  it.each(['sha256', 'sha384', 'sha512'] as const)('verifies PKCS#1 v1.5 with %s', (alg) => {
    expect(() => verifyDigestSignature(key, alg, sha(alg, message), sign(alg, message, privateKey))).not.toThrow();
  });

  it('refuses PKCS#1 v1.5 made with another hash than the one named', () => {
    const sig = sign('sha384', message, privateKey);
    const digest = sha('sha256', message); // the right digest, but the signature's DigestInfo names SHA-384
    expect(() => verifyDigestSignature(key, 'sha256', digest, sig)).toThrow(SignatureVerificationError);
  });

  it('refuses a signature one byte short of the modulus', () => {
    const sig = sign('sha256', message, privateKey).subarray(1);
    expect(() => verifyDigestSignature(key, 'sha256', sha('sha256', message), sig)).toThrow(
      new SignatureVerificationError('crypto/rsa: verification error'),
    );
  });

  it.each([
    ['the digest length', constants.RSA_PSS_SALTLEN_DIGEST],
    ['the maximum length', constants.RSA_PSS_SALTLEN_MAX_SIGN],
    ['zero length', 0],
  ])('verifies PSS with a salt of %s when asked to', (_, saltLength) => {
    const sig = sign('sha256', message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    expect(() => verifyDigestSignature(key, 'sha256', sha('sha256', message), sig, { rsaPadding: 'pss' })).not.toThrow();
  });

  it('refuses a PSS signature when PKCS#1 v1.5 is expected, and the reverse', () => {
    const pss = sign('sha256', message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING });
    const pkcs1 = sign('sha256', message, privateKey);
    const digest = sha('sha256', message);
    expect(() => verifyDigestSignature(key, 'sha256', digest, pss)).toThrow(SignatureVerificationError);
    expect(() => verifyDigestSignature(key, 'sha256', digest, pkcs1, { rsaPadding: 'pss' })).toThrow(
      SignatureVerificationError,
    );
  });

  it('refuses a PSS signature over another digest', () => {
    const pss = sign('sha256', message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING });
    expect(() =>
      verifyDigestSignature(key, 'sha256', sha('sha256', Buffer.from('other')), pss, { rsaPadding: 'pss' }),
    ).toThrow(SignatureVerificationError);
  });
});

describe('Ed25519ph over a SHA-512 digest', () => {
  // RFC 8032 §7.3, test vector "abc".
  const publicKey = Buffer.from('ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf', 'hex');
  const signature = Buffer.from(
    '98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41' +
      '31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406',
    'hex',
  );
  const digest = sha('sha512', Buffer.from('abc'));

  it('verifies the RFC 8032 test vector from its digest', () => {
    expect(verifyEd25519ph(publicKey, digest, signature)).toBe(true);
  });

  it('refuses the pure Ed25519 signature of the same message', () => {
    const { privateKey, publicKey: pub } = generateKeyPairSync('ed25519');
    const raw = pub.export({ type: 'spki', format: 'der' }).subarray(-32);
    expect(verifyEd25519ph(raw, digest, sign(null, Buffer.from('abc'), privateKey))).toBe(false);
  });

  it('refuses a signature whose S is not reduced (S + L)', () => {
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt('0x' + Buffer.from(signature.subarray(32)).reverse().toString('hex')) + order;
    const sBytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
    expect(verifyEd25519ph(publicKey, digest, Buffer.concat([signature.subarray(0, 32), sBytes]))).toBe(false);
  });

  it('agrees with @noble/curves’ ed25519ph on fresh keys and messages', () => {
    for (let i = 0; i < 8; i++) {
      const secret = ed25519ph.utils.randomSecretKey();
      const msg = Buffer.from(`message ${i}`);
      const sig = Buffer.from(ed25519ph.sign(msg, secret));
      const pub = Buffer.from(ed25519ph.getPublicKey(secret));
      expect(verifyEd25519ph(pub, sha('sha512', msg), sig)).toBe(true);
      expect(verifyEd25519ph(pub, sha('sha512', Buffer.from('other')), sig)).toBe(false);
    }
  });

  it('is what verifyDigestSignature uses for Ed25519 keys, and only with SHA-512', () => {
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
    const key = parseSubjectPublicKeyInfo(spki);
    expect(() => verifyDigestSignature(key, 'sha512', digest, signature)).not.toThrow();
    expect(() => verifyDigestSignature(key, 'sha256', digest.subarray(0, 32), signature)).toThrow(
      new SignatureVerificationError('unsupported hash algorithm: "SHA-256" not in [SHA-512]'),
    );
  });
});
