/**
 * Trees far too big to build: every leaf is the same, so every complete subtree of height h
 * has the same hash P[h] and any tile's content is known without storing it. That lets the
 * reference, the tile reader and the verifiers run at sizes up to 2^53 - 1, checking the
 * index arithmetic (no 32-bit truncation) and that proofs read O(log n) tiles.
 */
import fc from 'fast-check';
import {
  appendLeaves,
  consistencyProof,
  edgeTileKeys,
  hashChildren,
  hashLeaf,
  inclusionProof,
  rootFromTiles,
  tileWidth,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  verifyConsistency,
  verifyInclusion,
  type TileSource,
} from '../../src/merkle';
import { ReferenceTree, refSplit } from './reference';
import { keysToStrings } from './tilestore';

const MAX = Number.MAX_SAFE_INTEGER;
const LEAF = hashLeaf(Uint8Array.of(42));
const P: Uint8Array[] = [LEAF];
for (let h = 1; h <= 53; h++) P.push(hashChildren(P[h - 1], P[h - 1]));

/** The reference tree over n identical leaves: MTH(D[a:b]) depends only on b - a. */
class UniformTree extends ReferenceTree {
  private readonly bySize = new Map<number, Uint8Array>();
  constructor() {
    super([]);
  }
  override mth(start: number, end: number): Uint8Array {
    const n = end - start;
    if (n === 1) return LEAF;
    let h = this.bySize.get(n);
    if (h === undefined) {
      const k = refSplit(n);
      h = hashChildren(this.mth(0, k), this.mth(k, n));
      this.bySize.set(n, h);
    }
    return h;
  }
}
const uniform = new UniformTree();

function tilesAt(treeSize: number, reads: Set<string>): TileSource {
  return (level, index) => {
    const width = tileWidth(treeSize, level, index);
    if (width === 0) throw new Error(`tile ${level}/${index} does not exist at size ${treeSize}`);
    reads.add(`${level}/${index}`);
    const out = new Uint8Array(width * 32);
    for (let i = 0; i < width; i++) out.set(P[8 * level], i * 32);
    return out;
  };
}

const hexes = (hs: Uint8Array[]): string[] => hs.map((h) => Buffer.from(h).toString('hex'));
const sorted = (s: Set<string>): string[] => [...s].sort();

/** Sizes up to 2^53 - 1, biased to powers of 2 and 256 and their neighbours. */
const sizeArb = fc.oneof(
  fc.integer({ min: 1, max: MAX }),
  fc.tuple(fc.integer({ min: 0, max: 52 }), fc.integer({ min: -2, max: 2 })).map(([k, d]) => Math.min(MAX, Math.max(1, 2 ** k + d))),
  fc.integer({ min: 1, max: 3 * 256 ** 2 }),
);
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

// 7 tile levels cover 2^53. Per level a proof reads at most two tiles: the one holding the
// leaf's (or old tree's last leaf's) ancestors and their siblings, and the partial edge tile
// holding the subtrees that make up the ephemeral node.
const MAX_TILES = 2 * 7;

describe('huge uniform trees', () => {
  it('have roots, inclusion proofs and consistency proofs equal to the reference up to 2^53 - 1 leaves', () => {
    fc.assert(
      fc.property(sizeArb, unit, unit, (n, x, y) => {
        const root = uniform.mth(0, n);
        let reads = new Set<string>();
        expect(rootFromTiles(n, tilesAt(n, reads))).toEqual(root);
        expect(sorted(reads)).toEqual(keysToStrings(tilesForRoot(n)).sort());

        const index = Math.min(n - 1, Math.floor(x * n));
        reads = new Set();
        const incl = inclusionProof(index, n, tilesAt(n, reads));
        expect(hexes(incl)).toEqual(hexes(uniform.path(index, n)));
        expect(sorted(reads)).toEqual(keysToStrings(tilesForInclusion(index, n)).sort());
        expect(reads.size).toBeLessThanOrEqual(MAX_TILES);
        verifyInclusion(LEAF, index, n, incl, root);

        const m = Math.max(1, Math.min(n, Math.floor(y * n) + 1));
        reads = new Set();
        const cons = consistencyProof(m, n, tilesAt(n, reads));
        expect(hexes(cons)).toEqual(hexes(uniform.proof(m, n)));
        expect(sorted(reads)).toEqual(keysToStrings(tilesForConsistency(m, n)).sort());
        expect(reads.size).toBeLessThanOrEqual(MAX_TILES);
        verifyConsistency(m, n, cons, uniform.mth(0, m), root);
      }),
      { numRuns: 300 },
    );
  });

  it('append at sizes near 2^53 with the right tile widths and root', () => {
    for (const n of [2 ** 53 - 300, 2 ** 48 - 1, 2 ** 40 + 255, 2 ** 32 - 2, 2 ** 31 - 1]) {
      const count = Math.min(260, MAX - n);
      const edge = edgeTileKeys(n).map(({ level, index }) => ({ level, index, hashes: tilesAt(n, new Set())(level, index) }));
      const result = appendLeaves(n, edge, new Array<Uint8Array>(count).fill(LEAF));
      expect(result.treeSize).toBe(n + count);
      expect(result.rootHash).toEqual(uniform.mth(0, n + count));
      for (const tile of result.tiles) {
        expect(tile.hashes.length / 32).toBe(tileWidth(n + count, tile.level, tile.index));
        expect(tile.hashes).toEqual(tilesAt(n + count, new Set())(tile.level, tile.index));
      }
    }
  });

  it('fit in one tile per level for the root of the largest tree', () => {
    expect(tilesForRoot(MAX)).toEqual(edgeTileKeys(MAX));
    expect(tilesForRoot(MAX).length).toBe(7);
  });
});
