/**
 * RFC 6962 §2.1 hashing: SHA-256 with one-byte domain separation, so that a leaf can never
 * be passed off as an interior node (second-preimage resistance, RFC 6962 §2.1, RFC 9162 §2.1.1).
 */
import { sha256 } from '@noble/hashes/sha2';

/** Bytes in every Merkle tree hash (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({d(0)}) = SHA-256(0x00 || d(0)) — RFC 6962 §2.1. */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + leaf.length);
  buf[0] = LEAF_PREFIX;
  buf.set(leaf, 1);
  return sha256(buf);
}

/** SHA-256(0x01 || left || right) — the interior-node hash of RFC 6962 §2.1. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/**
 * MTH({}) = SHA-256() (RFC 6962 §2.1): the root of the empty tree is the hash of the empty
 * string, not of a prefixed empty leaf. Treat as read-only; functions return copies of it.
 */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Byte equality. Inputs are public (roots, proofs), so constant time is not needed. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws a RangeError unless `h` is a Uint8Array of exactly HASH_SIZE bytes. */
export function assertHash(h: unknown, what: string): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    const got = h instanceof Uint8Array ? `${h.length} bytes` : typeof h;
    throw new RangeError(`${what} must be a ${HASH_SIZE}-byte hash, got ${got}`);
  }
}
