import {
  appendLeaves,
  consistencyProof,
  edgeTileKeys,
  inclusionProof,
  rootFromTiles,
  tileWidth,
  verifyConsistency,
  verifyInclusion,
  type Tile,
} from '../../src/merkle';
import { makeLeaves } from './leaves';
import { ReferenceTree } from './reference';
import { TileStore } from './tilestore';

/** Jest's deep equality walks typed arrays element by element (slow for 8 KiB tiles); compare hex instead. */
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const storeHex = (store: TileStore): Record<string, string> =>
  Object.fromEntries([...store.tiles].map(([key, hashes]) => [key, toHex(hashes)]));
const tilesHex = (tiles: Tile[]): Record<string, string> =>
  Object.fromEntries(tiles.map((t) => [`${t.level}/${t.index}`, toHex(t.hashes)]));

const garbage = (hashes: number, fill = 0xee): Uint8Array => new Uint8Array(hashes * 32).fill(fill);

function expectTilesMatchReference(store: TileStore, ref: ReferenceTree): number {
  let checked = 0;
  for (const [key, stored] of store.tiles) {
    const [level, index] = key.split('/').map(Number);
    const width = tileWidth(store.size, level, index);
    if (width === 0) continue; // stale tile from an uncommitted append, beyond the tree
    expect({ key, hashes: toHex(stored.subarray(0, width * 32)) }).toEqual({ key, hashes: toHex(ref.tile(level, index, width)) });
    checked++;
  }
  return checked;
}

describe('appendLeaves', () => {
  it('returns only the tiles that changed, with their full content', () => {
    const store = new TileStore();
    const leaves = makeLeaves(1, 0, 301);
    store.append(leaves.slice(0, 300));
    const one = store.append(leaves.slice(300, 301));
    expect(one.tiles.map((t) => [t.level, t.index, t.hashes.length / 32])).toEqual([[0, 1, 45]]);
    expect(one.treeSize).toBe(301);
    expect(one.rootHash).toEqual(new ReferenceTree(leaves).mth(0, 301));
  });

  it('returns no tiles and the current root when appending nothing', () => {
    const store = new TileStore();
    const leaves = makeLeaves(2, 0, 600);
    store.append(leaves);
    const none = store.append([]);
    expect(none.tiles).toEqual([]);
    expect(none.treeSize).toBe(600);
    expect(none.rootHash).toEqual(new ReferenceTree(leaves).mth(0, 600));
  });

  it('hashes a tile into the level above when it fills up', () => {
    const store = new TileStore();
    const leaves = makeLeaves(3, 0, 256);
    store.append(leaves.slice(0, 255));
    const filled = store.append(leaves.slice(255));
    expect(filled.tiles.map((t) => [t.level, t.index, t.hashes.length / 32])).toEqual([
      [0, 0, 256],
      [1, 0, 1],
    ]);
    const ref = new ReferenceTree(leaves);
    expect(filled.tiles[1].hashes).toEqual(ref.mth(0, 256));
    expect(filled.rootHash).toEqual(ref.mth(0, 256));
  });

  it('ignores stale hashes beyond the width of the edge tiles it is given', () => {
    const leaves = makeLeaves(4, 0, 70000);
    const clean = new TileStore();
    const dirty = new TileStore();
    for (const [from, to] of [[0, 1000], [1000, 65535], [65535, 65537], [65537, 70000]]) {
      const a = clean.append(leaves.slice(from, to));
      // Every edge tile comes with up to 256 extra garbage hashes after its real ones.
      const b = dirty.append(leaves.slice(from, to), { extra: ({ level, index }) => garbage(1 + ((level + index) % 256)) });
      expect(b.rootHash).toEqual(a.rootHash);
      expect(tilesHex(b.tiles)).toEqual(tilesHex(a.tiles));
    }
    expect(storeHex(dirty)).toEqual(storeHex(clean));
  });

  it('recovers from an append whose tiles were written but never committed', () => {
    const leaves = makeLeaves(5, 0, 1200);
    const store = new TileStore();
    store.append(leaves.slice(0, 200));
    // A crashed sequencer wrote these tiles (filling tile 0/0 and more) but the size stayed 200.
    store.append(makeLeaves(99, 0, 700), { commit: false });
    expect(store.size).toBe(200);
    const result = store.append(leaves.slice(200, 1200));
    const ref = new ReferenceTree(leaves);
    expect(result.rootHash).toEqual(ref.mth(0, 1200));
    expect(expectTilesMatchReference(store, ref)).toBe(6); // 0/0..0/4 and 1/0
  });

  it('builds the same tiles whatever the batch sizes', () => {
    const leaves = makeLeaves(6, 0, 1500);
    const whole = new TileStore();
    whole.append(leaves);
    const single = new TileStore();
    leaves.forEach((leaf) => single.append([leaf]));
    const uneven = new TileStore();
    for (let from = 0, step = 1; from < leaves.length; from += step, step = (step * 7 + 3) % 97) {
      uneven.append(leaves.slice(from, from + step));
    }
    expect(storeHex(single)).toEqual(storeHex(whole));
    expect(storeHex(uneven)).toEqual(storeHex(whole));
  });

  it('builds a 70,000-leaf tree whose tiles at levels 0, 1 and 2 equal the reference node hashes', () => {
    const leaves = makeLeaves(7, 0, 70000);
    const store = new TileStore();
    store.append(leaves.slice(0, 33333));
    store.append(leaves.slice(33333));
    const ref = new ReferenceTree(leaves);
    // 273 full + 1 partial level-0 tiles, 1 full + 1 partial level-1 tiles, 1 level-2 tile.
    expect(expectTilesMatchReference(store, ref)).toBe(277);
    expect(rootFromTiles(70000, store.sourceAt(70000))).toEqual(ref.mth(0, 70000));

    for (const [index, size] of [[0, 70000], [65535, 70000], [69999, 70000], [12345, 65537], [65536, 65537]]) {
      const proof = inclusionProof(index, size, store.sourceAt(size));
      expect(proof).toEqual(ref.path(index, size));
      verifyInclusion(leaves[index], index, size, proof, ref.mth(0, size));
    }
    for (const [m, n] of [[1, 70000], [256, 70000], [65536, 70000], [65537, 70000], [4097, 65536], [33333, 69999]]) {
      const proof = consistencyProof(m, n, store.sourceAt(n));
      expect(proof).toEqual(ref.proof(m, n));
      verifyConsistency(m, n, proof, ref.mth(0, m), ref.mth(0, n));
    }
  });

  it('refuses to append without the edge tiles it needs', () => {
    const store = new TileStore();
    store.append(makeLeaves(8, 0, 300));
    const edge = store.edge();
    expect(edgeTileKeys(300)).toEqual([{ level: 0, index: 1 }, { level: 1, index: 0 }]);
    expect(() => appendLeaves(300, edge.slice(1), makeLeaves(8, 300, 1))).toThrow(/edge tile 0\/1/);
    const short: Tile[] = edge.map((t) => ({ ...t, hashes: t.hashes.subarray(0, t.hashes.length - 32) }));
    expect(() => appendLeaves(300, short, makeLeaves(8, 300, 1))).toThrow(/at least 44 hashes/);
    // Tiles it does not need are ignored.
    const extra = [...edge, { level: 0, index: 0, hashes: garbage(256) }];
    expect(appendLeaves(300, extra, []).rootHash).toEqual(appendLeaves(300, edge, []).rootHash);
  });

  it('rejects sizes beyond 2^53 - 1', () => {
    expect(() => appendLeaves(-1, [], [])).toThrow(RangeError);
    expect(() => appendLeaves(2 ** 53, [], [])).toThrow(RangeError);
  });
});
