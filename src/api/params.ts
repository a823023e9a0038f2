/**
 * Query and body parameter checks, worded as Rekor's go-openapi layer words them. Like
 * Rekor, a value that breaks the OpenAPI contract (type, minimum, pattern) is 422.
 */
import type { Request } from 'express';
import { UnprocessableError } from '../errors';

type Query = Request['query'];

function single(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UnprocessableError(`${name} in query must be given once, as a single value`);
  return v;
}

export function integerParam(
  query: Query,
  name: string,
  opts: { min: number; required?: boolean; default?: number },
): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') {
    if (opts.required) throw new UnprocessableError(`${name} in query is required`);
    return opts.default;
  }
  if (!/^-?\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new UnprocessableError(`${name} in query must be of type int64: ${JSON.stringify(raw.slice(0, 40))}`);
  }
  const n = Number(raw);
  if (n < opts.min) throw new UnprocessableError(`${name} in query should be greater than or equal to ${opts.min}`);
  return n;
}

/** Rekor's treeID parameter: a decimal string (pattern ^[0-9]+$) naming an int64. */
export function treeIdParam(query: Query): string | undefined {
  const raw = single(query, 'treeID');
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,19}$/.test(raw) || BigInt(raw) > 0x7fffffffffffffffn) {
    throw new UnprocessableError(`treeID in query should match '^[0-9]+$' and fit in an int64`);
  }
  return BigInt(raw).toString(10);
}
