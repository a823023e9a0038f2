/** The entries a round checks, across shard rotations, in Rekor's global numbering. */
import { randomBytes } from 'node:crypto';
import { ApiError, type LogInfoJson } from '../../src/client/rekor-client';
import { verifyCheckpoint, type TreeHead } from '../../src/client/tree-head';
import { generateSigningKey, signerFromPem } from '../../src/crypto';
import { catchUpRanges, rangeSize } from '../../src/monitor/catch-up';
import { signRekorCheckpoint } from '../../src/note';

const signer = signerFromPem(generateSigningKey('ecdsa-p256'));
const keyDer = signer.publicKeyDer;

function head(treeId: string, treeSize: number): TreeHead {
  const note = signRekorCheckpoint({ hostname: 'log.example', treeId, treeSize, rootHash: randomBytes(32), signer });
  return verifyCheckpoint(note, keyDer);
}

const shard = (h: TreeHead) => ({ treeID: h.treeId, treeSize: h.treeSize, rootHash: h.rootHash.toString('hex'), signedTreeHead: h.checkpoint });
const info = (active: TreeHead, inactive: TreeHead[] = []): LogInfoJson => ({ ...shard(active), inactiveShards: inactive.map(shard) });
const summary = (ranges: ReturnType<typeof catchUpRanges>) => ranges.map((r) => [r.treeId, r.offset, r.from, r.to]);

describe('catch-up ranges', () => {
  it('in one tree: from the old size to the new one, after the inactive shards', () => {
    const old1 = head('101', 40);
    const old2 = head('102', 25);
    const ranges = catchUpRanges(head('103', 7), head('103', 12), info(head('103', 12), [old1, old2]), keyDer);
    expect(summary(ranges)).toEqual([['103', 65, 7, 12]]);
    expect(rangeSize(ranges)).toBe(5);
  });

  it('after a rotation: the rest of the old tree, any shard in between, then the new tree', () => {
    const first = head('101', 40);
    const middle = head('102', 25);
    const current = head('103', 3);
    const ranges = catchUpRanges(head('101', 30), current, info(current, [first, middle]), keyDer);
    expect(summary(ranges)).toEqual([
      ['101', 0, 30, 40],
      ['102', 40, 0, 25],
      ['103', 65, 0, 3],
    ]);
    expect(ranges[0]!.head.checkpoint).toBe(first.checkpoint);
    expect(ranges[2]!.head).toBe(current);
    expect(rangeSize(ranges)).toBe(38);
  });

  it('a log that rotated between two answers is asked again next round', () => {
    expect(() => catchUpRanges(head('101', 1), head('101', 2), info(head('102', 0), [head('101', 2)]), keyDer)).toThrow(ApiError);
    expect(() => catchUpRanges(head('100', 1), head('102', 2), info(head('102', 2), [head('101', 2)]), keyDer)).toThrow(
      "tree 100 is no longer among the log's inactive shards",
    );
  });
});
