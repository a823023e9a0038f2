/**
 * The inner nodes of a full tile, stored beside it so proofs need not rehash them.
 *
 * A tile stores only the hashes at its bottom (heights 8L of the tree); a proof for a leaf
 * wants one node at each height in between, and the node at in-tile height h is the root
 * of 2^h stored hashes: 2^h − 1 hashes to recompute, about 250 per tile per proof. A full
 * tile never changes, so its 254 inner nodes (in-tile heights 1..7: 128, 64, …, 2 hashes)
 * can be computed once, when it fills, and kept. Height 8, the tile's root, is already
 * stored one level up. This is glasslog's own addition, not part of C2SP tlog-tiles.
 */
import { hashChildren, HASH_SIZE } from './hash';
import { TILE_HEIGHT, TILE_WIDTH } from './tiles';
import type { NodeCache } from './read';

/** Hashes in a full tile's interior: 128 + 64 + … + 2. */
export const INTERIOR_HASHES = TILE_WIDTH - 2;

/** Position (in hashes) of the first node of in-tile height h (1..7) in an interior. */
function heightOffset(h: number): number {
  return TILE_WIDTH - 2 ** (TILE_HEIGHT + 1 - h);
}

/** The interior of a full tile: in-tile heights 1..7, lowest first, each left to right. */
export function tileInterior(hashes: Uint8Array): Uint8Array {
  if (hashes.length !== TILE_WIDTH * HASH_SIZE) {
    throw new RangeError(`a tile interior needs a full tile of ${TILE_WIDTH} hashes, got ${hashes.length / HASH_SIZE}`);
  }
  const out = new Uint8Array(INTERIOR_HASHES * HASH_SIZE);
  let below = hashes;
  for (let h = 1; h < TILE_HEIGHT; h++) {
    const count = TILE_WIDTH >> h;
    const at = heightOffset(h) * HASH_SIZE;
    for (let i = 0; i < count; i++) {
      const left = below.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE);
      const right = below.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE);
      out.set(hashChildren(left, right), at + i * HASH_SIZE);
    }
    below = out.subarray(at, at + count * HASH_SIZE);
  }
  return out;
}

/** Key of a complete subtree in a NodeCache: "height/index". */
export function nodeKey(height: number, index: number): string {
  return `${height}/${index}`;
}

/**
 * A NodeCache that answers nodes inside full tiles from their interiors (`interior(level,
 * index)` returns a tile's interior when the caller has it), and everything else from
 * `fallback`, which also receives every node computed.
 */
export function interiorNodeCache(
  interior: (level: number, index: number) => Uint8Array | undefined,
  fallback?: NodeCache,
): NodeCache {
  return {
    get(key) {
      const slash = key.indexOf('/');
      const height = Number(key.slice(0, slash));
      const index = Number(key.slice(slash + 1));
      const inTile = height % TILE_HEIGHT;
      if (inTile !== 0) {
        const level = (height - inTile) / TILE_HEIGHT;
        const first = index * 2 ** inTile; // first stored hash under the node, at this level
        const tileIndex = Math.floor(first / TILE_WIDTH);
        const nodes = interior(level, tileIndex);
        if (nodes) {
          const at = (heightOffset(inTile) + (first - tileIndex * TILE_WIDTH) / 2 ** inTile) * HASH_SIZE;
          return nodes.subarray(at, at + HASH_SIZE);
        }
      }
      return fallback?.get(key);
    },
    set(key, hash) {
      fallback?.set(key, hash);
    },
  };
}
