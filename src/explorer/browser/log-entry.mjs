/**
 * A LogEntry answer (REKOR-WIRE §2: an object with one key, the entry UUID) read into the
 * fields the page shows and checks. Only the JSON types are checked here; what the strings
 * hold (hex, base64, a checkpoint) is checked by the verification that uses them, so a
 * tampered field fails the check it belongs to.
 */

/**
 * @typedef {{ logIndex: number, treeSize: number, rootHash: string, hashes: string[], checkpoint: string }} InclusionProof
 * @typedef {{
 *   uuid: string, body: string, integratedTime: number, logID: string, logIndex: number,
 *   inclusionProof: InclusionProof, signedEntryTimestamp: string
 * }} LogEntry
 */

/** The answer does not have a LogEntry's shape. */
export class LogEntryShapeError extends Error {
  name = 'LogEntryShapeError';
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @param {Record<string, unknown>} o @param {string} key @param {string} where */
function string(o, key, where) {
  const v = o[key];
  if (typeof v !== 'string') throw new LogEntryShapeError(`${where}${key} is not a string`);
  return v;
}

/** @param {Record<string, unknown>} o @param {string} key @param {string} where */
function integer(o, key, where) {
  const v = o[key];
  if (!Number.isSafeInteger(v)) throw new LogEntryShapeError(`${where}${key} is not an integer`);
  return /** @type {number} */ (v);
}

/** @param {unknown} answer one LogEntry object @returns {LogEntry} */
export function readLogEntry(answer) {
  if (!isObject(answer) || Object.keys(answer).length !== 1) throw new LogEntryShapeError('the answer is not an object with one key, the entry UUID');
  const [[uuid, value]] = Object.entries(answer);
  if (!isObject(value)) throw new LogEntryShapeError('the entry is not an object');
  const verification = value.verification;
  if (!isObject(verification) || !isObject(verification.inclusionProof)) throw new LogEntryShapeError('the entry has no verification.inclusionProof');
  const proof = verification.inclusionProof;
  const hashes = proof.hashes;
  if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string')) throw new LogEntryShapeError('inclusionProof.hashes is not a list of strings');
  return {
    uuid,
    body: string(value, 'body', ''),
    integratedTime: integer(value, 'integratedTime', ''),
    logID: string(value, 'logID', ''),
    logIndex: integer(value, 'logIndex', ''),
    signedEntryTimestamp: string(verification, 'signedEntryTimestamp', 'verification.'),
    inclusionProof: {
      logIndex: integer(proof, 'logIndex', 'inclusionProof.'),
      treeSize: integer(proof, 'treeSize', 'inclusionProof.'),
      rootHash: string(proof, 'rootHash', 'inclusionProof.'),
      hashes,
      checkpoint: string(proof, 'checkpoint', 'inclusionProof.'),
    },
  };
}
