/**
 * `glasslog get`: one entry by UUID or log index, decoded for reading, after the same
 * offline checks as `verify` (rekor-cli get only decodes; here nothing unverified is shown).
 */
import type { Flags } from '../config';
import type { LoggedEntryJson } from '../client/rekor-client';
import type { VerifiedEntry } from '../client/verify-entry';
import { checkLoggedEntry, verificationJson, verifiedLine } from './entry-check';
import { entryQueryFrom, fetchEntries } from './entry-query';
import { outputFormat, printJson } from './flags';
import { logKeyFor, type LogKey } from './log-key';
import { clientFor } from './server-url';

export const GET_HELP = `glasslog get — show one log entry, decoded and verified

  --uuid UUID            the entry's UUID (64 hex, or 80 with the tree ID in front)
  --log-index N          or its index in the log
  --log-public-key FILE  the log's public key to verify against (default: fetched from the server)
  --rekor-server URL     the log (GLASSLOG_URL, default http://127.0.0.1:3000)
  --format text|json     text (default): Index, IntegratedTime, UUID, Body as rekor-cli prints
                         them; json: one object (body decoded, attestation if any, verification)

Exit codes: 0 shown and verified, 1 no such entry, 2 bad usage, 3 server unreachable,
4 the entry does not verify against the log key.

Example: glasslog get --log-index 42 --log-public-key log.pub`;

export async function getCommand(flags: Flags): Promise<void> {
  const format = outputFormat(flags);
  const query = entryQueryFrom(flags, 'get', { allowProposed: false });
  const client = clientFor(flags);
  const key = await logKeyFor(flags, client);
  const [logged] = await fetchEntries(client, query);
  const verified = checkLoggedEntry(logged!, key, query);
  if (format === 'json') printJson(entryJson(logged!, verified, key));
  else process.stdout.write(entryText(logged!, verified, key));
}

function entryJson(logged: LoggedEntryJson, v: VerifiedEntry, key: LogKey) {
  const attestation = attestationBytes(logged);
  return {
    uuid: v.uuid,
    logIndex: v.logIndex,
    logID: logged.entry.logID,
    integratedTime: v.integratedTime,
    integratedTimeISO: isoTime(v.integratedTime),
    body: decoded(v.body),
    ...(attestation ? { attestation: decoded(attestation) } : {}),
    verification: verificationJson(v, key),
  };
}

function entryText(logged: LoggedEntryJson, v: VerifiedEntry, key: LogKey): string {
  const attestation = attestationBytes(logged);
  const lines = [
    `Index: ${v.logIndex}`,
    `IntegratedTime: ${isoTime(v.integratedTime)}`,
    `UUID: ${v.uuid}`,
    `LogID: ${logged.entry.logID}`,
    `Body: ${pretty(decoded(v.body))}`,
  ];
  // The attestation is stored beside the entry, outside the body the log signs.
  if (attestation) lines.push(`Attestation (not covered by the log's signatures): ${pretty(decoded(attestation))}`);
  lines.push(verifiedLine(v, key));
  return lines.join('\n') + '\n';
}

/** Rekor's `attestation.data` (base64), kept for intoto entries; not covered by the SET. */
function attestationBytes(logged: LoggedEntryJson): Buffer | undefined {
  const data = logged.entry.attestation?.data;
  return typeof data === 'string' && data !== '' ? Buffer.from(data, 'base64') : undefined;
}

/** JSON when it is JSON (every entry body is), else the bytes as base64. */
function decoded(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return { base64: bytes.toString('base64') };
  }
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Seconds since the epoch → RFC 3339 UTC, as rekor-cli prints IntegratedTime. */
function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
