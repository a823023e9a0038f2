/**
 * Which Merkle tree hashes make up a root or a proof — pure index arithmetic, no hashing.
 *
 * Every proof element of RFC 6962 §2.1.1/§2.1.2 is MTH(D[a:b]) for some leaf range [a, b).
 * Either that range is a complete, aligned subtree (one stored node), or it ends at the right
 * edge of the tree and is not full — the "ephemeral" node of transparency-dev/merkle's
 * proof.Nodes — whose hash exists in no tile and must be recomputed from the complete
 * subtrees that cover it. Planning proofs as ranges handles both cases the same way, and
 * keeps planning (which tiles to read) and hashing (reading them) from drifting apart.
 */
import { splitPoint } from './bits';

/** A complete subtree: 2^height leaves starting at leaf index * 2^height. */
export interface NodeId {
  height: number;
  index: number;
}

/** Half-open leaf range [start, end). */
export type Range = readonly [start: number, end: number];

/**
 * The complete subtrees covering [start, end), left to right (a "compact range").
 *
 * For the ranges RFC 6962 uses (start aligned to a power of two >= end - start) the nodes
 * come out in strictly decreasing size, and MTH(D[start:end]) is the right fold
 * hashChildren(n0, hashChildren(n1, ...)) of their hashes: MTH splits at the largest power
 * of two below the size, which is exactly the first node.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  while (start < end) {
    // Grow the node while it stays aligned at `start` and inside the range.
    let height = 0;
    let size = 1;
    while (start % (size * 2) === 0 && start + size * 2 <= end) {
      size *= 2;
      height++;
    }
    nodes.push({ height, index: start / size });
    start += size;
  }
  return nodes;
}

/** MTH(D[0:n]) is one element covering the whole tree (n > 0). */
export function rootRanges(treeSize: number): Range[] {
  return [[0, treeSize]];
}

/**
 * PATH(m, D[0:n]) of RFC 6962 §2.1.1 (RFC 9162 §2.1.3.1), as leaf ranges, leaf-most first.
 * Requires 0 <= m < n. Iterative form of the recursion:
 *   k = split(n); m < k  -> PATH(m, D[0:k]) : MTH(D[k:n])
 *                 m >= k -> PATH(m-k, D[k:n]) : MTH(D[0:k])
 */
export function inclusionRanges(m: number, n: number): Range[] {
  const topDown: Range[] = [];
  let offset = 0;
  let size = n;
  let index = m;
  while (size > 1) {
    const k = splitPoint(size);
    if (index < k) {
      topDown.push([offset + k, offset + size]);
      size = k;
    } else {
      topDown.push([offset, offset + k]);
      offset += k;
      index -= k;
      size -= k;
    }
  }
  // The recursion appends each sibling after the sub-path, so the output is bottom-up.
  return topDown.reverse();
}

/**
 * PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) of RFC 6962 §2.1.2 (RFC 9162 §2.1.4.1),
 * as leaf ranges, in proof order. Requires 0 < m <= n (m == n gives the empty proof).
 *   m == n: b ? [] : [MTH(D[0:m])]
 *   k = split(n); m <= k -> SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
 *                 m > k  -> SUBPROOF(m-k, D[k:n], false) : MTH(D[0:k])
 */
export function consistencyRanges(m: number, n: number): Range[] {
  const topDown: Range[] = [];
  let offset = 0;
  let size = n;
  let old = m;
  let b = true; // still a prefix of the original tree: the client knows this subtree's root
  while (old !== size) {
    const k = splitPoint(size);
    if (old <= k) {
      topDown.push([offset + k, offset + size]);
      size = k;
    } else {
      topDown.push([offset, offset + k]);
      offset += k;
      old -= k;
      size -= k;
      b = false;
    }
  }
  const base: Range[] = b ? [] : [[offset, offset + size]];
  return base.concat(topDown.reverse());
}

/** Number of hashes in an inclusion proof for leaf m of a tree of size n (0 <= m < n). */
export function inclusionProofSize(m: number, n: number): number {
  return inclusionRanges(m, n).length;
}

/** Number of hashes in a consistency proof from size m to size n (0 < m <= n). */
export function consistencyProofSize(m: number, n: number): number {
  return consistencyRanges(m, n).length;
}
