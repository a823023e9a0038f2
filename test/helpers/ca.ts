/**
 * A throwaway X.509 certificate authority for tests: an ECDSA P-256 root that issues
 * Fulcio-shaped leaf certificates (short-lived, code signing, one SAN e-mail address).
 * Built with @peculiar/x509 on Node's WebCrypto; nothing is written to disk.
 */
import crypto, { type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface IssuedCertificate {
  /** DER of the certificate. */
  der: Buffer;
  /** Standard PEM (64-column base64, \n line endings, trailing newline). */
  pem: string;
  /** The certificate's private key, for node:crypto.sign. */
  privateKey: KeyObject;
  /** The certificate's public key, PKIX DER. */
  publicKeyDer: Buffer;
}

export interface LeafOptions {
  /** SAN e-mail address (a Fulcio certificate for a person). */
  email?: string;
  /** SAN URI (a Fulcio certificate for a workload, e.g. a CI workflow). */
  uri?: string;
  /** Fulcio's OIDC issuer, written as both extensions Fulcio writes: 57264.1.8 (UTF8String) and 57264.1.1 (raw). */
  oidcIssuer?: string;
  /** Only the deprecated raw 57264.1.1 extension, as Fulcio's older certificates carry. */
  oidcIssuerV1Only?: string;
  notBefore?: Date;
  notAfter?: Date;
}

export interface TestCa extends IssuedCertificate {
  /** Issues a leaf certificate for `email` (or `uri`), valid from `notBefore` to `notAfter`. */
  issueLeaf(opts: LeafOptions): Promise<IssuedCertificate>;
}

/** DER UTF8String, for Fulcio's 57264.1.8 extension value. */
function utf8String(text: string): Buffer {
  const value = Buffer.from(text, 'utf8');
  const length = value.length < 0x80 ? Buffer.from([value.length]) : Buffer.from([0x81, value.length]);
  return Buffer.concat([Buffer.from([0x0c]), length, value]);
}

function fulcioIssuerExtensions(opts: LeafOptions): x509.Extension[] {
  const extensions: x509.Extension[] = [];
  const v1 = opts.oidcIssuer ?? opts.oidcIssuerV1Only;
  if (v1 !== undefined) extensions.push(new x509.Extension('1.3.6.1.4.1.57264.1.1', false, Buffer.from(v1, 'utf8')));
  if (opts.oidcIssuer !== undefined) extensions.push(new x509.Extension('1.3.6.1.4.1.57264.1.8', false, utf8String(opts.oidcIssuer)));
  return extensions;
}

type WebKeyPair = Awaited<ReturnType<typeof generateKeys>>;

async function generateKeys() {
  return crypto.webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

function serialNumber(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive
  return bytes.toString('hex');
}

async function issued(cert: x509.X509Certificate, keys: WebKeyPair): Promise<IssuedCertificate> {
  const der = Buffer.from(cert.rawData);
  const pkcs8 = Buffer.from(await crypto.webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const spki = Buffer.from(await crypto.webcrypto.subtle.exportKey('spki', keys.publicKey));
  return {
    der,
    // node:crypto's encoding, which is also what Rekor's Go re-encoding produces.
    pem: new crypto.X509Certificate(der).toString(),
    privateKey: crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    publicKeyDer: spki,
  };
}

/** A fresh self-signed CA, valid from a day ago for a year. */
export async function createTestCa(opts: { commonName?: string } = {}): Promise<TestCa> {
  const caKeys = await generateKeys();
  const now = Date.now();
  const caName = `CN=${opts.commonName ?? 'glasslog test CA'}, O=glasslog tests`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: caName,
    notBefore: new Date(now - 24 * 3600_000),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    signingAlgorithm: ECDSA_SHA256,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const ca = await issued(caCert, caKeys);

  return {
    ...ca,
    async issueLeaf(opts) {
      const { email, uri, notBefore, notAfter } = opts;
      const names: x509.JsonGeneralName[] = [
        ...(email !== undefined ? [{ type: 'email' as const, value: email }] : []),
        ...(uri !== undefined ? [{ type: 'url' as const, value: uri }] : []),
      ];
      const leafKeys = await generateKeys();
      const t = Date.now();
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject: '',
        issuer: caCert.subject,
        notBefore: notBefore ?? new Date(t - 5 * 60_000),
        notAfter: notAfter ?? new Date(t + 10 * 60_000),
        signingAlgorithm: ECDSA_SHA256,
        publicKey: leafKeys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
          new x509.SubjectAlternativeNameExtension(names, true),
          await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
          await x509.AuthorityKeyIdentifierExtension.create(caCert),
          ...fulcioIssuerExtensions(opts),
        ],
      });
      return issued(leaf, leafKeys);
    },
  };
}
