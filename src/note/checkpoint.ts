/**
 * Transparency log checkpoints (https://c2sp.org/tlog-checkpoint) and Rekor v1's use of them
 * (REKOR-WIRE §5):
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n…]
 *
 * Rekor v1 signs them with origin "<hostname> - <treeID>", key name "<hostname>" and key hint
 * logID[:4] (SHA-256 of the PKIX public key), one signature line only: Rekor's Go verifier
 * (pkg/util SignedNote.Verify, used by rekor-cli and cosign) fails the whole note if ANY
 * signature line has another key hint, so a Rekor v1 checkpoint must carry no cosignatures.
 */
import { type Signer, logIdOf } from '../crypto';
import {
  NoteError,
  decodeBase64Strict,
  isValidKeyName,
  rekorKeyHint,
  signNote,
  verifyNote,
} from './signed-note';

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  extensions: string[];
}

/** RFC 6962 with SHA-256: every root hash we make or accept is 32 bytes. */
export const ROOT_HASH_LENGTH = 32;

const LINE_FORBIDDEN = /[\u0000-\u001f]/; // controls, \n included: one line each
const LONE_SURROGATE = /\p{Cs}/u;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
/** A host name (letters, digits, "-", "_", ".") or IPv4 address, optionally with :port. */
const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?::[0-9]{1,5})?$/;
const INT64_MAX = (1n << 63n) - 1n;

function checkLine(line: string, what: string): void {
  if (typeof line !== 'string' || line.length === 0) {
    throw new NoteError(`checkpoint ${what} must be a non-empty string`);
  }
  if (LINE_FORBIDDEN.test(line)) {
    throw new NoteError(`checkpoint ${what} contains a newline or control character`);
  }
  if (LONE_SURROGATE.test(line)) {
    throw new NoteError(`checkpoint ${what} is not valid UTF-8 (unpaired surrogate)`);
  }
}

/** The checkpoint's note text, ending in \n. Throws NoteError for values it cannot carry. */
export function formatCheckpointBody(c: Checkpoint): string {
  checkLine(c.origin, 'origin');
  if (!Number.isSafeInteger(c.treeSize) || c.treeSize < 0) {
    throw new NoteError(`checkpoint tree size must be a non-negative safe integer, got ${c.treeSize}`);
  }
  if (!(c.rootHash instanceof Uint8Array) || c.rootHash.length !== ROOT_HASH_LENGTH) {
    throw new NoteError(`checkpoint root hash must be ${ROOT_HASH_LENGTH} bytes`);
  }
  const extensions = c.extensions ?? [];
  extensions.forEach((e, i) => checkLine(e, `extension line ${i + 1}`));
  const root = Buffer.from(c.rootHash).toString('base64');
  return [c.origin, String(c.treeSize), root, ...extensions].map((l) => `${l}\n`).join('');
}

/**
 * Parses checkpoint note text (signed text including its final \n). Strict: at least three
 * lines, non-empty origin, tree size in decimal without leading zeros (at most 2^53 − 1),
 * canonical base64 of a 32-byte root, non-empty extension lines. Throws NoteError.
 */
export function parseCheckpointBody(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new NoteError('checkpoint text must end with a newline');
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw new NoteError(`checkpoint has ${lines.length} lines, fewer than 3`);
  }
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  checkLine(origin, 'origin');
  if (!DECIMAL.test(size)) {
    throw new NoteError(`checkpoint tree size ${JSON.stringify(size)} is not a decimal number`);
  }
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) {
    throw new NoteError(`checkpoint tree size ${size} is larger than 2^53 - 1`);
  }
  const rootHash = decodeBase64Strict(root);
  if (rootHash === undefined) {
    throw new NoteError('checkpoint root hash is not canonical standard base64');
  }
  if (rootHash.length !== ROOT_HASH_LENGTH) {
    throw new NoteError(`checkpoint root hash is ${rootHash.length} bytes, not ${ROOT_HASH_LENGTH}`);
  }
  extensions.forEach((e, i) => checkLine(e, `extension line ${i + 1}`));
  return { origin, treeSize, rootHash, extensions };
}

function checkTreeId(treeId: string): void {
  if (typeof treeId !== 'string' || !DECIMAL.test(treeId) || BigInt(treeId) > INT64_MAX) {
    throw new NoteError(`tree ID must be a decimal int64 string, got ${JSON.stringify(treeId)}`);
  }
}

/**
 * The key name doubles as a regular expression in sigstore-js: it accepts a signature line
 * only if `tlog.baseURL.match(name)`, so the name must be the host of the URL clients are
 * configured with. We allow a host name or IPv4 address with an optional port: only "." is a
 * regex metacharacter there, and it matches itself. IPv6 literals ("[::1]") would be read as
 * a character class and never match, so they are refused.
 */
function checkHostname(hostname: string): void {
  if (typeof hostname !== 'string' || !HOSTNAME.test(hostname) || !isValidKeyName(hostname)) {
    throw new NoteError(
      `checkpoint hostname must be a host name or IPv4 address with optional :port, got ${JSON.stringify(hostname)}`,
    );
  }
}

/** "<hostname> - <treeID>", Rekor v1's checkpoint origin. */
export function rekorOrigin(hostname: string, treeId: string): string {
  checkHostname(hostname);
  checkTreeId(treeId);
  return `${hostname} - ${treeId}`;
}

/**
 * A Rekor v1 signed checkpoint: origin "<hostname> - <treeID>", no extension lines, one
 * signature line by "<hostname>" with key hint logID[:4].
 */
export function signRekorCheckpoint(args: {
  hostname: string;
  treeId: string;
  treeSize: number;
  rootHash: Uint8Array;
  signer: Signer;
}): string {
  const origin = rekorOrigin(args.hostname, args.treeId);
  const text = formatCheckpointBody({
    origin,
    treeSize: args.treeSize,
    rootHash: args.rootHash,
    extensions: [],
  });
  return signNote(text, args.hostname, rekorKeyHint(args.signer.logId), args.signer);
}

/**
 * Verifies a Rekor v1 checkpoint the way Rekor's conventions define it: a signature line by
 * `hostname` with hint logID[:4] of `publicKeyDer` that verifies, and an origin
 * "<hostname> - <treeID>" (equal to `treeId` when given). Returns the parsed body with the
 * tree ID from the origin. Throws NoteError.
 */
export function verifyRekorCheckpoint(
  note: string | Uint8Array,
  opts: { hostname: string; publicKeyDer: Uint8Array; treeId?: string },
): Checkpoint & { treeId: string } {
  const hint = rekorKeyHint(logIdOf(opts.publicKeyDer));
  const verified = verifyNote(note, opts.hostname, hint, opts.publicKeyDer);
  const checkpoint = parseCheckpointBody(verified.text);
  const prefix = `${opts.hostname} - `;
  const treeId = checkpoint.origin.startsWith(prefix) ? checkpoint.origin.slice(prefix.length) : '';
  if (!DECIMAL.test(treeId)) {
    throw new NoteError(`checkpoint origin ${JSON.stringify(checkpoint.origin)} is not "${prefix}<tree ID>"`);
  }
  if (opts.treeId !== undefined && treeId !== opts.treeId) {
    throw new NoteError(`checkpoint is for tree ${treeId}, not ${opts.treeId}`);
  }
  return { ...checkpoint, treeId };
}
