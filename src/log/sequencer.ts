/**
 * The batching sequencer (DESIGN.md "The sequencer"). Submissions wait in a queue; one
 * batch at a time is written in a single transaction that holds the tree-row lock:
 *
 *   lock tree row → drop duplicates → assign contiguous indexes → insert entries and index
 *   keys → extend the right edge of the tiles → sign SETs and the checkpoint → COMMIT
 *
 * and only then is any waiter answered. While one batch commits the next one fills, so
 * under load each commit carries many entries, and under light load an entry waits for
 * exactly one commit. The row lock is the only coordination between processes: a second
 * glasslog on the same database simply waits its turn and appends after us.
 */
import { appendLeaves, edgeTileKeys, hashLeaf, tileInterior, TILE_WIDTH, HASH_SIZE } from '../merkle';
import { signEntryTimestamp, type Signer } from '../crypto';
import { signRekorCheckpoint } from '../note';
import { DuplicateEntryError } from '../errors';
import type { CanonicalEntry } from '../types/registry';
import type { CheckpointRecord, EntryRecord, IndexKeyRecord, SequencingTx, Store, StoredTile, TreeRecord } from '../store/store';
import { entryUuid } from './uuid';

/** What a waiter learns once its batch has committed. */
export interface Sequenced {
  entry: EntryRecord;
  /** Global index: the shard's offset plus the index inside the tree. */
  globalIndex: number;
  checkpoint: CheckpointRecord;
  /** The right-edge tiles as written by the batch: with the cache, enough to prove inclusion. */
  edgeTiles: StoredTile[];
}

export interface BatchObserver {
  /** `kinds`: new entries of the batch by entry kind. */
  batchCommitted(info: { size: number; duplicates: number; seconds: number; treeSize: number; kinds: Record<string, number> }): void;
}

interface Pending {
  entry: CanonicalEntry;
  leafHash: Buffer;
  resolve(s: Sequenced): void;
  reject(err: unknown): void;
}

export interface SequencerOptions {
  store: Store;
  signer: Signer;
  treeId: string;
  /** Checkpoint signer name, the host clients use (REKOR-WIRE.md §5). */
  hostname: string;
  /** Most entries in one transaction. */
  maxBatch?: number;
  observer?: BatchObserver;
  /** Called once per committed batch with the right-edge tiles it wrote (for the proof cache). */
  onCommit?: (edgeTiles: StoredTile[]) => void;
  now?: () => number;
}

export class Sequencer {
  private readonly queue: Pending[] = [];
  private draining = false;
  private readonly maxBatch: number;

  constructor(private readonly opts: SequencerOptions) {
    this.maxBatch = opts.maxBatch ?? 1024;
  }

  /** Resolves after the entry is durably committed; rejects with DuplicateEntryError or a store error. */
  submit(entry: CanonicalEntry): Promise<Sequenced> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, leafHash: Buffer.from(hashLeaf(entry.canonicalBody)), resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Start after the requests already read in this turn of the event loop have
        // queued too, so a burst starts as one batch rather than one entry and the rest.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.commit(batch);
        } catch (err) {
          // Nothing of this batch was committed (the transaction rolled back): every
          // waiter gets the error, and none of them was acknowledged.
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    const outcome = await this.opts.store.sequence(this.opts.treeId, (tx) => this.writeBatch(tx, batch));
    // COMMIT has returned: from here on, answering is safe.
    if (outcome.edgeTiles.length > 0) this.opts.onCommit?.(outcome.edgeTiles);
    for (const p of batch) {
      const key = p.leafHash.toString('hex');
      const fresh = outcome.fresh.get(key);
      if (fresh && fresh.owner === p) {
        p.resolve({
          entry: fresh.record,
          globalIndex: outcome.shardOffset + fresh.record.logIndex,
          checkpoint: outcome.checkpoint,
          edgeTiles: outcome.edgeTiles,
        });
        continue;
      }
      const index = fresh ? fresh.record.logIndex : outcome.existing.get(key);
      if (index === undefined) throw new Error('sequencer lost track of an entry');
      p.reject(new DuplicateEntryError(entryUuid(this.opts.treeId, p.leafHash), outcome.shardOffset + index));
    }
    const kinds: Record<string, number> = {};
    for (const f of outcome.fresh.values()) kinds[f.record.kind] = (kinds[f.record.kind] ?? 0) + 1;
    this.opts.observer?.batchCommitted({
      kinds,
      size: outcome.fresh.size,
      duplicates: batch.length - outcome.fresh.size,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      treeSize: outcome.checkpoint.treeSize,
    });
  }

  /** Runs under the tree-row lock, inside the batch transaction. */
  private async writeBatch(tx: SequencingTx, batch: Pending[]): Promise<BatchOutcome> {
    const { treeId, hostname, signer } = this.opts;
    const tree = tx.tree;
    if (tree.state !== 'active') throw new Error(`tree ${treeId} is ${tree.state}; it accepts no entries`);

    const unique = [...new Map(batch.map((p) => [p.leafHash.toString('hex'), p.leafHash])).values()];
    const existing = await tx.existingLeafHashes(unique);
    const { fresh, indexKeys } = this.assignIndexes(tree, batch, existing);
    const entries = [...fresh.values()].map((f) => f.record);
    if (entries.length === 0) {
      // Only duplicates: the head does not move and nothing is written.
      const checkpoint = { treeId, treeSize: tree.treeSize, rootHash: tree.rootHash, note: tree.checkpoint ?? '' };
      return { fresh, existing, checkpoint, edgeTiles: [], shardOffset: tree.shardOffset };
    }

    const edge = await tx.readTiles(edgeTileKeys(tree.treeSize));
    const appended = appendLeaves(tree.treeSize, edge, entries.map((e) => e.leafHash));
    // A tile that filled up in this batch is final: store its inner nodes with it for proofs.
    const tiles: StoredTile[] = appended.tiles.map((t) =>
      t.hashes.length === TILE_WIDTH * HASH_SIZE ? { ...t, interior: tileInterior(t.hashes) } : t,
    );
    const rootHash = Buffer.from(appended.rootHash);
    const note = signRekorCheckpoint({ hostname, treeId, treeSize: appended.treeSize, rootHash, signer });
    const checkpoint = { treeId, treeSize: appended.treeSize, rootHash, note };
    await tx.append({ entries, indexKeys, tiles, checkpoint });
    return { fresh, existing, checkpoint, edgeTiles: tiles, shardOffset: tree.shardOffset };
  }

  /**
   * Gives each new entry (first occurrence in the batch, not already in the tree) the next
   * index, one integrated time for the whole batch, and its SET.
   */
  private assignIndexes(tree: TreeRecord, batch: Pending[], existing: Map<string, number>) {
    const { signer, treeId } = this.opts;
    const fresh = new Map<string, { owner: Pending; record: EntryRecord }>();
    const indexKeys: IndexKeyRecord[] = [];
    const integratedTime = Math.floor((this.opts.now?.() ?? Date.now()) / 1000);
    const logID = signer.logId.toString('hex');
    for (const p of batch) {
      const key = p.leafHash.toString('hex');
      if (existing.has(key) || fresh.has(key)) continue;
      const logIndex = tree.treeSize + fresh.size;
      const body = p.entry.canonicalBody;
      const signedEntryTimestamp = signEntryTimestamp(signer, {
        body: body.toString('base64'),
        integratedTime,
        logID,
        logIndex: tree.shardOffset + logIndex,
      });
      const { kind, apiVersion } = p.entry;
      fresh.set(key, {
        owner: p,
        record: {
          treeId,
          logIndex,
          leafHash: p.leafHash,
          kind,
          apiVersion,
          body,
          integratedTime,
          signedEntryTimestamp,
          ...(p.entry.attestation ? { attestation: p.entry.attestation } : {}),
        },
      });
      for (const k of new Set(p.entry.indexKeys)) indexKeys.push({ key: k, logIndex });
    }
    return { fresh, indexKeys };
  }
}

interface BatchOutcome {
  fresh: Map<string, { owner: Pending; record: EntryRecord }>;
  existing: Map<string, number>;
  checkpoint: CheckpointRecord;
  edgeTiles: StoredTile[];
  shardOffset: number;
}
