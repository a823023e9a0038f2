/**
 * The validation worker pool (the built one, dist/, as `glasslog serve` runs it) gives the
 * same canonical entries and the same error classes as validating in-thread, and survives
 * a worker dying.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidEntryError, SignatureVerificationError, UnprocessableError } from '../../src/errors';
import { canonicalizeProposedEntry } from '../../src/types/registry';
import type { Validator } from '../../src/types/validator-pool';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';

const BUILT = path.join(__dirname, '..', '..', 'dist', 'types', 'validator-pool.js');

describe('the validation worker pool', () => {
  let pool: Validator;
  // The built module's errors are the built classes; compare by name and message.
  const built = () => require(path.join(__dirname, '..', '..', 'dist', 'errors.js'));

  beforeAll(() => {
    if (!fs.existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`make build\` (make test does) first`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pool = require(BUILT).createValidator(2);
  });
  afterAll(() => pool.close());

  it('runs on worker threads', () => {
    expect(pool.threads).toBe(2);
  });

  it('gives the same canonical bodies and index keys as in-thread validation', async () => {
    const key = newEcdsaKey();
    const entries = Array.from({ length: 30 }, () => hashedRekord(key).proposed);
    const viaPool = await Promise.all(entries.map((e) => pool.canonicalize(e)));
    const inThread = await Promise.all(entries.map((e) => canonicalizeProposedEntry(e)));
    viaPool.forEach((p, i) => {
      expect(Buffer.isBuffer(p.canonicalBody)).toBe(true);
      expect(p.canonicalBody.equals(inThread[i].canonicalBody)).toBe(true);
      expect(p.indexKeys).toEqual(inThread[i].indexKeys);
      expect([p.kind, p.apiVersion]).toEqual([inThread[i].kind, inThread[i].apiVersion]);
    });
  });

  it.each([
    ['an unknown kind', () => ({ ...hashedRekord().proposed, kind: 'nope' }), UnprocessableError],
    ['a malformed spec', () => ({ ...hashedRekord().proposed, spec: { data: 1 } }), InvalidEntryError],
    [
      'a wrong signature',
      () => {
        const f = hashedRekord();
        const g = hashedRekord(newEcdsaKey(), f.artifact);
        const spec = f.proposed.spec as { signature: { publicKey: unknown } };
        return { ...f.proposed, spec: { ...f.proposed.spec, signature: { ...(g.proposed.spec.signature as object), publicKey: spec.signature.publicKey } } };
      },
      SignatureVerificationError,
    ],
  ])('refuses %s with the same error class as in-thread', async (_what, make, errorClass) => {
    const proposed = make();
    const inThread = await canonicalizeProposedEntry(proposed).catch((e: Error) => e);
    expect(inThread).toBeInstanceOf(errorClass);
    const viaPool = await pool.canonicalize(proposed).catch((e: Error) => e);
    expect(viaPool).toBeInstanceOf(built()[errorClass.name]);
    expect((viaPool as Error).message).toBe((inThread as Error).message);
  });

  it('replaces a worker that dies and keeps validating', async () => {
    const slots = (pool as unknown as { slots: { worker: { terminate(): Promise<number>; threadId: number } }[] }).slots;
    const before = slots.map((s) => s.worker.threadId);
    await slots[0].worker.terminate();
    await new Promise((r) => setTimeout(r, 50));
    expect(slots.map((s) => s.worker.threadId)).not.toEqual(before);
    const entries = Array.from({ length: 6 }, () => hashedRekord().proposed);
    await expect(Promise.all(entries.map((e) => pool.canonicalize(e)))).resolves.toHaveLength(6);
  });
});
