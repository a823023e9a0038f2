/**
 * rekord 0.0.1: known answers from Rekor's own test data (test/fixtures/types/rekord, see
 * its README; the leaf hashes are those Rekor's code produced for these files), fresh
 * x509 signatures of every key type, and the entry-level rules (hash check, inline content
 * only, refusals with Rekor's messages).
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidEntryError } from '../../../src/errors';
import { canonicalizeProposedEntry } from '../../../src/types/registry';

const DIR = join(__dirname, '..', '..', 'fixtures', 'types', 'rekord');
const file = (path: string) => readFileSync(join(DIR, path));
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const leafHash = (body: Buffer) => createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');

function rekord(format: string, data: Buffer, signature: Buffer, key: Buffer, hash?: string) {
  return {
    kind: 'rekord',
    apiVersion: '0.0.1',
    spec: {
      signature: { format, content: b64(signature), publicKey: { content: b64(key) } },
      data: { content: b64(data), ...(hash !== undefined ? { hash: { algorithm: 'sha256', value: hash } } : {}) },
    },
  };
}

async function refused(entry: unknown, message: RegExp | string): Promise<void> {
  await expect(canonicalizeProposedEntry(entry)).rejects.toThrow(InvalidEntryError);
  await expect(canonicalizeProposedEntry(entry)).rejects.toThrow(message);
}

describe('rekord 0.0.1 known answers (Rekor test data, leaf hashes from Rekor)', () => {
  it.each([
    ['pgp', 'rekord/test_file.txt', 'rekord/test_file.sig', 'rekord/test_public_key.key', 'd2f305428d7c222d7b77f56453dd4b6e6851752ecacc78e5992779c8f9b61dd9'],
    ['pgp', 'pgp/hello_world.txt', 'pgp/hello_world.txt.sig', 'pgp/valid_armored_public.pgp', '896a7a04eb8508174546d007685324cb6b93daf360d8193e0988c09ca9596485'],
    ['pgp', 'pgp/hello_world.txt', 'pgp/hello_world.txt.sig', 'pgp/valid_binary_public.pgp', '896a7a04eb8508174546d007685324cb6b93daf360d8193e0988c09ca9596485'],
    ['pgp', 'pgp/hello_world.txt', 'pgp/hello_world.txt.asc.sig', 'pgp/valid_armored_public.pgp', '3a53e24126f97d8feb77aade7c492c33c6f57ec0c82abe27bad5dacc018beb3a'],
    ['x509', 'x509/hello_world.txt', 'x509/hello_world.txt.sig', 'x509/ec.pub', '178b95d0a67b5ff60196b0a8e375282477ce8de37edf3959b905f63d3a28333c'],
    ['ssh', 'ssh/hello_world.txt', 'ssh/hello_world.txt.sig', 'ssh/id_rsa.pub', 'b29a8ae3f4eb543577b0c94b6636b681a5678165581e36bd7aaeffabc05cc0f7'],
    ['minisign', 'minisign/hello_world.txt', 'minisign/hello_world.txt.minisig', 'minisign/minisign.pub', 'f8d7066c978aaad47e8511656a5930afca3a7cd2de9f29dd227a5c2a11bcd2c6'],
    ['minisign', 'minisign/hello_world.txt', 'minisign/hello_world_hashed.txt.minisig', 'minisign/minisign_hashed.pub', 'cc9f93fddd8739b8d67fc78cd38745a50bf43747d769f58a3d5c8db655e572b4'],
    ['minisign', 'minisign/hello_world.txt', 'minisign/hello_world.txt.signify', 'minisign/signify.pub', '610f7060629fd807b5461e9e634f79e28fc9668ede945da53b10c647c4dba331'],
  ])('%s: %s signed by %s with %s', async (format, data, sig, key, leaf) => {
    const entry = await canonicalizeProposedEntry(rekord(format, file(data), file(sig), file(key)));
    expect(leafHash(entry.canonicalBody)).toBe(leaf);
    const body = JSON.parse(entry.canonicalBody.toString('utf8'));
    expect(body.spec.data).toEqual({ hash: { algorithm: 'sha256', value: createHash('sha256').update(file(data)).digest('hex') } });
    expect(entry.indexKeys[0]).toBe(createHash('sha256').update(Buffer.from(body.spec.signature.publicKey.content, 'base64')).digest('hex'));
  });

  it('indexes the PGP key and the email of its user id', async () => {
    const entry = await canonicalizeProposedEntry(rekord('pgp', file('rekord/test_file.txt'), file('rekord/test_file.sig'), file('rekord/test_public_key.key')));
    // Exactly the keys Rekor's IndexKeys gave for these files.
    expect(entry.indexKeys).toEqual([
      '5080f5e1e256154400e9ca03b85de65caf7188512977f3f09d44637ca705fb4c',
      'lhinds@protonmail.com',
      'sha256:45c7b11fcbf07dec1694adecd8c5b85770a12a6c8dfdcf2580a2db0c47c31779',
    ]);
  });

  it('refuses a signature by a key the ring lacks, and a private key', async () => {
    const data = file('pgp/hello_world.txt');
    await refused(rekord('pgp', data, file('pgp/hello_world.txt.sig'), file('pgp/valid_binary_complex_public.pgp')), /openpgp: /);
    await refused(rekord('pgp', data, file('pgp/hello_world.txt.sig'), file('pgp/armored_private.pgp')), 'no PGP public keys could be read');
    await refused(rekord('pgp', data, file('pgp/hello_world.txt.sig'), file('pgp/bogus_armored.pgp')), InvalidEntryError as never);
  });

  it('refuses changed content for every format', async () => {
    await refused(rekord('pgp', Buffer.from('Hello, World?\n'), file('pgp/hello_world.txt.sig'), file('pgp/valid_armored_public.pgp')), /openpgp: /);
    await refused(rekord('x509', Buffer.from('Hello, World?\n'), file('x509/hello_world.txt.sig'), file('x509/ec.pub')), InvalidEntryError as never);
  });
});

describe('rekord 0.0.1 with x509 keys', () => {
  const artifact = Buffer.from('glasslog rekord artifact\n');

  it.each([
    ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sha256'],
    ['ECDSA P-384 (SHA-256, as Rekor verifies every curve)', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'sha256'],
    ['RSA-2048 PKCS#1 v1.5', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'sha256'],
    ['Ed25519', () => generateKeyPairSync('ed25519'), null],
  ] as const)('accepts %s over the raw artifact', async (_name, make, hash) => {
    const { privateKey, publicKey } = make();
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const entry = await canonicalizeProposedEntry(rekord('x509', artifact, sign(hash, artifact, privateKey), Buffer.from(pem)));
    const body = JSON.parse(entry.canonicalBody.toString('utf8'));
    expect(Buffer.from(body.spec.signature.publicKey.content, 'base64').toString()).toBe(pem);
    expect(body.spec.signature.format).toBe('x509');
    expect(entry.indexKeys).toContain(`sha256:${createHash('sha256').update(artifact).digest('hex')}`);
  });

  it('refuses a P-384 signature made over SHA-384 (Rekor verifies with SHA-256)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await refused(rekord('x509', artifact, sign('sha384', artifact, privateKey), Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }).toString())), InvalidEntryError as never);
  });

  describe('entry rules', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const sig = sign('sha256', artifact, privateKey);
    const digest = createHash('sha256').update(artifact).digest('hex');

    it('accepts a matching hash beside the content, and keeps the same body as without it', async () => {
      const a = await canonicalizeProposedEntry(rekord('x509', artifact, sig, pem, digest));
      const b = await canonicalizeProposedEntry(rekord('x509', artifact, sig, pem));
      expect(a.canonicalBody.equals(b.canonicalBody)).toBe(true);
    });

    it('refuses a hash that does not match, even one differing only in case', async () => {
      await refused(rekord('x509', artifact, sig, pem, 'ab'.repeat(32)), `SHA mismatch: ${digest} != ${'ab'.repeat(32)}`);
      await refused(rekord('x509', artifact, sig, pem, digest.toUpperCase()), /SHA mismatch/);
    });

    it('refuses data given only by hash or by URL: content must be inline', async () => {
      const byHash = rekord('x509', artifact, sig, pem, digest);
      delete (byHash.spec.data as { content?: string }).content;
      await refused(byHash, 'entry not insertable into log: missing data content');
      const byUrl = { ...byHash, spec: { ...byHash.spec, data: { url: 'https://example.com/artifact' } } };
      await refused(byUrl, "'content' must be specified for data");
    });

    it('refuses an unknown format, bad base64 and a wrong key', async () => {
      await refused(rekord('pkcs7', artifact, sig, pem), /should be one of \[pgp minisign x509 ssh\]/);
      const bad = rekord('x509', artifact, sig, pem);
      bad.spec.data.content = 'not base64!';
      await refused(bad, /data content|byte/);
      const other = Buffer.from(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString());
      await refused(rekord('x509', artifact, sig, other), InvalidEntryError as never);
    });
  });
});
