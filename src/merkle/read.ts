/**
 * Turning planned ranges (plan.ts) into hashes by reading tiles.
 */
import { HASH_SIZE } from './hash';
import { foldRight, hashPerfect, splitHashes } from './mth';
import { rangeNodes, type NodeId, type Range } from './plan';
import { nodeKey } from './interior';
import { locateNode } from './tiles';

/** A TileSource returns the stored hashes of tile (level,index) (possibly longer than needed). Throw if missing. */
export type TileSource = (level: number, index: number) => Uint8Array;

/**
 * A memo of complete-subtree hashes, keyed "height/index". The hash of a complete subtree
 * never changes once all its leaves exist, so entries stay valid for the life of a tree;
 * the caller bounds its size. Without it, a node of height h that is not a multiple of 8
 * costs 2^(h mod 8) − 1 hashes on every read.
 */
export interface NodeCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, hash: Uint8Array): void;
}

/**
 * Hashes of complete subtrees, reading each tile at most once per call.
 * Only the prefix of a tile up to the needed hashes is used, so a source may return a
 * wider (newer) version of a tile than the tree size being proven.
 */
export function nodeReader(tiles: TileSource, nodes?: NodeCache): (node: NodeId) => Uint8Array {
  const cache = new Map<string, Uint8Array>();
  return (node) => {
    const loc = locateNode(node);
    const memoKey = nodeKey(node.height, node.index);
    const known = loc.count > 1 ? nodes?.get(memoKey) : undefined;
    if (known) return known;
    const key = `${loc.level}/${loc.index}`;
    let bytes = cache.get(key);
    if (bytes === undefined) {
      bytes = tiles(loc.level, loc.index);
      if (!(bytes instanceof Uint8Array)) {
        throw new TypeError(`tile source returned ${typeof bytes} for tile ${key}, expected Uint8Array`);
      }
      cache.set(key, bytes);
    }
    const needed = loc.offset + loc.count;
    if (bytes.length < needed * HASH_SIZE) {
      throw new RangeError(
        `tile ${key} holds ${Math.floor(bytes.length / HASH_SIZE)} hashes, need at least ${needed}`,
      );
    }
    const hash = hashPerfect(splitHashes(bytes, loc.offset, loc.count));
    if (loc.count > 1) nodes?.set(memoKey, hash);
    return hash;
  };
}

/** MTH(D[start:end]) for each range, from tiles. */
export function hashRanges(ranges: readonly Range[], tiles: TileSource, nodes?: NodeCache): Uint8Array[] {
  const read = nodeReader(tiles, nodes);
  // Copy: a hash may be a view into a caller's tile buffer (height-multiple-of-8 nodes).
  return ranges.map(([start, end]) => foldRight(rangeNodes(start, end).map(read)).slice());
}

/** Every complete subtree read to hash these ranges. */
export function nodesOfRanges(ranges: readonly Range[]): NodeId[] {
  return ranges.flatMap(([start, end]) => rangeNodes(start, end));
}
