/**
 * Every check the page runs on one entry, each by a name the page shows, so a red result
 * says which one failed. All run in the browser; the log's public key comes from the same
 * server (GET /api/v1/log/publicKey), so the log ID shown is what to compare with a key
 * you trust.
 */
import { WebCryptoUnavailableError, bytesEqual, fromBase64, fromHex, toHex } from './bytes.mjs';
import { parseCheckpoint, verifyCheckpointSignature } from './checkpoint.mjs';
import { leafHash, rootFromInclusionProof } from './merkle.mjs';
import { signedEntryTimestampPayload } from './signed-entry-timestamp.mjs';

export const CHECKS = Object.freeze({
  query: 'answer matches the query',
  leafHash: 'leaf hash',
  inclusionProof: 'inclusion proof',
  checkpointContents: 'checkpoint contents',
  checkpointSignature: 'checkpoint signature',
  logId: 'log ID',
  signedEntryTimestamp: 'signed entry timestamp',
});

/**
 * @typedef {'pass' | 'fail' | 'unchecked'} CheckStatus
 * @typedef {{ name: string, status: CheckStatus, detail: string }} CheckResult
 * @typedef {{ uuid?: string, logIndex?: number }} Expected what the query asked for
 * @typedef {import('./log-key.mjs').LogKey | Error} LogKeyOrError
 */

/** This browser cannot run the check; not a failure of the log. */
class Unchecked extends Error {}

/** @param {string} name @param {() => Promise<string>} check resolves to what passed, throws why not */
async function run(name, check) {
  try {
    return /** @type {CheckResult} */ ({ name, status: 'pass', detail: await check() });
  } catch (err) {
    const status = err instanceof Unchecked || err instanceof WebCryptoUnavailableError ? 'unchecked' : 'fail';
    return /** @type {CheckResult} */ ({ name, status, detail: err instanceof Error ? err.message : String(err) });
  }
}

/** @param {LogKeyOrError} logKey @param {{ verifying: boolean }} need */
function usableKey(logKey, need) {
  if (logKey instanceof WebCryptoUnavailableError) throw logKey;
  if (logKey instanceof Error) throw new Error(`the log’s public key could not be read: ${logKey.message}`);
  if (need.verifying && !logKey.verify) throw new Unchecked(logKey.unsupported ?? 'this browser cannot check the log key’s signatures');
  return logKey;
}

/**
 * @param {import('./log-entry.mjs').LogEntry} entry
 * @param {Expected} expected
 * @param {LogKeyOrError} logKey
 * @returns {Promise<CheckResult[]>}
 */
export async function verifyEntry(entry, expected, logKey) {
  const proof = entry.inclusionProof;
  const leaf = async () => leafHash(fromBase64(entry.body));
  const results = [];
  if (expected.uuid !== undefined || expected.logIndex !== undefined) {
    results.push(await run(CHECKS.query, async () => answersQuery(entry, expected)));
  }
  results.push(
    await run(CHECKS.leafHash, async () => {
      const computed = toHex(await leaf());
      if (!/^(?:[0-9a-f]{16})?[0-9a-f]{64}$/.test(entry.uuid)) throw new Error(`the UUID ${entry.uuid} is not 64 or 80 lowercase hex`);
      if (computed !== entry.uuid.slice(-64)) throw new Error(`SHA-256(0x00 ‖ body) is ${computed}, not the UUID’s leaf hash ${entry.uuid.slice(-64)}`);
      return `SHA-256(0x00 ‖ body) = ${computed}, the UUID’s last 64 hex`;
    }),
    await run(CHECKS.inclusionProof, async () => {
      const root = await rootFromInclusionProof(await leaf(), proof.logIndex, proof.treeSize, proof.hashes.map(fromHex));
      if (!bytesEqual(root, fromHex(proof.rootHash))) throw new Error(`the proof leads to ${toHex(root)}, not to the root ${proof.rootHash}`);
      return `${proof.hashes.length} hashes lead from leaf ${proof.logIndex} to the root of a tree of ${proof.treeSize}`;
    }),
    await run(CHECKS.checkpointContents, async () => checkpointContents(entry)),
    await run(CHECKS.checkpointSignature, async () => {
      const key = usableKey(logKey, { verifying: true });
      await verifyCheckpointSignature(parseCheckpoint(proof.checkpoint), key);
      return `signed by the log’s ${key.keyType} key`;
    }),
    await run(CHECKS.logId, async () => {
      const logId = toHex(usableKey(logKey, { verifying: false }).logId);
      if (entry.logID !== logId) throw new Error(`the entry names log ${entry.logID}, but the log’s key hashes to ${logId}`);
      return `SHA-256 of the log’s public key = ${logId}`;
    }),
    await run(CHECKS.signedEntryTimestamp, async () => {
      const key = usableKey(logKey, { verifying: true });
      const verified = key.verify && (await key.verify(signedEntryTimestampPayload(entry), fromBase64(entry.signedEntryTimestamp)));
      if (!verified) throw new Error('the SET over {body, integratedTime, logID, logIndex} does not verify with the log’s public key');
      return `signed by the log’s ${key.keyType} key over the body, integrated time, log ID and log index`;
    }),
  );
  return results;
}

/** @param {import('./log-entry.mjs').LogEntry} entry @param {Expected} expected */
function answersQuery(entry, expected) {
  if (expected.uuid !== undefined) {
    const want = expected.uuid.toLowerCase();
    const same = entry.uuid === want || (want.length === 64 && entry.uuid.slice(-64) === want);
    if (!same) throw new Error(`asked for UUID ${want}, the log answered ${entry.uuid}`);
  }
  if (expected.logIndex !== undefined && entry.logIndex !== expected.logIndex) {
    throw new Error(`asked for log index ${expected.logIndex}, the log answered ${entry.logIndex}`);
  }
  return expected.uuid !== undefined ? 'the UUID asked for' : `log index ${expected.logIndex}`;
}

/**
 * The checkpoint names the proof's tree size and root, and (Rekor's origin "<host> - <tree
 * ID>") the tree the 80-hex UUID names.
 * @param {import('./log-entry.mjs').LogEntry} entry
 */
function checkpointContents(entry) {
  const proof = entry.inclusionProof;
  const checkpoint = parseCheckpoint(proof.checkpoint);
  if (checkpoint.treeSize !== proof.treeSize) throw new Error(`the checkpoint is for tree size ${checkpoint.treeSize}, the proof for ${proof.treeSize}`);
  if (toHex(checkpoint.rootHash) !== proof.rootHash) throw new Error(`the checkpoint’s root is ${toHex(checkpoint.rootHash)}, the proof’s ${proof.rootHash}`);
  if (entry.uuid.length === 80) {
    const treeId = BigInt(`0x${entry.uuid.slice(0, 16)}`).toString();
    if (!checkpoint.origin.endsWith(` - ${treeId}`)) throw new Error(`the checkpoint’s origin “${checkpoint.origin}” is not for tree ${treeId}`);
  }
  return `“${checkpoint.origin}”, size ${checkpoint.treeSize}, the proof’s root`;
}

/**
 * One line for all checks: green only if every check passed.
 * @param {CheckResult[]} results @returns {{ status: CheckStatus, text: string }}
 */
export function verdict(results) {
  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length > 0) return { status: 'fail', text: `verification failed: ${failed.map((r) => r.name).join(', ')}` };
  const unchecked = results.filter((r) => r.status === 'unchecked');
  if (unchecked.length > 0) return { status: 'unchecked', text: `not fully verified: ${[...new Set(unchecked.map((r) => r.detail))].join('; ')}` };
  return { status: 'pass', text: 'proof verified' };
}
