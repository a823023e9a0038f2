/**
 * POST/GET /api/v1/log/entries and POST /api/v1/log/entries/retrieve. Data flows one way:
 * parse the proposed entry (src/types: schema, signature, canonical body) → the Log
 * (sequence, store, prove) → the wire shape.
 */
import { Router } from 'express';
import { hashLeaf } from '../../merkle';
import type { Log } from '../../log/log';
import { parseEntryUuid, type ParsedUuid } from '../../log/uuid';
import type { Validator } from '../../types/validator-pool';
import { BadRequestError, NotFoundError, UnprocessableError } from '../../errors';
import { integerParam } from '../params';
import { logEntryJson } from '../wire';

/** Rekor's maxSearchQueries: entryUUIDs + logIndexes + entries in one retrieve request. */
export const MAX_SEARCH_QUERIES = 10;

function optionalArray(body: Record<string, unknown>, name: string): unknown[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UnprocessableError(`${name} in body must be of type array`);
  if (v.length > MAX_SEARCH_QUERIES) {
    throw new UnprocessableError(`${name} in body should have at most ${MAX_SEARCH_QUERIES} items`);
  }
  return v;
}

export function entryRoutes(log: Log, validator: Pick<Validator, 'canonicalize'>): Router {
  const r = Router();

  r.post('/api/v1/log/entries', async (req, res) => {
    const canonical = await validator.canonicalize(req.body);
    const logged = await log.submit(canonical);
    res
      .status(201)
      .location(`/api/v1/log/entries/${logged.uuid}`)
      .set('ETag', logged.uuid)
      .json(logEntryJson(logged));
  });

  r.get('/api/v1/log/entries', async (req, res) => {
    const logIndex = integerParam(req.query, 'logIndex', { min: 0, required: true })!;
    res.json(logEntryJson(await log.entryByGlobalIndex(logIndex), { withAttestation: true }));
  });

  r.get('/api/v1/log/entries/:entryUUID', async (req, res) => {
    res.json(logEntryJson(await log.entryByUuid(req.params.entryUUID), { withAttestation: true }));
  });

  r.post('/api/v1/log/entries/retrieve', async (req, res) => {
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestError('request body must be a JSON object (SearchLogQuery)');
    }
    const query = body as Record<string, unknown>;
    const uuids = optionalArray(query, 'entryUUIDs');
    const indexes = optionalArray(query, 'logIndexes');
    const proposed = optionalArray(query, 'entries');
    const total = uuids.length + indexes.length + proposed.length;
    if (total > MAX_SEARCH_QUERIES) {
      throw new UnprocessableError(`more than max allowed ${MAX_SEARCH_QUERIES} entries in request`);
    }

    const wanted: ParsedUuid[] = [];
    for (const u of uuids) {
      if (typeof u !== 'string') throw new UnprocessableError('entryUUIDs in body must be strings');
      wanted.push(parseEntryUuid(u));
    }
    for (const p of proposed) {
      const canonical = await validator.canonicalize(p);
      wanted.push({ leafHash: Buffer.from(hashLeaf(canonical.canonicalBody)) });
    }
    for (const i of indexes) {
      if (!Number.isSafeInteger(i) || (i as number) < 0) {
        throw new UnprocessableError('logIndexes in body must be integers greater than or equal to 0');
      }
    }

    const found = wanted.length ? await log.entriesByLeafHash(wanted.map((w) => w.leafHash)) : [];
    // Answer in the order asked, each match once per question; missing ones are skipped.
    const results = [];
    for (const w of wanted) {
      results.push(...found.filter((e) => e.entry.leafHash.equals(w.leafHash) && (!w.treeId || e.entry.treeId === w.treeId)));
    }
    for (const i of indexes) {
      const hit = await log.entryByGlobalIndex(i as number).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      if (hit) results.push(hit);
    }
    res.json(results.map((e) => logEntryJson(e, { withAttestation: true })));
  });

  return r;
}
