import {
  EMPTY_ROOT,
  HASH_SIZE,
  appendLeaves,
  hashChildren,
  hashLeaf,
  rootFromLeafHashes,
  rootFromTiles,
} from '../../src/merkle';
import { hex, referenceTree, toHex } from './fixtures';
import { TileStore } from './tilestore';

// RFC 6962 reference tree (transparency-dev/merkle testonly/constants.go).
const ref = referenceTree();
const leafHashes = ref.leafInputs.map(hashLeaf);

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree to SHA-256 of the empty string', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(ref.rootHashes[0]).toEqual(EMPTY_ROOT);
    expect(rootFromLeafHashes([])).toEqual(EMPTY_ROOT);
  });

  it('hashes a leaf as SHA-256(0x00 || leaf)', () => {
    expect(HASH_SIZE).toBe(32);
    expect(toHex(hashLeaf(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(leafHashes).toEqual(ref.nodeHashes[0]);
  });

  it('hashes interior nodes as SHA-256(0x01 || left || right)', () => {
    const [level0, level1, level2, level3] = ref.nodeHashes;
    for (let i = 0; i < 4; i++) expect(hashChildren(level0[2 * i], level0[2 * i + 1])).toEqual(level1[i]);
    for (let i = 0; i < 2; i++) expect(hashChildren(level1[2 * i], level1[2 * i + 1])).toEqual(level2[i]);
    expect(hashChildren(level2[0], level2[1])).toEqual(level3[0]);
  });

  it('computes the root of all 8 reference leaves', () => {
    expect(toHex(rootFromLeafHashes(leafHashes))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('computes the root of the first %i reference leaves from leaf hashes', (n) => {
    expect(rootFromLeafHashes(leafHashes.slice(0, n))).toEqual(ref.rootHashes[n]);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('computes the root of the first %i reference leaves from tiles', (n) => {
    const store = new TileStore();
    const appended = store.append(leafHashes.slice(0, n));
    expect(appended.rootHash).toEqual(ref.rootHashes[n]);
    expect(rootFromTiles(n, store.sourceAt(n))).toEqual(ref.rootHashes[n]);
  });

  it('reports the same roots when the reference leaves are appended one at a time', () => {
    const store = new TileStore();
    leafHashes.forEach((leaf, i) => expect(store.append([leaf]).rootHash).toEqual(ref.rootHashes[i + 1]));
  });

  it('returns roots that callers may mutate without corrupting EMPTY_ROOT', () => {
    const root = appendLeaves(0, [], []).rootHash;
    root[0] ^= 0xff;
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('rejects leaf hashes that are not 32 bytes', () => {
    expect(() => rootFromLeafHashes([hex('00')])).toThrow(RangeError);
    expect(() => appendLeaves(0, [], [new Uint8Array(31)])).toThrow(RangeError);
  });
});
