/**
 * The prover joins concurrent reads of the same full tile (a batch's proofs all want the
 * same tiles at once) but reads a tile that is partial at the proof's size afresh, and
 * its proofs verify.
 */
import { randomBytes } from 'node:crypto';
import { appendLeaves, edgeTileKeys, hashLeaf, tileWidth, verifyInclusion, type Tile, type TileKey } from '../../src/merkle';
import { Prover } from '../../src/log/prover';
import type { Store } from '../../src/store/store';

/** Just enough of a Store: tiles in a map, every readTiles call counted. */
function tileStore() {
  const tiles = new Map<string, Uint8Array>();
  const calls: TileKey[][] = [];
  const store = {
    async readTiles(_treeId: string, keys: TileKey[]): Promise<Tile[]> {
      calls.push(keys);
      await new Promise((r) => setTimeout(r, 5));
      return keys.flatMap((k) => {
        const hashes = tiles.get(`${k.level}/${k.index}`);
        return hashes ? [{ ...k, hashes }] : [];
      });
    },
  } as unknown as Store;
  let size = 0;
  const leaves: Uint8Array[] = [];
  const append = (n: number) => {
    const fresh = Array.from({ length: n }, () => hashLeaf(randomBytes(16)));
    const edge = edgeTileKeys(size).map((k) => ({ ...k, hashes: tiles.get(`${k.level}/${k.index}`)! }));
    const r = appendLeaves(size, edge, fresh);
    for (const t of r.tiles) tiles.set(`${t.level}/${t.index}`, t.hashes);
    size = r.treeSize;
    leaves.push(...fresh);
    return r.rootHash;
  };
  return { store, calls, append, leaves };
}

describe('the prover', () => {
  it('answers 64 concurrent proofs with one read per distinct full tile', async () => {
    const t = tileStore();
    const root = t.append(70_000);
    const prover = new Prover(t.store);
    const indexes = Array.from({ length: 64 }, (_, i) => 1000 + i);
    const proofs = await Promise.all(indexes.map((i) => prover.inclusion('1', i, 70_000)));
    proofs.forEach((p, k) => verifyInclusion(t.leaves[indexes[k]], indexes[k], 70_000, p, root));
    const fullReads = t.calls.flat().filter((k) => tileWidth(70_000, k.level, k.index) === 256);
    const distinct = new Set(fullReads.map((k) => `${k.level}/${k.index}`));
    expect(distinct.size).toBeGreaterThan(0);
    expect(fullReads.length).toBe(distinct.size);
  });

  it('reads a tile partial at the proof size afresh, so a grown tree is proved right', async () => {
    const t = tileStore();
    t.append(300);
    const prover = new Prover(t.store);
    const first = prover.inclusion('1', 290, 300);
    const root = t.append(5); // the edge tile grows while the first proof is under way
    const second = await prover.inclusion('1', 303, 305);
    await first;
    verifyInclusion(t.leaves[303], 303, 305, second, root);
  });
});
