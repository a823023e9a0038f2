/**
 * The client library the CLI and the monitor stand on: it talks to a real glasslog and
 * accepts only what the log's key vouches for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSigningKey } from '../../src/crypto';
import { ApiError, RekorClient, UnreachableError, type LoggedEntryJson } from '../../src/client/rekor-client';
import { proveConsistency, publicKeyDer, VerificationError, verifyCheckpoint } from '../../src/client/tree-head';
import { advanceTreeHead, readTreeState, StateFileError, writeTreeState } from '../../src/client/tree-state';
import { verifyLogEntry } from '../../src/client/verify-entry';
import { backends, type Backend } from '../helpers/backends';
import { hashedRekord } from '../helpers/entries';
import { freePort } from '../helpers/process';
import { startTestServer, type TestServer } from '../helpers/server';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const flipHex = (h: string): string => (h[0] === '0' ? '1' : '0') + h.slice(1);

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('the client library on %s', (_name, backend) => {
  let srv: TestServer;
  let fork: TestServer;
  let client: RekorClient;
  let keyDer: Buffer;
  let logged: LoggedEntryJson;
  let dir: string;

  beforeAll(async () => {
    srv = await startTestServer(backend);
    // Same key, different database: a log that signs a second history.
    fork = await startTestServer(backend, { config: { signingKey: srv.keyFile } });
    client = new RekorClient(srv.url);
    keyDer = publicKeyDer(await client.publicKey());
    logged = await client.createEntry(hashedRekord().proposed);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-client-'));
  });
  afterAll(async () => {
    await srv?.stop();
    await fork?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies an entry it logged: leaf hash, SET, inclusion proof and checkpoint', () => {
    const v = verifyLogEntry(logged, keyDer);
    expect(v.logIndex).toBe(0);
    expect(v.treeHead.treeSize).toBe(1);
    expect(v.uuid).toBe(logged.uuid);
  });

  it('refuses the entry under another key, or with any part changed', () => {
    const otherKey = publicKeyDer(
      require('node:crypto').createPublicKey(generateSigningKey('ecdsa-p256')).export({ type: 'spki', format: 'pem' }),
    );
    expect(() => verifyLogEntry(logged, otherKey)).toThrow(/logged by log/);

    const tamper: [string, (e: LoggedEntryJson) => void, RegExp][] = [
      ['body', (e) => (e.entry.body = Buffer.from('{"x":1}').toString('base64')), /does not name the body/],
      ['integratedTime', (e) => (e.entry.integratedTime += 1), /signed entry timestamp does not verify/],
      ['logIndex', (e) => (e.entry.logIndex += 1), /signed entry timestamp does not verify/],
      ['SET', (e) => (e.entry.verification!.signedEntryTimestamp = Buffer.from('nope').toString('base64')), /signed entry timestamp/],
      ['root', (e) => (e.entry.verification!.inclusionProof!.rootHash = flipHex(e.entry.verification!.inclusionProof!.rootHash)), /inclusion proof does not verify/],
      ['checkpoint', (e) => (e.entry.verification!.inclusionProof!.checkpoint = e.entry.verification!.inclusionProof!.checkpoint.replace('\n1\n', '\n2\n')), /checkpoint does not verify/],
    ];
    for (const [, change, message] of tamper) {
      const bad = clone(logged);
      change(bad);
      expect(() => verifyLogEntry(bad, keyDer)).toThrow(message);
    }
  });

  it('says what the server answered: 404 and 409 as ApiError, a closed port as UnreachableError', async () => {
    await expect(client.entryByIndex(99)).rejects.toMatchObject({ name: 'ApiError', status: 404 });
    const again = hashedRekord();
    const first = await client.createEntry(again.proposed);
    const dup = await client.createEntry(again.proposed).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ApiError);
    expect((dup as ApiError).status).toBe(409);
    expect((dup as ApiError).location).toContain(first.uuid);
    const closed = new RekorClient(`http://127.0.0.1:${await freePort()}`);
    await expect(closed.logInfo()).rejects.toBeInstanceOf(UnreachableError);
  });

  it('moves a saved tree head forward only along consistency proofs', async () => {
    const state = path.join(dir, 'state.json');
    expect(readTreeState(state, keyDer)).toBeUndefined();
    const first = await advanceTreeHead(client, keyDer);
    writeTreeState(state, keyDer, first);
    await client.createEntry(hashedRekord().proposed);
    await client.createEntry(hashedRekord().proposed);
    const saved = readTreeState(state, keyDer)!;
    expect(saved.treeSize).toBe(first.treeSize);
    const next = await advanceTreeHead(client, keyDer, saved);
    expect(next.treeSize).toBe(first.treeSize + 2);
  });

  it('detects a forked log: same key, another history', async () => {
    const head = await advanceTreeHead(client, keyDer);
    const forkClient = new RekorClient(fork.url);
    for (let i = 0; i < head.treeSize + 1; i++) await forkClient.createEntry(hashedRekord().proposed);
    // Its tree ID differs and it lists no inactive shard: replaced or forked.
    await expect(advanceTreeHead(forkClient, keyDer, head)).rejects.toThrow(/replaced or forked/);
    // Had it kept our tree ID, its own consistency proof would not lead from our head to its head.
    const forkHead = verifyCheckpoint((await forkClient.logInfo()).signedTreeHead, keyDer);
    const err = await proveConsistency(forkClient, { ...head, treeId: forkHead.treeId }, forkHead).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerificationError);
    expect((err as Error).message).toMatch(/not consistent with the size \d+ seen before/);
    // Two roots signed for one size.
    const twin = { ...head, rootHash: Buffer.alloc(32, 7) };
    await expect(proveConsistency(client, head, twin)).rejects.toThrow(/two different roots/);
    await expect(proveConsistency(client, head, { ...head, treeSize: head.treeSize - 1 })).rejects.toThrow(/shrank/);
  });

  it('refuses a state file for another log or one that was edited', () => {
    const state = path.join(dir, 'edited.json');
    const head = verifyLogEntry(logged, keyDer).treeHead;
    writeTreeState(state, keyDer, head);
    const saved = JSON.parse(fs.readFileSync(state, 'utf8'));
    fs.writeFileSync(state, JSON.stringify({ ...saved, checkpoint: saved.checkpoint.replace('\n1\n', '\n7\n') }));
    expect(() => readTreeState(state, keyDer)).toThrow(StateFileError);
    fs.writeFileSync(state, JSON.stringify({ ...saved, logId: '00'.repeat(32) }));
    expect(() => readTreeState(state, keyDer)).toThrow(/is for log/);
  });
});
