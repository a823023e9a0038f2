/**
 * Which entry `get` and `verify` are about: --uuid, --log-index, or (verify) the proposed
 * entry built from --artifact/--signature/--public-key or --entry, looked up as rekor-cli
 * verify does with POST /api/v1/log/entries/retrieve.
 */
import { ConfigError, type Flags } from '../config';
import { ApiError, type LoggedEntryJson, type RekorClient } from '../client/rekor-client';
import type { EntryQuery } from './entry-check';
import { givenFlags, integerFlag, stringFlag } from './flags';
import { proposedEntryFrom } from './proposed-entry';

const UUID_PATTERN = /^([0-9a-fA-F]{16})?[0-9a-fA-F]{64}$/;
const PROPOSED_FLAGS = ['artifact', 'signature', 'public-key', 'entry'] as const;

export function entryQueryFrom(flags: Flags, command: string, opts: { allowProposed: boolean }): EntryQuery {
  const uuid = stringFlag(flags, 'uuid');
  const logIndex = integerFlag(flags, 'log-index', 0);
  const proposedFlags = opts.allowProposed ? givenFlags(flags, PROPOSED_FLAGS) : [];
  const ways = [uuid !== undefined, logIndex !== undefined, proposedFlags.length > 0].filter(Boolean).length;
  const choices = opts.allowProposed ? '--uuid, --log-index, or --artifact/--signature/--public-key (or --entry)' : '--uuid or --log-index';
  if (ways === 0) throw new ConfigError(`${command} needs ${choices}`);
  if (ways > 1) throw new ConfigError(`${command} takes one of ${choices}, not several`);
  if (uuid !== undefined) {
    if (!UUID_PATTERN.test(uuid)) throw new ConfigError(`--uuid must be 64 hex digits (the leaf hash), optionally after a 16-hex tree ID; got ${JSON.stringify(uuid)}`);
    return { uuid };
  }
  if (logIndex !== undefined) return { logIndex };
  return { proposed: proposedEntryFrom(flags, command) };
}

/** The entries the log answers for `query` (one for a UUID or index); none found is exit 1. */
export async function fetchEntries(client: RekorClient, query: EntryQuery): Promise<LoggedEntryJson[]> {
  try {
    if ('uuid' in query) return [await client.entryByUuid(query.uuid)];
    if ('logIndex' in query) return [await client.entryByIndex(query.logIndex)];
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new ApiError(404, notFoundMessage(client, query, e.message));
    throw e;
  }
  const found = await client.entriesByProposed([query.proposed.proposed]);
  if (found.length === 0) throw new ApiError(404, notFoundMessage(client, query));
  return found;
}

function notFoundMessage(client: RekorClient, query: EntryQuery, serverSays?: string): string {
  const answer = serverSays ? `${client.baseUrl}: ${serverSays}` : `${client.baseUrl} has no such entry`;
  if ('uuid' in query) return `${answer} (UUID ${query.uuid}); check the UUID, or find it with \`glasslog search\``;
  if ('logIndex' in query) return `${answer} (log index ${query.logIndex}); \`glasslog loginfo\` shows the tree size`;
  return `the entry cannot be located in ${client.baseUrl}: nothing logged matches this ${query.proposed.proposed.kind} entry (log it with \`glasslog upload\`)`;
}
