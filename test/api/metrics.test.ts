/**
 * GET /metrics: Prometheus text with the log's own figures, on PGlite and (with
 * DATABASE_URL) PostgreSQL — requests by route pattern and status, entries by kind, batch
 * and commit histograms, the tree size, the checkpoint age, and the database pool.
 */
import { backends, type Backend } from '../helpers/backends';
import { call } from '../helpers/api';
import { startTestServer, type TestServer } from '../helpers/server';
import { hashedRekord } from '../helpers/entries';

/** The value of one sample line `name{labels} value`, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('GET /metrics on %s', (name, backend) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(backend);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('counts what the log did, by route pattern, status and kind', async () => {
    const entry = hashedRekord();
    const posted = await call(srv, 'POST', '/api/v1/log/entries', entry.proposed);
    expect(posted.status).toBe(201);
    expect((await call(srv, 'POST', '/api/v1/log/entries', entry.proposed)).status).toBe(409);
    const uuid = Object.keys(posted.json)[0]!;
    expect((await call(srv, 'GET', `/api/v1/log/entries/${uuid}`)).status).toBe(200);

    const res = await fetch(`${srv.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    expect(sample(text, 'glasslog_http_requests_total', '{method="POST",route="/api/v1/log/entries",status="201"}')).toBe(1);
    expect(sample(text, 'glasslog_http_requests_total', '{method="POST",route="/api/v1/log/entries",status="409"}')).toBe(1);
    // The UUID never becomes a label value: the route pattern does.
    expect(sample(text, 'glasslog_http_requests_total', '{method="GET",route="/api/v1/log/entries/:entryUUID",status="200"}')).toBe(1);
    expect(text).not.toContain(uuid);
    expect(sample(text, 'glasslog_http_request_duration_seconds_count', '{method="POST",route="/api/v1/log/entries"}')).toBe(2);
    expect(sample(text, 'glasslog_entries_appended_total', '{kind="hashedrekord"}')).toBe(1);
    expect(sample(text, 'glasslog_batch_entries_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'glasslog_batch_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'glasslog_tree_size')).toBe(1);
    expect(sample(text, 'glasslog_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'glasslog_process_resident_memory_bytes')).toBeGreaterThan(0);
    if (name === 'postgres') {
      expect(sample(text, 'glasslog_db_pool_connections', '{state="used"}')).toBeGreaterThanOrEqual(0);
    } else {
      expect(text).not.toContain('glasslog_db_pool_connections{');
    }
  });
});
