/**
 * The "x509" public key of Rekor entries: a PEM `PUBLIC KEY`, a PEM `CERTIFICATE`, or a
 * chain of up to 10 concatenated certificates. Mirrors sigstore/rekor pkg/pki/x509/x509.go:
 * NewPublicKey (what is accepted), CanonicalValue (the PEM stored in canonical bodies),
 * Subjects (index keys), and the key that signature verification uses.
 */
import { InvalidEntryError } from '../../errors';
import { parseCertificate, type ParsedCertificate } from './certificate';
import { verifyCertificateChain } from './chain';
import { decodePem, encodePem, trimSpace } from './pem';
import { parseSubjectPublicKeyInfo, type SubjectPublicKey } from './public-key';
import { subjectAlternateNames } from './san';

/** Rekor refuses longer chains before parsing them (UnmarshalCertificatesFromPEMLimited). */
export const MAX_CHAIN_LENGTH = 10;

export interface X509PublicKey {
  /** Rekor's CanonicalValue: the key or certificates re-encoded as Go writes PEM. */
  canonicalPem: Buffer;
  /** The key that signed: the PKIX key, or the (first) certificate's. */
  signingKey: SubjectPublicKey;
  /** Empty for a bare key; the certificate, or the chain leaf first. */
  certificates: ParsedCertificate[];
  /** Subject alternative names of the (leaf) certificate, in sigstore's order. */
  subjects: string[];
  /** Throws SignatureVerificationError when a chain does not chain (Rekor checks at verify time). */
  verifyChain(): void;
}

/** Parse the decoded `publicKey.content` bytes. Throws InvalidEntryError. */
export function parseX509PublicKey(content: Buffer): X509PublicKey {
  const trimmed = trimSpace(content);
  const { block, rest } = decodePem(trimmed);
  if (!block) throw new InvalidEntryError('invalid public key: failure decoding PEM');
  if (rest.length > 0) return fromCertificates(parseCertificateChain(trimmed), true);
  switch (block.type) {
    case 'PUBLIC KEY': {
      const key = parseSubjectPublicKeyInfo(block.bytes);
      return {
        canonicalPem: encodePem('PUBLIC KEY', key.spki),
        signingKey: key,
        certificates: [],
        subjects: [],
        verifyChain: () => undefined,
      };
    }
    case 'CERTIFICATE':
      return fromCertificates([parseCertificate(block.bytes)], false);
    default:
      throw new InvalidEntryError(`invalid public key: cannot handle type ${block.type}`);
  }
}

/** Every PEM block is read as a certificate, whatever its type line says (as upstream). */
function parseCertificateChain(pem: Buffer): ParsedCertificate[] {
  const certificates: ParsedCertificate[] = [];
  let remaining = trimSpace(pem);
  while (remaining.length > 0) {
    if (certificates.length === MAX_CHAIN_LENGTH) {
      throw new InvalidEntryError('too many certificates specified in PEM block');
    }
    const { block, rest } = decodePem(remaining);
    if (!block) throw new InvalidEntryError('error during PEM decoding');
    certificates.push(parseCertificate(block.bytes));
    remaining = rest;
  }
  return certificates;
}

function fromCertificates(certificates: ParsedCertificate[], isChain: boolean): X509PublicKey {
  const leaf = certificates[0]!;
  return {
    canonicalPem: Buffer.concat(certificates.map((c) => encodePem('CERTIFICATE', c.der))),
    signingKey: leaf.publicKey,
    certificates,
    subjects: subjectAlternateNames(leaf.subjectAlternativeNames),
    verifyChain: () => (isChain ? verifyCertificateChain(certificates) : undefined),
  };
}
