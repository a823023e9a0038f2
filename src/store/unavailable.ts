/**
 * Tells a database outage (answer 503, retry later) from a bug (answer 500). PostgreSQL
 * reports outages with SQLSTATE classes 08 (connection exception), 53 (insufficient
 * resources) and 57P (operator intervention: shutdown, crash recovery); the driver and
 * pool report them as socket errors and acquire timeouts.
 */
import { StoreUnavailableError } from '../errors';

const OUTAGE_SQLSTATE = /^(08|53|57P)/;
const OUTAGE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const OUTAGE_MESSAGE = /Connection terminated|Knex: Timeout acquiring a connection|Client has encountered a connection error|connection is closed|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Unable to acquire a connection/i;

export function isOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof StoreUnavailableError) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (OUTAGE_SQLSTATE.test(code) || OUTAGE_ERRNO.has(code))) return true;
  if (err.name === 'KnexTimeoutError') return true;
  return OUTAGE_MESSAGE.test(err.message);
}

/** Runs `fn`, turning an outage into StoreUnavailableError and letting anything else through. */
export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isOutage(err)) {
      throw new StoreUnavailableError(`database unavailable while ${what}; retry later`, err);
    }
    throw err;
  }
}
