/**
 * `glasslog search`: UUIDs of entries by artifact digest, public key or e-mail, through
 * Rekor's search index (POST /api/v1/index/retrieve), with rekor-cli search's flags.
 * The index is best-effort upstream; `glasslog get` or `verify` checks what it finds.
 */
import { ConfigError, type Flags } from '../config';
import type { SearchQuery } from '../client/rekor-client';
import { givenFlags, outputFormat, printJson, stringFlag } from './flags';
import { readInputFile, sha256OfFile } from './input-file';
import { clientFor } from './server-url';

export const SEARCH_HELP = `glasslog search — find entries' UUIDs in the log's search index

  --sha DIGEST           artifact digest: hex SHA-256, SHA-1 or SHA-512, optionally prefixed
                         sha256: / sha1: / sha512:
  --artifact FILE        or the artifact itself (hashed here with SHA-256)
  --public-key FILE      entries signed with this key (or certificate's key)
  --pki-format FORMAT    the key's format: x509 (default), pgp, minisign, ssh, tuf
  --email ADDRESS        entries whose certificate names this e-mail address
  --operator and|or      how several of the above combine (default or)
  --rekor-server URL     the log (GLASSLOG_URL, default http://127.0.0.1:3000)
  --format text|json     text (default): one UUID a line; json: a JSON array

No match prints "no matching entries found" on stderr and nothing on stdout ([] with --format json).
Exit codes: 0 searched (matches or none), 1 the server refused the query or a file is
unreadable, 2 bad usage, 3 server unreachable.

Example: glasslog search --artifact release.tar.gz`;

const PKI_FORMATS = ['x509', 'pgp', 'minisign', 'ssh', 'tuf'];
const CRITERIA = ['sha', 'artifact', 'public-key', 'email'] as const;
const ALGORITHM_BY_HEX_LENGTH: Record<number, string> = { 40: 'sha1', 64: 'sha256', 128: 'sha512' };

export async function searchCommand(flags: Flags): Promise<void> {
  const format = outputFormat(flags);
  const query = searchQueryFrom(flags);
  const uuids = await clientFor(flags).search(query);
  if (uuids.length === 0) process.stderr.write('no matching entries found\n');
  if (format === 'json') return printJson(uuids);
  if (uuids.length > 0) {
    // On stderr, as rekor-cli does, so stdout stays a plain list for scripts.
    process.stderr.write('Found matching entries (listed by UUID):\n');
    process.stdout.write(uuids.join('\n') + '\n');
  }
}

function searchQueryFrom(flags: Flags): SearchQuery {
  if (givenFlags(flags, CRITERIA).length === 0) {
    throw new ConfigError(`search needs at least one of ${CRITERIA.map((c) => `--${c}`).join(', ')}`);
  }
  const query: SearchQuery = {};
  const hash = digestFrom(flags);
  if (hash !== undefined) query.hash = hash;
  const keyFile = stringFlag(flags, 'public-key');
  if (keyFile !== undefined) {
    query.publicKey = { format: pkiFormat(flags), content: readInputFile(keyFile, '--public-key').toString('base64') };
  } else if (stringFlag(flags, 'pki-format') !== undefined) {
    throw new ConfigError('--pki-format describes --public-key: give --public-key FILE too');
  }
  const email = stringFlag(flags, 'email');
  if (email !== undefined) {
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ConfigError(`--email must be an e-mail address, got ${JSON.stringify(email)}`);
    query.email = email;
  }
  const operator = stringFlag(flags, 'operator');
  if (operator !== undefined) {
    if (operator !== 'and' && operator !== 'or') throw new ConfigError(`--operator must be and or or, got ${JSON.stringify(operator)}`);
    query.operator = operator;
  }
  return query;
}

/** --sha as Rekor's util.PrefixSHA writes it (the algorithm named from the length), or --artifact's SHA-256. */
function digestFrom(flags: Flags): string | undefined {
  const sha = stringFlag(flags, 'sha');
  const artifact = stringFlag(flags, 'artifact');
  if (sha !== undefined && artifact !== undefined) throw new ConfigError('give --sha or --artifact, not both');
  if (artifact !== undefined) return `sha256:${sha256OfFile(artifact, '--artifact')}`;
  if (sha === undefined) return undefined;
  const match = /^(?:(sha1|sha256|sha512):)?([0-9a-fA-F]+)$/.exec(sha);
  const algorithm = match ? ALGORITHM_BY_HEX_LENGTH[match[2]!.length] : undefined;
  if (!match || !algorithm || (match[1] !== undefined && match[1] !== algorithm)) {
    throw new ConfigError(`--sha must be a hex SHA-256, SHA-1 or SHA-512 digest, optionally prefixed sha256: (etc.), got ${JSON.stringify(sha)}`);
  }
  return `${algorithm}:${match[2]!.toLowerCase()}`;
}

function pkiFormat(flags: Flags): string {
  const value = stringFlag(flags, 'pki-format') ?? 'x509';
  if (!PKI_FORMATS.includes(value)) throw new ConfigError(`--pki-format must be one of ${PKI_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}
