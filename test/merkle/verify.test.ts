/**
 * Verifiers against tampering. Every tampered proof is checked against an oracle that runs
 * the RFC 6962 PATH/SUBPROOF definitions backwards (reference.ts): the verifier must agree
 * with it on every input, and for tampering that changes the proof's hashes or roots the
 * oracle (and so the verifier) must reject.
 */
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  ProofError,
  consistencyProof,
  hashLeaf,
  inclusionProof,
  tilesForConsistency,
  tilesForInclusion,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle';
import { makeLeaves } from './leaves';
import { ReferenceTree, refConsistencyHolds, refInclusionHolds } from './reference';
import { TileStore } from './tilestore';

/** true if the verifier accepts, false if it throws ProofError; anything else fails the test. */
function accepts(f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}

const flipBit = (h: Uint8Array, bit: number): Uint8Array => {
  const out = h.slice();
  out[(bit >> 3) % out.length] ^= 1 << (bit & 7);
  return out;
};
const without = <T>(xs: T[], j: number): T[] => xs.filter((_, i) => i !== j);
const inserted = <T>(xs: T[], j: number, x: T): T[] => [...xs.slice(0, j), x, ...xs.slice(j)];
const swapped = <T>(xs: T[], j: number, k: number): T[] => {
  const out = [...xs];
  [out[j], out[k]] = [out[k], out[j]];
  return out;
};
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Proof-list tamperings: flipped bit, dropped, added, duplicated, reordered hashes. */
function tamperedProofs(proof: Uint8Array[], bit: number, stranger: Uint8Array): [string, Uint8Array[]][] {
  const out: [string, Uint8Array[]][] = [];
  proof.forEach((h, j) => {
    out.push([`flip bit ${bit} of proof[${j}]`, proof.map((p, i) => (i === j ? flipBit(p, bit) : p))]);
    out.push([`drop proof[${j}]`, without(proof, j)]);
    out.push([`duplicate proof[${j}]`, inserted(proof, j, h)]);
    proof.forEach((g, k) => {
      if (k > j && !same(g, h)) out.push([`swap proof[${j}] and proof[${k}]`, swapped(proof, j, k)]);
    });
  });
  for (let j = 0; j <= proof.length; j++) out.push([`insert a hash at ${j}`, inserted(proof, j, stranger)]);
  return out;
}

const treeArb = fc.record({ tag: fc.integer(), size: fc.integer({ min: 1, max: 700 }) });
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const bitArb = fc.integer({ min: 0, max: 255 });

describe('verifyInclusion', () => {
  it('accepts exactly what the RFC 6962 PATH oracle accepts, and rejects every tampered proof, leaf and root', () => {
    fc.assert(
      fc.property(treeArb, unit, bitArb, unit, ({ tag, size }, x, bit, y) => {
        const ref = new ReferenceTree(makeLeaves(tag, 0, size));
        const n = size;
        const i = Math.floor(x * n);
        const leaf = ref.leafHashes[i];
        const root = ref.mth(0, n);
        const proof = ref.path(i, n);
        const stranger = hashLeaf(Uint8Array.of(bit));
        const check = (what: string, l: Uint8Array, idx: number, sz: number, p: Uint8Array[], r: Uint8Array) => {
          const want = refInclusionHolds(l, idx, sz, p, r);
          expect({ what, accepted: accepts(() => verifyInclusion(l, idx, sz, p, r)) }).toEqual({ what, accepted: want });
          return want;
        };

        expect(check('untouched', leaf, i, n, proof, root)).toBe(true);

        for (const [what, p] of tamperedProofs(proof, bit, stranger)) {
          expect(check(what, leaf, i, n, p, root)).toBe(false);
        }
        const wrongLeaves: [string, Uint8Array][] = [
          ['leaf with a flipped bit', flipBit(leaf, bit)],
          ['leaf data instead of its hash', makeLeaves(tag, i, 1)[0].subarray(0, 31)],
          ['another leaf', stranger],
        ];
        if (n > 1) wrongLeaves.push(['the neighbouring leaf', ref.leafHashes[i ^ 1] ?? ref.leafHashes[i - 1]]);
        for (const [what, l] of wrongLeaves) expect(check(what, l, i, n, proof, root)).toBe(false);

        const wrongRoots: [string, Uint8Array][] = [
          ['root with a flipped bit', flipBit(root, bit)],
          ['empty root', EMPTY_ROOT],
          ['truncated root', root.subarray(0, 31)],
          ['root of the previous size', ref.mth(0, n - 1)],
        ];
        for (const [what, r] of wrongRoots) expect(check(what, leaf, i, n, proof, r)).toBe(false);

        // Wrong index or size: usually rejected, but a proof only binds (index, size) up to
        // the sequence of left/right steps it encodes, so defer to the oracle.
        const other = Math.floor(y * 2 * n);
        for (const idx of [i + 1, i - 1, i ^ 1, i ^ 2, other, n, -1, 2 ** 53]) check(`index ${idx}`, leaf, idx, n, proof, root);
        for (const sz of [n + 1, n - 1, 2 * n, n >> 1, other, 0, 2 ** 53]) check(`size ${sz}`, leaf, i, sz, proof, root);
      }),
      { numRuns: 150 },
    );
  });

  it('accepts a proof for a different size when it encodes the same left/right steps', () => {
    // PATH(0, D[4]) = [d1, MTH(d2,d3)] is also a well-formed PATH(0, D[3]) whose third leaf
    // hash would be MTH(d2,d3): the verifier cannot tell, and neither can RFC 9162 §2.1.3.2.
    const ref = new ReferenceTree(makeLeaves(1, 0, 4));
    const proof = ref.path(0, 4);
    expect(refInclusionHolds(ref.leafHashes[0], 0, 3, proof, ref.mth(0, 4))).toBe(true);
    expect(() => verifyInclusion(ref.leafHashes[0], 0, 3, proof, ref.mth(0, 4))).not.toThrow();
  });

  it('rejects indexes outside the tree and malformed inputs with ProofError', () => {
    const ref = new ReferenceTree(makeLeaves(2, 0, 5));
    const root = ref.mth(0, 5);
    const leaf = ref.leafHashes[4];
    const proof = ref.path(4, 5);
    expect(() => verifyInclusion(leaf, 4, 5, proof, root)).not.toThrow();
    expect(() => verifyInclusion(leaf, 5, 5, proof, root)).toThrow(ProofError);
    expect(() => verifyInclusion(leaf, 0, 0, [], EMPTY_ROOT)).toThrow(ProofError);
    expect(() => verifyInclusion(leaf, 4.5, 5, proof, root)).toThrow(ProofError);
    expect(() => verifyInclusion(leaf, 4, Number.NaN, proof, root)).toThrow(ProofError);
    expect(() => verifyInclusion(leaf.subarray(1), 4, 5, proof, root)).toThrow(/leaf hash must be 32 bytes/);
    expect(() => verifyInclusion(leaf, 4, 5, [proof[0].subarray(0, 16)], root)).toThrow(/proof\[0\] must be a 32-byte hash/);
    expect(() => verifyInclusion(leaf, 4, 5, [...proof, proof[0]], root)).toThrow(/has 2 hashes, expected 1/);
    expect(() => verifyInclusion(leaf, 4, 5, proof, flipBit(root, 0))).toThrow(/root mismatch/);
  });
});

describe('verifyConsistency', () => {
  it('accepts exactly what the RFC 6962 SUBPROOF oracle accepts, and rejects every tampered proof and root', () => {
    fc.assert(
      fc.property(treeArb, unit, bitArb, unit, ({ tag, size }, x, bit, y) => {
        const ref = new ReferenceTree(makeLeaves(tag, 0, size));
        const n = size;
        const m = 1 + Math.floor(x * n); // 1..n
        const root1 = ref.mth(0, m);
        const root2 = ref.mth(0, n);
        const proof = ref.proof(m, n);
        const stranger = hashLeaf(Uint8Array.of(bit));
        const check = (what: string, s1: number, s2: number, p: Uint8Array[], r1: Uint8Array, r2: Uint8Array) => {
          const want = refConsistencyHolds(s1, s2, p, r1, r2);
          expect({ what, accepted: accepts(() => verifyConsistency(s1, s2, p, r1, r2)) }).toEqual({ what, accepted: want });
          return want;
        };

        expect(check('untouched', m, n, proof, root1, root2)).toBe(true);

        for (const [what, p] of tamperedProofs(proof, bit, stranger)) {
          expect(check(what, m, n, p, root1, root2)).toBe(false);
        }
        const wrongRoot1: [string, Uint8Array][] = [
          ['root1 with a flipped bit', flipBit(root1, bit)],
          ['root1 of the previous size', ref.mth(0, m - 1)],
          ['root2 as root1', m === n ? flipBit(root2, bit) : root2],
        ];
        for (const [what, r1] of wrongRoot1) expect(check(what, m, n, proof, r1, root2)).toBe(false);
        const wrongRoot2: [string, Uint8Array][] = [
          ['root2 with a flipped bit', flipBit(root2, bit)],
          ['root1 as root2', m === n ? flipBit(root1, bit) : root1],
          ['empty root as root2', EMPTY_ROOT],
        ];
        for (const [what, r2] of wrongRoot2) expect(check(what, m, n, proof, root1, r2)).toBe(false);
        if (m !== n) expect(check('swapped roots', m, n, proof, root2, root1)).toBe(false);

        const other = Math.floor(y * 2 * n);
        for (const s1 of [m + 1, m - 1, 2 * m, m >> 1, other, 0, n + 1]) check(`size1 ${s1}`, s1, n, proof, root1, root2);
        for (const s2 of [n + 1, n - 1, 2 * n, n >> 1, other, m - 1, 2 ** 53]) check(`size2 ${s2}`, m, s2, proof, root1, root2);
      }),
      { numRuns: 150 },
    );
  });

  it('accepts equal sizes only with an empty proof and equal roots', () => {
    const root = new ReferenceTree(makeLeaves(3, 0, 9)).mth(0, 9);
    expect(() => verifyConsistency(9, 9, [], root, root)).not.toThrow();
    expect(() => verifyConsistency(9, 9, [root], root, root)).toThrow(/proof is not empty/);
    expect(() => verifyConsistency(9, 9, [], root, flipBit(root, 3))).toThrow(/root1 differs from root2/);
  });

  it('rejects any proof from the empty tree, as transparency-dev/merkle does', () => {
    const root = new ReferenceTree(makeLeaves(4, 0, 9)).mth(0, 9);
    expect(() => verifyConsistency(0, 9, [], EMPTY_ROOT, root)).toThrow(/empty tree/);
    expect(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toThrow(ProofError);
  });

  it('rejects shrinking trees, empty proofs and malformed sizes with ProofError', () => {
    const ref = new ReferenceTree(makeLeaves(5, 0, 9));
    const proof = ref.proof(3, 9);
    expect(() => verifyConsistency(3, 9, proof, ref.mth(0, 3), ref.mth(0, 9))).not.toThrow();
    expect(() => verifyConsistency(9, 3, proof, ref.mth(0, 9), ref.mth(0, 3))).toThrow(/smaller than size1/);
    expect(() => verifyConsistency(3, 9, [], ref.mth(0, 3), ref.mth(0, 9))).toThrow(/has 0 hashes, expected 5/);
    expect(() => verifyConsistency(3, 2 ** 53, proof, ref.mth(0, 3), ref.mth(0, 9))).toThrow(ProofError);
    expect(() => verifyConsistency(-3, 9, proof, ref.mth(0, 3), ref.mth(0, 9))).toThrow(ProofError);
  });
});

describe('proof generation arguments', () => {
  const store = new TileStore();
  store.append(makeLeaves(6, 0, 10));
  const tiles = store.sourceAt(10);

  it('throws RangeError for an index outside the tree', () => {
    expect(() => inclusionProof(10, 10, tiles)).toThrow(RangeError);
    expect(() => inclusionProof(0, 0, tiles)).toThrow(RangeError);
    expect(() => inclusionProof(-1, 10, tiles)).toThrow(RangeError);
    expect(() => tilesForInclusion(10, 10)).toThrow(RangeError);
  });

  it('throws RangeError when size1 exceeds size2', () => {
    expect(() => consistencyProof(11, 10, tiles)).toThrow(RangeError);
    expect(() => tilesForConsistency(11, 10)).toThrow(RangeError);
  });

  it('returns the empty proof from the empty tree and between equal sizes', () => {
    expect(consistencyProof(0, 10, tiles)).toEqual([]);
    expect(consistencyProof(0, 0, tiles)).toEqual([]);
    expect(consistencyProof(10, 10, tiles)).toEqual([]);
    expect(tilesForConsistency(0, 10)).toEqual([]);
    expect(tilesForConsistency(7, 7)).toEqual([]);
  });

  it('reports tiles that are missing, too short or not bytes', () => {
    expect(() => inclusionProof(3, 10, () => { throw new Error('no such tile'); })).toThrow('no such tile');
    expect(() => inclusionProof(3, 10, () => new Uint8Array(32 * 5))).toThrow(/tile 0\/0 holds 5 hashes, need at least/);
    expect(() => inclusionProof(3, 10, () => 'tile' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
