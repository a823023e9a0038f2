/**
 * `glasslog upload`: send a proposed entry, then verify the log's answer offline (SET,
 * inclusion proof, checkpoint) before reporting it, as rekor-cli upload does. An entry
 * already in the log is not a failure: rekor-cli prints where it is and exits 0.
 */
import type { Flags } from '../config';
import { ApiError, type LoggedEntryJson, type RekorClient } from '../client/rekor-client';
import { VerificationError } from '../client/tree-head';
import type { VerifiedEntry } from '../client/verify-entry';
import { checkLoggedEntry, verificationJson, verifiedLine } from './entry-check';
import { outputFormat, printJson } from './flags';
import { logKeyFor, type LogKey } from './log-key';
import { ENTRY_KINDS, type ProposedEntry, proposedEntryFrom } from './proposed-entry';
import { clientFor } from './server-url';

export const UPLOAD_HELP = `glasslog upload — add an entry to the log and verify the log's answer

  --artifact FILE        the signed file (its SHA-256 goes into a hashedrekord 0.0.1 entry)
  --signature FILE       detached signature over the artifact, raw (DER) or base64 text
  --public-key FILE      PEM public key or PEM X.509 certificate that verifies the signature
  --entry FILE           instead of the three above: a prepared proposed entry JSON of any kind
  --type KIND[:VERSION]  hashedrekord (default; built from the files above); the other kinds
                         (${ENTRY_KINDS.filter((k) => k !== 'hashedrekord').join(', ')})
                         need --entry, whose "kind" must match
  --log-public-key FILE  the log's public key to verify against (default: fetched from the server)
  --rekor-server URL     the log (GLASSLOG_URL, default http://127.0.0.1:3000)
  --format text|json     output format (default text)

Prints "Created entry at index N, available at: URL", the UUID, and what was verified.
An entry that is already logged prints "Entry already exists; available at: URL" (exit 0).
Exit codes: 0 logged (or already there), 1 refused (e.g. bad signature) or unreadable file,
2 bad usage, 3 server unreachable, 4 the log's answer does not verify.

Example: glasslog upload --artifact release.tar.gz --signature release.tar.gz.sig --public-key cosign.pub --log-public-key log.pub`;

export async function uploadCommand(flags: Flags): Promise<void> {
  const format = outputFormat(flags);
  const entry = proposedEntryFrom(flags, 'upload');
  const client = clientFor(flags);
  // The key first: a broken --log-public-key should stop us before anything is logged.
  const key = await logKeyFor(flags, client);
  const answer = await submit(client, entry);
  if ('existing' in answer) {
    if (format === 'json') printJson({ alreadyExists: true, url: answer.existing });
    else process.stdout.write(`Entry already exists; available at: ${answer.existing}\n`);
    return;
  }
  const verified = verifyAnswer(answer.logged, key, entry);
  const url = `${client.baseUrl}/api/v1/log/entries/${verified.uuid}`;
  if (format === 'json') {
    printJson({ uuid: verified.uuid, logIndex: verified.logIndex, url, verification: verificationJson(verified, key) });
    return;
  }
  process.stdout.write(
    `Created entry at index ${verified.logIndex}, available at: ${url}\nUUID: ${verified.uuid}\n${verifiedLine(verified, key)}\n`,
  );
}

/** The offline checks, with the entry named in the error: it may be logged even if the answer lies. */
function verifyAnswer(logged: LoggedEntryJson, key: LogKey, entry: ProposedEntry): VerifiedEntry {
  try {
    return checkLoggedEntry(logged, key, { proposed: entry });
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    throw new VerificationError(
      `the log accepted the entry (UUID ${logged.uuid}, index ${logged.entry.logIndex}) but its answer does not verify: ${e.message}`,
    );
  }
}

/** The logged entry, or the URL of the same entry logged before (Rekor's 409 + Location). */
async function submit(client: RekorClient, entry: ProposedEntry): Promise<{ logged: LoggedEntryJson } | { existing: string }> {
  try {
    return { logged: await client.createEntry(entry.proposed) };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 409) {
      return { existing: e.location === undefined ? '(the server sent no Location)' : absoluteUrl(client, e.location) };
    }
    throw new ApiError(e.status, `the log refused the ${entry.proposed.kind} entry (${e.status}): ${e.message}`, e.location);
  }
}

function absoluteUrl(client: RekorClient, location: string): string {
  return /^https?:\/\//.test(location) ? location : client.baseUrl + location;
}
