/**
 * The batching sequencer on a real store: concurrent submissions share transactions, each
 * batch commits once, duplicates (in the batch or already stored) are refused with the
 * existing index, and a failed batch acknowledges nothing.
 */
import { hashLeaf } from '../../src/merkle';
import { generateSigningKey, signerFromPem } from '../../src/crypto';
import { DuplicateEntryError } from '../../src/errors';
import { Log } from '../../src/log/log';
import { KnexStore } from '../../src/store/knex-store';
import type { Store } from '../../src/store/store';
import { canonicalizeProposedEntry, type CanonicalEntry } from '../../src/types/registry';
import { backends, type Backend, type FreshDatabase } from '../helpers/backends';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';

async function entries(n: number): Promise<CanonicalEntry[]> {
  const key = newEcdsaKey();
  return Promise.all(Array.from({ length: n }, () => canonicalizeProposedEntry(hashedRekord(key).proposed)));
}

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('the sequencer on %s', (_name, backend) => {
  let db: FreshDatabase;
  let store: Store;
  let log: Log;
  const batches: { size: number; duplicates: number }[] = [];

  beforeAll(async () => {
    db = await backend.create();
    store = KnexStore.open({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    await store.migrate();
    log = await Log.open({
      store,
      signer: signerFromPem(generateSigningKey('ecdsa-p256')),
      hostname: 'log.example',
      observer: { batchCommitted: (b) => batches.push(b) },
    });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });
  beforeEach(() => {
    batches.length = 0;
  });

  it('commits concurrent submissions in far fewer transactions than entries', async () => {
    const start = (await log.info()).tree.treeSize;
    const logged = await Promise.all((await entries(200)).map((e) => log.submit(e)));
    expect(logged.map((l) => l.globalIndex).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => start + i));
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(200);
    // The first submission starts a batch on its own; the rest queue behind it.
    expect(batches.length).toBeLessThanOrEqual(3);
    // Every entry of a batch is proved against that batch's checkpoint.
    const sizes = new Set(logged.map((l) => l.inclusionProof.treeSize));
    expect(sizes.size).toBe(batches.length);
  });

  it('refuses a duplicate within one batch with the index of its first occurrence', async () => {
    const [e] = await entries(1);
    const [first, second] = await Promise.allSettled([log.submit(e), log.submit(e)]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const err = (second as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(DuplicateEntryError);
    const logged = (first as PromiseFulfilledResult<Awaited<ReturnType<Log['submit']>>>).value;
    expect(err.logIndex).toBe(logged.globalIndex);
    expect(err.uuid).toBe(logged.uuid);
  });

  it('refuses an entry already stored, without writing a batch', async () => {
    const [e] = await entries(1);
    const logged = await log.submit(e);
    const size = (await log.info()).tree.treeSize;
    await expect(log.submit(e)).rejects.toMatchObject({ name: 'DuplicateEntryError', logIndex: logged.globalIndex });
    expect((await log.info()).tree.treeSize).toBe(size);
    expect(batches[batches.length - 1]).toEqual(expect.objectContaining({ size: 0, duplicates: 1 }));
  });

  it('acknowledges nothing of a batch whose transaction fails, and the log goes on', async () => {
    const size = (await log.info()).tree.treeSize;
    const broken = await entries(3);
    // A leaf the store cannot take: the index-key insert fails inside the transaction.
    broken[1] = { ...broken[1], indexKeys: [null as unknown as string] };
    const results = await Promise.allSettled(broken.map((e) => log.submit(e)));
    // Whatever share of the three landed in the failed batch got an error, not a 201.
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    const after = (await log.info()).tree.treeSize;
    expect(after).toBe(size + results.filter((r) => r.status === 'fulfilled').length);
    for (const r of results) {
      if (r.status === 'fulfilled') {
        const got = await log.entryByUuid(r.value.uuid);
        expect(Buffer.from(got.entry.leafHash).equals(Buffer.from(hashLeaf(got.entry.body)))).toBe(true);
      }
    }
    const [ok] = await entries(1);
    expect((await log.submit(ok)).globalIndex).toBe(after);
  });
});
