/**
 * A NodeCache shared across proofs (as the server keeps one per tree) never changes an
 * answer: the same roots and proofs as the brute-force reference, whether the cache is
 * cold, warm from other proofs, or warm from a smaller tree that has since grown.
 */
import fc from 'fast-check';
import { consistencyProof, inclusionProof, rootFromTiles, type NodeCache } from '../../src/merkle';
import { ReferenceTree, eq } from './reference';
import { TileStore } from './tilestore';
import { makeLeaves } from './leaves';

class CountingCache implements NodeCache {
  readonly map = new Map<string, Uint8Array>();
  hits = 0;
  get(key: string) {
    const v = this.map.get(key);
    if (v) this.hits++;
    return v;
  }
  set(key: string, hash: Uint8Array) {
    this.map.set(key, hash);
  }
}

describe('proofs with a shared node cache', () => {
  it('equal the reference while the tree grows under one cache', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 20 }),
        (batches, picks) => {
          const store = new TileStore();
          const cache = new CountingCache();
          const leaves: Uint8Array[] = [];
          for (const count of batches) {
            const fresh = makeLeaves(7, leaves.length, count);
            leaves.push(...fresh);
            store.append(fresh);
            const ref = new ReferenceTree(leaves);
            const n = leaves.length;
            const tiles = store.sourceAt(n);
            expect(eq(rootFromTiles(n, tiles, cache), ref.mth(0, n))).toBe(true);
            for (const [a, b] of picks) {
              const index = a % n;
              const got = inclusionProof(index, n, tiles, cache);
              const want = ref.path(index, n);
              expect(got.map((h) => Buffer.from(h).toString('hex'))).toEqual(want.map((h) => Buffer.from(h).toString('hex')));
              const size1 = 1 + (b % n);
              const cgot = consistencyProof(size1, n, tiles, cache);
              const cwant = ref.proof(size1, n);
              expect(cgot.map((h) => Buffer.from(h).toString('hex'))).toEqual(cwant.map((h) => Buffer.from(h).toString('hex')));
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is used: proofs for neighbouring leaves hit the cache', () => {
    const store = new TileStore();
    store.append(makeLeaves(9, 0, 5000));
    const cache = new CountingCache();
    const tiles = store.sourceAt(5000);
    for (let i = 1000; i < 1064; i++) inclusionProof(i, 5000, tiles, cache);
    expect(cache.hits).toBeGreaterThan(64 * 5);
  });
});
