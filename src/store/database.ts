/**
 * Opens the database: PostgreSQL through `pg` when a URL is given, otherwise an embedded
 * PGlite (PostgreSQL compiled to WASM) kept in a local folder, so a laptop needs nothing
 * installed. Both speak the same SQL; the Store above them does not know which it has.
 */
import fs from 'node:fs';
import path from 'node:path';
import { knex, type Knex } from 'knex';
import { lockDataDir } from './pglite-lock';

export interface DatabaseOptions {
  /** postgres://… ; when absent, PGlite in `dataDir`. */
  databaseUrl?: string;
  /** Folder for the embedded database (ignored with databaseUrl). `memory://` keeps it in memory. */
  dataDir?: string;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
}

/** How long a request waits for a pooled connection before the store reports itself unavailable. */
const ACQUIRE_TIMEOUT_MS = 5000;

/**
 * knex prints connection failures to the console; they reach callers as errors anyway
 * (StoreUnavailableError → 503, logged there), so knex itself stays quiet.
 */
const QUIET = { warn() {}, error() {}, debug() {}, deprecate() {} };

export const MIGRATIONS_DIR = path.join(__dirname, '..', '..', 'migrations');

export interface Database {
  db: Knex;
  kind: 'postgres' | 'pglite';
  /** Closes the pool (and releases the embedded database's folder). */
  close(): Promise<void>;
}

export function openDatabase(opts: DatabaseOptions): Database {
  if (opts.databaseUrl) {
    const db = knex({
      client: 'pg',
      connection: { connectionString: opts.databaseUrl, connectionTimeoutMillis: ACQUIRE_TIMEOUT_MS },
      // min 0: idle connections are closed, so a restarted database is reconnected lazily.
      pool: { min: 0, max: opts.poolSize ?? 10, idleTimeoutMillis: 10000 },
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
      log: QUIET,
    });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  // Required lazily: PGlite's WASM is only loaded when the embedded database is used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ClientPgLite = require('knex-pglite');
  const dataDir = opts.dataDir ?? './data';
  let connection: Knex.StaticConnectionConfig = {} as Knex.StaticConnectionConfig;
  let release = () => {};
  if (dataDir !== 'memory://') {
    const filename = path.resolve(dataDir, 'pglite');
    fs.mkdirSync(filename, { recursive: true });
    release = lockDataDir(path.resolve(dataDir));
    connection = { filename };
  }
  const db = knex({ client: ClientPgLite, dialect: 'postgres', connection, log: QUIET });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      release();
    },
  };
}
