/**
 * `glasslog dev-fill --count N`: append N generated, correctly signed hashedrekord entries
 * through the real sequencer (no HTTP), to grow a test or benchmark log quickly. Every
 * entry goes through the same validation, batching and tile code as a submission.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import pino from 'pino';
import { loadSigner } from '../crypto';
import { Log } from '../log/log';
import { KnexStore } from '../store/knex-store';
import { canonicalizeProposedEntry } from '../types/registry';
import { ConfigError, serveConfig, type Flags } from '../config';

export const DEV_FILL_HELP = `glasslog dev-fill — append generated entries through the sequencer (for benchmarks)

  --count N            entries to append (required)
  --database-url URL   PostgreSQL (DATABASE_URL); without it, the embedded database in --data-dir
  --data-dir DIR       embedded database folder (GLASSLOG_DATA_DIR, default ./data)
  --signing-key FILE   the log's key (GLASSLOG_SIGNING_KEY), the same one \`serve\` uses
  --origin NAME        the log's host name, when this creates the tree (GLASSLOG_ORIGIN)

Example: glasslog dev-fill --count 100000 --database-url postgres://postgres@127.0.0.1/glasslog --signing-key log.pem`;

/** Entries kept in flight: enough to fill large batches, few enough to bound memory. */
const IN_FLIGHT = 4096;

export async function devFillCommand(flags: Flags): Promise<void> {
  const count = Number(flags.count);
  if (!Number.isSafeInteger(count) || count < 1) throw new ConfigError('dev-fill needs --count N (a positive integer)');
  const config = serveConfig(flags);
  if (!config.signingKey) throw new ConfigError('dev-fill needs --signing-key FILE, the key the log is served with');
  const logger = pino({ level: config.logLevel });
  const store = KnexStore.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await store.migrate();
  const log = await Log.open({ store, signer: loadSigner(config.signingKey), hostname: config.origin, maxBatch: config.maxBatch });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyContent = Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');

  let next = 0;
  let done = 0;
  const started = Date.now();
  let lastReport = started;
  const worker = async () => {
    while (next < count) {
      next++;
      const artifact = randomBytes(32);
      const proposed = {
        kind: 'hashedrekord',
        apiVersion: '0.0.1',
        spec: {
          data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(artifact).digest('hex') } },
          signature: { content: sign('sha256', artifact, privateKey).toString('base64'), publicKey: { content: publicKeyContent } },
        },
      };
      await log.submit(await canonicalizeProposedEntry(proposed));
      done++;
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        const rate = done / ((lastReport - started) / 1000);
        logger.info({ done, count, perSecond: Math.round(rate), etaSeconds: Math.round((count - done) / rate) }, 'dev-fill progress');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
    const info = await log.info();
    process.stdout.write(`appended ${done} entries in ${((Date.now() - started) / 1000).toFixed(1)} s; tree size is now ${info.tree.treeSize}\n`);
  } finally {
    await store.close();
  }
}
