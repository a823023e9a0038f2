/**
 * The Log: what the API asks of glasslog — submit an entry, read entries, prove inclusion
 * and consistency, describe the head. It owns the sequencer, the prover and the signer,
 * and turns store records into LoggedEntry values; it knows nothing of HTTP.
 */
import { randomBytes } from 'node:crypto';
import { EMPTY_ROOT } from '../merkle';
import type { Signer } from '../crypto';
import { signRekorCheckpoint } from '../note';
import { BadRequestError, NotFoundError } from '../errors';
import type { CanonicalEntry } from '../types/registry';
import type { EntryRecord, Store, TreeRecord } from '../store/store';
import { Prover } from './prover';
import { TileCache } from './tile-cache';
import { Sequencer, type BatchObserver } from './sequencer';
import { entryUuid, parseEntryUuid } from './uuid';

export interface InclusionProof {
  /** Index inside the shard's tree. */
  logIndex: number;
  treeSize: number;
  rootHash: Buffer;
  hashes: Uint8Array[];
  checkpoint: string;
}

export interface LoggedEntry {
  uuid: string;
  /** Hex SHA-256 of the log's public key. */
  logId: string;
  globalIndex: number;
  entry: EntryRecord;
  inclusionProof: InclusionProof;
}

export interface LogInfo {
  tree: TreeRecord;
  inactive: TreeRecord[];
}

export interface LogOptions {
  store: Store;
  signer: Signer;
  /** Host name clients use; names the checkpoint signer and the origin of a new tree. */
  hostname: string;
  maxBatch?: number;
  /** Bytes of tiles (with their interiors) kept in memory for proofs. */
  tileCacheBytes?: number;
  observer?: BatchObserver;
}

/** A random positive int64, as Trillian picks tree ids. */
function newTreeId(): string {
  return (randomBytes(8).readBigUInt64BE() & 0x7fffffffffffffffn).toString(10);
}

/** Signature name of a Rekor v1 origin "<hostname> - <treeID>". */
function hostnameOf(origin: string): string {
  const i = origin.lastIndexOf(' - ');
  return i < 0 ? origin : origin.slice(0, i);
}

export class Log {
  private readonly sequencer: Sequencer;
  private readonly prover: Prover;

  private constructor(
    private readonly store: Store,
    readonly signer: Signer,
    private active: TreeRecord,
    opts: LogOptions,
  ) {
    this.prover = new Prover(store, new TileCache(opts.tileCacheBytes));
    this.sequencer = new Sequencer({
      store,
      signer,
      treeId: active.treeId,
      hostname: hostnameOf(active.origin),
      maxBatch: opts.maxBatch,
      observer: opts.observer,
      onCommit: (tiles) => this.prover.remember(active.treeId, tiles),
    });
  }

  /** Opens the active tree, creating an empty signed one on a new database. */
  static async open(opts: LogOptions): Promise<Log> {
    const { store, signer, hostname } = opts;
    const tree = await store.ensureActiveTree(() => {
      const treeId = newTreeId();
      const rootHash = Buffer.from(EMPTY_ROOT);
      return {
        treeId,
        origin: `${hostname} - ${treeId}`,
        keyId: signer.logId,
        rootHash,
        checkpoint: signRekorCheckpoint({ hostname, treeId, treeSize: 0, rootHash, signer }),
      };
    });
    if (!tree.keyId.equals(signer.logId)) {
      throw new Error(
        `the signing key (log ID ${signer.logId.toString('hex')}) is not the key of tree ${tree.treeId} ` +
          `(log ID ${tree.keyId.toString('hex')}); start glasslog with the key this log was created with`,
      );
    }
    return new Log(store, signer, tree, opts);
  }

  get treeId(): string {
    return this.active.treeId;
  }

  /** The checkpoint signer name: the host clients use. */
  get hostname(): string {
    return hostnameOf(this.active.origin);
  }

  async submit(entry: CanonicalEntry): Promise<LoggedEntry> {
    const s = await this.sequencer.submit(entry);
    const hashes = await this.prover.inclusion(s.entry.treeId, s.entry.logIndex, s.checkpoint.treeSize, s.edgeTiles);
    return {
      uuid: entryUuid(s.entry.treeId, s.entry.leafHash),
      logId: this.signer.logId.toString('hex'),
      globalIndex: s.globalIndex,
      entry: s.entry,
      inclusionProof: {
        logIndex: s.entry.logIndex,
        treeSize: s.checkpoint.treeSize,
        rootHash: s.checkpoint.rootHash,
        hashes,
        checkpoint: s.checkpoint.note,
      },
    };
  }

  async info(): Promise<LogInfo> {
    const trees = await this.store.trees();
    const tree = trees.find((t) => t.treeId === this.active.treeId);
    if (!tree) throw new Error(`active tree ${this.active.treeId} vanished from the database`);
    return { tree, inactive: trees.filter((t) => t.treeId !== tree.treeId) };
  }

  /** The tree a request names (decimal treeID), or the active one. */
  async tree(treeId?: string): Promise<TreeRecord> {
    if (treeId === undefined) return (await this.info()).tree;
    const tree = await this.store.tree(treeId);
    if (!tree) throw new NotFoundError(`tree ${treeId} is not part of this log`);
    return tree;
  }

  async entryByGlobalIndex(globalIndex: number): Promise<LoggedEntry> {
    const trees = await this.store.trees();
    const tree = trees.find((t) => globalIndex >= t.shardOffset && globalIndex < t.shardOffset + t.treeSize);
    if (!tree) throw new NotFoundError(`no entry at log index ${globalIndex}`);
    const entry = await this.store.entryByIndex(tree.treeId, globalIndex - tree.shardOffset);
    if (!entry) throw new NotFoundError(`no entry at log index ${globalIndex}`);
    return this.withProof(tree, entry);
  }

  async entryByUuid(uuid: string): Promise<LoggedEntry> {
    const { treeId, leafHash } = parseEntryUuid(uuid);
    const found = (await this.store.entriesByLeafHash([leafHash])).filter((e) => !treeId || e.treeId === treeId);
    if (found.length === 0) throw new NotFoundError(`no entry with UUID ${uuid}`);
    const tree = await this.tree(found[0].treeId);
    return this.withProof(tree, found[0]);
  }

  /** Entries whose leaf hashes are these, in no particular order; missing ones skipped. */
  async entriesByLeafHash(leafHashes: Buffer[]): Promise<LoggedEntry[]> {
    const entries = await this.store.entriesByLeafHash(leafHashes);
    const trees = new Map((await this.store.trees()).map((t) => [t.treeId, t]));
    return Promise.all(entries.map((e) => this.withProof(trees.get(e.treeId)!, e)));
  }

  async consistencyProof(firstSize: number, lastSize: number, treeId?: string) {
    const tree = await this.tree(treeId);
    if (lastSize > tree.treeSize) {
      throw new BadRequestError(`lastSize (${lastSize}) is greater than the current tree size (${tree.treeSize})`);
    }
    if (firstSize > lastSize) {
      throw new BadRequestError(`firstSize (${firstSize}) must be less than or equal to lastSize (${lastSize})`);
    }
    // Any size up to the head may be asked for, not only sizes that had a checkpoint of
    // their own (Rekor/Trillian answer the same), so the root is computed from the tiles.
    const { hashes, rootHash } = await this.prover.consistency(tree.treeId, firstSize, lastSize);
    return { rootHash: Buffer.from(rootHash), hashes };
  }

  async searchIndex(keys: string[], operator: 'and' | 'or', limit: number): Promise<string[]> {
    const hits = await this.store.searchIndex(keys, operator, limit);
    return hits.map((h) => entryUuid(h.treeId, h.leafHash));
  }

  private async withProof(tree: TreeRecord, entry: EntryRecord): Promise<LoggedEntry> {
    const hashes = await this.prover.inclusion(tree.treeId, entry.logIndex, tree.treeSize);
    return {
      uuid: entryUuid(tree.treeId, entry.leafHash),
      logId: tree.keyId.toString('hex'),
      globalIndex: tree.shardOffset + entry.logIndex,
      entry,
      inclusionProof: {
        logIndex: entry.logIndex,
        treeSize: tree.treeSize,
        rootHash: tree.rootHash,
        hashes,
        checkpoint: tree.checkpoint ?? '',
      },
    };
  }
}
