/**
 * Search-index keys derived from a SearchIndex query, so that they match the keys entries
 * were indexed under (sigstore/rekor pkg/api/index.go SearchIndexHandler): a public key is
 * parsed with the PKI named by `format`, re-encoded canonically, and looked up by the
 * lowercase hex SHA-256 of that canonical form — the same key-hash index key that
 * hashedrekord and rekord entries carry.
 */
import { createHash } from 'node:crypto';
import { BadRequestError, InvalidEntryError, UnprocessableError } from '../errors';
import { decodeGoStdBase64 } from './base64';
import { parseX509PublicKey } from './pki/x509';
import type { RekordFormat } from './rekord/format';
import { minisignFormat } from './rekord/minisign';
import { pgpFormat } from './rekord/pgp';
import { sshFormat } from './rekord/ssh';
import { canonicalValue, readRoot } from './tuf/metadata';

/** The formats Rekor's OpenAPI document allows in SearchIndex.publicKey.format. */
const PUBLIC_KEY_FORMATS = ['pgp', 'x509', 'minisign', 'ssh', 'tuf'];

/** The key formats searchable here, each with Rekor's canonical form of a key (CanonicalValue). */
const CANONICAL_KEY: Record<string, (bytes: Buffer) => Promise<Buffer>> = {
  x509: async (bytes) => parseX509PublicKey(bytes).canonicalPem,
  // pkg/pki/tuf NewPublicKey (a root.json that verifies itself) and CanonicalValue.
  tuf: async (bytes) => canonicalValue(readRoot(bytes, new Date()).document),
  ...Object.fromEntries(
    ([pgpFormat, minisignFormat, sshFormat] as RekordFormat[]).map((f) => [f.name, async (bytes: Buffer) => (await f.parsePublicKey(bytes)).canonical]),
  ),
};

/** Lowercase hex SHA-256 of the canonical form of SearchIndex's `publicKey` ({format, content}). */
export async function publicKeySearchKey(publicKey: unknown): Promise<string> {
  if (typeof publicKey !== 'object' || publicKey === null || Array.isArray(publicKey)) {
    throw new UnprocessableError('publicKey in body must be of type object');
  }
  const { format, content } = publicKey as Record<string, unknown>;
  if (format === undefined || format === null || format === '') {
    throw new UnprocessableError('publicKey.format in body is required');
  }
  if (typeof format !== 'string' || !PUBLIC_KEY_FORMATS.includes(format)) {
    throw new UnprocessableError(`publicKey.format in body should be one of [${PUBLIC_KEY_FORMATS.join(' ')}]`);
  }
  const canonical = CANONICAL_KEY[format];
  if (!canonical) throw new BadRequestError('the PKI format requested is not supported by this server');
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw new UnprocessableError('publicKey.content in body must be of type byte');
  }
  const bytes = typeof content === 'string' ? decodeGoStdBase64(content) : Buffer.alloc(0);
  if (!bytes) throw new UnprocessableError('publicKey.content in body must be of type byte');
  try {
    return createHash('sha256').update(await canonical(bytes)).digest('hex');
  } catch (err) {
    if (err instanceof InvalidEntryError) throw new BadRequestError('public key provided could not be parsed');
    throw err;
  }
}
