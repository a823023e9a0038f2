/**
 * transparency-dev/merkle's published proof vectors (test/fixtures/merkle/transparency-dev,
 * see NOTICE.md there), used both ways: our verifiers must give the expected verdict on
 * every probe, and our generators must reproduce every happy-path proof byte for byte.
 */
import {
  ProofError,
  consistencyProof,
  hashLeaf,
  inclusionProof,
  rootFromTiles,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle';
import { consistencyProbes, inclusionProbes, referenceTree, toHex, type InclusionProbe } from './fixtures';
import { TileStore } from './tilestore';

const ref = referenceTree();
const store = new TileStore();
store.append(ref.leafInputs.map(hashLeaf));

const inclusion = inclusionProbes();
const consistency = consistencyProbes();

/** Outcome of a verifier: 'ok', or the error class — anything but ProofError is a bug. */
function outcome(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof ProofError ? 'rejected' : `threw ${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('transparency-dev/merkle inclusion vectors', () => {
  it('loads all inclusion probes', () => {
    expect(inclusion.length).toBe(98);
    expect(inclusion.filter((p) => !p.wantErr).length).toBe(6);
  });

  it.each(inclusion.map((p) => [p.file, p] as const))('verifyInclusion gives the expected verdict on %s', (_file, p) => {
    const got = outcome(() => verifyInclusion(p.leafHash, p.leafIdx, p.treeSize, p.proof, p.root));
    expect(got).toBe(p.wantErr ? 'rejected' : 'ok');
  });

  const overReference = (p: InclusionProbe): boolean =>
    p.treeSize <= 8 && toHex(ref.rootHashes[p.treeSize]) === toHex(p.root);
  const happy = inclusion.filter((p) => !p.wantErr && overReference(p));
  it('finds the happy-path inclusion proofs over the reference tree', () => {
    expect(happy.map((p) => `${p.leafIdx}@${p.treeSize}`).sort()).toEqual(['0@1', '0@8', '1@5', '2@3', '5@8']);
  });

  it.each(happy.map((p) => [p.leafIdx, p.treeSize, p] as const))(
    'inclusionProof reproduces the published proof for leaf %i of the size-%i reference tree',
    (leafIdx, treeSize, p) => {
      expect(toHex(rootFromTiles(treeSize, store.sourceAt(treeSize)))).toBe(toHex(p.root));
      expect(hashLeaf(ref.leafInputs[leafIdx])).toEqual(p.leafHash);
      const proof = inclusionProof(leafIdx, treeSize, store.sourceAt(treeSize));
      expect(proof.map(toHex)).toEqual(p.proof.map(toHex));
    },
  );

  it('reproduces the single-entry happy path: a one-leaf root is the leaf hash and the proof is empty', () => {
    const p = inclusion.find((q) => q.file === 'single-entry/matching-root-and-leaf.json')!;
    const single = new TileStore();
    expect(single.append([p.leafHash]).rootHash).toEqual(p.root);
    expect(inclusionProof(0, 1, single.sourceAt(1))).toEqual(p.proof);
  });
});

describe('transparency-dev/merkle consistency vectors', () => {
  it('loads all consistency probes', () => {
    expect(consistency.length).toBe(98);
    expect(consistency.filter((p) => !p.wantErr).length).toBe(6);
  });

  it.each(consistency.map((p) => [p.file, p] as const))('verifyConsistency gives the expected verdict on %s', (_file, p) => {
    const got = outcome(() => verifyConsistency(p.size1, p.size2, p.proof, p.root1, p.root2));
    expect(got).toBe(p.wantErr ? 'rejected' : 'ok');
  });

  // The happy paths whose roots are real roots of the reference tree (one uses placeholder roots).
  const happy = consistency.filter(
    (p) => !p.wantErr && p.size2 <= 8 && p.size1 > 0 && ref.rootHashes[p.size2].every((b, i) => b === p.root2[i]),
  );
  it('finds the happy-path consistency proofs over the reference tree', () => {
    expect(happy.map((p) => `${p.size1}->${p.size2}`).sort()).toEqual(['1->1', '1->8', '2->5', '6->7', '6->8']);
  });
  it.each(happy.map((p) => [p.size1, p.size2, p] as const))(
    'consistencyProof reproduces the published proof from size %i to size %i',
    (size1, size2, p) => {
      expect(rootFromTiles(size1, store.sourceAt(size1))).toEqual(p.root1);
      const proof = consistencyProof(size1, size2, store.sourceAt(size2));
      expect(proof.map(toHex)).toEqual(p.proof.map(toHex));
    },
  );
});
