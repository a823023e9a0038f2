/**
 * Proofs from stored tiles. Each proof names the few tiles it needs (O(log n)); full
 * tiles come from the cache when they can, the rest in one query. Hashes of complete
 * subtrees computed on the way are remembered (they never change), so neighbouring proofs
 * — a batch's entries, or any two entries under one high node — share the work and a
 * proof's cost does not grow with the tree.
 */
import {
  consistencyProof,
  inclusionProof,
  rootFromTiles,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  type NodeCache,
  type Tile,
  type TileKey,
  type TileSource,
} from '../merkle';
import type { Store } from '../store/store';
import { TileCache } from './tile-cache';

/** Most complete-subtree hashes remembered (~100 bytes each with their keys). */
const MAX_NODES = 100_000;

/** A bounded NodeCache for one tree; Map order makes eviction first-in, first-out. */
class BoundedNodeCache implements NodeCache {
  private readonly nodes = new Map<string, Uint8Array>();
  get(key: string): Uint8Array | undefined {
    return this.nodes.get(key);
  }
  set(key: string, hash: Uint8Array): void {
    this.nodes.set(key, hash);
    if (this.nodes.size > MAX_NODES) this.nodes.delete(this.nodes.keys().next().value as string);
  }
}

export class Prover {
  private readonly nodeCaches = new Map<string, BoundedNodeCache>();

  constructor(
    private readonly store: Store,
    private readonly cache: TileCache = new TileCache(),
  ) {}

  private nodes(treeId: string): BoundedNodeCache {
    let c = this.nodeCaches.get(treeId);
    if (!c) this.nodeCaches.set(treeId, (c = new BoundedNodeCache()));
    return c;
  }

  /** Tiles just written by the sequencer: full ones are worth caching. */
  remember(treeId: string, tiles: Tile[]): void {
    for (const t of tiles) this.cache.offer(treeId, t);
  }

  async inclusion(treeId: string, index: number, treeSize: number, fresh: Tile[] = []): Promise<Uint8Array[]> {
    const source = await this.source(treeId, tilesForInclusion(index, treeSize), fresh);
    return inclusionProof(index, treeSize, source, this.nodes(treeId));
  }

  /** The consistency proof from size1 to size2, and the root at size2 it leads to. */
  async consistency(treeId: string, size1: number, size2: number): Promise<{ hashes: Uint8Array[]; rootHash: Uint8Array }> {
    const source = await this.source(treeId, [...tilesForConsistency(size1, size2), ...tilesForRoot(size2)], []);
    const nodes = this.nodes(treeId);
    return { hashes: consistencyProof(size1, size2, source, nodes), rootHash: rootFromTiles(size2, source, nodes) };
  }

  private async source(treeId: string, keys: TileKey[], fresh: Tile[]): Promise<TileSource> {
    const found = new Map<string, Uint8Array>();
    for (const t of fresh) found.set(`${t.level}/${t.index}`, t.hashes);
    const missing: TileKey[] = [];
    for (const k of keys) {
      const id = `${k.level}/${k.index}`;
      if (found.has(id)) continue;
      const cached = this.cache.get(treeId, k.level, k.index);
      if (cached) found.set(id, cached);
      else missing.push(k);
    }
    for (const t of await this.store.readTiles(treeId, missing)) {
      found.set(`${t.level}/${t.index}`, t.hashes);
      this.cache.offer(treeId, t);
    }
    return (level, index) => {
      const hashes = found.get(`${level}/${index}`);
      if (!hashes) throw new Error(`tile ${level}/${index} of tree ${treeId} is missing from storage`);
      return hashes;
    };
  }
}
