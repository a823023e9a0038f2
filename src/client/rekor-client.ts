/**
 * A small client for the Rekor v1 REST API, as glasslog (and Rekor) serve it. Used by the
 * client commands (upload, get, search, verify, loginfo, logproof) and the monitor.
 *
 * It only moves JSON: every answer it returns is untrusted until `verify-entry.ts` or
 * `tree-head.ts` has checked it against the log's public key.
 */

/** The server answered with an error status; `code` and `message` are Rekor's error body when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }
}

/** The server could not be reached (refused, reset, timed out, DNS) or answered 5xx/503. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

/** One entry as the API returns it: the value under the UUID key of a LogEntry. */
export interface LogEntryJson {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  attestation?: { data?: string };
  verification?: {
    inclusionProof?: {
      checkpoint: string;
      hashes: string[];
      logIndex: number;
      rootHash: string;
      treeSize: number;
    };
    signedEntryTimestamp?: string;
  };
}

export interface LoggedEntryJson {
  uuid: string;
  entry: LogEntryJson;
}

export interface LogInfoJson {
  rootHash: string;
  signedTreeHead: string;
  treeID: string;
  treeSize: number;
  inactiveShards?: Omit<LogInfoJson, 'inactiveShards'>[];
}

export interface ConsistencyProofJson {
  hashes: string[];
  rootHash: string;
}

export interface SearchQuery {
  hash?: string;
  email?: string;
  publicKey?: { format: string; content?: string; url?: string };
  operator?: 'and' | 'or';
}

export interface ClientOptions {
  /** Per-request time limit; default 30 s. */
  timeoutMs?: number;
}

export class RekorClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, opts: ClientOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new TypeError(`server URL ${JSON.stringify(baseUrl)} is not a URL (e.g. http://127.0.0.1:3000)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`server URL ${JSON.stringify(baseUrl)} must be http:// or https://`);
    }
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async logInfo(): Promise<LogInfoJson> {
    return (await this.#json('GET', '/api/v1/log')) as LogInfoJson;
  }

  /** The log's public key, PEM. */
  async publicKey(treeId?: string): Promise<string> {
    const q = treeId ? `?treeID=${encodeURIComponent(treeId)}` : '';
    const res = await this.#fetch('GET', `/api/v1/log/publicKey${q}`);
    return res.text();
  }

  async consistencyProof(firstSize: number, lastSize: number, treeId?: string): Promise<ConsistencyProofJson> {
    const q = new URLSearchParams({ firstSize: String(firstSize), lastSize: String(lastSize) });
    if (treeId) q.set('treeID', treeId);
    return (await this.#json('GET', `/api/v1/log/proof?${q}`)) as ConsistencyProofJson;
  }

  /** POST a proposed entry. A duplicate is an ApiError with status 409 and `location`. */
  async createEntry(proposed: unknown): Promise<LoggedEntryJson> {
    return single(await this.#json('POST', '/api/v1/log/entries', proposed));
  }

  async entryByIndex(logIndex: number): Promise<LoggedEntryJson> {
    return single(await this.#json('GET', `/api/v1/log/entries?logIndex=${logIndex}`));
  }

  async entryByUuid(uuid: string): Promise<LoggedEntryJson> {
    return single(await this.#json('GET', `/api/v1/log/entries/${encodeURIComponent(uuid)}`));
  }

  /** Entries by log index, in the order asked (Rekor allows at most 10 per call). */
  async entriesByIndexes(logIndexes: number[]): Promise<LoggedEntryJson[]> {
    const answer = (await this.#json('POST', '/api/v1/log/entries/retrieve', { logIndexes })) as unknown;
    if (!Array.isArray(answer)) throw new ApiError(200, 'entries/retrieve did not answer a JSON array');
    return answer.map(single);
  }

  /**
   * The logged entries a proposed entry canonicalizes to (SearchLogQuery `entries`): how
   * `verify --artifact` finds an entry without knowing its UUID. Missing ones are skipped.
   */
  async entriesByProposed(proposed: unknown[]): Promise<LoggedEntryJson[]> {
    const answer = (await this.#json('POST', '/api/v1/log/entries/retrieve', { entries: proposed })) as unknown;
    if (!Array.isArray(answer)) throw new ApiError(200, 'entries/retrieve did not answer a JSON array');
    return answer.map(single);
  }

  /** UUIDs of entries matching a search, as /api/v1/index/retrieve answers them. */
  async search(query: SearchQuery): Promise<string[]> {
    const answer = (await this.#json('POST', '/api/v1/index/retrieve', query)) as unknown;
    if (!Array.isArray(answer) || !answer.every((u) => typeof u === 'string')) {
      throw new ApiError(200, 'index/retrieve did not answer a JSON array of UUIDs');
    }
    return answer as string[];
  }

  async #json(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.#fetch(method, path, body);
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(res.status, `${method} ${path} answered ${res.status} with a body that is not JSON`);
    }
  }

  async #fetch(method: string, path: string, body?: unknown): Promise<Response> {
    const url = this.baseUrl + path;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new UnreachableError(`cannot reach ${this.baseUrl} (${why}): is the server running, and is --rekor-server right?`);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let message = text.trim().slice(0, 500) || res.statusText;
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // Not Rekor's JSON error body: keep the text.
    }
    if (res.status >= 500) {
      throw new UnreachableError(`${this.baseUrl} answered ${res.status} to ${method} ${path}: ${message}`);
    }
    throw new ApiError(res.status, message, res.headers.get('location') ?? undefined);
  }
}

/** A LogEntry is an object with exactly one key, the UUID (REKOR-WIRE §2). */
function single(answer: unknown): LoggedEntryJson {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw new ApiError(200, 'the server answered a LogEntry that is not a JSON object');
  }
  const keys = Object.keys(answer);
  if (keys.length !== 1) throw new ApiError(200, `a LogEntry must have one key (the UUID), got ${keys.length}`);
  const entry = (answer as Record<string, unknown>)[keys[0]];
  if (typeof entry !== 'object' || entry === null) throw new ApiError(200, 'the LogEntry value is not an object');
  return { uuid: keys[0], entry: entry as LogEntryJson };
}
