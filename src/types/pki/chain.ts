/**
 * Rekor's check of a submitted certificate chain (sigstore/rekor pkg/pki/x509/x509.go
 * verifyCertChain): the first certificate must chain to the last one, the others serving
 * as intermediates, as Go's `Certificate.Verify` builds chains with the last certificate
 * as the only root, any extended key usage allowed, and the clock set to the leaf's
 * NotBefore (so expired chains still verify). A single certificate is not checked.
 *
 * What Go checks and we check too: issuer/subject names match, the issuer's signature
 * verifies, issuers are CAs (basicConstraints; a version 1 root is tolerated), keyUsage
 * (when present) allows certificate signing, every certificate is valid at that time,
 * path length constraints hold, SHA-1 signatures are refused, and at most 100 signature
 * checks are spent on one chain (Go's maxChainSignatureChecks), so a crafted set of look-alike
 * intermediates cannot make the search explode. Not modelled: name constraints and unhandled
 * critical extensions.
 */
import { SignatureVerificationError } from '../../errors';
import type { ParsedCertificate } from './certificate';

const KEY_USAGE_CERT_SIGN = 1 << 5;
const MAX_SIGNATURE_CHECKS = 100;
const SHA1_SIGNATURE_ALGORITHMS = new Set([
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.2.840.10040.4.3', // dsa-with-sha1
]);

export function verifyCertificateChain(chain: readonly ParsedCertificate[]): void {
  if (chain.length === 0) throw new SignatureVerificationError('no certificate chain provided');
  if (chain.length === 1) return;
  const leaf = chain[0]!;
  const root = chain[chain.length - 1]!;
  const intermediates = chain.slice(1, -1);
  const at = leaf.notBefore;
  if (!validAt(leaf, at)) {
    throw new SignatureVerificationError('x509: certificate has expired or is not yet valid');
  }
  const search: ChainSearch = { root, intermediates, at, signatureChecks: 0 };
  if (!buildsToRoot(search, leaf, [leaf])) {
    throw new SignatureVerificationError('x509: certificate signed by unknown authority');
  }
}

interface ChainSearch {
  root: ParsedCertificate;
  intermediates: readonly ParsedCertificate[];
  at: Date;
  signatureChecks: number;
}

function buildsToRoot(search: ChainSearch, child: ParsedCertificate, path: ParsedCertificate[]): boolean {
  // Go accepts a leaf that is itself the root.
  if (child.der.equals(search.root.der)) return true;
  for (const parent of [search.root, ...search.intermediates]) {
    if (path.some((c) => c.der.equals(parent.der))) continue;
    const isRoot = parent === search.root;
    if (!canIssue(search, parent, child, path.length - 1, isRoot)) continue;
    if (isRoot || buildsToRoot(search, parent, [...path, parent])) return true;
  }
  return false;
}

function canIssue(
  search: ChainSearch,
  parent: ParsedCertificate,
  child: ParsedCertificate,
  intermediatesBelow: number,
  isRoot: boolean,
): boolean {
  const at = search.at;
  if (!parent.rawSubject.equals(child.rawIssuer) || !validAt(parent, at)) return false;
  const constraints = parent.basicConstraints;
  const mayBeUnconstrained = isRoot && parent.version < 3;
  if (constraints ? !constraints.isCA : !mayBeUnconstrained) return false;
  if (constraints?.maxPathLen !== undefined && intermediatesBelow > constraints.maxPathLen) return false;
  if (parent.keyUsage !== undefined && (parent.keyUsage & KEY_USAGE_CERT_SIGN) === 0) return false;
  if (SHA1_SIGNATURE_ALGORITHMS.has(child.signatureAlgorithm)) return false;
  if (++search.signatureChecks > MAX_SIGNATURE_CHECKS) {
    throw new SignatureVerificationError(
      'x509: signature check attempts limit reached while verifying certificate chain',
    );
  }
  try {
    return child.x509.verify(parent.publicKey.keyObject);
  } catch {
    return false;
  }
}

function validAt(cert: ParsedCertificate, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();
}
