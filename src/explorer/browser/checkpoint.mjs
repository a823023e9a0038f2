/**
 * Rekor v1 checkpoints (REKOR-WIRE §5; C2SP signed-note and tlog-checkpoint):
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n[extension lines\n]\n— <name> <base64(key hint ‖ signature)>\n
 *
 * The signed bytes are the text up to and including the newline before the last blank
 * line. Rekor's key hint is the first 4 bytes of the log ID.
 */
import { bytesEqual, fromBase64, utf8 } from './bytes.mjs';

/** The checkpoint is malformed or not signed by the log's key; the message says how. */
export class CheckpointError extends Error {
  name = 'CheckpointError';
}

/**
 * @typedef {{ name: string, keyHint: Uint8Array, signature: Uint8Array }} NoteSignature
 * @typedef {{ text: string, origin: string, treeSize: number, rootHash: Uint8Array, signatures: NoteSignature[] }} Checkpoint
 */

const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** @param {string} note @returns {Checkpoint} */
export function parseCheckpoint(note) {
  if (typeof note !== 'string') throw new CheckpointError('the checkpoint is not text');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new CheckpointError('no blank line between the checkpoint text and its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) throw new CheckpointError('the signature block does not end with a newline');
  const signatures = block
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = SIGNATURE_LINE.exec(line);
      const bytes = m ? decodeBase64(m[2] ?? '', 'a signature') : undefined;
      if (!m || !bytes || bytes.length < 5) throw new CheckpointError(`malformed signature line ${JSON.stringify(line)}`);
      return { name: m[1] ?? '', keyHint: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
  const [origin, size, root] = text.slice(0, -1).split('\n');
  if (!origin || size === undefined || root === undefined) throw new CheckpointError('the checkpoint text has fewer than 3 lines');
  if (!DECIMAL.test(size) || !Number.isSafeInteger(Number(size))) throw new CheckpointError(`tree size ${JSON.stringify(size)} is not a decimal number`);
  const rootHash = decodeBase64(root, 'the root hash');
  if (rootHash.length !== 32) throw new CheckpointError(`the root hash is ${rootHash.length} bytes, not 32`);
  return { text, origin, treeSize: Number(size), rootHash, signatures };
}

/** @param {string} b64 @param {string} what */
function decodeBase64(b64, what) {
  try {
    return fromBase64(b64);
  } catch {
    throw new CheckpointError(`${what} is not standard base64`);
  }
}

/**
 * Resolves if the log's key signed the checkpoint: every signature line with the log's key
 * hint verifies, and there is one. Lines with other hints (witness cosignatures) are
 * ignored, as C2SP signed-note requires. Throws CheckpointError otherwise.
 * @param {Checkpoint} checkpoint
 * @param {import('./log-key.mjs').LogKey} logKey with `verify`
 */
export async function verifyCheckpointSignature(checkpoint, logKey) {
  const hint = logKey.logId.subarray(0, 4);
  const mine = checkpoint.signatures.filter((s) => bytesEqual(s.keyHint, hint));
  if (mine.length === 0) throw new CheckpointError('no signature line carries the log key’s hint (log ID[:4])');
  const message = utf8(checkpoint.text);
  for (const s of mine) {
    if (!logKey.verify || !(await logKey.verify(message, s.signature))) {
      throw new CheckpointError(`the signature by ${JSON.stringify(s.name)} does not verify with the log’s public key`);
    }
  }
}
