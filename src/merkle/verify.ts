/**
 * Proof verification, as specified in RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
 * (consistency). These bit-walking algorithms are deliberately independent of the
 * range-based generator (plan.ts), so each checks the other in tests.
 *
 * Edge cases follow transparency-dev/merkle's proof.VerifyInclusion/VerifyConsistency
 * (and its published test vectors):
 *  - size1 == size2: the proof must be empty and root1 must equal root2 (byte equality;
 *    nothing else is checked, since nothing else is claimed).
 *  - size1 == 0: always rejected, even for an empty proof — a consistency proof from the
 *    empty tree proves nothing (every tree extends it). Callers holding no previous
 *    checkpoint should skip the consistency check rather than call this.
 */
import { assertCount, isPow2 } from './bits';
import { bytesEqual, hashChildren, HASH_SIZE } from './hash';
import { consistencyProofSize, inclusionProofSize } from './plan';

/** A proof (or its parameters) failed verification. */
export class ProofError extends Error {
  override readonly name = 'ProofError';
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function checkCount(n: number, what: string): void {
  try {
    assertCount(n, what);
  } catch (e) {
    throw new ProofError((e as Error).message);
  }
}

function checkHashes(proof: Uint8Array[]): void {
  if (!Array.isArray(proof)) throw new ProofError('proof must be an array of hashes');
  proof.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      const got = h instanceof Uint8Array ? `${h.length} bytes` : typeof h;
      throw new ProofError(`proof[${i}] must be a ${HASH_SIZE}-byte hash, got ${got}`);
    }
  });
}

function checkLength(proof: Uint8Array[], want: number, what: string): void {
  if (proof.length !== want) {
    throw new ProofError(`${what} has ${proof.length} hashes, expected ${want}`);
  }
}

function checkRoot(calculated: Uint8Array, expected: Uint8Array, what: string): void {
  if (!(expected instanceof Uint8Array) || !bytesEqual(calculated, expected)) {
    const got = expected instanceof Uint8Array ? hex(expected) : typeof expected;
    throw new ProofError(`${what}: calculated ${hex(calculated)}, expected ${got}`);
  }
}

/** Verify that `leafHash` is leaf `index` of the tree of size `treeSize` with root `rootHash`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: Uint8Array[],
  rootHash: Uint8Array,
): void {
  checkCount(index, 'index');
  checkCount(treeSize, 'treeSize');
  // Step 1: leaf_index must be < tree_size.
  if (index >= treeSize) throw new ProofError(`index ${index} is not in a tree of size ${treeSize}`);
  if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) {
    throw new ProofError(`leaf hash must be ${HASH_SIZE} bytes`);
  }
  checkHashes(proof);
  // Not in the RFC (its loop catches a wrong length too), but gives a clearer error.
  checkLength(proof, inclusionProofSize(index, treeSize), 'inclusion proof');

  // Steps 2-4.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      // Skip the levels where this node has no right sibling (it is on the right edge).
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5.
  if (sn !== 0) throw new ProofError('inclusion proof is too short');
  checkRoot(r, rootHash, 'inclusion proof root mismatch');
}

/** Verify that the tree of size2 with root2 extends (is append-only from) the tree of size1 with root1. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkCount(size1, 'size1');
  checkCount(size2, 'size2');
  if (size2 < size1) throw new ProofError(`size2 ${size2} is smaller than size1 ${size1}`);
  if (size1 === 0) throw new ProofError('a consistency proof from the empty tree (size1 = 0) is meaningless');
  checkHashes(proof);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('size1 equals size2 but the proof is not empty');
    if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array) || !bytesEqual(root1, root2)) {
      throw new ProofError('size1 equals size2 but root1 differs from root2');
    }
    return;
  }
  // Step 1 (empty proof) is covered by the length check: a 0 < size1 < size2 proof is never empty.
  checkLength(proof, consistencyProofSize(size1, size2), 'consistency proof');

  // Step 2: if size1 is a power of two, the old root is itself a node of the new tree and
  // is left out of the proof; put it back as the starting point.
  const path = isPow2(size1) ? [root1, ...proof] : proof;
  // Step 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // Step 4: climb past the levels where the old tree's last node is a right child.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5.
  let fr = path[0];
  let sr = path[0];
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 7.
  if (sn !== 0) throw new ProofError('consistency proof is too short');
  checkRoot(fr, root1, 'consistency proof does not match root1');
  checkRoot(sr, root2, 'consistency proof does not match root2');
}
