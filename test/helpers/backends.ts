/**
 * The databases every storage-touching suite runs on: embedded PGlite always, and real
 * PostgreSQL when DATABASE_URL is set (as in CI). Each suite gets a fresh PostgreSQL
 * database of its own, so suites running in parallel never see each other's trees.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database: a PostgreSQL URL or a PGlite data folder. */
  create(): Promise<FreshDatabase>;
}

export interface FreshDatabase {
  databaseUrl?: string;
  dataDir: string;
  drop(): Promise<void>;
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const pglite: Backend = {
  name: 'pglite',
  async create() {
    const dataDir = tempDir('glasslog-pglite-');
    return { dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  },
};

function postgres(baseUrl: string): Backend {
  return {
    name: 'postgres',
    async create() {
      const name = `glasslog_t_${randomBytes(6).toString('hex')}`;
      const admin = new Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      const dataDir = tempDir('glasslog-pg-');
      return {
        databaseUrl: url.toString(),
        dataDir,
        drop: async () => {
          fs.rmSync(dataDir, { recursive: true, force: true });
          const c = new Client({ connectionString: baseUrl });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  };
}

export function backends(): Backend[] {
  const url = process.env.DATABASE_URL;
  return url ? [pglite, postgres(url)] : [pglite];
}

export function postgresBackend(): Backend | undefined {
  const url = process.env.DATABASE_URL;
  return url ? postgres(url) : undefined;
}

/**
 * `describe` for a suite that needs a real PostgreSQL server; without DATABASE_URL the suite
 * is skipped and the reason printed, so a PGlite-only run says what it did not cover.
 */
export function describeOnPostgres(suite: string, why: string, body: (pg: Backend) => void): void {
  const pg = postgresBackend();
  if (!pg) {
    // eslint-disable-next-line no-console
    console.warn(`"${suite}" runs only on PostgreSQL (${why}); set DATABASE_URL to run it, as .ci/run does`);
    describe.skip(suite, () => body(undefined as unknown as Backend));
    return;
  }
  describe(suite, () => body(pg));
}
