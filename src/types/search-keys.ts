/**
 * Search-index keys derived from a SearchIndex query, so that they match the keys entries
 * were indexed under (sigstore/rekor pkg/api/index.go SearchIndexHandler): a public key is
 * parsed with the PKI named by `format`, re-encoded canonically, and looked up by the
 * lowercase hex SHA-256 of that canonical form — the same first index key hashedrekord
 * entries carry.
 */
import { createHash } from 'node:crypto';
import { BadRequestError, InvalidEntryError, UnprocessableError } from '../errors';
import { decodeGoStdBase64 } from './base64';
import { parseX509PublicKey } from './pki/x509';

/** The formats Rekor's OpenAPI document allows in SearchIndex.publicKey.format. */
const PUBLIC_KEY_FORMATS = ['pgp', 'x509', 'minisign', 'ssh', 'tuf'];

/** Lowercase hex SHA-256 of the canonical form of SearchIndex's `publicKey` ({format, content}). */
export function publicKeySearchKey(publicKey: unknown): string {
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
  // Only x509 keys can be in this log so far (hashedrekord); Rekor's wording for the rest.
  if (format !== 'x509') throw new BadRequestError('the PKI format requested is not supported by this server');
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw new UnprocessableError('publicKey.content in body must be of type byte');
  }
  const bytes = typeof content === 'string' ? decodeGoStdBase64(content) : Buffer.alloc(0);
  if (!bytes) throw new UnprocessableError('publicKey.content in body must be of type byte');
  try {
    const key = parseX509PublicKey(bytes);
    return createHash('sha256').update(key.canonicalPem).digest('hex');
  } catch (err) {
    if (err instanceof InvalidEntryError) throw new BadRequestError('public key provided could not be parsed');
    throw err;
  }
}
