/**
 * Stored tile interiors: every inner node equals the brute-force MTH of its range, and
 * proofs answered from interiors equal the reference while computing no node inside a
 * full tile.
 */
import fc from 'fast-check';
import {
  consistencyProof,
  inclusionProof,
  INTERIOR_HASHES,
  interiorNodeCache,
  rootFromTiles,
  tileInterior,
  TILE_WIDTH,
  type NodeCache,
} from '../../src/merkle';
import { ReferenceTree, eq } from './reference';
import { TileStore } from './tilestore';
import { makeLeaves } from './leaves';

const hex = (hs: Uint8Array[]) => hs.map((h) => Buffer.from(h).toString('hex'));

/** Records every node the proof code had to compute (it calls set only after computing). */
class ComputedNodes implements NodeCache {
  readonly computed: string[] = [];
  get(): undefined {
    return undefined;
  }
  set(key: string): void {
    this.computed.push(key);
  }
}

/** Interiors of every full tile in the store. */
function interiorsOf(store: TileStore): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [key, hashes] of store.tiles) if (hashes.length === TILE_WIDTH * 32) out.set(key, tileInterior(hashes));
  return out;
}

describe('tileInterior', () => {
  it('holds the 254 nodes of in-tile heights 1..7, lowest first, left to right', () => {
    const leaves = makeLeaves(3, 0, TILE_WIDTH);
    const ref = new ReferenceTree(leaves);
    const tile = Buffer.concat(leaves);
    const interior = tileInterior(tile);
    expect(interior.length).toBe(INTERIOR_HASHES * 32);
    let at = 0;
    for (let h = 1; h <= 7; h++) {
      for (let i = 0; i < TILE_WIDTH >> h; i++, at++) {
        const want = ref.mth(i << h, (i + 1) << h);
        expect(Buffer.from(interior.subarray(at * 32, at * 32 + 32)).toString('hex')).toBe(Buffer.from(want).toString('hex'));
      }
    }
    expect(at).toBe(INTERIOR_HASHES);
  });

  it('refuses a tile that is not full', () => {
    expect(() => tileInterior(new Uint8Array(255 * 32))).toThrow(/full tile of 256 hashes, got 255/);
  });
});

describe('interiorNodeCache', () => {
  it('gives the reference proofs and computes no node inside a full tile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 * 256 * 256 + 700 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 }),
        (n, picks) => {
          const store = new TileStore();
          const leaves = makeLeaves(11, 0, n);
          store.append(leaves);
          const ref = new ReferenceTree(leaves);
          const interiors = interiorsOf(store);
          const computed = new ComputedNodes();
          const nodes = interiorNodeCache((level, index) => interiors.get(`${level}/${index}`), computed);
          const tiles = store.sourceAt(n);
          expect(eq(rootFromTiles(n, tiles, nodes), ref.mth(0, n))).toBe(true);
          for (const [a, b] of picks) {
            const index = a % n;
            expect(hex(inclusionProof(index, n, tiles, nodes))).toEqual(hex(ref.path(index, n)));
            const size1 = 1 + (b % n);
            expect(hex(consistencyProof(size1, n, tiles, nodes))).toEqual(hex(ref.proof(size1, n)));
          }
          // Every node computed lies in a partial tile: its first stored hash is past the
          // last full tile of its level.
          for (const key of computed.computed) {
            const [height, index] = key.split('/').map(Number);
            const inTile = height % 8;
            const level = (height - inTile) / 8;
            const tileIndex = Math.floor((index * 2 ** inTile) / TILE_WIDTH);
            expect(interiors.has(`${level}/${tileIndex}`)).toBe(false);
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('falls back to the given cache for tiles without an interior', () => {
    const backing = new Map<string, Uint8Array>();
    const fallback: NodeCache = { get: (k) => backing.get(k), set: (k, h) => void backing.set(k, h) };
    const nodes = interiorNodeCache(() => undefined, fallback);
    const h = new Uint8Array(32).fill(7);
    nodes.set('3/5', h);
    expect(nodes.get('3/5')).toBe(h);
    expect(nodes.get('3/6')).toBeUndefined();
  });
});
