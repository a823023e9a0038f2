/**
 * One typed configuration for `glasslog serve`, built from flags and environment variables
 * (flags win) and checked before anything starts.
 */
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MAX_ATTESTATION_SIZE } from './types/intoto/attestation';

export interface ServeConfig {
  host: string;
  port: number;
  /** postgres://… ; undefined means the embedded PGlite database in dataDir. */
  databaseUrl?: string;
  /** PKCS#8 PEM file of the log's signing key. */
  signingKey?: string;
  /** Host name that signs checkpoints and names new trees; must be the host clients use. */
  origin: string;
  dataDir: string;
  /** Generate and use a dev key in dataDir when no signing key is given. */
  dev: boolean;
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted in a request body. */
  maxJsonDepth: number;
  /** Milliseconds a client has to send its whole request (408 beyond). */
  requestTimeoutMs: number;
  /** Most signatures (and verifiers) one DSSE envelope may carry. */
  maxSignatures: number;
  /** Most entries in one archive (jar, alpine). */
  maxArchiveEntries: number;
  /** Most bytes decompressed from one archive (jar, alpine). */
  maxArchiveBytes: number;
  maxBatch: number;
  /** MiB of tiles kept in memory for proofs. */
  tileCacheMb: number;
  /** Worker threads that validate entries (0: validate on the main thread). */
  validationWorkers: number;
  /** Largest intoto attestation kept, in bytes; 0 keeps none (Rekor's --max_attestation_size). */
  maxAttestationSize: number;
  logLevel: string;
}

export type Flags = Record<string, string | boolean | undefined>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function str(flags: Flags, flag: string, env: string): string | undefined {
  const v = flags[flag];
  if (typeof v === 'string' && v !== '') return v;
  const e = process.env[env];
  return e === undefined || e === '' ? undefined : e;
}

function int(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function serveConfig(flags: Flags): ServeConfig {
  const databaseUrl = str(flags, 'database-url', 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`--database-url must be a postgres:// URL, got ${JSON.stringify(databaseUrl)}`);
  }
  const origin = str(flags, 'origin', 'GLASSLOG_ORIGIN') ?? 'localhost';
  if (!/^[A-Za-z0-9.\-:[\]_]+$/.test(origin)) {
    throw new ConfigError(`--origin must be a host name (letters, digits, . - : _), got ${JSON.stringify(origin)}`);
  }
  return {
    host: str(flags, 'host', 'HOST') ?? '127.0.0.1',
    port: int(str(flags, 'port', 'PORT'), '--port', 3000, 0, 65535),
    databaseUrl,
    signingKey: str(flags, 'signing-key', 'GLASSLOG_SIGNING_KEY'),
    origin,
    dataDir: path.resolve(str(flags, 'data-dir', 'GLASSLOG_DATA_DIR') ?? './data'),
    dev: flags.dev === true,
    maxBodyBytes: int(str(flags, 'max-body-bytes', 'GLASSLOG_MAX_BODY_BYTES'), '--max-body-bytes', 4 << 20, 1024, 1 << 30),
    maxJsonDepth: int(str(flags, 'max-json-depth', 'GLASSLOG_MAX_JSON_DEPTH'), '--max-json-depth', 32, 4, 1000),
    requestTimeoutMs: int(str(flags, 'request-timeout-ms', 'GLASSLOG_REQUEST_TIMEOUT_MS'), '--request-timeout-ms', 30_000, 100, 3_600_000),
    maxSignatures: int(str(flags, 'max-signatures', 'GLASSLOG_MAX_SIGNATURES'), '--max-signatures', 16, 1, 1024),
    maxArchiveEntries: int(str(flags, 'max-archive-entries', 'GLASSLOG_MAX_ARCHIVE_ENTRIES'), '--max-archive-entries', 65_536, 1, 10_000_000),
    maxArchiveBytes: int(str(flags, 'max-archive-bytes', 'GLASSLOG_MAX_ARCHIVE_BYTES'), '--max-archive-bytes', 64 << 20, 1024, 16 << 30),
    maxBatch: int(str(flags, 'max-batch', 'GLASSLOG_MAX_BATCH'), '--max-batch', 1024, 1, 65536),
    tileCacheMb: int(str(flags, 'tile-cache-mb', 'GLASSLOG_TILE_CACHE_MB'), '--tile-cache-mb', 32, 1, 65536),
    validationWorkers: int(
      str(flags, 'validation-workers', 'GLASSLOG_VALIDATION_WORKERS'),
      '--validation-workers',
      Math.min(4, Math.max(1, os.availableParallelism() - 1)),
      0,
      64,
    ),
    maxAttestationSize: int(
      str(flags, 'max-attestation-size', 'GLASSLOG_MAX_ATTESTATION_SIZE'),
      '--max-attestation-size',
      DEFAULT_MAX_ATTESTATION_SIZE,
      0,
      64 << 20,
    ),
    logLevel: str(flags, 'log-level', 'GLASSLOG_LOG_LEVEL') ?? 'info',
  };
}
