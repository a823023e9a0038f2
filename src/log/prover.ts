/**
 * Proofs from stored tiles. Each proof names the few tiles it needs (O(log n)); a tile
 * comes from the cache when a wide enough version of it is there, else from the store.
 * Hashes of complete subtrees computed on the way are remembered (they never change), so
 * neighbouring proofs — a batch's entries, or any two entries under one high node — share
 * the work.
 */
import {
  consistencyProof,
  inclusionProof,
  rootFromTiles,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  tileWidth,
  TILE_WIDTH,
  type NodeCache,
  type Tile,
  type TileKey,
  type TileSource,
} from '../merkle';
import type { Store } from '../store/store';
import { TileCache } from './tile-cache';

/** Most complete-subtree hashes remembered (a few hundred bytes each with key and Map entry). */
const MAX_NODES = 50_000;

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
  private readonly inflight = new Map<string, Promise<Tile | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly cache: TileCache = new TileCache(),
  ) {}

  private nodes(treeId: string): BoundedNodeCache {
    let c = this.nodeCaches.get(treeId);
    if (!c) this.nodeCaches.set(treeId, (c = new BoundedNodeCache()));
    return c;
  }

  /** Tiles just written by the sequencer: the head's tiles, which most reads will want. */
  remember(treeId: string, tiles: Tile[]): void {
    for (const t of tiles) this.cache.offer(treeId, t);
  }

  async inclusion(treeId: string, index: number, treeSize: number, fresh: Tile[] = []): Promise<Uint8Array[]> {
    const source = await this.source(treeId, treeSize, tilesForInclusion(index, treeSize), fresh);
    return inclusionProof(index, treeSize, source, this.nodes(treeId));
  }

  /** The consistency proof from size1 to size2, and the root at size2 it leads to. */
  async consistency(treeId: string, size1: number, size2: number): Promise<{ hashes: Uint8Array[]; rootHash: Uint8Array }> {
    const source = await this.source(treeId, size2, [...tilesForConsistency(size1, size2), ...tilesForRoot(size2)], []);
    const nodes = this.nodes(treeId);
    return { hashes: consistencyProof(size1, size2, source, nodes), rootHash: rootFromTiles(size2, source, nodes) };
  }

  private async source(treeId: string, treeSize: number, keys: TileKey[], fresh: Tile[]): Promise<TileSource> {
    const found = new Map<string, Uint8Array>();
    for (const t of fresh) found.set(`${t.level}/${t.index}`, t.hashes);
    const missing: TileKey[] = [];
    for (const k of keys) {
      const id = `${k.level}/${k.index}`;
      if (found.has(id)) continue;
      const cached = this.cache.get(treeId, k.level, k.index, tileWidth(treeSize, k.level, k.index));
      if (cached) found.set(id, cached);
      else missing.push(k);
    }
    for (const t of await this.read(treeId, treeSize, missing)) found.set(`${t.level}/${t.index}`, t.hashes);
    return (level, index) => {
      const hashes = found.get(`${level}/${index}`);
      if (!hashes) throw new Error(`tile ${level}/${index} of tree ${treeId} is missing from storage`);
      return hashes;
    };
  }

  /**
   * Reads tiles, joining reads of the same full tile already under way: the proofs of a
   * batch's entries all want the same few tiles at once, and without this each would send
   * its own query and queue for a pooled connection. A tile that is partial at this tree
   * size is never joined to a read under way: that read, begun for a smaller tree, may
   * predate hashes this proof needs.
   */
  private async read(treeId: string, treeSize: number, keys: TileKey[]): Promise<Tile[]> {
    const shared: Promise<Tile | undefined>[] = [];
    const toQuery: TileKey[] = [];
    const partial: TileKey[] = [];
    for (const k of keys) {
      const pending = this.inflight.get(`${treeId}/${k.level}/${k.index}`);
      if (tileWidth(treeSize, k.level, k.index) < TILE_WIDTH) partial.push(k);
      else if (pending) shared.push(pending);
      else toQuery.push(k);
    }
    if (toQuery.length > 0) {
      const query = this.store.readTiles(treeId, toQuery).then((tiles) => {
        for (const t of tiles) this.cache.offer(treeId, t);
        return new Map(tiles.map((t) => [`${t.level}/${t.index}`, t]));
      });
      for (const k of toQuery) {
        const id = `${treeId}/${k.level}/${k.index}`;
        const one = query.then((m) => m.get(`${k.level}/${k.index}`));
        this.inflight.set(id, one);
        // Forget the read once settled, whatever its outcome; errors reach the awaiters.
        const forget = () => void this.inflight.delete(id);
        one.then(forget, forget);
        shared.push(one);
      }
    }
    const [partialTiles, sharedTiles] = await Promise.all([
      partial.length > 0 ? this.store.readTiles(treeId, partial) : [],
      Promise.all(shared),
    ]);
    for (const t of partialTiles) this.cache.offer(treeId, t);
    return [...partialTiles, ...sharedTiles.filter((t): t is Tile => t !== undefined)];
  }
}
