/**
 * Offline verification of one LogEntry against the log's public key, the checks a Rekor
 * client makes (sigstore-js's tlog verifier, rekor-cli verify):
 *   1. the UUID's leaf hash is the RFC 6962 leaf hash of the body,
 *   2. the logID names the key, and the SET verifies over {body, integratedTime, logID, logIndex},
 *   3. the inclusion proof leads from that leaf to the proof's root,
 *   4. the proof's checkpoint is signed by the key and names the same size and root.
 */
import { verifyEntryTimestamp } from '../crypto';
import { hashLeaf, ProofError, verifyInclusion } from '../merkle';
import type { LoggedEntryJson } from './rekor-client';
import { hashFromHex, logIdHex, type TreeHead, VerificationError, verifyCheckpoint } from './tree-head';

export interface VerifiedEntry {
  uuid: string;
  logIndex: number;
  integratedTime: number;
  body: Buffer;
  leafHash: Buffer;
  /** The tree head the inclusion proof was checked against. */
  treeHead: TreeHead;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function verifyLogEntry(logged: LoggedEntryJson, keyDer: Uint8Array): VerifiedEntry {
  const { uuid, entry } = logged;
  if (typeof entry.body !== 'string' || !BASE64.test(entry.body)) throw new VerificationError('entry body is not base64');
  const body = Buffer.from(entry.body, 'base64');
  const leafHash = Buffer.from(hashLeaf(body));
  if (!/^([0-9a-f]{16})?[0-9a-f]{64}$/i.test(uuid) || uuid.slice(-64).toLowerCase() !== leafHash.toString('hex')) {
    throw new VerificationError(`entry UUID ${uuid} does not name the body's leaf hash ${leafHash.toString('hex')}`);
  }

  const logId = logIdHex(keyDer);
  if (entry.logID !== logId) throw new VerificationError(`entry was logged by log ${entry.logID}, not by this key's log ${logId}`);
  const set = entry.verification?.signedEntryTimestamp;
  if (typeof set !== 'string' || !BASE64.test(set)) throw new VerificationError('entry has no signed entry timestamp');
  let setOk: boolean;
  try {
    setOk = verifyEntryTimestamp(
      keyDer,
      { body: entry.body, integratedTime: entry.integratedTime, logID: entry.logID, logIndex: entry.logIndex },
      Buffer.from(set, 'base64'),
    );
  } catch (e) {
    throw new VerificationError(`signed entry timestamp cannot be checked: ${(e as Error).message}`);
  }
  if (!setOk) throw new VerificationError('signed entry timestamp does not verify with the log key');

  const p = entry.verification?.inclusionProof;
  if (!p) throw new VerificationError('entry has no inclusion proof');
  if (!Array.isArray(p.hashes)) throw new VerificationError('inclusion proof has no hashes array');
  const hashes = p.hashes.map((h, i) => hashFromHex(h, `inclusion proof hash ${i}`));
  const rootHash = hashFromHex(p.rootHash, 'inclusion proof root hash');
  try {
    verifyInclusion(leafHash, p.logIndex, p.treeSize, hashes, rootHash);
  } catch (e) {
    if (e instanceof ProofError) throw new VerificationError(`inclusion proof does not verify: ${e.message}`);
    throw e;
  }
  if (typeof p.checkpoint !== 'string') throw new VerificationError('inclusion proof has no checkpoint');
  const treeHead = verifyCheckpoint(p.checkpoint, keyDer);
  if (treeHead.treeSize !== p.treeSize || !treeHead.rootHash.equals(rootHash)) {
    throw new VerificationError(
      `the checkpoint (size ${treeHead.treeSize}) does not sign the inclusion proof's tree (size ${p.treeSize}, root ${p.rootHash})`,
    );
  }
  return { uuid, logIndex: entry.logIndex, integratedTime: entry.integratedTime, body, leafHash, treeHead };
}
