/**
 * `glasslog verify`: prove offline that an entry is in the log — leaf hash ↔ UUID, SET,
 * inclusion proof, checkpoint signature — against a pinned log key, and, when a state file
 * holds a tree head verified earlier (`glasslog loginfo`), that the proof's tree head is
 * consistent with it. The state file is read, never written here.
 */
import type { Flags } from '../config';
import type { LoggedEntryJson, RekorClient } from '../client/rekor-client';
import { proveConsistency, type TreeHead } from '../client/tree-head';
import { readTreeState, StateFileError } from '../client/tree-state';
import type { VerifiedEntry } from '../client/verify-entry';
import { checkLoggedEntry, verificationJson, verifiedLine } from './entry-check';
import { entryQueryFrom, fetchEntries } from './entry-query';
import { outputFormat, printJson } from './flags';
import { logKeyFor, type LogKey } from './log-key';
import { clientFor } from './server-url';
import { stateFilePath } from './state-file';

export const VERIFY_HELP = `glasslog verify — prove an entry is in the log, offline against the log's key

  --uuid UUID            the entry's UUID
  --log-index N          or its index in the log
  --artifact FILE --signature FILE --public-key FILE
                         or the hashedrekord entry these make (as for upload), looked up
                         with POST /api/v1/log/entries/retrieve
  --entry FILE           or a prepared proposed entry of any kind, looked up the same way
  --log-public-key FILE  the log's public key (pin it; without it the key is fetched from
                         the server and a warning says so)
  --state FILE           a tree head saved by \`glasslog loginfo\` (GLASSLOG_STATE, default
                         ~/.glasslog/state.json): when present, the proof's tree head must be
                         consistent with it
  --rekor-server URL     the log (GLASSLOG_URL, default http://127.0.0.1:3000)
  --format text|json     output format (default text)

Checks: the UUID is the leaf hash of the body, the signed entry timestamp, the inclusion
proof up to the proof's root, and the checkpoint that signs that root.
Exit codes: 0 verified, 1 no such entry, 2 bad usage, 3 server unreachable, 4 a check failed.

Example: glasslog verify --artifact release.tar.gz --signature release.tar.gz.sig --public-key cosign.pub --log-public-key log.pub`;

interface Verified {
  logged: LoggedEntryJson;
  entry: VerifiedEntry;
  /** What the comparison with the saved tree head showed, when there is one. */
  savedHead?: string;
}

export async function verifyCommand(flags: Flags): Promise<void> {
  const format = outputFormat(flags);
  const query = entryQueryFrom(flags, 'verify', { allowProposed: true });
  const client = clientFor(flags);
  const key = await logKeyFor(flags, client, { warnUnpinned: true });
  const results: Verified[] = [];
  // More than one only when the same entry was logged in several shards of the log.
  for (const logged of await fetchEntries(client, query)) {
    const entry = checkLoggedEntry(logged, key, query);
    results.push({ logged, entry, savedHead: await compareWithSavedHead(client, key, stateFilePath(flags), entry.treeHead) });
  }
  if (format === 'json') {
    const objects = results.map((r) => verifyJson(r, key));
    printJson(objects.length === 1 ? objects[0] : objects);
  } else {
    process.stdout.write(results.map((r) => verifyText(r, key)).join('\n'));
  }
}

/**
 * Proves the proof's tree head and the one saved in `file` are one history (whichever is
 * larger extends the other). Returns what was shown, or undefined with no saved head.
 */
async function compareWithSavedHead(client: RekorClient, key: LogKey, file: string, head: TreeHead): Promise<string | undefined> {
  let saved: TreeHead | undefined;
  try {
    saved = readTreeState(file, key.der);
  } catch (e) {
    // The saved head is an optional extra check; a file for another log does not make
    // this entry's proof any less valid, so say why it was not used rather than fail.
    if (e instanceof StateFileError) return `not compared with a saved tree head: ${e.message}`;
    throw e;
  }
  if (!saved) return undefined;
  if (saved.treeId !== head.treeId) return `not compared with the tree head in ${file}: it is for tree ${saved.treeId}, this proof for tree ${head.treeId}`;
  const [older, newer] = saved.treeSize <= head.treeSize ? [saved, head] : [head, saved];
  await proveConsistency(client, older, newer);
  return `consistent with the tree head saved in ${file} (size ${saved.treeSize})`;
}

function verifyText({ logged, entry, savedHead }: Verified, key: LogKey): string {
  const hashes = logged.entry.verification?.inclusionProof?.hashes ?? [];
  const lines = [
    `Current Root Hash: ${entry.treeHead.rootHash.toString('hex')}`,
    `Entry Hash: ${entry.uuid}`,
    `Entry Index: ${entry.logIndex}`,
    `Current Tree Size: ${entry.treeHead.treeSize}`,
    '',
    'Inclusion Proof:',
    ...hashes.map((h) => `  ${h}`),
    verifiedLine(entry, key),
  ];
  if (savedHead) lines.push(`Tree head: ${savedHead}`);
  return lines.join('\n') + '\n';
}

function verifyJson({ logged, entry, savedHead }: Verified, key: LogKey) {
  return {
    uuid: entry.uuid,
    logIndex: entry.logIndex,
    rootHash: entry.treeHead.rootHash.toString('hex'),
    treeSize: entry.treeHead.treeSize,
    hashes: logged.entry.verification?.inclusionProof?.hashes ?? [],
    verification: verificationJson(entry, key),
    ...(savedHead ? { savedTreeHead: savedHead } : {}),
  };
}
