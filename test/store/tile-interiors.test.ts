/**
 * Full tiles are stored with their interiors: written by the sequencer as a tile fills,
 * and filled in by the migration for full tiles stored before the column existed.
 */
import { randomBytes } from 'node:crypto';
import { generateSigningKey, signerFromPem } from '../../src/crypto';
import { Log } from '../../src/log/log';
import { tileInterior } from '../../src/merkle';
import { MIGRATIONS_DIR, openDatabase } from '../../src/store/database';
import { KnexStore } from '../../src/store/knex-store';
import { canonicalizeProposedEntry } from '../../src/types/registry';
import { backends, type Backend } from '../helpers/backends';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';

const hex = (b?: Uint8Array) => (b ? Buffer.from(b).toString('hex') : undefined);

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('tile interiors on %s', (_name, backend) => {
  it('are stored with every tile the sequencer fills, and only with full tiles', async () => {
    const db = await backend.create();
    const store = KnexStore.open({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      await store.migrate();
      const log = await Log.open({ store, signer: signerFromPem(generateSigningKey('ecdsa-p256')), hostname: 'log.example' });
      const key = newEcdsaKey();
      const entries = await Promise.all(Array.from({ length: 300 }, () => canonicalizeProposedEntry(hashedRekord(key).proposed)));
      await Promise.all(entries.map((e) => log.submit(e)));
      const treeId = (await log.info()).tree.treeId;
      const [full, partial] = await store.readTiles(treeId, [{ level: 0, index: 0 }, { level: 0, index: 1 }]).then((ts) =>
        ts.sort((a, b) => a.index - b.index),
      );
      expect(full.hashes.length).toBe(256 * 32);
      expect(hex(full.interior)).toBe(hex(tileInterior(full.hashes)));
      expect(partial.hashes.length).toBe(44 * 32);
      expect(partial.interior).toBeUndefined();
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('are filled in by the migration for full tiles stored before it', async () => {
    const db = await backend.create();
    const { db: knex, close } = openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      const [core] = (await knex.migrate.list({ directory: MIGRATIONS_DIR, loadExtensions: ['.js'] }))[1] as { file: string }[];
      expect(core.file).toBe('20261125000000_core.js');
      await knex.migrate.up({ directory: MIGRATIONS_DIR, loadExtensions: ['.js'], name: core.file });
      await knex('trees').insert({ tree_id: 7, origin: 'o', state: 'frozen', key_id: Buffer.alloc(32), root_hash: Buffer.alloc(32) });
      const fullHashes = randomBytes(256 * 32);
      await knex('tiles').insert([
        { tree_id: 7, level: 0, tile_index: 0, hashes: fullHashes },
        { tree_id: 7, level: 1, tile_index: 0, hashes: randomBytes(32) },
      ]);
      await knex.migrate.latest({ directory: MIGRATIONS_DIR, loadExtensions: ['.js'] });
      const rows = await knex('tiles').select('level', 'interior').orderBy('level');
      expect(hex(rows[0].interior)).toBe(hex(tileInterior(fullHashes)));
      expect(rows[1].interior).toBeNull();
    } finally {
      await close();
      await db.drop();
    }
  });
});
