/**
 * The monitor's config file: what to watch for, in sigstore/rekor-monitor's YAML shape
 * (`monitoredValues` with `certIdentities`, `subjects`, `fingerprints`), plus glasslog's
 * `artifactDigests`. Everything is checked here, so a typo stops the monitor at start
 * (exit 2) instead of silently watching nothing.
 *
 *   monitoredValues:
 *     certIdentities:
 *       - certSubject: ^alice@example\.com$        # regex over the certificate's SANs
 *         issuers: [^https://accounts\.google\.com$] # optional regexes over the OIDC issuer
 *     subjects: [^release@example\.com$]          # regex over SANs and PGP e-mail addresses
 *     fingerprints: [<64 hex>]                     # key / certificate fingerprints
 *     artifactDigests: [sha256:<64 hex>]           # digests named by entry bodies
 */
import YAML from 'yaml';
import { ConfigError } from '../config';

/** A regular expression as written in the config, and its compiled form. */
export interface WatchedPattern {
  source: string;
  regex: RegExp;
}

export interface WatchedCertIdentity {
  certSubject: WatchedPattern;
  /** Empty: any issuer, or none. */
  issuers: WatchedPattern[];
}

export interface MonitorConfig {
  certIdentities: WatchedCertIdentity[];
  subjects: WatchedPattern[];
  /** Normalized: lowercase hex (SHA-256 or PGP), or SSH's unpadded base64 without "SHA256:". */
  fingerprints: string[];
  /** Lowercase SHA-256 hex. */
  artifactDigests: string[];
}

const WATCH_LISTS = ['certIdentities', 'subjects', 'fingerprints', 'artifactDigests'] as const;
/** rekor-monitor settings that glasslog takes as flags or does not implement; named so the error can say so. */
const REKOR_MONITOR_ONLY = ['fulcioExtensions', 'customExtensions', 'oidMatchers'];

class MonitorConfigError extends ConfigError {
  constructor(source: string, message: string) {
    super(`config ${source}: ${message}`);
  }
}

/** Parses and checks the config text. `source` names the file in error messages. */
export function parseMonitorConfig(text: string, source: string): MonitorConfig {
  const fail = (message: string): never => {
    throw new MonitorConfigError(source, message);
  };
  let document: unknown;
  try {
    // failsafe: every scalar stays a string, so a digest of digits is not read as a number.
    document = YAML.parse(text, { schema: 'failsafe' });
  } catch (e) {
    return fail(`not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (document === null || document === undefined || document === '') fail('is empty: list what to watch under monitoredValues');
  const root = mapping(document, 'the document', fail);
  for (const key of Object.keys(root)) {
    if (key !== 'monitoredValues') fail(`unknown setting ${JSON.stringify(key)} (glasslog reads only monitoredValues; the server, interval and files are flags)`);
  }
  const values = mapping(root.monitoredValues, 'monitoredValues', fail);
  for (const key of Object.keys(values)) {
    if (REKOR_MONITOR_ONLY.includes(key)) fail(`monitoredValues.${key} is not supported by glasslog monitor`);
    if (!(WATCH_LISTS as readonly string[]).includes(key)) {
      fail(`unknown list monitoredValues.${key} (known: ${WATCH_LISTS.join(', ')})`);
    }
  }
  const config: MonitorConfig = {
    certIdentities: list(values.certIdentities, 'certIdentities', fail).map((v, i) => certIdentity(v, `monitoredValues.certIdentities[${i}]`, fail)),
    subjects: strings(values.subjects, 'subjects', fail).map(([v, where]) => pattern(v, where, fail)),
    fingerprints: strings(values.fingerprints, 'fingerprints', fail).map(([v, where]) => fingerprint(v, where, fail)),
    artifactDigests: strings(values.artifactDigests, 'artifactDigests', fail).map(([v, where]) => artifactDigest(v, where, fail)),
  };
  if (WATCH_LISTS.every((k) => config[k].length === 0)) fail('monitoredValues lists nothing to watch');
  return config;
}

type Fail = (message: string) => never;

function mapping(value: unknown, where: string, fail: Fail): Record<string, unknown> {
  if (value === null || value === undefined) fail(`${where} is missing`);
  if (typeof value !== 'object' || Array.isArray(value)) fail(`${where} must be a mapping`);
  return value as Record<string, unknown>;
}

function list(value: unknown, name: string, fail: Fail): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) fail(`monitoredValues.${name} must be a list`);
  return value as unknown[];
}

/** The list's strings, each with where it is in the file. */
function strings(value: unknown, name: string, fail: Fail): [string, string][] {
  return list(value, name, fail).map((v, i) => [text(v, `monitoredValues.${name}[${i}]`, fail), `monitoredValues.${name}[${i}]`]);
}

function text(value: unknown, where: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${where} must be a non-empty string`);
  return (value as string).trim();
}

function certIdentity(value: unknown, where: string, fail: Fail): WatchedCertIdentity {
  const entry = mapping(value, where, fail);
  for (const key of Object.keys(entry)) {
    if (key !== 'certSubject' && key !== 'issuers') fail(`${where} has unknown setting ${JSON.stringify(key)} (known: certSubject, issuers)`);
  }
  if (entry.certSubject === undefined) fail(`${where}.certSubject is missing`);
  const issuers = entry.issuers === undefined || entry.issuers === '' ? [] : entry.issuers;
  if (!Array.isArray(issuers)) fail(`${where}.issuers must be a list`);
  return {
    certSubject: pattern(text(entry.certSubject, `${where}.certSubject`, fail), `${where}.certSubject`, fail),
    issuers: (issuers as unknown[]).map((v, i) => pattern(text(v, `${where}.issuers[${i}]`, fail), `${where}.issuers[${i}]`, fail)),
  };
}

/**
 * rekor-monitor's patterns are Go (RE2) regular expressions, matched anywhere in the
 * value unless anchored. JavaScript reads the common RE2 syntax the same way; RE2's
 * leading flag group (e.g. "(?i)") becomes JavaScript flags.
 */
export function pattern(source: string, where: string, fail: Fail): WatchedPattern {
  const flagGroup = /^\(\?([ims]+)\)/.exec(source);
  const body = flagGroup ? source.slice(flagGroup[0].length) : source;
  try {
    return { source, regex: new RegExp(body, flagGroup?.[1] ?? '') };
  } catch (e) {
    return fail(`${where} is not a valid regular expression: ${(e as Error).message}`);
  }
}

const HEX_FINGERPRINT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const SSH_FINGERPRINT = /^(?:SHA256:)?([A-Za-z0-9+/]{43})$/;

/**
 * rekor-monitor's fingerprint forms: hex SHA-256 of a PKIX key or certificate DER, hex
 * SHA-1 (or SHA-256 for v5) of a PGP key, OpenSSH's unpadded base64 SHA-256.
 */
function fingerprint(value: string, where: string, fail: Fail): string {
  const withoutColons = value.replace(/:/g, '');
  if (HEX_FINGERPRINT.test(withoutColons)) return withoutColons.toLowerCase();
  const ssh = SSH_FINGERPRINT.exec(value);
  if (ssh) return ssh[1]!;
  return fail(
    `${where} ${JSON.stringify(value)} is not a fingerprint: use 64 hex digits (SHA-256 of a key or certificate DER), 40 hex digits (PGP) or an OpenSSH SHA256:… fingerprint`,
  );
}

function artifactDigest(value: string, where: string, fail: Fail): string {
  const match = /^(?:sha256:)?([0-9a-f]{64})$/i.exec(value);
  if (!match) fail(`${where} ${JSON.stringify(value)} is not a SHA-256 digest (64 hex digits, optionally "sha256:" first)`);
  return match![1]!.toLowerCase();
}
