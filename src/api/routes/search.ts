/**
 * POST /api/v1/index/retrieve (Rekor's SearchIndex): look entries up by artifact digest,
 * public key, email or certificate subject; keys are combined with "or" (default) or "and".
 * Rekor marks this best-effort, but clients (rekor-cli search, monitors) still use it.
 */
import { Router } from 'express';
import type { Log } from '../../log/log';
import { BadRequestError, UnprocessableError } from '../../errors';
import { publicKeySearchKey } from '../../types/search-keys';

/** Most UUIDs one search answers (Rekor's Redis index has no bound; ours keeps replies small). */
export const MAX_SEARCH_RESULTS = 1000;

const HASH_PATTERN = /^(sha512:)?[0-9a-fA-F]{128}$|^(sha256:)?[0-9a-fA-F]{64}$|^(sha1:)?[0-9a-fA-F]{40}$/;
/** A deliberately plain email check, as go-openapi's strfmt "email" is (it uses net/mail). */
const EMAIL_PATTERN = /^[^\s@<>()]+@[^\s@<>()]+$/;

/** Rekor util.PrefixSHA: a bare digest gets its algorithm from its length. */
function prefixSha(hash: string): string {
  if (hash.includes(':')) return hash.toLowerCase();
  const alg = { 40: 'sha1', 64: 'sha256', 128: 'sha512' }[hash.length];
  return `${alg}:${hash}`.toLowerCase();
}

function optionalString(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new UnprocessableError(`${name} in body must be of type string`);
  return v;
}

export function searchRoutes(log: Log): Router {
  const r = Router();
  r.post('/api/v1/index/retrieve', async (req, res) => {
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestError('request body must be a JSON object (SearchIndex)');
    }
    const q = body as Record<string, unknown>;
    const keys: string[] = [];

    const operator = optionalString(q, 'operator') ?? 'or';
    if (operator !== 'and' && operator !== 'or') {
      throw new UnprocessableError('operator in body should be one of [and or]');
    }
    const hash = optionalString(q, 'hash');
    if (hash !== undefined) {
      if (!HASH_PATTERN.test(hash)) throw new UnprocessableError('hash in body should be a sha256, sha1 or sha512 hex digest, optionally prefixed by its algorithm');
      keys.push(prefixSha(hash));
    }
    if (q.publicKey !== undefined && q.publicKey !== null) {
      keys.push(await publicKeySearchKey(q.publicKey));
    }
    const email = optionalString(q, 'email');
    if (email !== undefined) {
      if (!EMAIL_PATTERN.test(email)) throw new UnprocessableError('email in body must be of type email');
      keys.push(email.toLowerCase());
    }
    const subject = optionalString(q, 'subject');
    if (subject !== undefined) {
      if (subject.length > 512) throw new UnprocessableError('subject in body should be at most 512 chars long');
      keys.push(subject.toLowerCase());
    }
    if (keys.length === 0) {
      res.json([]);
      return;
    }
    res.json(await log.searchIndex(keys, operator, MAX_SEARCH_RESULTS));
  });
  return r;
}
