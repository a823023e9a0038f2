/**
 * `glasslog logproof`: the consistency proof between two tree sizes (rekor-cli logproof),
 * printed and checked. A consistency proof ties two roots together, so it is only worth
 * something when one of them is trusted: here the last size's root is tied to the log's
 * signed tree head (equal to it, or proved consistent with it), and the proof then binds
 * the first size's root, which the log answers, to that signed history.
 */
import { ConfigError, type Flags } from '../config';
import { ProofError, verifyConsistency } from '../merkle';
import type { ConsistencyProofJson, RekorClient } from '../client/rekor-client';
import { hashFromHex, proveConsistency, type TreeHead, VerificationError } from '../client/tree-head';
import { advanceTreeHead } from '../client/tree-state';
import { integerFlag, outputFormat, printJson } from './flags';
import { keyProvenance, logKeyFor } from './log-key';
import { clientFor } from './server-url';

export const LOGPROOF_HELP = `glasslog logproof — print and check the consistency proof between two tree sizes

  --first-size N         the older tree size (default 1)
  --last-size M          the newer tree size (required; at most the current tree size)
  --log-public-key FILE  the log's public key (pin it; without it the key is fetched from
                         the server and a warning says so)
  --rekor-server URL     the log (GLASSLOG_URL, default http://127.0.0.1:3000)
  --format text|json     output format (default text)

The root of size M is checked against the log's signed tree head (equal to it when M is the
current size, else proved consistent with it); the proof then shows that the tree of size N,
with the root the log gives for it, is a prefix of that signed history.
Exit codes: 0 verified, 1 the server refused (e.g. M beyond the tree), 2 bad usage,
3 server unreachable, 4 the proof or the tree head does not verify.

Example: glasslog logproof --first-size 1000 --last-size 2000 --log-public-key log.pub`;

export async function logproofCommand(flags: Flags): Promise<void> {
  const format = outputFormat(flags);
  const firstSize = integerFlag(flags, 'first-size', 1) ?? 1;
  const lastSize = integerFlag(flags, 'last-size', 1);
  if (lastSize === undefined) throw new ConfigError('logproof needs --last-size M (e.g. the tree size `glasslog loginfo` shows)');
  if (firstSize > lastSize) throw new ConfigError(`--first-size (${firstSize}) must not be larger than --last-size (${lastSize})`);
  const client = clientFor(flags);
  const key = await logKeyFor(flags, client, { warnUnpinned: true });
  const signed = await advanceTreeHead(client, key.der);
  const proof = await client.consistencyProof(firstSize, lastSize, signed.treeId);
  const lastRoot = await checkLastRoot(client, proof, lastSize, signed);
  const firstRoot = await checkProof(client, proof, firstSize, lastSize, lastRoot, signed.treeId);

  const anchor =
    lastSize === signed.treeSize
      ? `the signed tree head (size ${signed.treeSize})`
      : `proved consistent with the signed tree head of size ${signed.treeSize}`;
  if (format === 'json') {
    printJson({
      firstSize,
      lastSize,
      rootHash: proof.rootHash,
      hashes: proof.hashes,
      firstRootHash: firstRoot.toString('hex'),
      verification: { logID: key.logId, logKeyPinned: key.pinnedFrom !== undefined, treeID: signed.treeId, signedTreeSize: signed.treeSize },
    });
    return;
  }
  process.stdout.write(
    [
      `Current Root Hash: ${proof.rootHash}`,
      `Hashes: [${proof.hashes.join(' ')}]`,
      `Verified: the tree of size ${firstSize} (root ${firstRoot.toString('hex')}) is a prefix of the tree of size ${lastSize}, ` +
        `whose root is ${anchor}, with ${keyProvenance(key)}`,
    ].join('\n') + '\n',
  );
}

/** The root the proof names for the last size, once it is tied to the signed tree head. */
async function checkLastRoot(client: RekorClient, proof: ConsistencyProofJson, lastSize: number, signed: TreeHead): Promise<Buffer> {
  const lastRoot = hashFromHex(proof.rootHash, 'the proof root hash');
  if (lastSize === signed.treeSize) {
    if (!lastRoot.equals(signed.rootHash)) {
      throw new VerificationError(`the proof's root for size ${lastSize} is not the root the log signed for that size: the log is forked`);
    }
    return lastRoot;
  }
  await proveConsistency(client, { treeId: signed.treeId, treeSize: lastSize, rootHash: lastRoot, checkpoint: '' }, signed);
  return lastRoot;
}

/** Verifies the proof from firstSize to lastSize; returns the first size's root it binds. */
async function checkProof(client: RekorClient, proof: ConsistencyProofJson, firstSize: number, lastSize: number, lastRoot: Buffer, treeId: string): Promise<Buffer> {
  if (!Array.isArray(proof.hashes)) throw new VerificationError('the consistency proof has no hashes array');
  const hashes = proof.hashes.map((h, i) => hashFromHex(h, `consistency proof hash ${i}`));
  // The log's root for the first size; the proof below is what makes it trustworthy.
  const firstRoot =
    firstSize === lastSize ? lastRoot : hashFromHex((await client.consistencyProof(firstSize, firstSize, treeId)).rootHash, `the root hash of size ${firstSize}`);
  try {
    verifyConsistency(firstSize, lastSize, hashes, firstRoot, lastRoot);
  } catch (e) {
    if (e instanceof ProofError) throw new VerificationError(`the consistency proof from size ${firstSize} to ${lastSize} does not verify: ${e.message}`);
    throw e;
  }
  return firstRoot;
}
