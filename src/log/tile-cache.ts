/**
 * A bounded cache of tiles. A tile only ever grows at its end: the first W hashes of a
 * tile never change once written (full tiles never change at all), so a cached tile
 * serves any tree size that needs at most as many hashes as it holds, and the widest
 * version seen is kept. The bound keeps memory flat however large the tree grows
 * (at most 8 KiB a tile; 4,096 tiles hold every level-0 tile of a 10^6-leaf tree).
 */
import { HASH_SIZE, type Tile } from '../merkle';

export class TileCache {
  private readonly tiles = new Map<string, Uint8Array>();

  constructor(private readonly maxTiles = 4096) {}

  static key(treeId: string, level: number, index: number): string {
    return `${treeId}/${level}/${index}`;
  }

  /** The tile's hashes if the cached version holds at least `width` of them. */
  get(treeId: string, level: number, index: number, width: number): Uint8Array | undefined {
    const k = TileCache.key(treeId, level, index);
    const hashes = this.tiles.get(k);
    if (!hashes || hashes.length < width * HASH_SIZE) return undefined;
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.tiles.delete(k);
    this.tiles.set(k, hashes);
    return hashes;
  }

  /** Keeps the tile unless a wider version of it is already cached. */
  offer(treeId: string, tile: Tile): void {
    const k = TileCache.key(treeId, tile.level, tile.index);
    const known = this.tiles.get(k);
    if (known && known.length >= tile.hashes.length) return;
    this.tiles.delete(k);
    this.tiles.set(k, tile.hashes);
    while (this.tiles.size > this.maxTiles) {
      const oldest = this.tiles.keys().next().value as string;
      this.tiles.delete(oldest);
    }
  }

  get size(): number {
    return this.tiles.size;
  }
}
