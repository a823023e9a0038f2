/** Which watched values an entry matches, on real canonical bodies; every match is checked whole. */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMonitorConfig } from '../../src/monitor/config';
import { entryIdentities, type EntryIdentities } from '../../src/monitor/identities';
import { matchEntry } from '../../src/monitor/matcher';
import { canonicalizeProposedEntry } from '../../src/types/registry';
import { createTestCa, type IssuedCertificate, type TestCa } from '../helpers/ca';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const FIELD = 'spec.signature.publicKey.content';

async function identitiesOf(proposed: unknown): Promise<EntryIdentities> {
  const found = await entryIdentities((await canonicalizeProposedEntry(proposed)).canonicalBody);
  if ('skipped' in found) throw new Error(found.skipped);
  return found;
}

const certEntry = (cert: IssuedCertificate) => hashedRekord({ privateKey: cert.privateKey, publicKeyPem: cert.pem }, undefined, cert.pem);
const config = (yaml: string) => parseMonitorConfig(yaml, 'test.yaml');

describe('matching entries against watched values', () => {
  let ca: TestCa;
  let alice: IssuedCertificate;
  let aliceEntry: EntryIdentities;
  beforeAll(async () => {
    ca = await createTestCa();
    alice = await ca.issueLeaf({ email: 'alice@example.com', oidcIssuer: 'https://accounts.example.com' });
    aliceEntry = await identitiesOf(certEntry(alice).proposed);
  });

  it('a certificate identity matches on the SAN, and reports the issuer', () => {
    expect(matchEntry(config('monitoredValues:\n  certIdentities:\n    - certSubject: ^alice@example\\.com$\n'), aliceEntry)).toEqual([
      { watched: 'certIdentities[0]', value: '^alice@example\\.com$', field: FIELD, found: 'alice@example.com', issuer: 'https://accounts.example.com' },
    ]);
  });

  it('a certificate identity with issuers needs one of them to match the certificate’s issuer', () => {
    const watch = (issuer: string) => config(`monitoredValues:\n  certIdentities:\n    - certSubject: alice@\n      issuers: ["${issuer}"]\n`);
    expect(matchEntry(watch('^https://accounts\\\\.example\\\\.com$'), aliceEntry)).toHaveLength(1);
    expect(matchEntry(watch('^https://token\\\\.actions\\\\.githubusercontent\\\\.com$'), aliceEntry)).toEqual([]);
  });

  it('a certificate without an issuer extension matches a subject-only identity, not one with issuers', async () => {
    const plain = await identitiesOf(certEntry(await ca.issueLeaf({ email: 'alice@example.com' })).proposed);
    expect(matchEntry(config('monitoredValues:\n  certIdentities:\n    - certSubject: alice\n'), plain)).toEqual([
      { watched: 'certIdentities[0]', value: 'alice', field: FIELD, found: 'alice@example.com' },
    ]);
    expect(matchEntry(config('monitoredValues:\n  certIdentities:\n    - certSubject: alice\n      issuers: [.]\n'), plain)).toEqual([]);
  });

  it('a certificate identity does not match a bare key, and an unanchored pattern matches inside a SAN', async () => {
    const bare = await identitiesOf(hashedRekord().proposed);
    expect(matchEntry(config('monitoredValues:\n  certIdentities:\n    - certSubject: .\n'), bare)).toEqual([]);
    expect(matchEntry(config('monitoredValues:\n  certIdentities:\n    - certSubject: "@example"\n'), aliceEntry)).toHaveLength(1);
    expect(matchEntry(config('monitoredValues:\n  certIdentities:\n    - certSubject: ^bob@\n'), aliceEntry)).toEqual([]);
  });

  it('a fingerprint matches the certificate, its key, or a bare key, saying which', async () => {
    const certFingerprint = sha256(new X509Certificate(alice.pem).raw);
    const keyFingerprint = sha256(alice.publicKeyDer);
    const watch = config(`monitoredValues:\n  fingerprints:\n    - ${certFingerprint.toUpperCase()}\n    - ${keyFingerprint}\n`);
    expect(matchEntry(watch, aliceEntry)).toEqual([
      { watched: 'fingerprints[0]', value: certFingerprint, field: FIELD, found: certFingerprint, of: 'certificate' },
      { watched: 'fingerprints[1]', value: keyFingerprint, field: FIELD, found: keyFingerprint, of: 'certificate public key' },
    ]);

    const key = newEcdsaKey();
    const bare = await identitiesOf(hashedRekord(key).proposed);
    const bareFingerprint = sha256(createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' }));
    expect(matchEntry(config(`monitoredValues:\n  fingerprints: [${bareFingerprint}]\n`), bare)).toEqual([
      { watched: 'fingerprints[0]', value: bareFingerprint, field: FIELD, found: bareFingerprint, of: 'public key' },
    ]);
    expect(matchEntry(watch, bare)).toEqual([]);
  });

  it('an artifact digest matches the digest the body names', async () => {
    const entry = hashedRekord();
    const found = await identitiesOf(entry.proposed);
    expect(matchEntry(config(`monitoredValues:\n  artifactDigests: ["sha256:${entry.digestHex}"]\n`), found)).toEqual([
      { watched: 'artifactDigests[0]', value: entry.digestHex, field: 'spec.data.hash', found: `sha256:${entry.digestHex}` },
    ]);
    expect(matchEntry(config(`monitoredValues:\n  artifactDigests: [${'0'.repeat(64)}]\n`), found)).toEqual([]);
  });

  it('subjects match certificate SANs and PGP e-mail addresses alike', async () => {
    const rekordDir = join(__dirname, '..', 'fixtures', 'types', 'rekord', 'rekord');
    const b64 = (name: string) => readFileSync(join(rekordDir, name)).toString('base64');
    const pgp = await identitiesOf({
      kind: 'rekord',
      apiVersion: '0.0.1',
      spec: { signature: { format: 'pgp', content: b64('test_file.sig'), publicKey: { content: b64('test_public_key.key') } }, data: { content: b64('test_file.txt') } },
    });
    const watch = config('monitoredValues:\n  subjects: ["^lhinds@protonmail\\\\.com$", "^alice@"]\n');
    expect(matchEntry(watch, pgp)).toEqual([{ watched: 'subjects[0]', value: '^lhinds@protonmail\\.com$', field: FIELD, found: 'lhinds@protonmail.com' }]);
    expect(matchEntry(watch, aliceEntry)).toEqual([{ watched: 'subjects[1]', value: '^alice@', field: FIELD, found: 'alice@example.com' }]);
  });

  it('reports every watched value an entry matches, in config order', () => {
    const keyFingerprint = sha256(alice.publicKeyDer);
    const watch = config(`monitoredValues:\n  certIdentities: [{certSubject: alice}]\n  subjects: [example]\n  fingerprints: [${keyFingerprint}]\n`);
    expect(matchEntry(watch, aliceEntry).map((m) => m.watched)).toEqual(['certIdentities[0]', 'subjects[0]', 'fingerprints[0]']);
  });
});
