/**
 * An in-memory tile store driven by appendLeaves, as a sequencer would use it, with
 * invariant checks on every write and instrumented TileSources for reads.
 */
import { appendLeaves, edgeTileKeys, tileWidth, type Tile, type TileKey, type TileSource } from '../../src/merkle';

const keyOf = (level: number, index: number): string => `${level}/${index}`;

export class TileStore {
  readonly tiles = new Map<string, Uint8Array>();
  size = 0;

  /** Content of the edge tiles of the current size, as stored (possibly with stale excess). */
  edge(extra?: (key: TileKey) => Uint8Array): Tile[] {
    return edgeTileKeys(this.size).map(({ level, index }) => {
      const stored = this.tiles.get(keyOf(level, index));
      if (stored === undefined) throw new Error(`edge tile ${keyOf(level, index)} missing from store`);
      const more = extra?.({ level, index }) ?? new Uint8Array(0);
      const hashes = new Uint8Array(stored.length + more.length);
      hashes.set(stored);
      hashes.set(more, stored.length);
      return { level, index, hashes };
    });
  }

  /**
   * Append and store the returned tiles. With `commit: false` the tiles are written but the
   * size is not advanced — like a sequencer that crashed before committing — which leaves
   * stale hashes beyond the committed width for the next append to ignore.
   */
  append(leafHashes: Uint8Array[], opts: { commit?: boolean; extra?: (key: TileKey) => Uint8Array } = {}) {
    const result = appendLeaves(this.size, this.edge(opts.extra), leafHashes);
    if (result.treeSize !== this.size + leafHashes.length) throw new Error('appendLeaves returned a wrong size');
    for (const tile of result.tiles) {
      const width = tile.hashes.length / 32;
      if (width !== tileWidth(result.treeSize, tile.level, tile.index)) {
        throw new Error(`tile ${keyOf(tile.level, tile.index)} has width ${width}, expected ${tileWidth(result.treeSize, tile.level, tile.index)}`);
      }
      // Append-only: what the committed tree already had must be a prefix of the new content.
      const old = this.tiles.get(keyOf(tile.level, tile.index));
      const kept = tileWidth(this.size, tile.level, tile.index) * 32;
      if (old !== undefined && !Buffer.from(old.subarray(0, kept)).equals(Buffer.from(tile.hashes.subarray(0, kept)))) {
        throw new Error(`tile ${keyOf(tile.level, tile.index)} rewrote committed hashes`);
      }
      this.tiles.set(keyOf(tile.level, tile.index), tile.hashes.slice());
    }
    if (opts.commit !== false) this.size = result.treeSize;
    return result;
  }

  /**
   * Tiles exactly as a client would fetch them for a tree of `treeSize`: width
   * tileWidth(treeSize, L, N); asking for a tile that does not exist at that size throws.
   */
  sourceAt(treeSize: number, reads?: Set<string>): TileSource {
    return (level, index) => {
      const width = tileWidth(treeSize, level, index);
      if (width === 0) throw new Error(`tile ${keyOf(level, index)} does not exist at size ${treeSize}`);
      const stored = this.tiles.get(keyOf(level, index));
      if (stored === undefined || stored.length < width * 32) throw new Error(`tile ${keyOf(level, index)} missing`);
      reads?.add(keyOf(level, index));
      return stored.slice(0, width * 32);
    };
  }

  /** The latest stored content (longer than needed for older sizes). */
  sourceLatest(): TileSource {
    return (level, index) => {
      const stored = this.tiles.get(keyOf(level, index));
      if (stored === undefined) throw new Error(`tile ${keyOf(level, index)} missing`);
      return stored;
    };
  }
}

export const keysToStrings = (keys: TileKey[]): string[] => keys.map((k) => keyOf(k.level, k.index));
