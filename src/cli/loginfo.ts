/**
 * `glasslog loginfo`: the log's current tree head, verified with the log key and proved
 * consistent with the head saved by the previous run, which it then replaces (rekor-cli
 * loginfo with its ~/.rekor/state.json). A log that shows a head inconsistent with one it
 * signed before is forked or rewritten: exit 4, and the saved head is kept as evidence.
 */
import type { Flags } from '../config';
import { VerificationError } from '../client/tree-head';
import { advanceTreeHead, readTreeState, writeTreeState } from '../client/tree-state';
import { outputFormat, printJson } from './flags';
import { keyProvenance, logKeyFor } from './log-key';
import { clientFor } from './server-url';
import { stateFilePath } from './state-file';

export const LOGINFO_HELP = `glasslog loginfo — show the log's verified tree head and prove the log append-only

  --log-public-key FILE  the log's public key (pin it; without it the key is fetched from
                         the server and a warning says so)
  --state FILE           where the last verified tree head is kept (GLASSLOG_STATE, default
                         ~/.glasslog/state.json); each run proves the new head consistent
                         with it before replacing it
  --rekor-server URL     the log (GLASSLOG_URL, default http://127.0.0.1:3000)
  --format text|json     output format (default text)

Exit codes: 0 verified (and consistent with the saved head), 1 the state file is unusable
or the server refused, 2 bad usage, 3 server unreachable, 4 the tree head does not verify or
is inconsistent with the saved one (a forked or rewritten log; the state file is unchanged).

Example: glasslog loginfo --log-public-key log.pub --state ./rekor-state.json`;

export async function loginfoCommand(flags: Flags): Promise<void> {
  const format = outputFormat(flags);
  const client = clientFor(flags);
  const key = await logKeyFor(flags, client, { warnUnpinned: true });
  const file = stateFilePath(flags);
  const previous = readTreeState(file, key.der);
  let current;
  try {
    current = await advanceTreeHead(client, key.der, previous);
  } catch (e) {
    if (e instanceof VerificationError && previous) {
      throw new VerificationError(`${e.message}. ${file} still holds the head verified before (tree ${previous.treeId}, size ${previous.treeSize}).`);
    }
    throw e;
  }
  writeTreeState(file, key.der, current);

  const consistency = previous
    ? `proved consistent with the tree head of size ${previous.treeSize} saved in ${file}`
    : `no earlier tree head in ${file}: this one is saved as the reference for the next run`;
  if (format === 'json') {
    printJson({
      treeSize: current.treeSize,
      rootHash: current.rootHash.toString('hex'),
      treeID: current.treeId,
      logID: key.logId,
      logKeyPinned: key.pinnedFrom !== undefined,
      previousTreeSize: previous?.treeSize ?? null,
      stateFile: file,
    });
    return;
  }
  process.stdout.write(
    [
      'Verification Successful!',
      `Tree Size: ${current.treeSize}`,
      `Root Hash: ${current.rootHash.toString('hex')}`,
      `Tree ID: ${current.treeId}`,
      `Signed by: ${keyProvenance(key)}`,
      `Consistency: ${consistency}`,
    ].join('\n') + '\n',
  );
}
