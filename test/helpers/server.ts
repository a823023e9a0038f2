/** Starts glasslog in-process on a fresh database, on a free port, with a fresh key. */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { generateSigningKey, type KeyType } from '../../src/crypto';
import { startServer, type RunningServer } from '../../src/cli/serve';
import type { ServeConfig } from '../../src/config';
import type { Backend, FreshDatabase } from './backends';

export interface TestServer extends RunningServer {
  db: FreshDatabase;
  keyFile: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  backend: Backend,
  opts: { keyType?: KeyType; origin?: string; config?: Partial<ServeConfig> } = {},
): Promise<TestServer> {
  const db = await backend.create();
  const keyFile = path.join(db.dataDir, 'signing-key.pem');
  fs.writeFileSync(keyFile, generateSigningKey(opts.keyType ?? 'ecdsa-p256'));
  const running = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      databaseUrl: db.databaseUrl,
      signingKey: keyFile,
      origin: opts.origin ?? '127.0.0.1',
      dataDir: db.dataDir,
      dev: false,
      maxBodyBytes: 4 << 20,
      maxJsonDepth: 32,
      requestTimeoutMs: 30_000,
      maxSignatures: 16,
      maxArchiveEntries: 65_536,
      maxArchiveBytes: 64 << 20,
      maxBatch: 1024,
      tileCacheMb: 32,
      validationWorkers: 1,
      maxAttestationSize: 100 * 1024,
      logLevel: 'silent',
      ...opts.config,
    },
    pino({ level: 'silent' }),
  );
  return {
    ...running,
    db,
    keyFile,
    stop: async () => {
      await running.close();
      await db.drop();
    },
  };
}
