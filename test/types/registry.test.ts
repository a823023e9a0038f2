import { InvalidEntryError } from '../../src/errors';
import { canonicalizeProposedEntry, createEntryTypeRegistry, supportedKinds } from '../../src/types/registry';
import { hashedRekordSpec, makeSigner } from './helpers';

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

  it.each([
    ['is not an object', [], 'proposed entry must be a JSON object'],
    ['is null', null, 'proposed entry must be a JSON object'],
    ['has no kind', { apiVersion: '0.0.1', spec }, 'kind in body is required'],
    ['has an unknown kind', { kind: 'nonesuch', apiVersion: '0.0.1', spec }, 'invalid kind value: "nonesuch"'],
    ['has no apiVersion', { kind: 'hashedrekord', spec }, 'apiVersion in body is required'],
    ['has a numeric apiVersion', { kind: 'hashedrekord', apiVersion: 1, spec }, 'apiVersion in body must be of type string'],
    ['has no spec', { kind: 'hashedrekord', apiVersion: '0.0.1' }, 'spec in body is required'],
    [
      'has a version that is not implemented',
      { kind: 'hashedrekord', apiVersion: '0.0.2', spec },
      "hashedrekord implementation for version '0.0.2' not found: unable to locate entry for version 0.0.2",
    ],
  ])('is refused when it %s', async (_, proposed, message) => {
    await expect(canonicalizeProposedEntry(proposed)).rejects.toThrow(new InvalidEntryError(message));
  });

  it('is refused when its apiVersion is not a semantic version', async () => {
    const proposed = { kind: 'hashedrekord', apiVersion: 'v1', spec };
    await expect(canonicalizeProposedEntry(proposed)).rejects.toThrow(/^apiVersion in body should match/);
  });
});

describe('the supported kinds', () => {
  it('are hashedrekord 0.0.1 so far', () => {
    expect(supportedKinds()).toEqual([{ kind: 'hashedrekord', versions: ['0.0.1'] }]);
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
