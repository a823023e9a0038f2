import { InvalidEntryError, UnprocessableError } from '../../src/errors';
import { canonicalizeProposedEntry, createEntryTypeRegistry, MAX_INDEX_KEY_LENGTH, supportedKinds, withoutNullMembers } from '../../src/types/registry';
import { generateKeyPairSync, sign } from 'node:crypto';
import { hashedRekordSpec, makeCertificateAuthority, makeSigner } from './helpers';

const signer = makeSigner('ecdsa-p256');
const { digest, signature } = signer.sign(Buffer.from('artifact'));
const spec = hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: signer.publicKeyPem });

describe('a proposed entry', () => {
  it('of a supported kind and version is canonicalized by that kind', async () => {
    const entry = await canonicalizeProposedEntry({ kind: 'hashedrekord', apiVersion: '0.0.1', spec });
    expect(entry.kind).toBe('hashedrekord');
    expect(entry.apiVersion).toBe('0.0.1');
    expect(JSON.parse(entry.canonicalBody.toString('utf8'))).toEqual({ apiVersion: '0.0.1', kind: 'hashedrekord', spec });
  });

  // Rekor: a broken envelope is go-openapi's 422; a body that is not an object or a version
  // it does not implement is 400 "error processing entry".
  it.each([
    ['is not an object', [], InvalidEntryError, 'proposed entry must be a JSON object'],
    ['is null', null, InvalidEntryError, 'proposed entry must be a JSON object'],
    ['has no kind', { apiVersion: '0.0.1', spec }, UnprocessableError, 'kind in body is required'],
    ['has an unknown kind', { kind: 'nonesuch', apiVersion: '0.0.1', spec }, UnprocessableError, 'invalid kind value: "nonesuch"'],
    ['has no apiVersion', { kind: 'hashedrekord', spec }, UnprocessableError, 'apiVersion in body is required'],
    ['has a numeric apiVersion', { kind: 'hashedrekord', apiVersion: 1, spec }, UnprocessableError, 'apiVersion in body must be of type string'],
    ['has no spec', { kind: 'hashedrekord', apiVersion: '0.0.1' }, UnprocessableError, 'spec in body is required'],
    [
      'has a version that is not implemented',
      { kind: 'hashedrekord', apiVersion: '0.0.2', spec },
      InvalidEntryError,
      "hashedrekord implementation for version '0.0.2' not found: unable to locate entry for version 0.0.2",
    ],
  ] as [string, unknown, typeof InvalidEntryError, string][])('is refused when it %s', async (_, proposed, errorClass, message) => {
    const refusal = canonicalizeProposedEntry(proposed);
    await expect(refusal).rejects.toBeInstanceOf(errorClass);
    await expect(refusal).rejects.toThrow(message);
  });

  it('keeps only index keys the database can index, and still logs the entry', async () => {
    const ca = await makeCertificateAuthority();
    const longUri = `https://example.org/${'a'.repeat(MAX_INDEX_KEY_LENGTH)}`;
    const pem = await ca.issue(signer.spki, { email: 'short@example.org', uri: longUri });
    const withCert = hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: pem });
    const entry = await canonicalizeProposedEntry({ kind: 'hashedrekord', apiVersion: '0.0.1', spec: withCert });
    expect(entry.indexKeys).toContain('short@example.org');
    expect(entry.indexKeys.some((k) => k.startsWith('https://example.org/'))).toBe(false);
    expect(entry.indexKeys.every((k) => k.length <= MAX_INDEX_KEY_LENGTH)).toBe(true);
  });

  it('is refused when its apiVersion is not a semantic version', async () => {
    const proposed = { kind: 'hashedrekord', apiVersion: 'v1', spec };
    await expect(canonicalizeProposedEntry(proposed)).rejects.toThrow(/^apiVersion in body should match/);
  });
});

describe('the supported kinds', () => {
  it('are those implemented so far', () => {
    expect(supportedKinds()).toEqual([
      { kind: 'hashedrekord', versions: ['0.0.1'] },
      { kind: 'dsse', versions: ['0.0.1'] },
      { kind: 'intoto', versions: ['0.0.1', '0.0.2'] },
      { kind: 'rekord', versions: ['0.0.1'] },
      { kind: 'cose', versions: ['0.0.1'] },
      { kind: 'tuf', versions: ['0.0.1'] },
      { kind: 'jar', versions: ['0.0.1'] },
      { kind: 'alpine', versions: ['0.0.1'] },
      { kind: 'rpm', versions: ['0.0.1'] },
      { kind: 'helm', versions: ['0.0.1'] },
    ]);
  });
});

describe('a registry with its own algorithm policy', () => {
  it('applies it to hashedrekord entries', async () => {
    const registry = createEntryTypeRegistry({ clientSigningAlgorithms: ['ed25519-ph'] });
    await expect(registry.canonicalizeProposedEntry({ kind: 'hashedrekord', apiVersion: '0.0.1', spec })).rejects.toThrow(
      /entry algorithms are not allowed/,
    );
  });
});

describe('null members', () => {
  it('are dropped before a kind sees the spec, as Go decodes null to absent (rekor-cli sends them)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const payload = Buffer.from('{"_type":"x"}');
    const type = 'application/vnd.in-toto+json';
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
    const sig = sign('sha256', pae, privateKey).toString('base64');
    const envelope = JSON.stringify({ payloadType: type, payload: payload.toString('base64'), signatures: [{ keyid: '', sig }] });
    const pem = Buffer.from(publicKey.export({ type: 'spki', format: 'pem' })).toString('base64');
    // Exactly what rekor-cli's Go model marshals for `upload --type dsse`.
    const entry = await canonicalizeProposedEntry({
      kind: 'dsse',
      apiVersion: '0.0.1',
      spec: { proposedContent: { envelope, verifiers: [pem] }, signatures: null },
    });
    expect(JSON.parse(entry.canonicalBody.toString()).spec.signatures).toHaveLength(1);
  });

  it('keeps members named __proto__ as members', () => {
    const parsed = JSON.parse('{"a":{"__proto__":{"x":1},"b":null}}') as Record<string, unknown>;
    const out = withoutNullMembers(parsed) as { a: Record<string, unknown> };
    expect(Object.keys(out.a)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
  });
});
