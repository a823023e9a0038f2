/**
 * The three floors the log is compared with, measured in the same run:
 * - HTTP: a bare Express route (floor-server.ts) under the same load generator;
 * - storage: durable batched INSERTs of entry-shaped rows into the same database;
 * - crypto: node:crypto ECDSA P-256 verify + sign per second, in this process.
 * Plus one diagnostic that is not a floor: glasslog's own entry validation
 * (canonicalizeProposedEntry: schema, key parsing, signature check) in this process.
 */
import path from 'node:path';
import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { Client } from 'pg';
import { ROOT } from './config';
import { closedLoop, type LoadResult } from './load';
import { ChildServer } from './server';
import { withCpuUsage, type CpuUsage } from './usage';

export interface HttpFloorLevel {
  concurrency: number;
  load: LoadResult;
  cpu: CpuUsage;
}

export async function httpFloor(opts: {
  concurrency: number[];
  warmupSeconds: number;
  seconds: number;
  bodies: Buffer[];
}): Promise<HttpFloorLevel[]> {
  const server = await ChildServer.start([path.join(__dirname, 'floor-server.js')], 'HTTP floor server');
  try {
    const levels: HttpFloorLevel[] = [];
    for (const concurrency of opts.concurrency) {
      let i = 0;
      const next = () => ({ method: 'POST' as const, path: '/api/v1/log/entries', body: opts.bodies[i++ % opts.bodies.length] });
      const { result, cpu } = await withCpuUsage(server, () =>
        closedLoop({ baseUrl: server.url, concurrency, warmupSeconds: opts.warmupSeconds, seconds: opts.seconds, expectStatus: 201, next }),
      );
      levels.push({ concurrency, load: result, cpu });
    }
    return levels;
  } finally {
    await server.stop();
  }
}

export interface StorageFloor {
  rowBytes: number;
  batchRows: number;
  /** Rows per second committed in batches of batchRows, one transaction each. */
  batchedRowsPerSecond: number;
  batchedCommitsPerSecond: number;
  /** Rows (= commits) per second, one row per transaction. */
  singleRowCommitsPerSecond: number;
  synchronousCommit: string;
}

const SCRATCH = 'bench_storage_floor';

export async function storageFloor(databaseUrl: string, seconds: number, bodyBytes: number, batchRows = 64): Promise<StorageFloor> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('SET synchronous_commit = on');
    const synchronousCommit = (await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit as string;
    // The same row shape, keys and index as glasslog's `entries`.
    await c.query(`CREATE TABLE ${SCRATCH} (
      tree_id bigint NOT NULL, log_index bigint NOT NULL, leaf_hash bytea NOT NULL, kind text NOT NULL,
      api_version text NOT NULL, body bytea NOT NULL, integrated_time bigint NOT NULL,
      signed_entry_timestamp bytea NOT NULL, PRIMARY KEY (tree_id, log_index), UNIQUE (leaf_hash, tree_id))`);
    let index = 0;
    const body = randomBytes(bodyBytes);
    const row = () => [1, index++, randomBytes(32), 'hashedrekord', '0.0.1', body, Math.floor(Date.now() / 1000), randomBytes(72)];
    const insert = async (rows: number) => {
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) {
        const base = values.length;
        values.push(...row());
        tuples.push(`(${Array.from({ length: 8 }, (_, k) => `$${base + k + 1}`).join(', ')})`);
      }
      await c.query('BEGIN');
      await c.query(`INSERT INTO ${SCRATCH} VALUES ${tuples.join(', ')}`, values);
      await c.query('COMMIT');
    };
    const run = async (rows: number) => {
      const until = performance.now() + seconds * 1000;
      let commits = 0;
      const started = performance.now();
      while (performance.now() < until) {
        await insert(rows);
        commits++;
      }
      return commits / ((performance.now() - started) / 1000);
    };
    const batchedCommitsPerSecond = await run(batchRows);
    const singleRowCommitsPerSecond = await run(1);
    return {
      rowBytes: bodyBytes + 32 + 72 + 16 + 'hashedrekord0.0.1'.length,
      batchRows,
      batchedRowsPerSecond: batchedCommitsPerSecond * batchRows,
      batchedCommitsPerSecond,
      singleRowCommitsPerSecond,
      synchronousCommit,
    };
  } finally {
    await c.query(`DROP TABLE IF EXISTS ${SCRATCH}`).catch(() => {});
    await c.end();
  }
}

export interface CryptoFloor {
  /** One client-signature verify plus one SET sign, per second, node:crypto (OpenSSL). */
  verifyPlusSignPerSecond: number;
  verifyPerSecond: number;
  signPerSecond: number;
}

/** Runs fn repeatedly for `seconds`; returns calls per second. */
function perSecond(seconds: number, fn: (i: number) => void): number {
  const started = performance.now();
  const until = started + seconds * 1000;
  let n = 0;
  while (performance.now() < until) {
    for (let k = 0; k < 64; k++) fn(n++);
  }
  return n / ((performance.now() - started) / 1000);
}

export function cryptoFloor(seconds: number, setPayloadBytes: number): CryptoFloor {
  const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const logKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const artifacts = Array.from({ length: 256 }, () => randomBytes(32));
  const signatures = artifacts.map((a) => sign('sha256', a, client.privateKey));
  const payload = randomBytes(setPayloadBytes);
  const check = (i: number) => {
    const k = i & 255;
    if (!verify('sha256', artifacts[k], client.publicKey, signatures[k])) throw new Error('crypto floor: verify failed');
  };
  const signSet = () => sign('sha256', payload, logKey.privateKey);
  const third = seconds / 3;
  return {
    verifyPlusSignPerSecond: perSecond(third, (i) => {
      check(i);
      signSet();
    }),
    verifyPerSecond: perSecond(third, check),
    signPerSecond: perSecond(third, signSet),
  };
}

export interface ValidationDiagnostic {
  /** glasslog's canonicalizeProposedEntry (schema + key parse + signature check) per second. */
  canonicalizePerSecond: number;
}

/** glasslog's own per-entry validation, from the build in dist/, on the same bodies the load uses. */
export async function validationDiagnostic(seconds: number, bodies: Buffer[]): Promise<ValidationDiagnostic> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const registry = require(path.join(ROOT, 'dist', 'types', 'registry.js')) as typeof import('../src/types/registry');
  const parsed = bodies.slice(0, 256).map((b) => JSON.parse(b.toString()) as unknown);
  const started = performance.now();
  const until = started + seconds * 1000;
  let n = 0;
  while (performance.now() < until) {
    await registry.canonicalizeProposedEntry(parsed[n % parsed.length]);
    n++;
  }
  return { canonicalizePerSecond: n / ((performance.now() - started) / 1000) };
}

/** Size of a SET payload for a body of this many bytes: canonical JSON around its base64. */
export function setPayloadBytes(bodyBytes: number): number {
  return Math.ceil(bodyBytes / 3) * 4 + createHash('sha256').digest('hex').length + 60;
}
