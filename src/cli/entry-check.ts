/**
 * Verifying an entry a client command received: the four offline checks of
 * verify-entry.ts, plus that it is the entry that was asked for — a valid entry is no
 * answer to a question about another one (rekor-cli's compareEntryUUIDs).
 */
import type { LoggedEntryJson } from '../client/rekor-client';
import { VerificationError } from '../client/tree-head';
import { type VerifiedEntry, verifyLogEntry } from '../client/verify-entry';
import { keyProvenance, type LogKey } from './log-key';
import type { ProposedEntry } from './proposed-entry';

export type EntryQuery = { uuid: string } | { logIndex: number } | { proposed: ProposedEntry };

export function checkLoggedEntry(logged: LoggedEntryJson, key: LogKey, query: EntryQuery): VerifiedEntry {
  const verified = verifyLogEntry(logged, key.der);
  if ('uuid' in query && !sameEntryUuid(query.uuid, verified.uuid)) {
    throw new VerificationError(`asked for entry ${query.uuid}, the log answered entry ${verified.uuid}`);
  }
  if ('logIndex' in query && verified.logIndex !== query.logIndex) {
    throw new VerificationError(`asked for log index ${query.logIndex}, the log answered the entry at index ${verified.logIndex}`);
  }
  if ('proposed' in query) query.proposed.checkBody(verified.body);
  return verified;
}

/**
 * A UUID is the 64-hex leaf hash, optionally after a 16-hex tree ID. Two full UUIDs must be
 * equal; otherwise the leaf hashes must be.
 */
function sameEntryUuid(asked: string, answered: string): boolean {
  const a = asked.toLowerCase();
  const b = answered.toLowerCase();
  if (a.length === 80 && b.length === 80) return a === b;
  return a.slice(-64) === b.slice(-64);
}

/** The line every command prints after the checks passed. */
export function verifiedLine(v: VerifiedEntry, key: LogKey): string {
  return (
    `Verified: leaf hash, signed entry timestamp, inclusion proof and checkpoint ` +
    `(tree ${v.treeHead.treeId}, size ${v.treeHead.treeSize}) with ${keyProvenance(key)}`
  );
}

/** The same facts for --format json. */
export function verificationJson(v: VerifiedEntry, key: LogKey) {
  return {
    logID: key.logId,
    logKeyPinned: key.pinnedFrom !== undefined,
    treeID: v.treeHead.treeId,
    treeSize: v.treeHead.treeSize,
    rootHash: v.treeHead.rootHash.toString('hex'),
  };
}
