/**
 * rekord's "x509" format (sigstore/rekor pkg/pki/x509/x509.go): a PEM public key,
 * certificate or chain (as for hashedrekord), and a raw signature over the artifact bytes,
 * checked as sigstore's LoadVerifierWithOpts(key) does by default — SHA-256 whatever the
 * curve, RSA PKCS#1 v1.5, pure Ed25519. A chain is checked to its last certificate first.
 * Both canonical values are what Rekor stores: the signature as given, the key re-encoded.
 */
import { InvalidEntryError, SignatureVerificationError } from '../../errors';
import { verifyMessageSignature } from '../pki/verify';
import { parseX509PublicKey, type X509PublicKey } from '../pki/x509';
import type { RekordFormat, RekordPublicKey, RekordSignature } from './format';

interface X509Key extends RekordPublicKey {
  parsed: X509PublicKey;
}

export const x509Format: RekordFormat<X509Key, RekordSignature> = {
  name: 'x509',
  parseSignature(bytes) {
    if (bytes.length === 0) throw new InvalidEntryError('invalid signature provided: empty signature');
    return { canonical: bytes };
  },
  parsePublicKey(bytes) {
    const parsed = parseX509PublicKey(bytes);
    return { parsed, canonical: parsed.canonicalPem, subjects: parsed.subjects };
  },
  verify(signature, key, content) {
    try {
      key.parsed.verifyChain();
      verifyMessageSignature(key.parsed.signingKey, content, signature.canonical);
    } catch (err) {
      if (err instanceof SignatureVerificationError) throw new InvalidEntryError(err.message);
      throw err;
    }
  },
};
