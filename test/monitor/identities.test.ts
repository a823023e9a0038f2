/**
 * What the monitor reads from real canonical bodies, made by glasslog's own entry types
 * from keys and certificates made here and from Rekor's fixtures. The expected fingerprints
 * come from elsewhere: node:crypto for PKIX keys and certificates, gpg and ssh-keygen for
 * the PGP and SSH fixtures (their printed fingerprints), RFC 8410 for the minisign key.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryIdentities, type EntryIdentities } from '../../src/monitor/identities';
import { canonicalizeProposedEntry } from '../../src/types/registry';
import { createTestCa, type IssuedCertificate, type TestCa } from '../helpers/ca';
import { dsseEntry, hashedRekord, inTotoStatement, intotoV001Entry, intotoV002Entry, newEcdsaKey, signEnvelope } from '../helpers/entries';

const FIXTURES = join(__dirname, '..', 'fixtures', 'types');
const fixture = (path: string) => readFileSync(join(FIXTURES, path));
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const spkiFingerprint = (pem: string) => sha256(createPublicKey(pem).export({ type: 'spki', format: 'der' }));

async function identitiesOf(proposed: unknown): Promise<EntryIdentities> {
  const { canonicalBody } = await canonicalizeProposedEntry(proposed);
  const found = await entryIdentities(canonicalBody);
  if ('skipped' in found) throw new Error(`skipped: ${found.skipped}`);
  return found;
}

/** The verifier identity a certificate should give. */
function certificateVerifier(field: string, cert: IssuedCertificate, subjects: string[], issuer?: string) {
  return {
    field,
    format: 'x509',
    certificate: true,
    subjects,
    issuer,
    fingerprints: [
      { value: sha256(new X509Certificate(cert.pem).raw), of: 'certificate' },
      { value: sha256(cert.publicKeyDer), of: 'certificate public key' },
    ],
  };
}

const keyVerifier = (field: string, pem: string) => ({
  field,
  format: 'x509',
  certificate: false,
  subjects: [],
  fingerprints: [{ value: spkiFingerprint(pem), of: 'public key' }],
});

function rekord(format: string, data: string, signature: string, key: string) {
  return {
    kind: 'rekord',
    apiVersion: '0.0.1',
    spec: {
      signature: { format, content: b64(fixture(`rekord/${signature}`)), publicKey: { content: b64(fixture(`rekord/${key}`)) } },
      data: { content: b64(fixture(`rekord/${data}`)) },
    },
  };
}

describe('identities in entry bodies', () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await createTestCa();
  });

  it('hashedrekord with a bare key: its PKIX fingerprint and the artifact digest', async () => {
    const entry = hashedRekord();
    expect(await identitiesOf(entry.proposed)).toEqual({
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
      verifiers: [keyVerifier('spec.signature.publicKey.content', entry.publicKeyPem)],
      digests: [{ field: 'spec.data.hash', algorithm: 'sha256', value: entry.digestHex }],
      unreadable: [],
    });
  });

  it('hashedrekord with a Fulcio-style certificate: e-mail SAN, OIDC issuer, certificate and key fingerprints', async () => {
    const cert = await ca.issueLeaf({ email: 'alice@example.com', oidcIssuer: 'https://accounts.example.com' });
    const entry = hashedRekord({ privateKey: cert.privateKey, publicKeyPem: cert.pem }, undefined, cert.pem);
    const found = await identitiesOf(entry.proposed);
    expect(found.verifiers).toEqual([certificateVerifier('spec.signature.publicKey.content', cert, ['alice@example.com'], 'https://accounts.example.com')]);
  });

  it("reads the deprecated raw issuer extension when the UTF8String one is absent, and URI SANs", async () => {
    const workflow = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
    const cert = await ca.issueLeaf({ uri: workflow, oidcIssuerV1Only: 'https://token.actions.githubusercontent.com' });
    const entry = hashedRekord({ privateKey: cert.privateKey, publicKeyPem: cert.pem }, undefined, cert.pem);
    expect((await identitiesOf(entry.proposed)).verifiers).toEqual([
      certificateVerifier('spec.signature.publicKey.content', cert, [workflow], 'https://token.actions.githubusercontent.com'),
    ]);
  });

  it('a certificate without Fulcio extensions has no issuer', async () => {
    const cert = await ca.issueLeaf({ email: 'bob@example.com' });
    const entry = hashedRekord({ privateKey: cert.privateKey, publicKeyPem: cert.pem }, undefined, cert.pem);
    expect((await identitiesOf(entry.proposed)).verifiers).toEqual([certificateVerifier('spec.signature.publicKey.content', cert, ['bob@example.com'], undefined)]);
  });

  it('dsse: every signature’s verifier, and the envelope and payload hashes', async () => {
    const cert = await ca.issueLeaf({ email: 'carol@example.com', oidcIssuer: 'https://accounts.example.com' });
    const key = newEcdsaKey();
    const payload = inTotoStatement();
    const envelope = signEnvelope(payload, [{ privateKey: cert.privateKey }, { privateKey: key.privateKey }]);
    const proposed = dsseEntry(envelope, [cert.pem, key.publicKeyPem]);
    const { canonicalBody } = await canonicalizeProposedEntry(proposed);
    const body = JSON.parse(canonicalBody.toString()) as { spec: { signatures: { verifier: string }[]; envelopeHash: { value: string } } };
    // Rekor sorts the signatures by their bytes: find which one is the certificate's.
    const certFirst = Buffer.from(body.spec.signatures[0]!.verifier, 'base64').toString().includes('CERTIFICATE');
    const expected = [
      certificateVerifier(`spec.signatures[${certFirst ? 0 : 1}].verifier`, cert, ['carol@example.com'], 'https://accounts.example.com'),
      keyVerifier(`spec.signatures[${certFirst ? 1 : 0}].verifier`, key.publicKeyPem),
    ];
    const found = await identitiesOf(proposed);
    expect(found.verifiers).toEqual(certFirst ? expected : expected.reverse());
    expect(found.digests).toEqual([
      { field: 'spec.envelopeHash', algorithm: 'sha256', value: body.spec.envelopeHash.value },
      { field: 'spec.payloadHash', algorithm: 'sha256', value: sha256(payload) },
    ]);
  });

  it('intoto 0.0.1 (spec.publicKey) and 0.0.2 (signatures[].publicKey)', async () => {
    const key = newEcdsaKey();
    const payload = inTotoStatement();
    const envelope = signEnvelope(payload, [{ privateKey: key.privateKey }]);
    const v1 = await identitiesOf(intotoV001Entry(envelope, key.publicKeyPem));
    expect(v1.verifiers).toEqual([keyVerifier('spec.publicKey', key.publicKeyPem)]);
    expect(v1.digests.map((d) => d.field)).toEqual(['spec.content.hash', 'spec.content.payloadHash']);
    expect(v1.digests[1]!.value).toBe(sha256(payload));

    const v2 = await identitiesOf(intotoV002Entry(envelope, [key.publicKeyPem]));
    expect(v2.verifiers).toEqual([keyVerifier('spec.content.envelope.signatures[0].publicKey', key.publicKeyPem)]);
    expect(v2.digests.map((d) => d.field)).toEqual(['spec.content.hash', 'spec.content.payloadHash']);
  });

  it('rekord pgp: the primary and subkey fingerprints gpg prints, and the user ID e-mail', async () => {
    const found = await identitiesOf(rekord('pgp', 'rekord/test_file.txt', 'rekord/test_file.sig', 'rekord/test_public_key.key'));
    expect(found.verifiers).toEqual([
      {
        field: 'spec.signature.publicKey.content',
        format: 'pgp',
        certificate: false,
        subjects: ['lhinds@protonmail.com'],
        fingerprints: [
          { value: '7200945c6efc69d8fa84650926b7c1a09d38a47a', of: 'pgp key' },
          { value: '3a4b76620d640cd72fc697c991fd1bbc82ba4759', of: 'pgp key' },
        ],
      },
    ]);
    expect(found.digests).toEqual([{ field: 'spec.data.hash', algorithm: 'sha256', value: sha256(fixture('rekord/rekord/test_file.txt')) }]);
  });

  it('rekord ssh: the fingerprint ssh-keygen -l prints', async () => {
    const found = await identitiesOf(rekord('ssh', 'ssh/hello_world.txt', 'ssh/hello_world.txt.sig', 'ssh/id_rsa.pub'));
    expect(found.verifiers).toEqual([
      { field: 'spec.signature.publicKey.content', format: 'ssh', certificate: false, subjects: [], fingerprints: [{ value: '95ofDdJ0L+QwEG2g4orBTeBPWCD0xNU1/4AtRLpQDMc', of: 'ssh key' }] },
    ]);
  });

  it('rekord minisign: SHA-256 of the Ed25519 key as PKIX DER', async () => {
    // minisign.pub's second line: "Ed", the 8-byte key ID, the 32-byte key.
    const raw = Buffer.from(fixture('rekord/minisign/minisign.pub').toString().split('\n')[1]!, 'base64');
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw.subarray(10)]);
    expect(createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ed25519');
    const found = await identitiesOf(rekord('minisign', 'minisign/hello_world.txt', 'minisign/hello_world.txt.minisig', 'minisign/minisign.pub'));
    expect(found.verifiers).toEqual([
      { field: 'spec.signature.publicKey.content', format: 'minisign', certificate: false, subjects: [], fingerprints: [{ value: sha256(spki), of: 'minisign key' }] },
    ]);
  });

  it('rekord x509 with a PEM key', async () => {
    const found = await identitiesOf(rekord('x509', 'x509/hello_world.txt', 'x509/hello_world.txt.sig', 'x509/ec.pub'));
    expect(found.verifiers).toEqual([keyVerifier('spec.signature.publicKey.content', fixture('rekord/x509/ec.pub').toString())]);
  });

  it('rpm and helm: PGP keys without a format hint (gpg’s fingerprints)', async () => {
    const rpm = await identitiesOf({
      kind: 'rpm',
      apiVersion: '0.0.1',
      spec: { publicKey: { content: b64(fixture('rpm/test_rpm_public_key.key')) }, package: { content: b64(fixture('rpm/test.rpm')) } },
    });
    expect(rpm.verifiers.map((v) => [v.field, v.format, v.subjects, v.fingerprints.map((f) => f.value)])).toEqual([
      ['spec.publicKey.content', 'pgp', ['rpm-test@rekor.dev'], ['e483a3b010f05ca003d849686b5c00fd2745ac5c', '65470bc099998a56b6037519401870431531a269']],
    ]);
    expect(rpm.digests).toEqual([{ field: 'spec.package.hash', algorithm: 'sha256', value: sha256(fixture('rpm/test.rpm')) }]);

    const helm = await identitiesOf({
      kind: 'helm',
      apiVersion: '0.0.1',
      spec: { publicKey: { content: b64(fixture('helm/test_helm_armor.pub')) }, chart: { provenance: { content: b64(fixture('helm/test-0.1.0.tgz.prov')) } } },
    });
    expect(helm.verifiers.map((v) => [v.field, v.format, v.subjects, v.fingerprints.map((f) => f.value)])).toEqual([
      ['spec.publicKey.content', 'pgp', ['not@real.com'], ['8d68fd63f52dcf7eaa72565bc3c828afb6681c17', 'db487c3701a6323b9f82cea146edec9576d374ca']],
    ]);
    expect(helm.digests).toEqual([{ field: 'spec.chart.hash', algorithm: 'sha256', value: sha256(fixture('helm/test-0.1.0.tgz')) }]);
  });

  it('alpine (a PEM key) and jar (the signing bundle’s certificate)', async () => {
    const alpine = await identitiesOf({
      kind: 'alpine',
      apiVersion: '0.0.1',
      spec: { publicKey: { content: b64(fixture('alpine/test_alpine.pub')) }, package: { content: b64(fixture('alpine/test_alpine.apk')) } },
    });
    expect(alpine.verifiers).toEqual([keyVerifier('spec.publicKey.content', fixture('alpine/test_alpine.pub').toString())]);
    expect(alpine.digests).toEqual([{ field: 'spec.package.hash', algorithm: 'sha256', value: sha256(fixture('alpine/test_alpine.apk')) }]);

    const { canonicalBody } = await canonicalizeProposedEntry({ kind: 'jar', apiVersion: '0.0.1', spec: { archive: { content: b64(fixture('jar/test.jar')) } } });
    const jarBody = JSON.parse(canonicalBody.toString()) as { spec: { signature: { publicKey: { content: string } } } };
    const cert = new X509Certificate(Buffer.from(jarBody.spec.signature.publicKey.content, 'base64'));
    const jar = await entryIdentities(canonicalBody);
    expect('skipped' in jar ? jar : jar.verifiers.map((v) => [v.field, v.certificate, v.fingerprints])).toEqual([
      [
        'spec.signature.publicKey.content',
        true,
        [
          { value: sha256(cert.raw), of: 'certificate' },
          { value: sha256(cert.publicKey.export({ type: 'spki', format: 'der' })), of: 'certificate public key' },
        ],
      ],
    ]);
  });

  it('skips bodies of unknown kinds and bodies that are not JSON, without throwing', async () => {
    const body = (v: unknown) => Buffer.from(JSON.stringify(v));
    expect(await entryIdentities(body({ kind: 'sbom', apiVersion: '0.0.1', spec: { publicKey: 'x' } }))).toEqual({ skipped: 'unknown kind "sbom"' });
    expect(await entryIdentities(Buffer.from('not json'))).toEqual({ skipped: 'the body is not JSON' });
    expect(await entryIdentities(body(['hashedrekord']))).toEqual({ skipped: 'the body names no kind' });
  });

  it('reports a key it cannot read, and keeps reading the rest of the body', async () => {
    const key = newEcdsaKey();
    const found = await entryIdentities(
      Buffer.from(
        JSON.stringify({
          kind: 'dsse',
          apiVersion: '0.0.1',
          spec: {
            signatures: [
              { signature: 'AA==', verifier: b64('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n') },
              { signature: 'AA==', verifier: b64(key.publicKeyPem) },
            ],
            payloadHash: { algorithm: 'sha256', value: 'AB'.repeat(32) },
          },
        }),
      ),
    );
    if ('skipped' in found) throw new Error(found.skipped);
    expect(found.verifiers).toEqual([keyVerifier('spec.signatures[1].verifier', key.publicKeyPem)]);
    expect(found.unreadable.map((u) => u.field)).toEqual(['spec.signatures[0].verifier']);
    expect(found.digests).toEqual([{ field: 'spec.payloadHash', algorithm: 'sha256', value: 'ab'.repeat(32) }]);
  });
});
