/**
 * Checking what a log says about its tree head, offline against a pinned public key:
 * the checkpoint's signature (a Rekor v1 signed note, REKOR-WIRE §5) and consistency
 * between two heads. Shared by `glasslog loginfo`, `logproof`, `verify` and `monitor`.
 */
import { createPublicKey } from 'node:crypto';
import { logIdOf } from '../crypto';
import { ProofError, verifyConsistency } from '../merkle';
import { NoteError, parseNote, verifyRekorCheckpoint } from '../note';
import type { RekorClient } from './rekor-client';

/** A verification failed: the log's answer is not what its key and its earlier heads promise. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
}

/** A verified tree head. */
export interface TreeHead {
  treeId: string;
  treeSize: number;
  rootHash: Buffer;
  /** The signed note it came from. */
  checkpoint: string;
}

/** The log's key as PKIX DER, from PEM text. Throws VerificationError when it is not a public key. */
export function publicKeyDer(pem: string): Buffer {
  try {
    return createPublicKey(pem).export({ type: 'spki', format: 'der' });
  } catch (e) {
    throw new VerificationError(`the log public key is not a PEM public key: ${(e as Error).message}`);
  }
}

/** Hex SHA-256 of the key's PKIX DER: Rekor's log ID. */
export function logIdHex(keyDer: Uint8Array): string {
  return logIdOf(keyDer).toString('hex');
}

/**
 * Verifies a Rekor v1 checkpoint note with the log's key. The key name is the origin's
 * hostname ("<hostname> - <treeID>"), as Rekor signs it.
 */
export function verifyCheckpoint(note: string, keyDer: Uint8Array): TreeHead {
  try {
    const text = parseNote(note).text;
    const origin = text.slice(0, text.indexOf('\n'));
    const dash = origin.lastIndexOf(' - ');
    if (dash <= 0) throw new NoteError(`checkpoint origin ${JSON.stringify(origin)} is not "<hostname> - <tree ID>"`);
    const c = verifyRekorCheckpoint(note, { hostname: origin.slice(0, dash), publicKeyDer: keyDer });
    return { treeId: c.treeId, treeSize: c.treeSize, rootHash: Buffer.from(c.rootHash), checkpoint: note };
  } catch (e) {
    if (e instanceof NoteError) throw new VerificationError(`checkpoint does not verify: ${e.message}`);
    throw e;
  }
}

/** Hex → bytes, refusing anything that is not exactly `bytes` long lowercase-or-uppercase hex. */
export function hashFromHex(hex: unknown, what: string, bytes = 32): Buffer {
  if (typeof hex !== 'string' || !new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(hex)) {
    throw new VerificationError(`${what} is not a ${bytes}-byte hex hash`);
  }
  return Buffer.from(hex, 'hex');
}

/**
 * Proves that `newer` extends `older` with the log's consistency proof. Equal sizes need
 * equal roots; a smaller newer head is a log that went back in time. Throws
 * VerificationError on any inconsistency (a forked or rewritten log).
 */
export async function proveConsistency(client: RekorClient, older: TreeHead, newer: TreeHead): Promise<void> {
  if (older.treeId !== newer.treeId) {
    throw new VerificationError(`cannot compare tree ${older.treeId} with tree ${newer.treeId}`);
  }
  if (newer.treeSize < older.treeSize) {
    throw new VerificationError(
      `the log shrank: it now shows size ${newer.treeSize}, but it signed size ${older.treeSize} before`,
    );
  }
  if (newer.treeSize === older.treeSize) {
    if (!newer.rootHash.equals(older.rootHash)) {
      throw new VerificationError(
        `the log signed two different roots for size ${older.treeSize} (${older.rootHash.toString('hex')} and ${newer.rootHash.toString('hex')}): it is forked`,
      );
    }
    return;
  }
  if (older.treeSize === 0) return; // Every tree extends the empty one.
  const proof = await client.consistencyProof(older.treeSize, newer.treeSize, newer.treeId);
  if (!Array.isArray(proof.hashes)) throw new VerificationError('the consistency proof has no hashes array');
  const hashes = proof.hashes.map((h, i) => hashFromHex(h, `consistency proof hash ${i}`));
  try {
    verifyConsistency(older.treeSize, newer.treeSize, hashes, older.rootHash, newer.rootHash);
  } catch (e) {
    if (e instanceof ProofError) {
      throw new VerificationError(
        `size ${newer.treeSize} is not consistent with the size ${older.treeSize} seen before (${e.message}): the log is forked or rewritten`,
      );
    }
    throw e;
  }
}
