/** The monitor's config file: rekor-monitor's monitoredValues shape, checked up front with clear errors. */
import { ConfigError } from '../../src/config';
import { parseMonitorConfig } from '../../src/monitor/config';

const DIGEST = 'a'.repeat(64);
const KEY_FINGERPRINT = '0123456789abcdef'.repeat(4);

function parsed(yaml: string) {
  const c = parseMonitorConfig(yaml, 'watch.yaml');
  return {
    certIdentities: c.certIdentities.map((w) => ({ certSubject: w.certSubject.source, issuers: w.issuers.map((i) => i.source) })),
    subjects: c.subjects.map((s) => s.source),
    fingerprints: c.fingerprints,
    artifactDigests: c.artifactDigests,
  };
}

function refusal(yaml: string): string {
  try {
    parseMonitorConfig(yaml, 'watch.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('the monitor config file', () => {
  it("reads rekor-monitor's example monitoredValues, plus artifactDigests", () => {
    const yaml = `
monitoredValues:
  certIdentities:
    - certSubject: user@domain\\.com
    - certSubject: otheruser@domain\\.com
      issuers:
        - https://accounts\\.google\\.com
        - https://github\\.com/login
  subjects:
    - subject@domain\\.com
  fingerprints:
    - ${KEY_FINGERPRINT}
  artifactDigests:
    - sha256:${DIGEST}
`;
    expect(parsed(yaml)).toEqual({
      certIdentities: [
        { certSubject: 'user@domain\\.com', issuers: [] },
        { certSubject: 'otheruser@domain\\.com', issuers: ['https://accounts\\.google\\.com', 'https://github\\.com/login'] },
      ],
      subjects: ['subject@domain\\.com'],
      fingerprints: [KEY_FINGERPRINT],
      artifactDigests: [DIGEST],
    });
  });

  it('normalizes fingerprints and digests to the form entries are compared in', () => {
    const upperWithColons = KEY_FINGERPRINT.toUpperCase().match(/../g)!.join(':');
    const yaml = `
monitoredValues:
  fingerprints:
    - ${upperWithColons}
    - 7200945C6EFC69D8FA84650926B7C1A09D38A47A
    - SHA256:95ofDdJ0L+QwEG2g4orBTeBPWCD0xNU1/4AtRLpQDMc
    - 95ofDdJ0L+QwEG2g4orBTeBPWCD0xNU1/4AtRLpQDMc
  artifactDigests:
    - ${DIGEST.toUpperCase()}
    - "${'1'.repeat(64)}"
`;
    expect(parsed(yaml)).toEqual({
      certIdentities: [],
      subjects: [],
      fingerprints: [KEY_FINGERPRINT, '7200945c6efc69d8fa84650926b7c1a09d38a47a', '95ofDdJ0L+QwEG2g4orBTeBPWCD0xNU1/4AtRLpQDMc', '95ofDdJ0L+QwEG2g4orBTeBPWCD0xNU1/4AtRLpQDMc'],
      artifactDigests: [DIGEST, '1'.repeat(64)],
    });
  });

  it('keeps a digest of digits a string (YAML would read an unquoted one as a number)', () => {
    const digits = '1234567890'.repeat(6) + '1234';
    expect(parsed(`monitoredValues:\n  artifactDigests: [${digits}]\n`).artifactDigests).toEqual([digits]);
  });

  it("compiles patterns as RE2 reads them: unanchored, with a leading (?i) as a flag", () => {
    const c = parseMonitorConfig('monitoredValues:\n  subjects: ["(?i)^ALICE@example\\\\.com$", "bob"]\n', 'watch.yaml');
    expect(c.subjects[0]!.regex.test('alice@EXAMPLE.com')).toBe(true);
    expect(c.subjects[0]!.regex.test('alice@exampleXcom')).toBe(false);
    expect(c.subjects[1]!.regex.test('robert.bobson@example.com')).toBe(true);
  });

  it.each([
    ['not YAML', 'monitoredValues: [unclosed', /^config watch\.yaml: not valid YAML: /],
    ['an empty file', '', 'config watch.yaml: is empty: list what to watch under monitoredValues'],
    ['no monitoredValues', 'other: 1\n', 'config watch.yaml: unknown setting "other" (glasslog reads only monitoredValues; the server, interval and files are flags)'],
    ['a rekor-monitor setting glasslog takes as a flag', 'monitoredValues:\n  subjects: [a]\nserverURL: https://rekor.sigstore.dev\n', /unknown setting "serverURL"/],
    ['an unknown list', 'monitoredValues:\n  emails: [a@b]\n', 'config watch.yaml: unknown list monitoredValues.emails (known: certIdentities, subjects, fingerprints, artifactDigests)'],
    ['fulcioExtensions', 'monitoredValues:\n  fulcioExtensions:\n    build-config-uri: [x]\n', 'config watch.yaml: monitoredValues.fulcioExtensions is not supported by glasslog monitor'],
    ['nothing to watch', 'monitoredValues:\n  subjects: []\n', 'config watch.yaml: monitoredValues lists nothing to watch'],
    ['a list that is a string', 'monitoredValues:\n  subjects: alice\n', 'config watch.yaml: monitoredValues.subjects must be a list'],
    ['a certIdentity without certSubject', 'monitoredValues:\n  certIdentities:\n    - issuers: [x]\n', 'config watch.yaml: monitoredValues.certIdentities[0].certSubject is missing'],
    ['a misspelt certIdentity setting', 'monitoredValues:\n  certIdentities:\n    - certSubject: a\n      issuer: [x]\n', 'config watch.yaml: monitoredValues.certIdentities[0] has unknown setting "issuer" (known: certSubject, issuers)'],
    ['an empty issuer', 'monitoredValues:\n  certIdentities:\n    - certSubject: a\n      issuers: [""]\n', 'config watch.yaml: monitoredValues.certIdentities[0].issuers[0] must be a non-empty string'],
    ['a bad regular expression', 'monitoredValues:\n  subjects: ["a", "(unclosed"]\n', /^config watch\.yaml: monitoredValues\.subjects\[1\] is not a valid regular expression: /],
    ['a short fingerprint', 'monitoredValues:\n  fingerprints: [A0B1C2D3E4F5]\n', /^config watch\.yaml: monitoredValues\.fingerprints\[0\] "A0B1C2D3E4F5" is not a fingerprint: /],
    ['a digest of another algorithm', `monitoredValues:\n  artifactDigests: ["sha512:${DIGEST}"]\n`, /^config watch\.yaml: monitoredValues\.artifactDigests\[0\] "sha512:a+" is not a SHA-256 digest/],
  ])('refuses %s, saying where', (_, yaml, message) => {
    const got = refusal(yaml);
    if (typeof message === 'string') expect(got).toBe(message);
    else expect(got).toMatch(message);
  });
});
