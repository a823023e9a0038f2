/**
 * A finding: one verified entry that matched at least one watched value, written as one
 * JSON line (to stdout or appended to --output) for scripts and alerting to consume.
 *
 *   {"logIndex":7,"uuid":"…","integratedTime":1733300000,"kind":"hashedrekord","apiVersion":"0.0.1",
 *    "matches":[{"watched":"certIdentities[0]","value":"^alice@example\\.com$",
 *                "field":"spec.signature.publicKey.content","found":"alice@example.com",
 *                "issuer":"https://accounts.example.com"}],
 *    "signers":[{"field":"spec.signature.publicKey.content","format":"x509","certificate":true,
 *                "subjects":["alice@example.com"],"issuer":"https://accounts.example.com",
 *                "fingerprints":[{"value":"…","of":"certificate"},{"value":"…","of":"certificate public key"}]}]}
 */
import type { VerifiedEntry } from '../client/verify-entry';
import type { EntryIdentities } from './identities';
import type { Match } from './matcher';
import type { VerifierIdentity } from './verifier-identity';

export interface Finding {
  logIndex: number;
  uuid: string;
  integratedTime: number;
  kind: string;
  apiVersion: string;
  matches: Match[];
  /** Every verifier of the entry: who signed, whatever matched. */
  signers: VerifierIdentity[];
}

export function finding(entry: VerifiedEntry, identities: EntryIdentities, matches: Match[]): Finding {
  return {
    logIndex: entry.logIndex,
    uuid: entry.uuid,
    integratedTime: entry.integratedTime,
    kind: identities.kind,
    apiVersion: identities.apiVersion,
    matches,
    signers: identities.verifiers,
  };
}

/** JSON lines, one finding each, newline-terminated. */
export function findingLines(findings: readonly Finding[]): string {
  return findings.map((f) => JSON.stringify(f) + '\n').join('');
}
