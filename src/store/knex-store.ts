/**
 * The Store over knex: one implementation for PostgreSQL and PGlite. Tree ids are int64
 * and PGlite returns int8 as a JS number, so every query reads them as text; byte columns
 * arrive as Buffer (pg) or Uint8Array (PGlite) and are normalised to Buffer.
 */
import type { Knex } from 'knex';
import type { TileKey } from '../merkle';
import { MIGRATIONS_DIR, openDatabase, type Database, type DatabaseOptions } from './database';
import type {
  StoredTile,
  CheckpointRecord,
  EntryRecord,
  IndexKeyRecord,
  NewTree,
  SequencingTx,
  Store,
  TreeRecord,
} from './store';
import { guard } from './unavailable';

type Row = Record<string, unknown>;

/** A pooled pg connection, as knex hands it out. */
interface PgConnection {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/** Advisory lock id for migrations: "glasslog" in ASCII, as an int64. */
const MIGRATION_LOCK_KEY = '7452438631876947815';

const TREE_COLUMNS =
  'tree_id::text AS tree_id, origin, state, key_id, shard_offset, tree_size, root_hash, checkpoint';
const ENTRY_COLUMNS =
  'tree_id::text AS tree_id, log_index, leaf_hash, kind, api_version, body, integrated_time, signed_entry_timestamp, attestation';

function bytes(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError(`expected bytes from the database, got ${typeof v}`);
}

function toTree(r: Row): TreeRecord {
  return {
    treeId: String(r.tree_id),
    origin: String(r.origin),
    state: r.state === 'frozen' ? 'frozen' : 'active',
    keyId: bytes(r.key_id),
    shardOffset: Number(r.shard_offset),
    treeSize: Number(r.tree_size),
    rootHash: bytes(r.root_hash),
    checkpoint: r.checkpoint == null ? null : String(r.checkpoint),
  };
}

function toEntry(r: Row): EntryRecord {
  return {
    treeId: String(r.tree_id),
    logIndex: Number(r.log_index),
    leafHash: bytes(r.leaf_hash),
    kind: String(r.kind),
    apiVersion: String(r.api_version),
    body: bytes(r.body),
    integratedTime: Number(r.integrated_time),
    signedEntryTimestamp: bytes(r.signed_entry_timestamp),
    ...(r.attestation != null ? { attestation: bytes(r.attestation) } : {}),
  };
}

function toTile(r: Row): StoredTile {
  const tile: StoredTile = { level: Number(r.level), index: Number(r.tile_index), hashes: bytes(r.hashes) };
  if (r.interior !== null && r.interior !== undefined) tile.interior = bytes(r.interior);
  return tile;
}

/** Rows of a query, whichever driver ran it (pg wraps them in `.rows`). */
function rows(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}

async function selectTiles(q: Knex | Knex.Transaction, treeId: string, keys: TileKey[]): Promise<StoredTile[]> {
  if (keys.length === 0) return [];
  const unique = [...new Map(keys.map((k) => [`${k.level}/${k.index}`, k])).values()];
  const result = await q.raw(
    `SELECT level, tile_index, hashes, interior FROM tiles
      WHERE tree_id = ? AND (level, tile_index) IN (${unique.map(() => '(?::smallint, ?::bigint)').join(', ')})`,
    [treeId, ...unique.flatMap((k) => [k.level, k.index])],
  );
  return rows(result).map(toTile);
}

/** Rows per INSERT statement; keeps each under PostgreSQL's 65535 bind parameters. */
const INSERT_CHUNK = 1000;

async function insertChunked(tx: Knex.Transaction, table: string, records: Row[]): Promise<void> {
  for (let i = 0; i < records.length; i += INSERT_CHUNK) {
    await tx(table).insert(records.slice(i, i + INSERT_CHUNK));
  }
}

class KnexSequencingTx implements SequencingTx {
  constructor(
    private readonly tx: Knex.Transaction,
    readonly tree: TreeRecord,
  ) {}

  async existingLeafHashes(leafHashes: Buffer[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (leafHashes.length === 0) return found;
    const result = await this.tx.raw(
      `SELECT leaf_hash, log_index FROM entries WHERE tree_id = ? AND leaf_hash IN (${leafHashes.map(() => '?').join(', ')})`,
      [this.tree.treeId, ...leafHashes],
    );
    for (const r of rows(result)) found.set(bytes(r.leaf_hash).toString('hex'), Number(r.log_index));
    return found;
  }

  readTiles(keys: TileKey[]): Promise<StoredTile[]> {
    return selectTiles(this.tx, this.tree.treeId, keys);
  }

  async append(batch: {
    entries: EntryRecord[];
    indexKeys: IndexKeyRecord[];
    tiles: StoredTile[];
    checkpoint: CheckpointRecord;
  }): Promise<void> {
    const treeId = this.tree.treeId;
    await insertChunked(
      this.tx,
      'entries',
      batch.entries.map((e) => ({
        tree_id: treeId,
        log_index: e.logIndex,
        leaf_hash: e.leafHash,
        kind: e.kind,
        api_version: e.apiVersion,
        body: e.body,
        integrated_time: e.integratedTime,
        signed_entry_timestamp: e.signedEntryTimestamp,
        attestation: e.attestation ?? null,
      })),
    );
    await insertChunked(
      this.tx,
      'search_index',
      batch.indexKeys.map((k) => ({ key: k.key, tree_id: treeId, log_index: k.logIndex })),
    );
    for (const t of batch.tiles) {
      await this.tx('tiles')
        .insert({
          tree_id: treeId,
          level: t.level,
          tile_index: t.index,
          hashes: Buffer.from(t.hashes),
          interior: t.interior ? Buffer.from(t.interior) : null,
        })
        .onConflict(['tree_id', 'level', 'tile_index'])
        .merge(['hashes', 'interior']);
    }
    const cp = batch.checkpoint;
    await this.tx('checkpoints').insert({
      tree_id: treeId,
      tree_size: cp.treeSize,
      root_hash: cp.rootHash,
      note: cp.note,
    });
    await this.tx('trees')
      .where({ tree_id: treeId })
      .update({ tree_size: cp.treeSize, root_hash: cp.rootHash, checkpoint: cp.note });
  }
}

export class KnexStore implements Store {
  private readonly db: Knex;
  readonly kind: 'postgres' | 'pglite';

  private constructor(private readonly database: Database) {
    this.db = database.db;
    this.kind = database.kind;
  }

  static open(opts: DatabaseOptions): KnexStore {
    return new KnexStore(openDatabase(opts));
  }

  migrate(): Promise<void> {
    return guard('migrating', async () => {
      const latest = () => this.db.migrate.latest({ directory: MIGRATIONS_DIR, loadExtensions: ['.js'] });
      if (this.kind === 'pglite') return void (await latest());
      // knex's own migration lock lives in a table that the first migration creates, so two
      // instances starting together would race to create it. A session advisory lock, held
      // on a connection of its own while knex migrates on others, serialises them.
      const conn = (await this.db.client.acquireConnection()) as PgConnection;
      try {
        await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await latest();
        } finally {
          await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        await this.db.client.releaseConnection(conn);
      }
    });
  }

  connections(): { used: number; free: number; pending: number } | undefined {
    if (this.kind !== 'postgres') return undefined;
    const pool = (this.db.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
    return pool ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() } : undefined;
  }

  ping(): Promise<void> {
    return guard('checking readiness', async () => {
      await this.db.raw('SELECT 1');
    });
  }

  close(): Promise<void> {
    return this.database.close();
  }

  ensureActiveTree(create: () => NewTree): Promise<TreeRecord> {
    return guard('opening the active tree', async () => {
      const existing = await this.activeTree();
      if (existing) return existing;
      const t = create();
      // Two processes may race to create the first tree: the partial unique index on
      // state = 'active' lets exactly one insert win, and both then read the winner.
      await this.db.raw(
        `INSERT INTO trees (tree_id, origin, state, key_id, root_hash, checkpoint)
         VALUES (?, ?, 'active', ?, ?, ?) ON CONFLICT DO NOTHING`,
        [t.treeId, t.origin, t.keyId, t.rootHash, t.checkpoint],
      );
      const created = await this.activeTree();
      if (!created) throw new Error('no active tree after creating one');
      return created;
    });
  }

  private async activeTree(): Promise<TreeRecord | undefined> {
    const r = rows(await this.db.raw(`SELECT ${TREE_COLUMNS} FROM trees WHERE state = 'active'`));
    return r[0] ? toTree(r[0]) : undefined;
  }

  trees(): Promise<TreeRecord[]> {
    return guard('reading trees', async () =>
      rows(await this.db.raw(`SELECT ${TREE_COLUMNS} FROM trees ORDER BY shard_offset`)).map(toTree),
    );
  }

  tree(treeId: string): Promise<TreeRecord | undefined> {
    return guard('reading a tree', async () => {
      const r = rows(await this.db.raw(`SELECT ${TREE_COLUMNS} FROM trees WHERE tree_id = ?`, [treeId]));
      return r[0] ? toTree(r[0]) : undefined;
    });
  }

  sequence<T>(treeId: string, work: (tx: SequencingTx) => Promise<T>): Promise<T> {
    return guard('sequencing', () =>
      this.db.transaction(async (tx) => {
        const locked = rows(
          await tx.raw(`SELECT ${TREE_COLUMNS} FROM trees WHERE tree_id = ? FOR UPDATE`, [treeId]),
        );
        if (!locked[0]) throw new Error(`tree ${treeId} does not exist`);
        return work(new KnexSequencingTx(tx, toTree(locked[0])));
      }),
    );
  }

  entryByIndex(treeId: string, logIndex: number): Promise<EntryRecord | undefined> {
    return guard('reading an entry', async () => {
      const r = rows(
        await this.db.raw(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE tree_id = ? AND log_index = ?`, [
          treeId,
          logIndex,
        ]),
      );
      return r[0] ? toEntry(r[0]) : undefined;
    });
  }

  entriesByLeafHash(leafHashes: Buffer[]): Promise<EntryRecord[]> {
    return guard('reading entries', async () => {
      if (leafHashes.length === 0) return [];
      const r = rows(
        await this.db.raw(
          `SELECT ${ENTRY_COLUMNS} FROM entries WHERE leaf_hash IN (${leafHashes.map(() => '?').join(', ')})`,
          leafHashes,
        ),
      );
      return r.map(toEntry);
    });
  }

  readTiles(treeId: string, keys: TileKey[]): Promise<StoredTile[]> {
    return guard('reading tiles', () => selectTiles(this.db, treeId, keys));
  }

  searchIndex(keys: string[], operator: 'and' | 'or', limit: number): Promise<{ treeId: string; logIndex: number; leafHash: Buffer }[]> {
    return guard('searching the index', async () => {
      const unique = [...new Set(keys)];
      if (unique.length === 0) return [];
      const having = operator === 'and' ? `HAVING count(DISTINCT s.key) = ${unique.length}` : '';
      const r = rows(
        await this.db.raw(
          `SELECT s.tree_id::text AS tree_id, s.log_index, e.leaf_hash
             FROM search_index s JOIN entries e ON e.tree_id = s.tree_id AND e.log_index = s.log_index
            WHERE s.key IN (${unique.map(() => '?').join(', ')})
            GROUP BY s.tree_id, s.log_index, e.leaf_hash ${having}
            ORDER BY s.tree_id, s.log_index LIMIT ?`,
          [...unique, limit],
        ),
      );
      return r.map((x) => ({ treeId: String(x.tree_id), logIndex: Number(x.log_index), leafHash: bytes(x.leaf_hash) }));
    });
  }
}
