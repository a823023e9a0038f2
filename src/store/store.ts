/**
 * The Store: everything glasslog keeps, behind one small interface. Only src/store knows
 * SQL; callers see records of bytes and numbers. Every method throws StoreUnavailableError
 * when the database cannot be reached, so the API can answer 503 and try again later.
 */
import type { Tile, TileKey } from '../merkle';

/** A tile as stored: a full tile carries its interior (merkle.tileInterior), partial ones none. */
export interface StoredTile extends Tile {
  interior?: Uint8Array;
}

export interface TreeRecord {
  /** Decimal int64, as Rekor's LogInfo.treeID. */
  treeId: string;
  origin: string;
  state: 'active' | 'frozen';
  keyId: Buffer;
  shardOffset: number;
  treeSize: number;
  rootHash: Buffer;
  checkpoint: string | null;
}

export interface EntryRecord {
  treeId: string;
  /** Index inside the shard's tree. */
  logIndex: number;
  leafHash: Buffer;
  kind: string;
  apiVersion: string;
  body: Buffer;
  integratedTime: number;
  signedEntryTimestamp: Buffer;
  /** What Rekor keeps beside the entry for its kind (intoto: the DSSE payload); not in the leaf. */
  attestation?: Buffer;
}

export interface CheckpointRecord {
  treeId: string;
  treeSize: number;
  rootHash: Buffer;
  note: string;
}

export interface IndexKeyRecord {
  key: string;
  logIndex: number;
}

/** What the sequencer may do while it holds the tree-row lock. */
export interface SequencingTx {
  /** The tree row as locked: its size and root are the head this batch appends to. */
  readonly tree: TreeRecord;
  /** Which of these leaf hashes are already in the tree, and at which index. */
  existingLeafHashes(leafHashes: Buffer[]): Promise<Map<string, number>>;
  readTiles(keys: TileKey[]): Promise<StoredTile[]>;
  /** Writes a whole batch and moves the head. Nothing is visible to others until COMMIT. */
  append(batch: {
    entries: EntryRecord[];
    indexKeys: IndexKeyRecord[];
    tiles: StoredTile[];
    checkpoint: CheckpointRecord;
  }): Promise<void>;
}

export interface NewTree {
  treeId: string;
  origin: string;
  keyId: Buffer;
  rootHash: Buffer;
  checkpoint: string;
}

export interface Store {
  readonly kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Connections of the PostgreSQL pool by state; undefined for the embedded database. */
  connections(): { used: number; free: number; pending: number } | undefined;
  close(): Promise<void>;

  /** The active tree, creating it from `create()` when there is none (safe to race). */
  ensureActiveTree(create: () => NewTree): Promise<TreeRecord>;
  trees(): Promise<TreeRecord[]>;
  tree(treeId: string): Promise<TreeRecord | undefined>;

  /** BEGIN; lock the tree row FOR UPDATE; run `work`; COMMIT. Rolls back if `work` throws. */
  sequence<T>(treeId: string, work: (tx: SequencingTx) => Promise<T>): Promise<T>;

  entryByIndex(treeId: string, logIndex: number): Promise<EntryRecord | undefined>;
  entriesByLeafHash(leafHashes: Buffer[]): Promise<EntryRecord[]>;
  readTiles(treeId: string, keys: TileKey[]): Promise<StoredTile[]>;
  /** Entries (tree, index) carrying index keys: any of them ('or') or all of them ('and'). */
  searchIndex(keys: string[], operator: 'and' | 'or', limit: number): Promise<{ treeId: string; logIndex: number; leafHash: Buffer }[]>;
}
