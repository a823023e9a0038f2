/**
 * A bounded cache of full tiles. A full tile (256 hashes) never changes once written, so
 * it can be kept forever; partial tiles are always read fresh. The bound keeps memory flat
 * however large the tree grows (8 KiB a tile).
 */
import { HASH_SIZE, TILE_WIDTH, type Tile } from '../merkle';

const FULL_TILE_BYTES = HASH_SIZE * TILE_WIDTH;

export class TileCache {
  private readonly tiles = new Map<string, Uint8Array>();

  constructor(private readonly maxTiles = 2048) {}

  static key(treeId: string, level: number, index: number): string {
    return `${treeId}/${level}/${index}`;
  }

  get(treeId: string, level: number, index: number): Uint8Array | undefined {
    const k = TileCache.key(treeId, level, index);
    const hashes = this.tiles.get(k);
    if (hashes) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.tiles.delete(k);
      this.tiles.set(k, hashes);
    }
    return hashes;
  }

  /** Keeps the tile only if it is full. */
  offer(treeId: string, tile: Tile): void {
    if (tile.hashes.length < FULL_TILE_BYTES) return;
    const k = TileCache.key(treeId, tile.level, tile.index);
    this.tiles.delete(k);
    this.tiles.set(k, tile.hashes.subarray(0, FULL_TILE_BYTES));
    while (this.tiles.size > this.maxTiles) {
      const oldest = this.tiles.keys().next().value as string;
      this.tiles.delete(oldest);
    }
  }

  get size(): number {
    return this.tiles.size;
  }
}
