/**
 * Roots and proofs (RFC 6962 §2.1, RFC 9162 §2.1.3–2.1.4) read from C2SP tiles.
 *
 * Each function first plans leaf ranges (plan.ts), then hashes them from tiles (read.ts);
 * the tilesFor* functions report the tiles that the same plan reads. Proof hashes are
 * siblings of one leaf's ancestors — at each tile level these share the tile holding that
 * ancestor — plus the ephemeral node's subtrees, which lie in the partial right-edge tile of
 * each level; so a proof reads at most two tiles per level, O(log n) in all.
 * The width to fetch for each tile is tileWidth(treeSize, level, index) — for a
 * consistency proof, treeSize is size2.
 */
import { assertCount } from './bits';
import { EMPTY_ROOT } from './hash';
import { consistencyRanges, inclusionRanges, rootRanges, type Range } from './plan';
import { hashRanges, nodesOfRanges, type NodeCache, type TileSource } from './read';
import { tilesOfNodes, type TileKey } from './tiles';

function checkInclusionArgs(index: number, treeSize: number): void {
  assertCount(index, 'index');
  assertCount(treeSize, 'treeSize');
  if (index >= treeSize) throw new RangeError(`index ${index} is not in a tree of size ${treeSize}`);
}

function checkConsistencyArgs(size1: number, size2: number): void {
  assertCount(size1, 'size1');
  assertCount(size2, 'size2');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is larger than size2 ${size2}`);
}

function rootPlan(treeSize: number): Range[] {
  return treeSize === 0 ? [] : rootRanges(treeSize);
}

/**
 * RFC 6962 only defines PROOF(m, D[n]) for 0 < m < n. For m == n the proof is empty
 * (nothing to prove); for m == 0 it is empty too — every tree extends the empty tree —
 * although verifyConsistency, like transparency-dev/merkle, refuses size1 == 0.
 */
function consistencyPlan(size1: number, size2: number): Range[] {
  return size1 === 0 ? [] : consistencyRanges(size1, size2);
}

/** Tiles to read to compute the root of a tree of size treeSize: its partial right-edge tiles. */
export function tilesForRoot(treeSize: number): TileKey[] {
  assertCount(treeSize, 'treeSize');
  return tilesOfNodes(nodesOfRanges(rootPlan(treeSize)));
}

/** Tiles to read to compute inclusionProof(index, treeSize). */
export function tilesForInclusion(index: number, treeSize: number): TileKey[] {
  checkInclusionArgs(index, treeSize);
  return tilesOfNodes(nodesOfRanges(inclusionRanges(index, treeSize)));
}

/** Tiles to read to compute consistencyProof(size1, size2). */
export function tilesForConsistency(size1: number, size2: number): TileKey[] {
  checkConsistencyArgs(size1, size2);
  return tilesOfNodes(nodesOfRanges(consistencyPlan(size1, size2)));
}

/** MTH(D[0:treeSize]) (RFC 6962 §2.1); EMPTY_ROOT for treeSize 0. */
export function rootFromTiles(treeSize: number, tiles: TileSource, nodes?: NodeCache): Uint8Array {
  assertCount(treeSize, 'treeSize');
  if (treeSize === 0) return EMPTY_ROOT.slice();
  return hashRanges(rootPlan(treeSize), tiles, nodes)[0];
}

/** PATH(index, D[0:treeSize]) (RFC 9162 §2.1.3.1), leaf-most hash first. RangeError if index >= treeSize. */
export function inclusionProof(index: number, treeSize: number, tiles: TileSource, nodes?: NodeCache): Uint8Array[] {
  checkInclusionArgs(index, treeSize);
  return hashRanges(inclusionRanges(index, treeSize), tiles, nodes);
}

/** PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1); empty when size1 is 0 or equals size2. */
export function consistencyProof(size1: number, size2: number, tiles: TileSource, nodes?: NodeCache): Uint8Array[] {
  checkConsistencyArgs(size1, size2);
  return hashRanges(consistencyPlan(size1, size2), tiles, nodes);
}
