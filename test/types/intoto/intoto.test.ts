/**
 * intoto 0.0.1 and 0.0.2 with fresh keys: the canonical bodies Rekor builds, the
 * attestation it keeps (within the size limit), and its refusals.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { InvalidEntryError } from '../../../src/errors';
import { sshFingerprint } from '../../../src/types/pki/ssh-wire';
import { parseX509PublicKey } from '../../../src/types/pki/x509';
import { canonicalizeProposedEntry, createEntryTypeRegistry } from '../../../src/types/registry';
import { inTotoStatement, intotoV001Entry, intotoV002Entry, newKey, signEnvelope } from '../../helpers/entries';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const canonicalPem = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function refused(entry: unknown, message: RegExp | string): Promise<void> {
  await expect(canonicalizeProposedEntry(entry)).rejects.toThrow(InvalidEntryError);
  await expect(canonicalizeProposedEntry(entry)).rejects.toThrow(message);
}

describe('intoto 0.0.1', () => {
  const key = newKey('ecdsa-p256');

  it('keeps the two hashes and the re-encoded key, and the payload as attestation', async () => {
    const payload = inTotoStatement();
    const text = JSON.stringify(signEnvelope(payload, [key]));
    const entry = await canonicalizeProposedEntry(intotoV001Entry(text, key.publicKeyPem.trimEnd()));
    expect(JSON.parse(entry.canonicalBody.toString('utf8'))).toEqual({
      apiVersion: '0.0.1',
      kind: 'intoto',
      spec: {
        content: { hash: { algorithm: 'sha256', value: sha256(text) }, payloadHash: { algorithm: 'sha256', value: sha256(payload) } },
        publicKey: b64(canonicalPem(key.publicKeyPem)),
      },
    });
    expect(entry.attestation?.equals(payload)).toBe(true);
    expect(entry.indexKeys).toEqual(
      expect.arrayContaining([`sha256:${sha256(text)}`, `sha256:${sha256(canonicalPem(key.publicKeyPem))}`, `sha256:${sha256(payload)}`]),
    );
  });

  it("skips signatures naming another key id, and uses the one naming the key's SSH fingerprint", async () => {
    const fingerprint = sshFingerprint(parseX509PublicKey(Buffer.from(key.publicKeyPem)).signingKey)!;
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const payload = inTotoStatement();
    await expect(canonicalizeProposedEntry(intotoV001Entry(signEnvelope(payload, [{ ...key, keyid: fingerprint }]), key.publicKeyPem))).resolves.toBeDefined();
    await refused(intotoV001Entry(signEnvelope(payload, [{ ...key, keyid: 'some-other-key' }]), key.publicKeyPem), /threshold/);
  });

  it('needs only one signature to verify', async () => {
    const other = newKey('ed25519');
    await expect(canonicalizeProposedEntry(intotoV001Entry(signEnvelope(inTotoStatement(), [other, key]), key.publicKeyPem))).resolves.toBeDefined();
  });

  it('keeps no attestation above the size limit, and still logs the entry', async () => {
    const payload = inTotoStatement();
    const registry = createEntryTypeRegistry({ maxAttestationSize: payload.length - 1 });
    const entry = await registry.canonicalizeProposedEntry(intotoV001Entry(signEnvelope(payload, [key]), key.publicKeyPem));
    expect(entry.attestation).toBeUndefined();
    const none = createEntryTypeRegistry({ maxAttestationSize: 0 });
    expect((await none.canonicalizeProposedEntry(intotoV001Entry(signEnvelope(payload, [key]), key.publicKeyPem))).attestation).toBeUndefined();
  });

  it('refuses a wrong key, a tampered payload, a missing envelope and a missing key', async () => {
    const envelope = signEnvelope(inTotoStatement(), [key]);
    await refused(intotoV001Entry(envelope, newKey('ecdsa-p256').publicKeyPem), /threshold/);
    await refused(intotoV001Entry({ ...envelope, payload: b64('{}') }, key.publicKeyPem), /threshold/);
    await refused({ kind: 'intoto', apiVersion: '0.0.1', spec: { content: {}, publicKey: b64(key.publicKeyPem) } }, 'missing envelope content');
    await refused({ kind: 'intoto', apiVersion: '0.0.1', spec: { content: { envelope: '{}' } } }, 'publicKey in body is required');
  });
});

describe('intoto 0.0.2', () => {
  const key = newKey('ecdsa-p256');

  it('keeps the envelope without its payload, keys as sent, the client hash and the payload hash', async () => {
    const payload = inTotoStatement();
    const envelope = signEnvelope(payload, [{ ...key, keyid: 'k1' }]);
    const asSent = key.publicKeyPem.trimEnd(); // no trailing newline: kept that way
    const entry = await canonicalizeProposedEntry(intotoV002Entry(envelope, [asSent], 'client-chosen'));
    expect(JSON.parse(entry.canonicalBody.toString('utf8'))).toEqual({
      apiVersion: '0.0.2',
      kind: 'intoto',
      spec: {
        content: {
          envelope: { payloadType: envelope.payloadType, signatures: [{ keyid: 'k1', publicKey: b64(asSent), sig: b64(envelope.signatures[0]!.sig) }] },
          hash: { algorithm: 'sha256', value: 'client-chosen' },
          payloadHash: { algorithm: 'sha256', value: sha256(payload) },
        },
      },
    });
    expect(entry.attestation?.equals(payload)).toBe(true);
    expect(entry.indexKeys).toContain(`sha256:${sha256(canonicalPem(key.publicKeyPem))}`);
  });

  it('keeps several signatures in the order sent', async () => {
    const k2 = newKey('rsa-2048');
    const envelope = signEnvelope(inTotoStatement(), [k2, key]);
    const spec = JSON.parse((await canonicalizeProposedEntry(intotoV002Entry(envelope, [k2.publicKeyPem, key.publicKeyPem]))).canonicalBody.toString()).spec;
    expect(spec.content.envelope.signatures.map((s: { sig: string }) => s.sig)).toEqual(envelope.signatures.map((s) => b64(s.sig)));
  });

  it('refuses a missing hash with a 400 where Rekor answers 500', () =>
    refused(intotoV002Entry(signEnvelope(inTotoStatement(), [key]), [key.publicKeyPem], null), 'missing envelope digest'));

  it('refuses a signature no listed key verifies, and a key that verifies nothing', async () => {
    const other = newKey('ecdsa-p256');
    await refused(intotoV002Entry(signEnvelope(inTotoStatement(), [key]), [other.publicKeyPem]), /could not verify envelope/);
    const two = signEnvelope(inTotoStatement(), [key, key]);
    await refused(intotoV002Entry(two, [key.publicKeyPem, key.publicKeyPem]), 'all signatures must have a key that verifies it');
  });

  it('refuses a missing payload, payload type or signature list', async () => {
    const envelope = signEnvelope(inTotoStatement(), [key]);
    const entry = intotoV002Entry(envelope, [key.publicKeyPem]);
    const without = (field: string) => {
      const copy = structuredClone(entry) as { spec: { content: { envelope: Record<string, unknown> } } };
      delete copy.spec.content.envelope[field];
      return copy;
    };
    await refused(without('payload'), 'missing envelope content');
    await refused(without('payloadType'), 'payloadType in body is required');
    await refused(without('signatures'), 'signatures in body is required');
  });
});
