/**
 * C2SP tlog-tiles geometry (https://c2sp.org/tlog-tiles, "Merkle Tree").
 *
 * The n-th tile at level l holds, for i in 0..255, MTH(D[(n*256 + i) * 256^l : (n*256 + i + 1) * 256^l]):
 * the hashes of the complete subtrees of height 8*l. A tile is a height-8 subtree with its
 * stored hashes as leaves; nodes at heights between multiples of 8 are never stored and are
 * recomputed by hashing consecutive stored hashes.
 */
import { assertCount, shr } from './bits';
import type { NodeId } from './plan';

/** Tree levels spanned by one tile: a tile holds 2^TILE_HEIGHT hashes. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile (C2SP: "Full tiles MUST be exactly 256 hashes wide"). */
export const TILE_WIDTH = 256;

/** A tile: level L, index N, `hashes` = concatenated 32-byte hashes (width = hashes.length/32, 1..256). */
export interface Tile {
  level: number;
  index: number;
  hashes: Uint8Array;
}

export interface TileKey {
  level: number;
  index: number;
}

/** Number of complete subtrees of height TILE_HEIGHT*level in a tree of `treeSize` leaves. */
export function hashesAtLevel(treeSize: number, level: number): number {
  return shr(treeSize, TILE_HEIGHT * level);
}

/**
 * Width (number of hashes) of tile (level,index) in a tree of size treeSize; 0 if it does
 * not exist yet. C2SP: the partial tile at level l has floor(s / 256^l) mod 256 entries.
 */
export function tileWidth(treeSize: number, level: number, index: number): number {
  assertCount(treeSize, 'treeSize');
  assertCount(level, 'level');
  assertCount(index, 'index');
  const stored = hashesAtLevel(treeSize, level);
  const start = index * TILE_WIDTH;
  if (stored <= start) return 0;
  return Math.min(TILE_WIDTH, stored - start);
}

/**
 * The partial (width 1..255) right-edge tiles of a tree of size treeSize, lowest level
 * first. These are the only mutable tiles: every other existing tile is full and final.
 * They are also all a sequencer needs to append (new hashes go to their right) and all that
 * is needed for the root (each complete subtree in the binary decomposition of treeSize is
 * made of hashes in one of them; see proof.ts tilesForRoot).
 */
export function edgeTileKeys(treeSize: number): TileKey[] {
  assertCount(treeSize, 'treeSize');
  const keys: TileKey[] = [];
  for (let level = 0; ; level++) {
    const stored = hashesAtLevel(treeSize, level);
    if (stored === 0) break;
    if (stored % TILE_WIDTH !== 0) keys.push({ level, index: Math.floor(stored / TILE_WIDTH) });
  }
  return keys;
}

/** Where the hashes making up complete subtree `node` live: `count` hashes from `offset` of tile (level, index). */
export interface NodeLocation extends TileKey {
  offset: number;
  count: number;
}

/**
 * Node at height h, index i lives in tile level floor(h/8). When h is a multiple of 8 it is
 * stored as is; otherwise it is the root of 2^(h mod 8) consecutive stored hashes. Those
 * never straddle two tiles: they are aligned to 2^(h mod 8), which divides 256.
 */
export function locateNode(node: NodeId): NodeLocation {
  const level = Math.floor(node.height / TILE_HEIGHT);
  const count = 2 ** (node.height - level * TILE_HEIGHT);
  const first = node.index * count; // index among the hashes stored at this level
  const index = Math.floor(first / TILE_WIDTH);
  return { level, index, offset: first - index * TILE_WIDTH, count };
}

/** Distinct tiles holding `nodes`, ordered by level then index. */
export function tilesOfNodes(nodes: Iterable<NodeId>): TileKey[] {
  const seen = new Map<string, TileKey>();
  for (const node of nodes) {
    const { level, index } = locateNode(node);
    const key = `${level}/${index}`;
    if (!seen.has(key)) seen.set(key, { level, index });
  }
  return [...seen.values()].sort((a, b) => a.level - b.level || a.index - b.index);
}
