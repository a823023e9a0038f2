/**
 * Crash safety: glasslog is SIGKILLed while clients submit concurrently. After a restart,
 * every entry that got a 201 is served at its index with the same body, no index is
 * missing or reused, and the new checkpoint is consistent with every earlier one.
 * (On PGlite this covers a process crash only: PGlite never fsyncs, see README.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateSigningKey } from '../../src/crypto';
import { backends, type Backend, type FreshDatabase } from '../helpers/backends';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';
import { audit, submit, type Ack } from '../helpers/audit';

jest.setTimeout(180_000);

/** Submits from `clients` concurrent loops until `stop()` says so; records every 201. */
function load(url: string, clients: number, acks: Ack[]) {
  let running = true;
  const key = newEcdsaKey();
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const ack = await submit(url, hashedRekord(key).proposed);
        if (ack) acks.push(ack);
      } catch {
        // Connection refused or reset: the server is dead, which is the point.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('a SIGKILL during concurrent submissions on %s', (_name, backend) => {
  let db: FreshDatabase;
  let keyFile: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    db = await backend.create();
    keyFile = path.join(db.dataDir, 'key.pem');
    fs.writeFileSync(keyFile, generateSigningKey('ecdsa-p256'));
  });
  afterAll(async () => {
    await server?.kill();
    await db.drop();
  });

  it('loses no acknowledged entry, reuses no index, and keeps every checkpoint consistent', async () => {
    const port = await freePort();
    const acks: Ack[] = [];
    for (let round = 0; round < 3; round++) {
      server = await spawnServer({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, keyFile, port });
      const ackedBefore = acks.length;
      const stop = load(server.url, 16, acks);
      // Let entries flow, then kill the process in the middle of the traffic.
      const deadline = Date.now() + 20_000;
      while (acks.length < ackedBefore + 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      await server.kill('SIGKILL');
      await stop();
      expect(acks.length).toBeGreaterThan(ackedBefore);
    }

    server = await spawnServer({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, keyFile, port });
    const { treeSize } = await audit(server.url, acks);
    expect(treeSize).toBeGreaterThanOrEqual(acks.length);

    // The log goes on after the crashes: new entries take the next indexes.
    const more = await Promise.all(Array.from({ length: 5 }, () => submit(server!.url, hashedRekord().proposed)));
    for (const a of more) expect(a).toBeDefined();
    expect(more.map((a) => a!.logIndex).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4].map((i) => treeSize + i));
    await audit(server.url, [...acks, ...(more as Ack[])]);
  });
});
