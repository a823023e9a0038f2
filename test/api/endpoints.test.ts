/**
 * Every Rekor v1 endpoint, success and error paths, over real HTTP, on PGlite and (with
 * DATABASE_URL) PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { EMPTY_ROOT, verifyConsistency } from '../../src/merkle';
import { rekorKeyHint, verifyNote } from '../../src/note';
import { backends, type Backend } from '../helpers/backends';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, checkLogEntry, expectRekorError } from '../helpers/api';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('the Rekor v1 API on %s', (_name, backend) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(backend);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  const treeSize = async () => (await call(srv, 'GET', '/api/v1/log')).json.treeSize as number;

  describe('on an empty log', () => {
    it('GET /api/v1/log reports size 0, the empty root and a signed checkpoint', async () => {
      const a = await call(srv, 'GET', '/api/v1/log');
      expect(a.status).toBe(200);
      expect(a.json.treeSize).toBe(0);
      expect(a.json.rootHash).toBe(Buffer.from(EMPTY_ROOT).toString('hex'));
      expect(a.json.treeID).toBe(srv.log.treeId);
      expect(typeof a.json.treeID).toBe('string');
      expect(a.json.inactiveShards).toEqual([]);
      verifyNote(a.json.signedTreeHead, '127.0.0.1', rekorKeyHint(srv.log.signer.logId), srv.log.signer.publicKeyDer);
    });

    it('GET /api/v1/log/entries?logIndex=0 is 404 with a JSON error', async () => {
      expectRekorError(await call(srv, 'GET', '/api/v1/log/entries?logIndex=0'), 404);
    });
  });

  describe('GET /api/v1/log/publicKey', () => {
    it('serves the log key as PEM', async () => {
      const a = await call(srv, 'GET', '/api/v1/log/publicKey');
      expect(a.status).toBe(200);
      expect(a.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
      expect(a.text).toBe(srv.log.signer.publicKeyPem);
    });
    it('serves it for the active treeID too', async () => {
      expect((await call(srv, 'GET', `/api/v1/log/publicKey?treeID=${srv.log.treeId}`)).text).toBe(srv.log.signer.publicKeyPem);
    });
    it('answers 404 for a treeID that is not part of this log', async () => {
      expectRekorError(await call(srv, 'GET', '/api/v1/log/publicKey?treeID=12345'), 404);
    });
    it('answers 422 for a treeID that is not a number', async () => {
      expectRekorError(await call(srv, 'GET', '/api/v1/log/publicKey?treeID=abc'), 422);
    });
  });

  describe('POST /api/v1/log/entries', () => {
    it('logs a hashedrekord entry: 201, Location, ETag, SET, inclusion proof and checkpoint all verify', async () => {
      const f = hashedRekord();
      const a = await call(srv, 'POST', '/api/v1/log/entries', f.proposed);
      expect(a.status).toBe(201);
      const { uuid, e } = checkLogEntry(srv, a.json);
      expect(a.headers.get('location')).toBe(`/api/v1/log/entries/${uuid}`);
      expect(a.headers.get('etag')).toBe(uuid);
      expect(JSON.parse(Buffer.from(e.body, 'base64').toString())).toMatchObject({
        kind: 'hashedrekord',
        apiVersion: '0.0.1',
        spec: { data: { hash: { algorithm: 'sha256', value: f.digestHex } } },
      });
      expect(Math.abs(e.integratedTime - Date.now() / 1000)).toBeLessThan(60);
    });

    it('answers 409 with the existing entry in Location for a duplicate, and stores nothing', async () => {
      const f = hashedRekord();
      const first = await call(srv, 'POST', '/api/v1/log/entries', f.proposed);
      expect(first.status).toBe(201);
      const before = await treeSize();
      const again = await call(srv, 'POST', '/api/v1/log/entries', f.proposed);
      expectRekorError(again, 409);
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(await treeSize()).toBe(before);
    });

    it('gives concurrent submissions contiguous indexes whose proofs and checkpoints all verify', async () => {
      const start = await treeSize();
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => call(srv, 'POST', '/api/v1/log/entries', hashedRekord().proposed)),
      );
      const indexes = answers.map((a) => {
        expect(a.status).toBe(201);
        return checkLogEntry(srv, a.json).e.logIndex as number;
      });
      expect([...indexes].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => start + i));
      expect(await treeSize()).toBe(start + 40);
    });

    const refused: [string, number, () => { body?: unknown; raw?: string }][] = [
      ['malformed JSON', 400, () => ({ raw: '{"kind": "hashedrekord", ' })],
      ['a body that is not an object', 400, () => ({ body: [1, 2, 3] })],
      ['an unknown kind', 422, () => ({ body: { ...hashedRekord().proposed, kind: 'nosuchkind' } })],
      ['no kind at all', 422, () => ({ body: { apiVersion: '0.0.1', spec: {} } })],
      ['an unsupported apiVersion', 400, () => ({ body: { ...hashedRekord().proposed, apiVersion: '9.9.9' } })],
      [
        'a signature by another key',
        400,
        () => {
          const f = hashedRekord();
          const other = hashedRekord(newEcdsaKey(), f.artifact);
          const sig = other.proposed.spec.signature as { content: string };
          const key = (f.proposed.spec.signature as { publicKey: unknown }).publicKey;
          return { body: { ...f.proposed, spec: { ...f.proposed.spec, signature: { content: sig.content, publicKey: key } } } };
        },
      ],
      [
        'a digest that does not match the signature',
        400,
        () => {
          const f = hashedRekord();
          const digest = createHash('sha256').update('something else').digest('hex');
          return { body: { ...f.proposed, spec: { ...f.proposed.spec, data: { hash: { algorithm: 'sha256', value: digest } } } } };
        },
      ],
      [
        'a public key that is not PEM',
        400,
        () => {
          const f = hashedRekord();
          const sig = f.proposed.spec.signature as { content: string };
          return { body: { ...f.proposed, spec: { ...f.proposed.spec, signature: { content: sig.content, publicKey: { content: Buffer.from('not a key').toString('base64') } } } } };
        },
      ],
      ['a spec missing its signature', 400, () => ({ body: { ...hashedRekord().proposed, spec: { data: hashedRekord().proposed.spec.data } } })],
    ];
    it.each(refused)('refuses %s with %i and stores nothing', async (_what, status, make) => {
      const before = await treeSize();
      const { body, raw } = make();
      expectRekorError(await call(srv, 'POST', '/api/v1/log/entries', body, raw), status);
      expect(await treeSize()).toBe(before);
    });

    it('refuses a body over the size limit with 413', async () => {
      const before = await treeSize();
      const huge = { ...hashedRekord().proposed, padding: 'x'.repeat(5 << 20) };
      expectRekorError(await call(srv, 'POST', '/api/v1/log/entries', huge), 413);
      expect(await treeSize()).toBe(before);
    });
  });

  describe('reading entries', () => {
    let uuid: string;
    let logIndex: number;
    let body: Buffer;
    beforeAll(async () => {
      const a = await call(srv, 'POST', '/api/v1/log/entries', hashedRekord().proposed);
      uuid = Object.keys(a.json)[0];
      logIndex = a.json[uuid].logIndex;
      body = Buffer.from(a.json[uuid].body, 'base64');
    });

    it('GET /api/v1/log/entries?logIndex= returns the entry with a proof at the current size', async () => {
      const a = await call(srv, 'GET', `/api/v1/log/entries?logIndex=${logIndex}`);
      expect(a.status).toBe(200);
      const { uuid: got, e } = checkLogEntry(srv, a.json, body);
      expect(got).toBe(uuid);
      expect(e.verification.inclusionProof.treeSize).toBe(await treeSize());
    });
    it.each([
      ['a negative logIndex', '-1', 422],
      ['a logIndex that is not a number', 'abc', 422],
      ['an empty logIndex', '', 422],
      ['a logIndex past the end', '999999', 404],
    ])('GET /api/v1/log/entries answers %s with %i', async (_what, q, status) => {
      expectRekorError(await call(srv, 'GET', `/api/v1/log/entries?logIndex=${q}`), status);
    });

    it('GET /api/v1/log/entries/{uuid} accepts the 80-hex UUID', async () => {
      const a = await call(srv, 'GET', `/api/v1/log/entries/${uuid}`);
      expect(a.status).toBe(200);
      expect(checkLogEntry(srv, a.json, body).uuid).toBe(uuid);
    });
    it('GET /api/v1/log/entries/{uuid} accepts the 64-hex leaf hash, in upper case too', async () => {
      const a = await call(srv, 'GET', `/api/v1/log/entries/${uuid.slice(16).toUpperCase()}`);
      expect(a.status).toBe(200);
      expect(Object.keys(a.json)[0]).toBe(uuid);
    });
    it('answers 404 for an 80-hex UUID whose tree ID is not a shard of this log', async () => {
      expectRekorError(await call(srv, 'GET', `/api/v1/log/entries/${'0000000000000001' + uuid.slice(16)}`), 404);
    });
    it('answers 404 for an unknown UUID and 422 for a malformed one', async () => {
      expectRekorError(await call(srv, 'GET', `/api/v1/log/entries/${'ab'.repeat(32)}`), 404);
      expectRekorError(await call(srv, 'GET', `/api/v1/log/entries/xyz`), 422);
    });

    it('POST /api/v1/log/entries/retrieve finds entries by UUID, log index and proposed entry', async () => {
      const f = hashedRekord();
      const created = await call(srv, 'POST', '/api/v1/log/entries', f.proposed);
      const createdUuid = Object.keys(created.json)[0];
      const a = await call(srv, 'POST', '/api/v1/log/entries/retrieve', {
        entryUUIDs: [uuid, 'cd'.repeat(32)],
        logIndexes: [logIndex, 999999],
        entries: [f.proposed],
      });
      expect(a.status).toBe(200);
      expect(a.json.map((x: object) => Object.keys(x)[0])).toEqual([uuid, createdUuid, uuid]);
      for (const x of a.json) checkLogEntry(srv, x);
    });
    it('POST /api/v1/log/entries/retrieve refuses more than 10 queries with 422', async () => {
      const a = await call(srv, 'POST', '/api/v1/log/entries/retrieve', {
        entryUUIDs: Array.from({ length: 6 }, () => uuid),
        logIndexes: [0, 0, 0, 0, 0],
      });
      expectRekorError(a, 422);
    });
    it('POST /api/v1/log/entries/retrieve refuses malformed queries', async () => {
      expectRekorError(await call(srv, 'POST', '/api/v1/log/entries/retrieve', undefined, '{"entryUUIDs":'), 400);
      expectRekorError(await call(srv, 'POST', '/api/v1/log/entries/retrieve', { entryUUIDs: ['nothex'] }), 422);
      expectRekorError(await call(srv, 'POST', '/api/v1/log/entries/retrieve', { logIndexes: [-1] }), 422);
      expectRekorError(await call(srv, 'POST', '/api/v1/log/entries/retrieve', { entries: [{ kind: 'nope' }] }), 422);
    });
  });

  describe('POST /api/v1/index/retrieve', () => {
    const key = newEcdsaKey();
    let fixture: ReturnType<typeof hashedRekord>;
    let uuid: string;
    beforeAll(async () => {
      fixture = hashedRekord(key);
      const a = await call(srv, 'POST', '/api/v1/log/entries', fixture.proposed);
      uuid = Object.keys(a.json)[0];
      await call(srv, 'POST', '/api/v1/log/entries', hashedRekord(key).proposed);
    });

    it('finds an entry by its artifact digest, with or without the sha256: prefix', async () => {
      for (const hash of [fixture.digestHex, `sha256:${fixture.digestHex}`, fixture.digestHex.toUpperCase()]) {
        const a = await call(srv, 'POST', '/api/v1/index/retrieve', { hash });
        expect(a.status).toBe(200);
        expect(a.json).toEqual([uuid]);
      }
    });
    it('finds every entry signed by a public key', async () => {
      const a = await call(srv, 'POST', '/api/v1/index/retrieve', {
        publicKey: { format: 'x509', content: Buffer.from(key.publicKeyPem).toString('base64') },
      });
      expect(a.status).toBe(200);
      expect(a.json).toHaveLength(2);
      expect(a.json).toContain(uuid);
    });
    it('combines keys with "and" and "or"', async () => {
      const publicKey = { format: 'x509', content: Buffer.from(key.publicKeyPem).toString('base64') };
      const other = 'ab'.repeat(32);
      expect((await call(srv, 'POST', '/api/v1/index/retrieve', { publicKey, hash: fixture.digestHex, operator: 'and' })).json).toEqual([uuid]);
      expect((await call(srv, 'POST', '/api/v1/index/retrieve', { publicKey, hash: other, operator: 'and' })).json).toEqual([]);
      expect((await call(srv, 'POST', '/api/v1/index/retrieve', { publicKey, hash: other, operator: 'or' })).json).toHaveLength(2);
    });
    it('refuses malformed searches', async () => {
      expectRekorError(await call(srv, 'POST', '/api/v1/index/retrieve', { hash: 'xyz' }), 422);
      expectRekorError(await call(srv, 'POST', '/api/v1/index/retrieve', { operator: 'xor', hash: fixture.digestHex }), 422);
      expectRekorError(await call(srv, 'POST', '/api/v1/index/retrieve', { email: 'not an email' }), 422);
      expectRekorError(
        await call(srv, 'POST', '/api/v1/index/retrieve', { publicKey: { format: 'x509', content: Buffer.from('junk').toString('base64') } }),
        400,
      );
      expectRekorError(await call(srv, 'POST', '/api/v1/index/retrieve', undefined, 'nope'), 400);
    });
  });

  describe('GET /api/v1/log/proof', () => {
    it('proves every earlier checkpoint consistent with the current one', async () => {
      const info = (await call(srv, 'GET', '/api/v1/log')).json;
      const root2 = Buffer.from(info.rootHash, 'hex');
      for (let size1 = 1; size1 <= info.treeSize; size1++) {
        const earlier = await call(srv, 'GET', `/api/v1/log/proof?firstSize=1&lastSize=${size1}`);
        const root1 = Buffer.from(earlier.json.rootHash, 'hex');
        const a = await call(srv, 'GET', `/api/v1/log/proof?firstSize=${size1}&lastSize=${info.treeSize}`);
        expect(a.status).toBe(200);
        expect(a.json.rootHash).toBe(info.rootHash);
        verifyConsistency(size1, info.treeSize, a.json.hashes.map((h: string) => Buffer.from(h, 'hex')), root1, root2);
      }
    });
    it.each([
      ['firstSize > lastSize', 'firstSize=3&lastSize=2', 400],
      ['lastSize past the tree size', 'firstSize=1&lastSize=999999', 400],
      ['no lastSize', 'firstSize=1', 422],
      ['firstSize 0', 'firstSize=0&lastSize=1', 422],
      ['an unknown treeID', 'lastSize=1&treeID=42', 404],
    ])('answers %s with %i', async (_what, q, status) => {
      expectRekorError(await call(srv, 'GET', `/api/v1/log/proof?${q}`), status);
    });
  });

  describe('operations', () => {
    it('/healthz and /readyz answer 200', async () => {
      expect((await call(srv, 'GET', '/healthz')).status).toBe(200);
      expect((await call(srv, 'GET', '/readyz')).status).toBe(200);
    });
    it('an unknown path is a JSON 404', async () => {
      expectRekorError(await call(srv, 'GET', '/api/v1/nothing'), 404);
    });
  });
});
