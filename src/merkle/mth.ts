/**
 * Merkle Tree Hash (RFC 6962 §2.1) computed directly from hashes in memory.
 */
import { assertHash, EMPTY_ROOT, hashChildren, HASH_SIZE } from './hash';
import { rangeNodes } from './plan';

/**
 * Root of a complete subtree whose 2^k bottom hashes are given left to right: hash
 * neighbours pairwise, level by level. For a complete subtree this equals MTH, since the
 * RFC 6962 split point of 2^k is 2^(k-1) — the middle.
 */
export function hashPerfect(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0 || (hashes.length & (hashes.length - 1)) !== 0) {
    // Array lengths are < 2^32, so the 32-bit `&` is safe here.
    throw new RangeError(`hashPerfect needs a power-of-two count of hashes, got ${hashes.length}`);
  }
  let level = hashes;
  while (level.length > 1) {
    const up: Uint8Array[] = new Array<Uint8Array>(level.length / 2);
    for (let i = 0; i < up.length; i++) up[i] = hashChildren(level[2 * i], level[2 * i + 1]);
    level = up;
  }
  return level[0];
}

/** Views of the consecutive 32-byte hashes in `bytes[from*32 : (from+count)*32]` (no copy). */
export function splitHashes(bytes: Uint8Array, from: number, count: number): Uint8Array[] {
  const out = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) {
    const at = (from + i) * HASH_SIZE;
    out[i] = bytes.subarray(at, at + HASH_SIZE);
  }
  return out;
}

/**
 * MTH of a range given the roots of its covering complete subtrees, left to right and
 * decreasing in size (see plan.rangeNodes): hashChildren(h0, hashChildren(h1, ... hN)).
 */
export function foldRight(subtreeRoots: readonly Uint8Array[]): Uint8Array {
  let acc = subtreeRoots[subtreeRoots.length - 1];
  for (let i = subtreeRoots.length - 2; i >= 0; i--) acc = hashChildren(subtreeRoots[i], acc);
  return acc;
}

/** Root computed directly from leaf hashes (RFC 6962 MTH), for small trees and tests. */
export function rootFromLeafHashes(leafHashes: Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return EMPTY_ROOT.slice();
  leafHashes.forEach((h, i) => assertHash(h, `leafHashes[${i}]`));
  const roots = rangeNodes(0, leafHashes.length).map((node) => {
    const size = 2 ** node.height;
    return hashPerfect(leafHashes.slice(node.index * size, (node.index + 1) * size));
  });
  return foldRight(roots).slice();
}
