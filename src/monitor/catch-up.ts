/**
 * Which entries a round must check: those between the last verified head and the new one,
 * as ranges of one tree each. Rekor numbers entries globally across shards: a shard's first
 * entry has the global index of the sizes of the shards before it summed (Rekor's
 * GetCheckpointIndex; glasslog's trees.shard_offset), and the active tree comes after
 * every inactive shard. After a shard rotation the rest of the old tree is checked first,
 * then any shard that lived and ended in between, then the new tree from its start.
 * The first range is always the previous head's tree (possibly empty).
 */
import { ApiError, type LogInfoJson } from '../client/rekor-client';
import { type TreeHead, verifyCheckpoint } from '../client/tree-head';

export interface TreeRange {
  treeId: string;
  /** The verified head of this tree that every entry's inclusion proof must agree with. */
  head: TreeHead;
  /** Global index of the tree's first entry. */
  offset: number;
  /** Indexes inside the tree, `from` included, `to` excluded. */
  from: number;
  to: number;
}

/**
 * The ranges from `previous` to `current`, given log info fetched after `current` was
 * verified (advanceTreeHead does not return the shard list). Should the log rotate between
 * the two answers, this is an ApiError: the next round tries again.
 */
export function catchUpRanges(previous: TreeHead, current: TreeHead, info: LogInfoJson, keyDer: Uint8Array): TreeRange[] {
  if (String(info.treeID) !== current.treeId) {
    throw new ApiError(200, `the log now serves tree ${info.treeID}, but a moment ago it served tree ${current.treeId}`);
  }
  const shards: TreeRange[] = [];
  let offset = 0;
  for (const shard of info.inactiveShards ?? []) {
    const head = verifyCheckpoint(shard.signedTreeHead, keyDer);
    shards.push({ treeId: head.treeId, head, offset, from: 0, to: head.treeSize });
    offset += head.treeSize;
  }
  const active: TreeRange = { treeId: current.treeId, head: current, offset, from: 0, to: current.treeSize };
  if (previous.treeId === current.treeId) return [{ ...active, from: previous.treeSize }];

  const k = shards.findIndex((s) => s.treeId === previous.treeId);
  if (k < 0) throw new ApiError(200, `tree ${previous.treeId} is no longer among the log's inactive shards`);
  return [{ ...shards[k]!, from: previous.treeSize }, ...shards.slice(k + 1), active];
}

/** How many entries the ranges hold. */
export const rangeSize = (ranges: readonly TreeRange[]) => ranges.reduce((n, r) => n + (r.to - r.from), 0);
