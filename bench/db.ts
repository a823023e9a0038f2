/**
 * A fresh PostgreSQL database per benchmark run (dropped at the end), and the few reads
 * the benchmark makes of glasslog's tables: how many entries and how many batch commits.
 */
import { Client } from 'pg';

export function withDatabase(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

export async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Tree size of the active tree and the number of checkpoints (one row per committed batch). */
export async function logCounts(url: string): Promise<{ treeSize: number; checkpoints: number }> {
  const [r] = await query<{ tree_size: string | null; checkpoints: string }>(
    url,
    `SELECT (SELECT tree_size FROM trees WHERE state = 'active') AS tree_size, (SELECT count(*) FROM checkpoints) AS checkpoints`,
  );
  return { treeSize: Number(r.tree_size ?? 0), checkpoints: Number(r.checkpoints) };
}

export async function serverSettings(url: string): Promise<Record<string, string>> {
  const rows = await query<{ name: string; setting: string }>(
    url,
    `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'commit_delay')`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}
