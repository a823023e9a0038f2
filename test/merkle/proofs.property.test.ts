/**
 * Property tests: trees built by appendLeaves in random batches (some never committed,
 * leaving stale hashes in the edge tiles) agree with the brute-force RFC 6962 reference on
 * every tile, root and proof; proofs verify; and proofs read exactly the announced tiles.
 */
import fc from 'fast-check';
import {
  consistencyProof,
  inclusionProof,
  rootFromTiles,
  tileWidth,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle';
import { makeLeaves } from './leaves';
import { ReferenceTree } from './reference';
import { keysToStrings, TileStore } from './tilestore';

const hexes = (hs: Uint8Array[]): string[] => hs.map((h) => Buffer.from(h).toString('hex'));
const hex = (h: Uint8Array): string => Buffer.from(h).toString('hex');

const batch = fc.record({
  count: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 1000 })),
  commit: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

/** Fractions, turned into indexes and sizes once the tree size is known. */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const queries = fc.array(fc.record({ a: unit, b: unit, checkpoints: fc.boolean() }), { minLength: 4, maxLength: 12 });
/** floor(x * (max + 1)): an integer in 0..max. */
const upTo = (x: number, max: number): number => Math.floor(x * (max + 1));
const pick = <T>(x: number, from: T[]): T => from[Math.floor(x * from.length)];

interface Built {
  store: TileStore;
  ref: ReferenceTree;
  sizes: number[];
}

function build(tag: number, batches: { count: number; commit: boolean }[]): Built {
  const store = new TileStore();
  const all: Uint8Array[] = [];
  const sizes: number[] = [0];
  let aborted = 0;
  for (const { count, commit } of batches) {
    if (!commit) {
      store.append(makeLeaves(tag ^ 0x5a5a5a5a, aborted, count), { commit: false });
      aborted += count;
      continue;
    }
    const leaves = makeLeaves(tag, all.length, count);
    all.push(...leaves);
    const result = store.append(leaves);
    sizes.push(result.treeSize);
  }
  return { store, ref: new ReferenceTree(all), sizes };
}

describe('trees built by appendLeaves', () => {
  it('have every committed root, tile and root-from-tiles equal to the RFC 6962 reference', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(batch, { minLength: 1, maxLength: 10 }), (tag, batches) => {
        const store = new TileStore();
        const all: Uint8Array[] = [];
        let aborted = 0;
        for (const { count, commit } of batches) {
          if (!commit) {
            store.append(makeLeaves(tag ^ 0x5a5a5a5a, aborted, count), { commit: false });
            aborted += count;
            continue;
          }
          all.push(...makeLeaves(tag, all.length, count));
          const ref = new ReferenceTree(all);
          const { rootHash, treeSize } = store.append(all.slice(store.size));
          expect(treeSize).toBe(all.length);
          expect(hex(rootHash)).toBe(hex(ref.mth(0, treeSize)));

          const reads = new Set<string>();
          expect(hex(rootFromTiles(treeSize, store.sourceAt(treeSize, reads)))).toBe(hex(rootHash));
          expect([...reads].sort()).toEqual(keysToStrings(tilesForRoot(treeSize)).sort());
        }
        const ref = new ReferenceTree(all);
        for (const [key, stored] of store.tiles) {
          const [level, index] = key.split('/').map(Number);
          const width = tileWidth(all.length, level, index);
          if (width > 0) expect(hex(stored.subarray(0, width * 32))).toBe(hex(ref.tile(level, index, width)));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('give inclusion proofs equal to the reference PATH, reading exactly tilesForInclusion, that verify', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(batch, { minLength: 1, maxLength: 10 }), queries, (tag, batches, qs) => {
        const { store, ref } = build(tag, batches);
        const size = store.size;
        fc.pre(size > 0);
        for (const { a, b } of qs) {
          const n = 1 + upTo(a, size - 1);
          const index = upTo(b, n - 1);
          const reads = new Set<string>();
          const proof = inclusionProof(index, n, store.sourceAt(n, reads));
          expect(hexes(proof)).toEqual(hexes(ref.path(index, n)));
          expect([...reads].sort()).toEqual(keysToStrings(tilesForInclusion(index, n)).sort());
          // Tiles longer than needed (the latest content) give the same proof.
          expect(hexes(inclusionProof(index, n, store.sourceLatest()))).toEqual(hexes(proof));
          verifyInclusion(ref.leafHashes[index], index, n, proof, ref.mth(0, n));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('give consistency proofs equal to the reference PROOF, reading exactly tilesForConsistency, that verify', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(batch, { minLength: 1, maxLength: 10 }), queries, (tag, batches, qs) => {
        const { store, ref, sizes } = build(tag, batches);
        const size = store.size;
        for (const { a, b, checkpoints } of qs) {
          // Either two committed sizes (as a witness would ask) or any two sizes.
          const n = checkpoints ? pick(a, sizes) : upTo(a, size);
          const m = checkpoints ? pick(b, sizes.filter((s) => s <= n)) : upTo(b, n);
          const reads = new Set<string>();
          const proof = consistencyProof(m, n, store.sourceAt(n, reads));
          expect([...reads].sort()).toEqual(keysToStrings(tilesForConsistency(m, n)).sort());
          if (m === 0) {
            expect(proof).toEqual([]);
            continue;
          }
          expect(hexes(proof)).toEqual(hexes(ref.proof(m, n)));
          expect(hexes(consistencyProof(m, n, store.sourceLatest()))).toEqual(hexes(proof));
          verifyConsistency(m, n, proof, ref.mth(0, m), ref.mth(0, n));
        }
      }),
      { numRuns: 50 },
    );
  });
});
