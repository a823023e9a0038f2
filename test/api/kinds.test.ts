/**
 * Every entry kind over real HTTP, on PGlite and (with DATABASE_URL) PostgreSQL: a real,
 * correctly signed entry is logged (201), read back byte for byte with a verifying
 * inclusion proof (and, for intoto, its attestation), and a wrong signature, a wrong key
 * and a malformed entry are refused with Rekor's status while the tree does not grow.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalizeProposedEntry } from '../../src/types/registry';
import { backends, type Backend } from '../helpers/backends';
import { call, checkLogEntry, expectRekorError } from '../helpers/api';
import { startTestServer, type TestServer } from '../helpers/server';
import { makeZip } from '../helpers/zip';
import { dsseEntry, inTotoStatement, intotoV001Entry, intotoV002Entry, newKey, signEnvelope } from '../helpers/entries';

interface KindCase {
  name: string;
  /** A valid entry, its attestation (if the kind keeps one), and three refusals. */
  make(): {
    valid: unknown;
    attestation?: Buffer;
    /** A SearchIndex publicKey query that must find the valid entry. */
    publicKey?: { format: string; content: string };
    wrongSignature: unknown;
    wrongKey: unknown;
    malformed: unknown;
  };
}

const key = newKey('ecdsa-p256');
const stranger = newKey('ecdsa-p256');

const REKORD = join(__dirname, '..', 'fixtures', 'types', 'rekord');
const b64file = (path: string) => readFileSync(join(REKORD, path)).toString('base64');

function rekord(format: string, data: string, sig: string, key: string) {
  return {
    kind: 'rekord',
    apiVersion: '0.0.1',
    spec: { signature: { format, content: b64file(sig), publicKey: { content: b64file(key) } }, data: { content: b64file(data) } },
  };
}

const COSE = join(__dirname, '..', 'fixtures', 'types', 'cose', 'cases');
const coseCase = (name: string) => JSON.parse(readFileSync(join(COSE, `${name}.json`), 'utf8')) as { spec: Record<string, string> };

const TUF = join(__dirname, '..', 'fixtures', 'types', 'tuf', 'cases');
const tufCase = (name: string) => JSON.parse(readFileSync(join(TUF, `${name}.json`), 'utf8')) as unknown;

const fixture = (path: string) => readFileSync(join(__dirname, '..', 'fixtures', 'types', path));
const flipMiddle = (bytes: Buffer) => {
  const out = Buffer.from(bytes);
  out[out.length >> 1]! ^= 0xff;
  return out;
};

const cases: KindCase[] = [
  {
    name: 'rpm 0.0.1 (Rekor test data)',
    make() {
      const rpm = fixture('rpm/test.rpm');
      const key = fixture('rpm/test_rpm_public_key.key');
      const spec = (pkg: Buffer, publicKey: Buffer) => ({
        kind: 'rpm',
        apiVersion: '0.0.1',
        spec: { package: { content: pkg.toString('base64') }, publicKey: { content: publicKey.toString('base64') } },
      });
      return {
        valid: spec(rpm, key),
        publicKey: { format: 'pgp', content: key.toString('base64') },
        wrongSignature: spec(flipMiddle(rpm), key),
        wrongKey: spec(rpm, fixture('rekord/pgp/valid_armored_public.pgp')),
        malformed: spec(rpm.subarray(0, 200), key),
      };
    },
  },
  {
    name: 'helm 0.0.1 (Rekor test data)',
    make() {
      const prov = fixture('helm/test-0.1.0.tgz.prov');
      const key = fixture('helm/test_helm_armor.pub');
      const spec = (provenance: Buffer, publicKey: Buffer) => ({
        kind: 'helm',
        apiVersion: '0.0.1',
        spec: { chart: { provenance: { content: provenance.toString('base64') } }, publicKey: { content: publicKey.toString('base64') } },
      });
      const tampered = Buffer.from(prov.toString('utf8').replace('version: 0.1.0', 'version: 0.1.1'));
      return {
        valid: spec(prov, key),
        publicKey: { format: 'pgp', content: key.toString('base64') },
        wrongSignature: spec(tampered, key),
        wrongKey: spec(prov, fixture('rekord/pgp/valid_armored_public.pgp')),
        malformed: spec(Buffer.from('not a clearsigned provenance file'), key),
      };
    },
  },
  {
    name: 'jar 0.0.1 (Rekor test data; the signer travels inside the jar)',
    make() {
      const jar = fixture('jar/test.jar');
      const spec = (archive: Buffer) => ({ kind: 'jar', apiVersion: '0.0.1', spec: { archive: { content: archive.toString('base64') } } });
      const manifest = Buffer.from('Manifest-Version: 1.0\r\n\r\n');
      return {
        valid: spec(jar),
        wrongSignature: spec(flipMiddle(jar)),
        // No signer at all: the only "wrong key" a jar can carry is none (a swapped
        // certificate is refused in test/types/jar).
        wrongKey: spec(makeZip([{ name: 'META-INF/MANIFEST.MF', data: manifest }, { name: 'a.txt', data: Buffer.from('a') }])),
        malformed: spec(jar.subarray(0, 100)),
      };
    },
  },
  {
    name: 'alpine 0.0.1 (Rekor test data)',
    make() {
      const apk = fixture('alpine/test_alpine.apk');
      const key = fixture('alpine/test_alpine.pub');
      const spec = (pkg: Buffer, publicKey: Buffer) => ({
        kind: 'alpine',
        apiVersion: '0.0.1',
        spec: { package: { content: pkg.toString('base64') }, publicKey: { content: publicKey.toString('base64') } },
      });
      const otherKey = readFileSync(join(__dirname, '..', 'fixtures', 'crypto', 'keys', 'ecdsa-p256.pub.pem'));
      return {
        valid: spec(apk, key),
        wrongSignature: spec(flipMiddle(apk), key),
        wrongKey: spec(apk, otherKey),
        malformed: spec(apk.subarray(0, 50), key),
      };
    },
  },
  {
    name: 'tuf 0.0.1 (timestamp metadata, expires 2099)',
    make() {
      const valid = tufCase('tuf-valid-timestamp') as { spec: { root: { content: unknown } } };
      const root = valid.spec.root.content;
      const rootBytes = typeof root === 'string' ? Buffer.from(root, 'base64') : Buffer.from(JSON.stringify(root));
      return {
        valid,
        publicKey: { format: 'tuf', content: rootBytes.toString('base64') },
        wrongSignature: tufCase('tuf-err-badsig'),
        wrongKey: tufCase('tuf-err-threshold'),
        malformed: tufCase('tuf-err-no-metadata-content'),
      };
    },
  },
  {
    name: 'cose 0.0.1 (ES256, made for Rekor\'s own code to answer)',
    make() {
      const valid = coseCase('cose-valid-es256');
      const message = Buffer.from(valid.spec.message!, 'base64');
      message[message.length - 1]! ^= 1;
      const otherKey = readFileSync(join(__dirname, '..', 'fixtures', 'crypto', 'keys', 'ecdsa-p256.pub.pem')).toString('base64');
      return {
        valid,
        attestation: Buffer.from(valid.spec.message!, 'base64'),
        wrongSignature: { ...valid, spec: { ...valid.spec, message: message.toString('base64') } },
        wrongKey: { ...valid, spec: { ...valid.spec, publicKey: otherKey } },
        malformed: coseCase('cose-err-untagged'),
      };
    },
  },
  {
    name: 'rekord 0.0.1 (pgp, Rekor test data)',
    make() {
      return {
        valid: rekord('pgp', 'pgp/hello_world.txt', 'pgp/hello_world.txt.sig', 'pgp/valid_armored_public.pgp'),
        // The same key in binary form must find it: search keys are canonical.
        publicKey: { format: 'pgp', content: b64file('pgp/valid_binary_public.pgp') },
        wrongSignature: rekord('pgp', 'rekord/test_file.txt', 'pgp/hello_world.txt.sig', 'pgp/valid_armored_public.pgp'),
        wrongKey: rekord('pgp', 'pgp/hello_world.txt', 'pgp/hello_world.txt.sig', 'pgp/valid_binary_complex_public.pgp'),
        malformed: { kind: 'rekord', apiVersion: '0.0.1', spec: { signature: { format: 'pgp', content: 'AAAA', publicKey: { content: 'AAAA' } }, data: { url: 'https://example.com/a' } } },
      };
    },
  },
  {
    name: 'rekord 0.0.1 (x509, Rekor test data)',
    make() {
      return {
        valid: rekord('x509', 'x509/hello_world.txt', 'x509/hello_world.txt.sig', 'x509/ec.pub'),
        publicKey: { format: 'x509', content: b64file('x509/ec.pub') },
        wrongSignature: rekord('x509', 'rekord/test_file.txt', 'x509/hello_world.txt.sig', 'x509/ec.pub'),
        wrongKey: rekord('x509', 'x509/hello_world.txt', 'x509/hello_world.txt.sig', 'pgp/valid_armored_public.pgp'),
        malformed: rekord('x509', 'x509/hello_world.txt', 'x509/hello_world.txt.sig', 'x509/hello_world.txt'),
      };
    },
  },
  {
    name: 'dsse 0.0.1',
    make() {
      const envelope = signEnvelope(inTotoStatement(), [key]);
      return {
        valid: dsseEntry(envelope, [key.publicKeyPem]),
        wrongSignature: dsseEntry({ ...envelope, signatures: signEnvelope(inTotoStatement(), [key]).signatures }, [key.publicKeyPem]),
        wrongKey: dsseEntry(envelope, [stranger.publicKeyPem]),
        malformed: dsseEntry('{"payload": "AAAA", ', [key.publicKeyPem]),
      };
    },
  },
  {
    name: 'intoto 0.0.1',
    make() {
      const payload = inTotoStatement();
      const envelope = signEnvelope(payload, [key]);
      return {
        valid: intotoV001Entry(envelope, key.publicKeyPem),
        attestation: payload,
        wrongSignature: intotoV001Entry({ ...envelope, signatures: signEnvelope(inTotoStatement(), [key]).signatures }, key.publicKeyPem),
        wrongKey: intotoV001Entry(envelope, stranger.publicKeyPem),
        malformed: { kind: 'intoto', apiVersion: '0.0.1', spec: { content: { envelope: 7 }, publicKey: 'AAAA' } },
      };
    },
  },
  {
    name: 'intoto 0.0.2',
    make() {
      const payload = inTotoStatement();
      const envelope = signEnvelope(payload, [key]);
      return {
        valid: intotoV002Entry(envelope, [key.publicKeyPem]),
        attestation: payload,
        wrongSignature: intotoV002Entry({ ...envelope, signatures: signEnvelope(inTotoStatement(), [key]).signatures }, [key.publicKeyPem]),
        wrongKey: intotoV002Entry(envelope, [stranger.publicKeyPem]),
        malformed: { kind: 'intoto', apiVersion: '0.0.2', spec: { content: { envelope: { payloadType: 'x', signatures: 'none' } } } },
      };
    },
  },
];

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('entry kinds over the API on %s', (_name, backend) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(backend);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  const treeSize = async () => (await call(srv, 'GET', '/api/v1/log')).json.treeSize as number;

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_kind, c) => {
    const entry = c.make();

    it('is logged, read back byte for byte with a verifying proof, and found by its payload digest', async () => {
      const expected = (await canonicalizeProposedEntry(entry.valid)).canonicalBody;
      const posted = await call(srv, 'POST', '/api/v1/log/entries', entry.valid);
      expect(posted.status).toBe(201);
      const { uuid, e } = checkLogEntry(srv, posted.json, expected);
      expect(e.attestation).toBeUndefined(); // never on the answer to a submission

      const byUuid = await call(srv, 'GET', `/api/v1/log/entries/${uuid}`);
      expect(byUuid.status).toBe(200);
      const read = checkLogEntry(srv, byUuid.json, expected).e;
      const byIndex = await call(srv, 'GET', `/api/v1/log/entries?logIndex=${e.logIndex}`);
      expect(Object.keys(byIndex.json)).toEqual([uuid]);
      if (entry.attestation) {
        expect(Buffer.from(read.attestation.data, 'base64').equals(entry.attestation)).toBe(true);
        expect(byIndex.json[uuid].attestation).toEqual(read.attestation);
      } else {
        expect(read.attestation).toBeUndefined();
      }

      // Every kind but tuf indexes a digest (artifact, payload or envelope) that SearchIndex
      // finds by hash; tuf's index keys are bare key and metadata hashes, as in Rekor.
      const digestKey = (await canonicalizeProposedEntry(entry.valid)).indexKeys.find((k) => /^sha(1|256|512):[0-9a-f]+$/.test(k));
      expect(digestKey !== undefined || c.name.startsWith('tuf')).toBe(true);
      if (digestKey) {
        const found = await call(srv, 'POST', '/api/v1/index/retrieve', { hash: digestKey });
        expect(found.status).toBe(200);
        expect(found.json).toContain(uuid);
      }
      if (entry.publicKey) {
        const byKey = await call(srv, 'POST', '/api/v1/index/retrieve', { publicKey: entry.publicKey });
        expect(byKey.status).toBe(200);
        expect(byKey.json).toContain(uuid);
      }

      const again = await call(srv, 'POST', '/api/v1/log/entries', entry.valid);
      expectRekorError(again, 409);
      expect(again.headers.get('location')).toBe(`/api/v1/log/entries/${uuid}`);
    });

    it.each([
      ['a wrong signature', 'wrongSignature', 400],
      ['a wrong key', 'wrongKey', 400],
      ['a malformed entry', 'malformed', 400],
    ] as const)('refuses %s (%s) with %d and stores nothing', async (_what, field, status) => {
      const before = await treeSize();
      const answer = await call(srv, 'POST', '/api/v1/log/entries', entry[field]);
      expectRekorError(answer, status);
      expect(answer.json.message).toMatch(/^error processing entry: /);
      expect(await treeSize()).toBe(before);
    });
  });

  it('answers the same digest for the same payload across kinds', async () => {
    const payload = inTotoStatement();
    const digest = createHash('sha256').update(payload).digest('hex');
    const a = await call(srv, 'POST', '/api/v1/log/entries', dsseEntry(signEnvelope(payload, [key]), [key.publicKeyPem]));
    const b = await call(srv, 'POST', '/api/v1/log/entries', intotoV001Entry(signEnvelope(payload, [key]), key.publicKeyPem));
    expect([a.status, b.status]).toEqual([201, 201]);
    const found = await call(srv, 'POST', '/api/v1/index/retrieve', { hash: `sha256:${digest}` });
    expect(found.json).toEqual(expect.arrayContaining([...Object.keys(a.json), ...Object.keys(b.json)]));
  });
});
