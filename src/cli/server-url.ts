/** The log a client command talks to: --rekor-server, else GLASSLOG_URL, else make run's address. */
import { ConfigError, type Flags } from '../config';
import { RekorClient } from '../client/rekor-client';
import { stringFlag } from './flags';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:3000';

export function serverUrl(flags: Flags): string {
  return stringFlag(flags, 'rekor-server') || process.env.GLASSLOG_URL || DEFAULT_SERVER_URL;
}

/** A client for the chosen server; a malformed URL is a usage error (exit 2). */
export function clientFor(flags: Flags): RekorClient {
  const url = serverUrl(flags);
  try {
    return new RekorClient(url);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}
