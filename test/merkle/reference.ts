/**
 * Brute-force RFC 6962 §2.1 reference, written straight from the definitions (MTH, PATH,
 * PROOF/SUBPROOF) with recursion and Node's own SHA-256 — deliberately sharing no code with
 * src/merkle, so that agreement means something.
 */
import { createHash } from 'node:crypto';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export const refLeafHash = (data: Uint8Array): Uint8Array => sha256(Uint8Array.of(0), data);
export const refNodeHash = (l: Uint8Array, r: Uint8Array): Uint8Array => sha256(Uint8Array.of(1), l, r);

/** "the largest power of two smaller than n" (RFC 6962 §2.1), n > 1. */
export function refSplit(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** A tree given by its leaf hashes D[0..n). MTH results are memoised by range. */
export class ReferenceTree {
  private readonly memo = new Map<string, Uint8Array>();

  constructor(readonly leafHashes: Uint8Array[]) {}

  /** MTH(D[start:end]). */
  mth(start: number, end: number): Uint8Array {
    const n = end - start;
    if (n === 0) return sha256();
    if (n === 1) return this.leafHashes[start];
    const key = `${start}:${end}`;
    let h = this.memo.get(key);
    if (h === undefined) {
      const k = refSplit(n);
      h = refNodeHash(this.mth(start, start + k), this.mth(start + k, end));
      this.memo.set(key, h);
    }
    return h;
  }

  /** PATH(m, D[0:n]) — RFC 6962 §2.1.1. */
  path(m: number, n: number, start = 0): Uint8Array[] {
    if (n <= 1) return [];
    const k = refSplit(n);
    return m < k
      ? [...this.path(m, k, start), this.mth(start + k, start + n)]
      : [...this.path(m - k, n - k, start + k), this.mth(start, start + k)];
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) — RFC 6962 §2.1.2. */
  proof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, n, true, 0);
  }

  private subproof(m: number, n: number, b: boolean, start: number): Uint8Array[] {
    if (m === n) return b ? [] : [this.mth(start, start + n)];
    const k = refSplit(n);
    return m <= k
      ? [...this.subproof(m, k, b, start), this.mth(start + k, start + n)]
      : [...this.subproof(m - k, n - k, false, start + k), this.mth(start, start + k)];
  }

  /** Hashes of tile (level, index) per C2SP: MTH(D[(index*256+i)*256^level : (index*256+i+1)*256^level]). */
  tile(level: number, index: number, width: number): Uint8Array {
    const span = 256 ** level;
    const out = new Uint8Array(width * 32);
    for (let i = 0; i < width; i++) {
      const first = (index * 256 + i) * span;
      out.set(this.mth(first, first + span), i * 32);
    }
    return out;
  }
}

/**
 * Oracle: does `proof` prove leaf m of a size-n tree with this root? Obtained by running
 * the PATH recursion backwards (the last proof hash is the top-level sibling).
 */
export function refInclusionHolds(
  leaf: Uint8Array,
  m: number,
  n: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m >= 0 && m < n)) return false;
  const rest = [...proof];
  const up = (m: number, n: number): Uint8Array | undefined => {
    if (n === 1) return leaf;
    const sibling = rest.pop();
    if (sibling === undefined) return undefined;
    const k = refSplit(n);
    const below = m < k ? up(m, k) : up(m - k, n - k);
    if (below === undefined) return undefined;
    return m < k ? refNodeHash(below, sibling) : refNodeHash(sibling, below);
  };
  const got = up(m, n);
  return got !== undefined && rest.length === 0 && eq(got, root);
}

/**
 * Oracle for consistency proofs, by running SUBPROOF backwards: rebuild both MTH(D[0:m])
 * and MTH(D[0:n]) from the proof (and root1 where the client already knows a subtree).
 * m == 0 is rejected, as by transparency-dev/merkle.
 */
export function refConsistencyHolds(
  m: number,
  n: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m > 0 && m <= n)) return false;
  const rest = [...proof];
  type Pair = { old: Uint8Array; cur: Uint8Array };
  const up = (m: number, n: number, b: boolean): Pair | undefined => {
    if (m === n) {
      if (b) return { old: root1, cur: root1 };
      // SUBPROOF's base hash is the first proof element: all others were popped already.
      if (rest.length !== 1) return undefined;
      const h = rest.pop()!;
      return { old: h, cur: h };
    }
    const sibling = rest.pop();
    if (sibling === undefined) return undefined;
    const k = refSplit(n);
    if (m <= k) {
      const r = up(m, k, b);
      return r && { old: r.old, cur: refNodeHash(r.cur, sibling) };
    }
    const r = up(m - k, n - k, false);
    return r && { old: refNodeHash(sibling, r.old), cur: refNodeHash(sibling, r.cur) };
  };
  const got = up(m, n, true);
  return got !== undefined && rest.length === 0 && eq(got.old, root1) && eq(got.cur, root2);
}
