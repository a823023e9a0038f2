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
  INTERIOR_HASHES,
  interiorNodeCache,
  rootFromTiles,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  tileWidth,
  HASH_SIZE,
  TILE_WIDTH,
  type NodeCache,
  type TileKey,
  type TileSource,
} from '../merkle';
import type { Store, StoredTile } from '../store/store';
import { TileCache } from './tile-cache';

/**
 * Most complete-subtree hashes remembered (a few hundred bytes each with key and Map
 * entry). Nodes inside full tiles come from stored interiors; this memo serves the
 * partial right-edge tiles, which every fresh entry's proof crosses.
 */
const MAX_NODES = 10_000;

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
  private readonly inflight = new Map<string, Promise<StoredTile | undefined>>();

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
  remember(treeId: string, tiles: StoredTile[]): void {
    for (const t of tiles) this.cache.offer(treeId, t);
  }

  async inclusion(treeId: string, index: number, treeSize: number, fresh: StoredTile[] = []): Promise<Uint8Array[]> {
    const { source, nodes } = await this.source(treeId, treeSize, tilesForInclusion(index, treeSize), fresh);
    return inclusionProof(index, treeSize, source, nodes);
  }

  /** The consistency proof from size1 to size2, and the root at size2 it leads to. */
  async consistency(treeId: string, size1: number, size2: number): Promise<{ hashes: Uint8Array[]; rootHash: Uint8Array }> {
    const { source, nodes } = await this.source(treeId, size2, [...tilesForConsistency(size1, size2), ...tilesForRoot(size2)], []);
    return { hashes: consistencyProof(size1, size2, source, nodes), rootHash: rootFromTiles(size2, source, nodes) };
  }

  /** The tiles a proof needs, and the node memo to use with them (stored interiors first). */
  private async source(
    treeId: string,
    treeSize: number,
    keys: TileKey[],
    fresh: StoredTile[],
  ): Promise<{ source: TileSource; nodes: NodeCache }> {
    const found = new Map<string, StoredTile>();
    for (const t of fresh) found.set(`${t.level}/${t.index}`, t);
    const missing: TileKey[] = [];
    for (const k of keys) {
      const id = `${k.level}/${k.index}`;
      if (found.has(id)) continue;
      const cached = this.cache.get(treeId, k.level, k.index, tileWidth(treeSize, k.level, k.index));
      if (cached) found.set(id, cached);
      else missing.push(k);
    }
    for (const t of await this.read(treeId, treeSize, missing)) found.set(`${t.level}/${t.index}`, t);
    const source: TileSource = (level, index) => {
      const tile = found.get(`${level}/${index}`);
      if (!tile) throw new Error(`tile ${level}/${index} of tree ${treeId} is missing from storage`);
      return tile.hashes;
    };
    const interior = (level: number, index: number) => found.get(`${level}/${index}`)?.interior;
    return { source, nodes: interiorNodeCache(interior, this.nodes(treeId)) };
  }

  /**
   * Reads tiles, joining reads of the same full tile already under way: the proofs of a
   * batch's entries all want the same few tiles at once, and without this each would send
   * its own query and queue for a pooled connection. A tile that is partial at this tree
   * size is never joined to a read under way: that read, begun for a smaller tree, may
   * predate hashes this proof needs.
   */
  private async read(treeId: string, treeSize: number, keys: TileKey[]): Promise<StoredTile[]> {
    const shared: Promise<StoredTile | undefined>[] = [];
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
        for (const t of tiles) this.cache.offer(treeId, checked(treeId, t));
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
    for (const t of partialTiles) this.cache.offer(treeId, checked(treeId, t));
    return [...partialTiles, ...sharedTiles.filter((t): t is StoredTile => t !== undefined)];
  }
}

/** A stored interior of the wrong size, or on a tile that is not full, is a corrupt row: refuse it loudly. */
function checked(treeId: string, t: StoredTile): StoredTile {
  if (t.interior && (t.interior.length !== INTERIOR_HASHES * HASH_SIZE || t.hashes.length !== TILE_WIDTH * HASH_SIZE)) {
    throw new Error(`tile ${t.level}/${t.index} of tree ${treeId} has a malformed interior (${t.interior.length} bytes)`);
  }
  return t;
}
