/** `glasslog migrate`: bring the database schema up to date, then exit. */
import { KnexStore } from '../store/knex-store';
import { serveConfig, type Flags } from '../config';

export const MIGRATE_HELP = `glasslog migrate — create or update the database schema

  --database-url URL   PostgreSQL (DATABASE_URL); without it, the embedded database in --data-dir
  --data-dir DIR       embedded database folder (GLASSLOG_DATA_DIR, default ./data)

Example: DATABASE_URL=postgres://postgres@127.0.0.1:5432/glasslog glasslog migrate`;

export async function migrateCommand(flags: Flags): Promise<void> {
  const config = serveConfig(flags);
  const store = KnexStore.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await store.migrate();
    process.stdout.write(`schema is up to date (${store.kind})\n`);
  } finally {
    await store.close();
  }
}
