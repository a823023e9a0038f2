/**
 * What a query names, and what the log answers for it. The rule, first match wins (hex in
 * either case):
 *
 *   80 hex               an entry UUID (tree ID + leaf hash)
 *   64 hex               an entry UUID (leaf hash); when the log has no such entry, the
 *                        SHA-256 digest of an artifact, exactly as "sha256:<hex>"
 *   sha256:<64 hex>      an artifact digest (also sha512:<128 hex>, sha1:<40 hex>)
 *   decimal digits       a log index
 *   anything with an @   an email address in a signing certificate
 *
 * A 64-hex string is tried as a UUID first because that is what the page links to; an
 * artifact digest colliding with a leaf hash would be a SHA-256 collision.
 */

/** @typedef {import('./verify-entry.mjs').Expected} Expected */
/**
 * @typedef {{ kind: 'entry', answer: unknown, expected: Expected, via: string }
 *   | { kind: 'matches', uuids: string[], via: string }} LookupResult
 */

/** The query is none of the forms above. */
export class QueryError extends Error {
  name = 'QueryError';
}

/** The log answered with an error status; `status` 404 means "not found". */
export class ApiError extends Error {
  name = 'ApiError';
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const UUID = /^(?:[0-9a-f]{16})?[0-9a-f]{64}$/;
const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}|sha1:[0-9a-f]{40})$/;
const LOG_INDEX = /^[0-9]{1,20}$/;

/**
 * @param {string} path @param {unknown} [body] JSON to POST
 * @returns {Promise<unknown>}
 */
async function api(path, body) {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  /** @type {unknown} */
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const message = typeof json === 'object' && json !== null && 'message' in json ? String(json.message) : text.slice(0, 200);
    throw new ApiError(res.status, `${res.status}: ${message}`);
  }
  if (json === undefined) throw new Error(`${path} did not answer JSON`);
  return json;
}

/** @param {unknown} answer */
function uuidList(answer) {
  if (!Array.isArray(answer) || !answer.every((u) => typeof u === 'string' && UUID.test(u))) {
    throw new Error('the search answer is not a list of entry UUIDs');
  }
  return /** @type {string[]} */ (answer);
}

/** @param {string} uuid @param {string} via @returns {Promise<LookupResult>} */
async function entryByUuid(uuid, via) {
  return { kind: 'entry', answer: await api(`/api/v1/log/entries/${uuid}`), expected: { uuid }, via };
}

/** The entry itself when the search found one, the list otherwise. @param {object} search @param {string} via */
async function searchIndex(search, via) {
  const uuids = uuidList(await api('/api/v1/index/retrieve', search));
  return uuids.length === 1 ? entryByUuid(/** @type {string} */ (uuids[0]), via) : /** @type {LookupResult} */ ({ kind: 'matches', uuids, via });
}

/** @param {string} text @returns {Promise<LookupResult>} */
export async function lookUp(text) {
  const q = text.trim();
  const hex = q.toLowerCase();
  if (/^[0-9a-f]{80}$/.test(hex)) return entryByUuid(hex, 'entry UUID');
  if (/^[0-9a-f]{64}$/.test(hex)) {
    try {
      return await entryByUuid(hex, 'entry UUID (leaf hash)');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      return searchIndex({ hash: `sha256:${hex}` }, 'SHA-256 artifact digest (no entry has this UUID)');
    }
  }
  if (DIGEST.test(hex)) return searchIndex({ hash: hex }, 'artifact digest');
  if (LOG_INDEX.test(q)) {
    const logIndex = Number(q);
    if (!Number.isSafeInteger(logIndex)) throw new QueryError(`log index ${q} is larger than any this page can name exactly`);
    return { kind: 'entry', answer: await api(`/api/v1/log/entries?logIndex=${logIndex}`), expected: { logIndex }, via: 'log index' };
  }
  if (q.includes('@')) return searchIndex({ email: q }, 'email address');
  throw new QueryError('enter an entry UUID (64 or 80 hex), a log index, an artifact digest (sha256:<hex>) or an email address');
}
