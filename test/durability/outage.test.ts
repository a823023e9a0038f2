/**
 * A database outage: while PostgreSQL cannot be reached glasslog answers 503 with Rekor's
 * error body (never a 500, never a crash), and when it comes back the log recovers by
 * itself. The outage is played with a TCP proxy between glasslog and PostgreSQL.
 */
import { describeOnPostgres, type FreshDatabase } from '../helpers/backends';
import { startTestServer, type TestServer } from '../helpers/server';
import { hashedRekord } from '../helpers/entries';
import { TcpProxy } from '../helpers/tcp-proxy';
import { audit, submit, type Ack } from '../helpers/audit';

jest.setTimeout(120_000);

describeOnPostgres('a PostgreSQL outage', 'the outage is played on a PostgreSQL connection', (pg) => {
  let proxy: TcpProxy;
  let srv: TestServer;
  let realDb: FreshDatabase;

  beforeAll(async () => {
    realDb = await pg.create();
    const target = new URL(realDb.databaseUrl!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(realDb.databaseUrl!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    srv = await startTestServer(
      { name: 'postgres', create: async () => ({ ...realDb, drop: async () => {} }) },
      { config: { databaseUrl: viaProxy.toString() } },
    );
  });
  afterAll(async () => {
    await srv?.stop();
    await proxy?.stop();
    await realDb?.drop();
  });

  it('answers 503 while the database is gone and recovers by itself when it returns', async () => {
    const acks: Ack[] = [];
    for (let i = 0; i < 3; i++) acks.push((await submit(srv.url, hashedRekord().proposed))!);

    proxy.cut();
    for (const [method, path, body] of [
      ['POST', '/api/v1/log/entries', hashedRekord().proposed],
      ['GET', '/api/v1/log', undefined],
      ['GET', '/readyz', undefined],
      ['GET', `/api/v1/log/entries?logIndex=0`, undefined],
    ] as const) {
      const res = await fetch(srv.url + path, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ code: 503, message: expect.stringMatching(/database unavailable/) });
    }
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);

    proxy.restore();
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = (await fetch(`${srv.url}/readyz`)).status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(true);
    const after = await submit(srv.url, hashedRekord().proposed);
    expect(after).toBeDefined();
    expect(after!.logIndex).toBe(3);
    await audit(srv.url, [...acks, after!]);
  });
});
