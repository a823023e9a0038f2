/**
 * Which watched values an entry matches, as rekor-monitor decides it
 * (pkg/identity CertMatchesPolicy, pkg/rekor/v1 MatchLogEntry*):
 *   certIdentities  a certificate SAN matches certSubject and, when issuers are listed, the
 *                   certificate's OIDC issuer matches one of them. (rekor-monitor also
 *                   requires an issuer extension when none are listed; glasslog does not,
 *                   so certificates from a private CA without Fulcio's extensions match.)
 *   subjects        any subject of any verifier: certificate SANs, PGP e-mail addresses.
 *   fingerprints    any fingerprint of any verifier, exactly.
 *   artifactDigests any SHA-256 digest in the body, exactly.
 */
import type { MonitorConfig, WatchedPattern } from './config';
import type { EntryIdentities } from './identities';

export interface Match {
  /** Which watched value, as the config lists it: "certIdentities[0]", "fingerprints[2]", … */
  watched: string;
  /** The watched value as written (a pattern, a fingerprint, a digest). */
  value: string;
  /** Where in the entry body it was found. */
  field: string;
  /** What matched: the SAN or e-mail address, the fingerprint, the digest. */
  found: string;
  /** The certificate's OIDC issuer, for certificate identities. */
  issuer?: string;
  /** What the fingerprint is of, for fingerprints. */
  of?: string;
}

export function matchEntry(config: MonitorConfig, entry: EntryIdentities): Match[] {
  return [...certIdentityMatches(config, entry), ...subjectMatches(config, entry), ...fingerprintMatches(config, entry), ...digestMatches(config, entry)];
}

const firstMatching = (pattern: WatchedPattern, values: string[]) => values.find((v) => pattern.regex.test(v));

function certIdentityMatches(config: MonitorConfig, entry: EntryIdentities): Match[] {
  const matches: Match[] = [];
  config.certIdentities.forEach((watch, i) => {
    for (const verifier of entry.verifiers.filter((v) => v.certificate)) {
      const subject = firstMatching(watch.certSubject, verifier.subjects);
      if (subject === undefined) continue;
      const issuer = verifier.issuer;
      if (watch.issuers.length > 0 && (issuer === undefined || !watch.issuers.some((p) => p.regex.test(issuer)))) continue;
      matches.push({ watched: `certIdentities[${i}]`, value: watch.certSubject.source, field: verifier.field, found: subject, ...(issuer !== undefined ? { issuer } : {}) });
    }
  });
  return matches;
}

function subjectMatches(config: MonitorConfig, entry: EntryIdentities): Match[] {
  const matches: Match[] = [];
  config.subjects.forEach((watch, i) => {
    for (const verifier of entry.verifiers) {
      const subject = firstMatching(watch, verifier.subjects);
      if (subject !== undefined) matches.push({ watched: `subjects[${i}]`, value: watch.source, field: verifier.field, found: subject });
    }
  });
  return matches;
}

function fingerprintMatches(config: MonitorConfig, entry: EntryIdentities): Match[] {
  const matches: Match[] = [];
  config.fingerprints.forEach((watch, i) => {
    for (const verifier of entry.verifiers) {
      for (const fingerprint of verifier.fingerprints.filter((f) => f.value === watch)) {
        matches.push({ watched: `fingerprints[${i}]`, value: watch, field: verifier.field, found: fingerprint.value, of: fingerprint.of });
      }
    }
  });
  return matches;
}

function digestMatches(config: MonitorConfig, entry: EntryIdentities): Match[] {
  const matches: Match[] = [];
  config.artifactDigests.forEach((watch, i) => {
    for (const digest of entry.digests.filter((d) => d.algorithm === 'sha256' && d.value === watch)) {
      matches.push({ watched: `artifactDigests[${i}]`, value: watch, field: digest.field, found: `sha256:${digest.value}` });
    }
  });
  return matches;
}
