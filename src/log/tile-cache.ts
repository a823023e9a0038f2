/**
 * A bounded cache of tiles. A tile only ever grows at its end: the first W hashes of a
 * tile never change once written (full tiles never change at all), so a cached tile
 * serves any tree size that needs at most as many hashes as it holds, and the widest
 * version seen is kept. The bound is in bytes (a full tile with its interior is 16 KiB),
 * so memory stays flat however large the tree grows; least recently used goes first.
 */
import { HASH_SIZE } from '../merkle';
import type { StoredTile } from '../store/store';

/**
 * Default bound: 2,048 full tiles with their interiors. Every tile above level 0 of a tree
 * of 2^27 leaves fits with room to spare; level-0 tiles are read from the database when
 * random proofs outrun the cache (--tile-cache-mb trades memory for those reads).
 */
export const DEFAULT_TILE_CACHE_BYTES = 32 * 1024 * 1024;

const sizeOf = (t: StoredTile): number => t.hashes.length + (t.interior?.length ?? 0);

export class TileCache {
  private readonly tiles = new Map<string, StoredTile>();
  private bytes = 0;

  constructor(private readonly maxBytes = DEFAULT_TILE_CACHE_BYTES) {}

  static key(treeId: string, level: number, index: number): string {
    return `${treeId}/${level}/${index}`;
  }

  /** The tile if the cached version holds at least `width` hashes. */
  get(treeId: string, level: number, index: number, width: number): StoredTile | undefined {
    const k = TileCache.key(treeId, level, index);
    const tile = this.tiles.get(k);
    if (!tile || tile.hashes.length < width * HASH_SIZE) return undefined;
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.tiles.delete(k);
    this.tiles.set(k, tile);
    return tile;
  }

  /** Keeps the tile unless a version at least as wide (and as complete) is already cached. */
  offer(treeId: string, tile: StoredTile): void {
    const k = TileCache.key(treeId, tile.level, tile.index);
    const known = this.tiles.get(k);
    if (known && known.hashes.length >= tile.hashes.length && (known.interior || !tile.interior)) return;
    if (known) {
      this.tiles.delete(k);
      this.bytes -= sizeOf(known);
    }
    this.tiles.set(k, tile);
    this.bytes += sizeOf(tile);
    while (this.bytes > this.maxBytes && this.tiles.size > 1) {
      const [oldest, evicted] = this.tiles.entries().next().value as [string, StoredTile];
      this.tiles.delete(oldest);
      this.bytes -= sizeOf(evicted);
    }
  }

  get size(): number {
    return this.tiles.size;
  }

  get sizeInBytes(): number {
    return this.bytes;
  }
}
