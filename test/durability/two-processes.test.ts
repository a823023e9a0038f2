/**
 * Two glasslog processes on one PostgreSQL database sequence together: the tree-row lock
 * is their only coordination. Every 201 from either gets a distinct index, the indexes are
 * contiguous, and every checkpoint either issued is consistent with the final one.
 * PGlite is an embedded, single-process database, so this suite needs DATABASE_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateSigningKey } from '../../src/crypto';
import { describeOnPostgres, type FreshDatabase } from '../helpers/backends';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';
import { audit, logInfo, submit, type Ack } from '../helpers/audit';

jest.setTimeout(180_000);

describeOnPostgres('two glasslog processes on one PostgreSQL database', 'PGlite is embedded in one process', (pg) => {
  let db: FreshDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await pg.create();
    const keyFile = path.join(db.dataDir, 'key.pem');
    fs.writeFileSync(keyFile, generateSigningKey('ecdsa-p256'));
    // Started together, they also race to create the first tree: exactly one must win.
    const started = await Promise.allSettled([0, 1].map(() => spawnServer({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, keyFile })));
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  });
  afterAll(async () => {
    for (const s of servers) await s.kill('SIGTERM');
    await db.drop();
  });

  it('agree on one tree', async () => {
    const [a, b] = await Promise.all(servers.map((s) => fetch(`${s.url}/api/v1/log`).then((r) => r.json() as Promise<{ treeID: string }>)));
    expect(a.treeID).toBe(b.treeID);
  });

  it('sequence concurrent submissions to both without a gap or a reused index', async () => {
    const acks: Ack[] = [];
    const key = newEcdsaKey();
    await Promise.all(
      Array.from({ length: 16 }, async (_, client) => {
        for (let i = 0; i < 15; i++) {
          const ack = await submit(servers[(client + i) % 2].url, hashedRekord(key).proposed);
          expect(ack).toBeDefined();
          acks.push(ack!);
        }
      }),
    );
    expect(acks).toHaveLength(240);
    expect(new Set(acks.map((a) => a.logIndex)).size).toBe(240);
    expect([...acks.map((a) => a.logIndex)].sort((x, y) => x - y)).toEqual(Array.from({ length: 240 }, (_, i) => i));
    for (const s of servers) {
      expect((await logInfo(s.url)).treeSize).toBe(240);
      await audit(s.url, acks);
    }
  });

  it('refuse, from either process, a duplicate of an entry logged by the other', async () => {
    const f = hashedRekord();
    expect(await submit(servers[0].url, f.proposed)).toBeDefined();
    const res = await fetch(`${servers[1].url}/api/v1/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(f.proposed),
    });
    expect(res.status).toBe(409);
  });
});
