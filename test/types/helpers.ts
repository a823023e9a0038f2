/**
 * Test keys, signatures over digests, and a throwaway certificate authority for the entry
 * type tests. Signatures are made with node:crypto over the *message* (which hashes it), so
 * the verifier's digest path is checked against an independent implementation; Ed25519ph
 * signatures come from @noble/curves' ed25519ph, which pre-hashes with SHA-512 itself.
 */
import { constants, createHash, generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export type KeyKind = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'rsa-2048' | 'rsa-pss-2048' | 'ed25519ph';

export interface TestSigner {
  kind: KeyKind;
  /** The digest algorithm this key type pairs with in Rekor's default policy. */
  hash: DigestAlgorithm;
  /** PKIX DER of the public key. */
  spki: Buffer;
  publicKeyPem: string;
  /** Sign `message`; returns the digest a hashedrekord entry names and the signature. */
  sign(message: Buffer, hash?: DigestAlgorithm): { digest: Buffer; signature: Buffer };
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function toPem(type: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

function nodeSigner(kind: KeyKind, hash: DigestAlgorithm, privateKey: KeyObject, publicKey: KeyObject): TestSigner {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    kind,
    hash,
    spki,
    publicKeyPem: toPem('PUBLIC KEY', spki),
    sign(message, digestHash = hash) {
      const key =
        kind === 'rsa-pss-2048'
          ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
          : privateKey;
      return { digest: createHash(digestHash).update(message).digest(), signature: sign(digestHash, message, key) };
    },
  };
}

/** `fresh`: a new RSA key rather than the pair the suites share (RSA generation is slow). */
export function makeSigner(kind: KeyKind, fresh = false): TestSigner {
  switch (kind) {
    case 'ecdsa-p256': {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return nodeSigner(kind, 'sha256', privateKey, publicKey);
    }
    case 'ecdsa-p384': {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      return nodeSigner(kind, 'sha384', privateKey, publicKey);
    }
    case 'ecdsa-p521': {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
      return nodeSigner(kind, 'sha512', privateKey, publicKey);
    }
    case 'rsa-2048':
    case 'rsa-pss-2048': {
      const { privateKey, publicKey } = fresh ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : rsaKeyPair();
      return nodeSigner(kind, 'sha256', privateKey, publicKey);
    }
    case 'ed25519ph': {
      const secret = ed25519ph.utils.randomSecretKey();
      const spki = Buffer.concat([ED25519_SPKI_PREFIX, ed25519ph.getPublicKey(secret)]);
      return {
        kind,
        hash: 'sha512',
        spki,
        publicKeyPem: toPem('PUBLIC KEY', spki),
        sign(message, digestHash = 'sha512') {
          return { digest: createHash(digestHash).update(message).digest(), signature: Buffer.from(ed25519ph.sign(message, secret)) };
        },
      };
    }
  }
}

/** RSA key generation is slow; the suites share one 2048-bit pair. */
let sharedRsa: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  sharedRsa ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return sharedRsa;
}

export interface IssueOptions {
  email?: string;
  uri?: string;
  /** Further SANs, as @peculiar/x509 names them. */
  names?: { type: 'dns' | 'ip' | 'upn'; value: string }[];
  notBefore?: Date;
  notAfter?: Date;
  /** Make the issued certificate a CA (for intermediates). */
  ca?: boolean;
  subject?: string;
}

export interface TestCertificateAuthority {
  name: string;
  certificatePem: string;
  certificateDer: Buffer;
  keys: webcrypto.CryptoKeyPair;
  /** Issue a certificate for `spki` signed by this CA; returns PEM. */
  issue(spki: Buffer, options?: IssueOptions): Promise<string>;
  /** Issue an intermediate below this one (`ca: false` makes it a non-CA that signs anyway). */
  intermediate(name: string, options?: { ca?: boolean; notAfter?: Date }): Promise<TestCertificateAuthority>;
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A throwaway ECDSA P-256 root CA, valid from 2020 to 2040. */
export async function makeCertificateAuthority(name = 'glasslog test root'): Promise<TestCertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    signingAlgorithm: ECDSA_P256,
    keys: keys as unknown as CryptoKeyPair,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return authority(name, certificate, keys);
}

type CryptoKeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

function authority(name: string, certificate: x509.X509Certificate, keys: webcrypto.CryptoKeyPair): TestCertificateAuthority {
  const ca: TestCertificateAuthority = {
    name,
    certificatePem: certificate.toString('pem') + '\n',
    certificateDer: Buffer.from(certificate.rawData),
    keys,
    async issue(spki, options = {}) {
      const names: x509.JsonGeneralName[] = [];
      if (options.email) names.push({ type: 'email', value: options.email });
      if (options.uri) names.push({ type: 'url', value: options.uri });
      names.push(...(options.names ?? []));
      const extensions: x509.Extension[] = options.ca
        ? [
            new x509.BasicConstraintsExtension(true, 0, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
          ]
        : [
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
            new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3']),
          ];
      if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, true));
      const issued = await x509.X509CertificateGenerator.create({
        subject: options.subject ?? '',
        issuer: certificate.subject,
        notBefore: options.notBefore ?? new Date('2024-01-01T00:00:00Z'),
        notAfter: options.notAfter ?? new Date('2024-01-01T00:10:00Z'),
        signingAlgorithm: ECDSA_P256,
        publicKey: new Uint8Array(spki),
        signingKey: keys.privateKey as unknown as CryptoKeyPair['privateKey'],
        extensions,
      });
      return issued.toString('pem') + '\n';
    },
    async intermediate(childName, { ca: isCA = true, notAfter = new Date('2039-01-01T00:00:00Z') } = {}) {
      const childKeys = (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', childKeys.publicKey));
      const pem = await ca.issue(spki, {
        ca: isCA,
        subject: `CN=${childName}`,
        notBefore: new Date('2021-01-01T00:00:00Z'),
        notAfter,
      });
      return authority(childName, new x509.X509Certificate(pem), childKeys);
    },
  };
  return ca;
}

/** A hashedrekord 0.0.1 spec as clients propose it. */
export function hashedRekordSpec(options: {
  algorithm: DigestAlgorithm;
  digest: Buffer | string;
  signature: Buffer;
  publicKey: string | Buffer;
}): { data: { hash: { algorithm: string; value: string } }; signature: { content: string; publicKey: { content: string } } } {
  const value = typeof options.digest === 'string' ? options.digest : options.digest.toString('hex');
  return {
    data: { hash: { algorithm: options.algorithm, value } },
    signature: {
      content: options.signature.toString('base64'),
      publicKey: { content: Buffer.from(options.publicKey).toString('base64') },
    },
  };
}

/** RFC 6962 leaf hash, hex: the entry's UUID. */
export function leafHash(body: Buffer): string {
  return createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');
}

const nodeHash = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 9162 §2.1.3.2: the root that `hashes` lead to from leaf `index` of a tree of `size`. */
export function rootFromInclusionProof(leaf: Buffer, index: number, size: number, hashes: Buffer[]): Buffer {
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = leaf;
  for (const p of hashes) {
    if (sn === 0n) throw new Error('proof too long');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(Buffer.from([1]), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(Buffer.from([1]), r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('proof too short');
  return r;
}
