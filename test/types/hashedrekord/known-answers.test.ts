/**
 * Byte-exact known answers: canonical bodies of hashedrekord entries that Rekor logged
 * (test/fixtures/types/hashedrekord-rekor-entries.json, with their sources). Each body is
 * turned back into the proposed entry it came from, canonicalized again, and compared byte
 * for byte; the leaf hash of the body is checked against the log root through the entry's
 * inclusion proof, so the fixture itself is known to be what the log committed to.
 */
import { createHash } from 'node:crypto';
import fixtures from '../../fixtures/types/hashedrekord-rekor-entries.json';
import { InvalidEntryError } from '../../../src/errors';
import { createHashedRekordV001, hashedRekordV001 } from '../../../src/types/hashedrekord/v0.0.1';
import { SIGNING_ALGORITHMS } from '../../../src/types/pki/algorithms';
import { canonicalizeProposedEntry } from '../../../src/types/registry';
import { leafHash, rootFromInclusionProof } from '../helpers';

interface Fixture {
  description: string;
  logIndex: number;
  canonicalizedBody: string;
  inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[] };
}

interface HashedRekordBody {
  kind: string;
  apiVersion: string;
  spec: { data: { hash: { algorithm: string; value: string } }; signature: { content: string; publicKey: { content: string } } };
}

const entries = fixtures.entries as Fixture[];
/** Entries logged before Rekor's default algorithm policy existed (P-384 key, SHA-256 digest). */
const PRE_POLICY_LOG_INDEXES = new Set([118981923]);
const anyAlgorithm = createHashedRekordV001({ clientSigningAlgorithms: SIGNING_ALGORITHMS });

describe.each(entries.map((e) => [`${e.logIndex} (${e.description})`, e] as const))('Rekor entry %s', (_, fixture) => {
  const body = Buffer.from(fixture.canonicalizedBody, 'base64');
  const logged = JSON.parse(body.toString('utf8')) as HashedRekordBody;
  const canonicalize = PRE_POLICY_LOG_INDEXES.has(fixture.logIndex) ? anyAlgorithm : hashedRekordV001;

  it('is the leaf its inclusion proof commits to under the log root', () => {
    const { logIndex, treeSize, rootHash, hashes } = fixture.inclusionProof;
    const root = rootFromInclusionProof(
      Buffer.from(leafHash(body), 'hex'),
      logIndex,
      treeSize,
      hashes.map((h) => Buffer.from(h, 'base64')),
    );
    expect(root.toString('base64')).toBe(rootHash);
  });

  it('canonicalizes from its proposed entry to the same bytes and leaf hash', async () => {
    const entry = await canonicalize.canonicalize(logged.spec);
    expect(entry.canonicalBody.toString('utf8')).toBe(body.toString('utf8'));
    expect(entry.canonicalBody.equals(body)).toBe(true);
    expect(leafHash(entry.canonicalBody)).toBe(leafHash(body));
  });

  it('canonicalizes to the same bytes when the PEM arrives with CRLF line ends', async () => {
    const pem = Buffer.from(logged.spec.signature.publicKey.content, 'base64').toString('latin1');
    const spec = structuredClone(logged.spec);
    spec.signature.publicKey.content = Buffer.from(pem.replace(/\n/g, '\r\n'), 'latin1').toString('base64');
    expect((await canonicalize.canonicalize(spec)).canonicalBody.equals(body)).toBe(true);
  });

  it('canonicalizes to the same bytes when the PEM is rewrapped, indented and padded with blank lines', async () => {
    const pem = Buffer.from(logged.spec.signature.publicKey.content, 'base64').toString('latin1');
    const rewrapped = pem.replace(/-----BEGIN ([A-Z ]+)-----\n([\s\S]*?)-----END \1-----\n/g, (_m, type: string, b64: string) => {
      const flat = b64.replace(/\n/g, '');
      const lines = flat.match(/.{1,76}/g)!.map((line) => `  ${line}\t`);
      return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n\n`;
    });
    const spec = structuredClone(logged.spec);
    spec.signature.publicKey.content = Buffer.from(`\n\n${rewrapped}\n`, 'latin1').toString('base64');
    expect((await canonicalize.canonicalize(spec)).canonicalBody.equals(body)).toBe(true);
  });

  it('indexes the key digest, the identity and the artifact digest', async () => {
    const entry = await canonicalize.canonicalize(logged.spec);
    const pem = Buffer.from(logged.spec.signature.publicKey.content, 'base64');
    const { algorithm, value } = logged.spec.data.hash;
    expect(entry.indexKeys[0]).toBe(createHash('sha256').update(pem).digest('hex'));
    expect(entry.indexKeys[entry.indexKeys.length - 1]).toBe(`${algorithm}:${value}`);
  });
});

describe('the identities Rekor indexed for real entries', () => {
  const keysOf = async (logIndex: number): Promise<string[]> => {
    const fixture = entries.find((e) => e.logIndex === logIndex)!;
    const body = JSON.parse(Buffer.from(fixture.canonicalizedBody, 'base64').toString('utf8')) as HashedRekordBody;
    return (await anyAlgorithm.canonicalize(body.spec)).indexKeys;
  };

  it('include a Fulcio certificate’s email', async () => {
    expect(await keysOf(6757503)).toContain('brian@dehamer.com');
  });

  it('include a GitHub Actions workflow URI', async () => {
    expect(await keysOf(79605083)).toContain(
      'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2',
    );
  });

  it('include the Sigstore OtherName of a certificate that has one', async () => {
    expect(await keysOf(3)).toContain('foo!oidc.local');
  });

  it('are only the key digest and artifact digest for a bare public key', async () => {
    expect(await keysOf(771488337)).toHaveLength(2);
  });
});

describe('an entry logged before Rekor’s algorithm policy (ECDSA P-384 key, SHA-256 digest)', () => {
  const fixture = entries.find((e) => PRE_POLICY_LOG_INDEXES.has(e.logIndex))!;
  const proposed = JSON.parse(Buffer.from(fixture.canonicalizedBody, 'base64').toString('utf8')) as HashedRekordBody;

  it('is refused under Rekor’s default --client-signing-algorithms, as today’s Rekor refuses it', async () => {
    await expect(canonicalizeProposedEntry(proposed)).rejects.toThrow(InvalidEntryError);
    await expect(canonicalizeProposedEntry(proposed)).rejects.toThrow(/entry algorithms are not allowed/);
  });

  it('is accepted when the log permits ecdsa-sha2-256-nistp384', async () => {
    const permissive = createHashedRekordV001({ clientSigningAlgorithms: ['ecdsa-sha2-256-nistp384'] });
    await expect(permissive.canonicalize(proposed.spec)).resolves.toMatchObject({ kind: 'hashedrekord' });
  });
});
