/**
 * The last verified tree head, kept in a file between runs (as rekor-cli keeps
 * ~/.rekor/state.json and rekor-monitor its checkpoint file), and the step that moves it
 * forward: fetch the log's current head, verify its signature, prove it consistent with the
 * saved one. A log that shows a head inconsistent with one it signed before is forked.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RekorClient } from './rekor-client';
import { logIdHex, proveConsistency, type TreeHead, VerificationError, verifyCheckpoint } from './tree-head';

/** The state file exists but cannot be used. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

interface SavedState {
  logId: string;
  treeId: string;
  treeSize: number;
  rootHash: string;
  checkpoint: string;
}

/**
 * The head saved in `file` for the log with this key, or undefined when there is none yet.
 * The saved checkpoint is verified again, so a hand-edited file cannot vouch for anything.
 */
export function readTreeState(file: string, keyDer: Uint8Array): TreeHead | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read state file ${file}: ${(e as Error).message}`);
  }
  let saved: SavedState;
  try {
    saved = JSON.parse(text) as SavedState;
  } catch {
    throw new StateFileError(`state file ${file} is not JSON: remove it to start afresh`);
  }
  if (typeof saved !== 'object' || saved === null || typeof saved.checkpoint !== 'string') {
    throw new StateFileError(`state file ${file} has no checkpoint: remove it to start afresh`);
  }
  const logId = logIdHex(keyDer);
  if (saved.logId !== logId) {
    throw new StateFileError(
      `state file ${file} is for log ${saved.logId}, not for this key's log ${logId}: use another --state file`,
    );
  }
  try {
    return verifyCheckpoint(saved.checkpoint, keyDer);
  } catch (e) {
    throw new StateFileError(`state file ${file} holds a checkpoint that does not verify (${(e as Error).message})`);
  }
}

/** Saves `head` atomically (write a temporary file, then rename over the old one). */
export function writeTreeState(file: string, keyDer: Uint8Array, head: TreeHead): void {
  const saved: SavedState = {
    logId: logIdHex(keyDer),
    treeId: head.treeId,
    treeSize: head.treeSize,
    rootHash: head.rootHash.toString('hex'),
    checkpoint: head.checkpoint,
  };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(saved, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/**
 * Fetches and verifies the log's current head and, when `previous` is given, proves the
 * current head consistent with it. A new tree ID is accepted only when the log lists the
 * previous tree among its inactive shards and that shard's final head is consistent with
 * `previous` (Rekor's shard rotation); otherwise the log was replaced or forked.
 */
export async function advanceTreeHead(client: RekorClient, keyDer: Uint8Array, previous?: TreeHead): Promise<TreeHead> {
  const info = await client.logInfo();
  if (typeof info.signedTreeHead !== 'string' || info.signedTreeHead === '') {
    throw new VerificationError('the log answered no signed tree head');
  }
  const current = verifyCheckpoint(info.signedTreeHead, keyDer);
  if (current.treeId !== String(info.treeID)) {
    throw new VerificationError(`the signed tree head is for tree ${current.treeId}, but the log says it serves tree ${info.treeID}`);
  }
  if (!previous) return current;
  if (previous.treeId === current.treeId) {
    await proveConsistency(client, previous, current);
    return current;
  }
  const shard = (info.inactiveShards ?? []).find((s) => String(s.treeID) === previous.treeId);
  if (!shard) {
    throw new VerificationError(
      `the log now serves tree ${current.treeId}, and tree ${previous.treeId} (verified before at size ${previous.treeSize}) is not among its inactive shards: the log was replaced or forked`,
    );
  }
  await proveConsistency(client, previous, verifyCheckpoint(shard.signedTreeHead, keyDer));
  return current;
}
