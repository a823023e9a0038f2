/**
 * RFC 6962 hashing and inclusion-proof verification (RFC 9162 §2.1.3.2) on WebCrypto's
 * SHA-256. The same walk as src/merkle/verify.ts, written again because that module hashes
 * synchronously with @noble/hashes, which the page does not load.
 */
import { concat, sha256 } from './bytes.mjs';

/** SHA-256(0x00 ‖ leaf): the leaf hash, which is also the entry UUID's last 64 hex. */
export function leafHash(/** @type {Uint8Array} */ leaf) {
  return sha256(concat(Uint8Array.of(0), leaf));
}

/** SHA-256(0x01 ‖ left ‖ right). */
function nodeHash(/** @type {Uint8Array} */ left, /** @type {Uint8Array} */ right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** The proof does not fit the tree it claims (wrong length, index out of range). */
export class ProofShapeError extends Error {
  name = 'ProofShapeError';
}

/**
 * The root hash that `proof` leads to from leaf `index` (hash `leaf`) in a tree of
 * `treeSize` leaves; the caller compares it with the root it was given. Halving with
 * Math.floor, not `>>`, which would cut sizes above 2^31.
 * @param {Uint8Array} leaf @param {number} index @param {number} treeSize @param {Uint8Array[]} proof
 * @returns {Promise<Uint8Array>}
 */
export async function rootFromInclusionProof(leaf, index, treeSize, proof) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) {
    throw new ProofShapeError(`leaf index ${index} is not in a tree of size ${treeSize}`);
  }
  const half = (/** @type {number} */ n) => Math.floor(n / 2);
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32) throw new ProofShapeError(`a proof hash is ${p.length} bytes, not 32`);
    if (sn === 0) throw new ProofShapeError('the proof has more hashes than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      // A left child at the right edge: climb until this node is a right child.
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofShapeError('the proof has fewer hashes than the path to the root');
  return r;
}
