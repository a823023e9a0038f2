/**
 * `glasslog serve`: open the database (waiting for it if it is not up yet), migrate, open
 * the active tree, and serve the API until SIGTERM/SIGINT, then drain and close.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { createApp } from '../api/app';
import { generateSigningKey, loadSigner, type Signer } from '../crypto';
import { Log } from '../log/log';
import { createValidator } from '../types/validator-pool';
import { KnexStore } from '../store/knex-store';
import { isOutage } from '../store/unavailable';
import { ConfigError, serveConfig, type Flags, type ServeConfig } from '../config';
import { createMetrics } from '../metrics/metrics';

export const SERVE_HELP = `glasslog serve — run the transparency log

  --host HOST            listen address (HOST, default 127.0.0.1)
  --port N               listen port (PORT, default 3000; 0 picks a free one)
  --database-url URL     PostgreSQL URL (DATABASE_URL); without it, embedded PGlite in --data-dir
  --data-dir DIR         embedded database and dev key folder (GLASSLOG_DATA_DIR, default ./data)
  --signing-key FILE     PKCS#8 PEM key (GLASSLOG_SIGNING_KEY); make one with \`glasslog keygen\`
  --dev                  with no --signing-key, use (and first create) DIR/dev-signing-key.pem
  --origin NAME          host name clients use; names checkpoints (GLASSLOG_ORIGIN, default localhost)
  --max-body-bytes N     request body limit (GLASSLOG_MAX_BODY_BYTES, default 4194304)
  --max-json-depth N     deepest JSON nesting in a body (GLASSLOG_MAX_JSON_DEPTH, default 32)
  --request-timeout-ms N time a client has to send its request (GLASSLOG_REQUEST_TIMEOUT_MS, default 30000)
  --max-signatures N     most signatures or verifiers per DSSE envelope (GLASSLOG_MAX_SIGNATURES, default 16)
  --max-archive-entries N  most entries in a jar or apk (GLASSLOG_MAX_ARCHIVE_ENTRIES, default 65536)
  --max-archive-bytes N  most bytes unpacked from a jar or apk (GLASSLOG_MAX_ARCHIVE_BYTES, default 67108864)
  --max-batch N          most entries per sequencer transaction (GLASSLOG_MAX_BATCH, default 1024)
  --tile-cache-mb N      memory for Merkle tiles used by proofs (GLASSLOG_TILE_CACHE_MB, default 32)
  --validation-workers N threads that check entries' signatures (GLASSLOG_VALIDATION_WORKERS;
                         default: CPUs - 1, at least 1, at most 4; 0 checks on the main thread)
  --max-attestation-size N  largest intoto attestation kept, bytes (GLASSLOG_MAX_ATTESTATION_SIZE,
                         default 102400; 0 keeps none)
  --log-level LEVEL      pino level (GLASSLOG_LOG_LEVEL, default info)

Example: glasslog serve --database-url postgres://postgres@127.0.0.1:5432/glasslog --signing-key log.pem --origin rekor.example.com`;

export interface RunningServer {
  url: string;
  log: Log;
  server: Server;
  close(): Promise<void>;
}

function devSigner(config: ServeConfig, logger: Logger): Signer {
  const file = path.join(config.dataDir, 'dev-signing-key.pem');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, generateSigningKey('ecdsa-p256'), { mode: 0o600 });
    logger.warn({ file }, 'generated a development signing key; use --signing-key for a real log');
  }
  return loadSigner(file);
}

function chooseSigner(config: ServeConfig, logger: Logger): Signer {
  if (config.signingKey) return loadSigner(config.signingKey);
  if (config.dev) return devSigner(config, logger);
  throw new ConfigError(
    'no signing key: pass --signing-key FILE (create one with `glasslog keygen --out FILE`), or --dev for a generated development key',
  );
}

/** Retries `fn` while the database is unreachable, so a log started before its database waits for it. */
async function whenDatabaseAnswers<T>(fn: () => Promise<T>, logger: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isOutage(err)) throw err;
      logger.warn({ attempt, err: (err as Error).message }, 'database not reachable yet; retrying in 2 s');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** JSON logs to stdout, written asynchronously so a busy log does not wait on its own logging. */
function defaultLogger(level: string): Logger {
  return pino({ level }, pino.destination({ sync: false }));
}

export async function startServer(config: ServeConfig, logger: Logger = defaultLogger(config.logLevel)): Promise<RunningServer> {
  const signer = chooseSigner(config, logger);
  const store = KnexStore.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (store.kind === 'pglite') {
    logger.warn(
      { dataDir: config.dataDir },
      'embedded database (PGlite): committed entries survive a crash of this process, but PGlite never fsyncs, ' +
        'so a power loss or kernel crash can lose acknowledged entries; use --database-url with PostgreSQL for a log that must not lose entries',
    );
  }
  await whenDatabaseAnswers(() => store.migrate(), logger);
  const metrics = createMetrics({ pool: () => store.connections() });
  const log = await whenDatabaseAnswers(
    () =>
      Log.open({
        store,
        signer,
        hostname: config.origin,
        maxBatch: config.maxBatch,
        tileCacheBytes: config.tileCacheMb * 1024 * 1024,
        observer: metrics.batches,
      }),
    logger,
  );
  const validator = createValidator(config.validationWorkers, {
    maxAttestationSize: config.maxAttestationSize,
    maxSignatures: config.maxSignatures,
    archiveLimits: { maxEntries: config.maxArchiveEntries, maxExpandedBytes: config.maxArchiveBytes },
  });
  const app = createApp({
    log,
    store,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    maxJsonDepth: config.maxJsonDepth,
    requestTimeoutMs: config.requestTimeoutMs,
    validator,
    metrics,
  });
  metrics.setHead((await log.info()).tree.treeSize, undefined);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  // Slow clients may not hold a connection open forever: the app answers 408 after
  // --request-timeout-ms; Node's own limits are the backstop (headers must come within 10 s).
  server.requestTimeout = config.requestTimeoutMs + 5_000;
  server.headersTimeout = Math.min(10_000, config.requestTimeoutMs + 1_000);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    { url, treeId: log.treeId, logId: signer.logId.toString('hex'), database: store.kind, validationThreads: validator.threads },
    'glasslog is serving',
  );
  return {
    url,
    log,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await validator.close();
      await store.close();
    },
  };
}

export async function serveCommand(flags: Flags): Promise<void> {
  const config = serveConfig(flags);
  const running = await startServer(config);
  const clientUrl = new URL(running.url);
  const listeningHost = clientUrl.hostname;
  clientUrl.hostname = running.log.hostname;
  // sigstore-js accepts a checkpoint only if its signer name matches the host of the URL
  // it was configured with (REKOR-WIRE.md §5), so say which URL that is.
  const hint =
    running.log.hostname === listeningHost
      ? ''
      : `checkpoints are signed as "${running.log.hostname}": point clients at ${clientUrl.origin} (or set --origin to the host they use)\n`;
  process.stdout.write(
    `\nglasslog is listening on ${running.url}\n${hint}log public key (${running.log.signer.keyType}):\n${running.log.signer.publicKeyPem}\n`,
  );
  const stop = async (signal: string) => {
    process.stdout.write(`\n${signal}: stopping\n`);
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
