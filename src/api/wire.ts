/**
 * Rekor v1 wire shapes (REKOR-WIRE.md §2): a LogEntry is an object with one key, the entry
 * UUID; hashes are hex, the body and SET are base64.
 */
import type { LoggedEntry } from '../log/log';
import type { TreeRecord } from '../store/store';

/**
 * `withAttestation`: reads (GET and retrieve) carry the entry's attestation as Rekor's
 * `attestation.data` (base64); the answer to a submission never does, as in Rekor.
 */
export function logEntryJson(e: LoggedEntry, opts: { withAttestation?: boolean } = {}): Record<string, unknown> {
  const p = e.inclusionProof;
  const attestation = opts.withAttestation && e.entry.attestation ? { attestation: { data: e.entry.attestation.toString('base64') } } : {};
  return {
    [e.uuid]: {
      ...attestation,
      body: e.entry.body.toString('base64'),
      integratedTime: e.entry.integratedTime,
      logID: e.logId,
      logIndex: e.globalIndex,
      verification: {
        inclusionProof: {
          checkpoint: p.checkpoint,
          hashes: p.hashes.map((h) => Buffer.from(h).toString('hex')),
          logIndex: p.logIndex,
          rootHash: p.rootHash.toString('hex'),
          treeSize: p.treeSize,
        },
        signedEntryTimestamp: e.entry.signedEntryTimestamp.toString('base64'),
      },
    },
  };
}

export function logInfoJson(tree: TreeRecord) {
  return {
    rootHash: tree.rootHash.toString('hex'),
    signedTreeHead: tree.checkpoint ?? '',
    treeID: tree.treeId,
    treeSize: tree.treeSize,
  };
}
