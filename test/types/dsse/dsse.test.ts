/**
 * dsse 0.0.1 with fresh keys: what is accepted (every key type sigstore's DSSE verifier
 * loads, certificates, several signatures), what the canonical body keeps, and every way
 * Rekor refuses an envelope.
 */
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { InvalidEntryError, UnprocessableError } from '../../../src/errors';
import { canonicalizeProposedEntry } from '../../../src/types/registry';
import { dsseEntry, inTotoStatement, newKey, signEnvelope, type TestKeyType } from '../../helpers/entries';
import { makeCertificateAuthority } from '../helpers';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const canonicalPem = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
const body = async (entry: unknown) => JSON.parse((await canonicalizeProposedEntry(entry)).canonicalBody.toString('utf8'));

async function refused(entry: unknown, message: RegExp | string): Promise<void> {
  await expect(canonicalizeProposedEntry(entry)).rejects.toThrow(InvalidEntryError);
  await expect(canonicalizeProposedEntry(entry)).rejects.toThrow(message);
}

describe('dsse 0.0.1', () => {
  it.each<TestKeyType>(['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'])('accepts an envelope signed with %s', async (type) => {
    const key = newKey(type);
    const payload = inTotoStatement();
    const envelope = signEnvelope(payload, [key]);
    const text = JSON.stringify(envelope);
    const entry = await canonicalizeProposedEntry(dsseEntry(text, [key.publicKeyPem]));
    expect(JSON.parse(entry.canonicalBody.toString('utf8'))).toEqual({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(text) },
        payloadHash: { algorithm: 'sha256', value: sha256(payload) },
        signatures: [{ signature: envelope.signatures[0]!.sig, verifier: Buffer.from(canonicalPem(key.publicKeyPem)).toString('base64') }],
      },
    });
    expect(entry.attestation).toBeUndefined(); // Rekor keeps no attestation for dsse
  });

  it('indexes the key, both hashes, and the in-toto subjects and materials', async () => {
    const key = newKey('ecdsa-p256');
    const artifact = randomBytes(8);
    const payload = inTotoStatement([artifact], ['git+https://example.com/repo']);
    const text = JSON.stringify(signEnvelope(payload, [key]));
    const entry = await canonicalizeProposedEntry(dsseEntry(text, [key.publicKeyPem]));
    expect(entry.indexKeys).toEqual([
      `sha256:${sha256(canonicalPem(key.publicKeyPem))}`,
      `sha256:${sha256(payload)}`,
      `sha256:${sha256(text)}`,
      `sha256:${sha256(artifact)}`,
      `sha1:${createHash('sha1').update('git+https://example.com/repo').digest('hex')}`,
    ]);
  });

  it('hashes the envelope string exactly as sent, whitespace and key order included', async () => {
    const key = newKey('ecdsa-p256');
    const envelope = signEnvelope(inTotoStatement(), [key]);
    const spaced = JSON.stringify(envelope, null, 2);
    const a = await body(dsseEntry(JSON.stringify(envelope), [key.publicKeyPem]));
    const b = await body(dsseEntry(spaced, [key.publicKeyPem]));
    expect(b.spec.envelopeHash.value).toBe(sha256(spaced));
    expect(a.spec.envelopeHash.value).not.toBe(b.spec.envelopeHash.value);
    expect(a.spec.payloadHash).toEqual(b.spec.payloadHash);
  });

  it('sorts several signatures by their text, each with the key that verified it', async () => {
    const k1 = newKey('ecdsa-p256');
    const k2 = newKey('ed25519');
    const envelope = signEnvelope(inTotoStatement(), [k1, k2]);
    const got = await body(dsseEntry(envelope, [k2.publicKeyPem, k1.publicKeyPem]));
    const want = envelope.signatures
      .map((s, i) => ({ signature: s.sig, verifier: Buffer.from(canonicalPem([k1, k2][i]!.publicKeyPem)).toString('base64') }))
      .sort((a, b) => (a.signature < b.signature ? -1 : 1));
    expect(got.spec.signatures).toEqual(want);
  });

  it('accepts a certificate as verifier and indexes its identity', async () => {
    const ca = await makeCertificateAuthority();
    const key = newKey('ecdsa-p256');
    const spki = createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' });
    const certificate = await ca.issue(spki, { email: 'Builder@Example.com' });
    const entry = await canonicalizeProposedEntry(dsseEntry(signEnvelope(inTotoStatement(), [key]), [certificate]));
    expect(entry.indexKeys).toContain('builder@example.com');
    const spec = JSON.parse(entry.canonicalBody.toString('utf8')).spec;
    expect(Buffer.from(spec.signatures[0].verifier, 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('stops trying verifiers once every signature is covered', async () => {
    const key = newKey('ecdsa-p256');
    const stranger = newKey('ecdsa-p256');
    const entry = dsseEntry(signEnvelope(inTotoStatement(), [key]), [key.publicKeyPem, stranger.publicKeyPem]);
    await expect(canonicalizeProposedEntry(entry)).resolves.toBeDefined();
  });

  it('accepts URL-safe base64 in the envelope, as go-securesystemslib does', async () => {
    const key = newKey('ecdsa-p256');
    const envelope = signEnvelope(Buffer.from([0xfb, 0xff, 0xfe, 0x01]), [key], 'application/octet-stream');
    envelope.payload = Buffer.from(envelope.payload, 'base64').toString('base64url').padEnd(8, '=');
    await expect(canonicalizeProposedEntry(dsseEntry(envelope, [key.publicKeyPem]))).resolves.toBeDefined();
  });

  describe('refuses', () => {
    const key = newKey('ecdsa-p256');
    const other = newKey('ecdsa-p256');
    const good = signEnvelope(inTotoStatement(), [key]);

    it('a signature by another key', () =>
      refused(dsseEntry(good, [other.publicKeyPem]), 'could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1'));

    it('a verifier tried before the signatures are covered that verifies none', () =>
      refused(dsseEntry(good, [other.publicKeyPem, key.publicKeyPem]), /could not verify envelope/));

    it('a signature no verifier covers', () =>
      refused(dsseEntry(signEnvelope(inTotoStatement(), [key, other]), [key.publicKeyPem]), 'all signatures must have a key that verifies it'));

    it('two signatures by the same key (a key accepts one signature)', () =>
      refused(dsseEntry(signEnvelope(inTotoStatement(), [key, key]), [key.publicKeyPem]), 'all signatures must have a key that verifies it'));

    it('a payload changed after signing', () =>
      refused(dsseEntry({ ...good, payload: inTotoStatement().toString('base64') }, [key.publicKeyPem]), /threshold/));

    it('a payload type changed after signing', () =>
      refused(dsseEntry({ ...good, payloadType: 'text/plain' }, [key.publicKeyPem]), /threshold/));

    it('an envelope that is not JSON', () => refused(dsseEntry('{"payload":', [key.publicKeyPem]), /JSON/));

    it('an envelope without signatures', () =>
      refused(dsseEntry({ ...good, signatures: [] }, [key.publicKeyPem]), 'DSSE envelope must contain 1 or more signatures'));

    it('a payload that is not base64', () =>
      refused(dsseEntry({ ...good, payload: 'not base64!' }, [key.publicKeyPem]), /unable to base64 decode payload/));

    it('a signature that is not base64', () =>
      refused(dsseEntry({ ...good, signatures: [{ sig: '%%%%' }] }, [key.publicKeyPem]), /unable to base64 decode/));

    it('an envelope field of the wrong type', () =>
      refused(dsseEntry('{"payload": 7, "payloadType": "x", "signatures": []}', [key.publicKeyPem]), /cannot unmarshal number/));

    it('a verifier that is not a PEM key', () =>
      refused(dsseEntry(good, ['not a key']), 'could not parse public key as x509: invalid public key: failure decoding PEM'));

    it('the canonical form in place of a proposal', () =>
      refused(
        {
          kind: 'dsse',
          apiVersion: '0.0.1',
          spec: {
            envelopeHash: { algorithm: 'sha256', value: 'aa' },
            payloadHash: { algorithm: 'sha256', value: 'bb' },
            signatures: [{ signature: 'AAAA', verifier: 'AAAA' }],
          },
        },
        'entry not insertable into log: missing proposed content',
      ));

    it('no verifiers (schema)', () => refused({ kind: 'dsse', apiVersion: '0.0.1', spec: { proposedContent: { envelope: '{}', verifiers: [] } } }, /verifiers/));

    it('an unknown version', async () => {
      await expect(canonicalizeProposedEntry({ ...dsseEntry(good, [key.publicKeyPem]), apiVersion: '0.0.2' })).rejects.toThrow(
        "dsse implementation for version '0.0.2' not found",
      );
      await expect(canonicalizeProposedEntry({ ...dsseEntry(good, [key.publicKeyPem]), apiVersion: 'x' })).rejects.toThrow(UnprocessableError);
    });
  });
});
