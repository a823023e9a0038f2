/**
 * Fetches the entries of a catch-up range and verifies each one as belonging exactly
 * where the verified head says: `verifyLogEntry` checks the leaf hash, the SET and the
 * inclusion proof against a checkpoint signed by the log; on top of that the entry must
 * be the one at the index asked for (else a log could answer an old entry and hide the
 * new one), and the checkpoint of its proof must be consistent with the head the monitor
 * verified (else the proof could come from a fork shown only to this client).
 */
import type { LoggedEntryJson, RekorClient } from '../client/rekor-client';
import { proveConsistency, type TreeHead, VerificationError } from '../client/tree-head';
import { verifyLogEntry, type VerifiedEntry } from '../client/verify-entry';
import type { TreeRange } from './catch-up';

/** Rekor's maxSearchQueries: most log indexes one POST /api/v1/log/entries/retrieve may ask for. */
export const RETRIEVE_LIMIT = 10;

export class EntryChecker {
  /** Proof checkpoints already shown consistent with a verified head, as "tree/size/root". */
  readonly #agreed = new Set<string>();

  constructor(
    private readonly client: RekorClient,
    private readonly keyDer: Uint8Array,
  ) {}

  /** The verified entries of the ranges in index order, RETRIEVE_LIMIT per request. */
  async *entries(ranges: readonly TreeRange[]): AsyncGenerator<VerifiedEntry> {
    for (const range of ranges) {
      for (let start = range.from; start < range.to; start += RETRIEVE_LIMIT) {
        const locals = Array.from({ length: Math.min(RETRIEVE_LIMIT, range.to - start) }, (_, i) => start + i);
        const answered = await this.#retrieve(locals.map((i) => range.offset + i));
        for (const local of locals) {
          const global = range.offset + local;
          // retrieve skips indexes it cannot find; GET by index answers 404 (an ApiError) for those.
          const logged = answered.get(global) ?? (await this.client.entryByIndex(global));
          yield await this.#check(logged, range, local);
        }
      }
    }
  }

  async #retrieve(globals: number[]): Promise<Map<number, LoggedEntryJson>> {
    const byIndex = new Map<number, LoggedEntryJson>();
    for (const logged of await this.client.entriesByIndexes(globals)) {
      const index = logged.entry.logIndex;
      if (globals.includes(index) && !byIndex.has(index)) byIndex.set(index, logged);
    }
    return byIndex;
  }

  async #check(logged: LoggedEntryJson, range: TreeRange, local: number): Promise<VerifiedEntry> {
    const global = range.offset + local;
    const fail = (why: string): never => {
      throw new VerificationError(`entry ${global} (${logged.uuid}) fails verification: ${why}`);
    };
    let verified: VerifiedEntry;
    try {
      verified = verifyLogEntry(logged, this.keyDer);
    } catch (e) {
      if (e instanceof VerificationError) return fail(e.message);
      throw e;
    }
    if (logged.entry.logIndex !== global) fail(`the log answered entry ${logged.entry.logIndex} when asked for ${global}`);
    const proofIndex = logged.entry.verification?.inclusionProof?.logIndex;
    if (proofIndex !== local) fail(`its inclusion proof is for index ${proofIndex} of its tree, not ${local}`);
    if (verified.treeHead.treeId !== range.treeId) fail(`its inclusion proof is for tree ${verified.treeHead.treeId}, not ${range.treeId}`);
    try {
      await this.#agree(verified.treeHead, range.head);
    } catch (e) {
      if (e instanceof VerificationError) {
        fail(`its inclusion proof's checkpoint (size ${verified.treeHead.treeSize}) disagrees with the verified head (size ${range.head.treeSize}): ${e.message}`);
      }
      throw e;
    }
    return verified;
  }

  /** Proves the proof's checkpoint and the verified head consistent, once per checkpoint. */
  async #agree(proofHead: TreeHead, head: TreeHead): Promise<void> {
    const key = `${proofHead.treeId}/${proofHead.treeSize}/${proofHead.rootHash.toString('hex')}`;
    if (this.#agreed.has(key)) return;
    const [older, newer] = proofHead.treeSize <= head.treeSize ? [proofHead, head] : [head, proofHead];
    await proveConsistency(this.client, older, newer);
    this.#agreed.add(key);
  }
}
