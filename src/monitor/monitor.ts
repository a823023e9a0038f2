/**
 * The monitor's round and its polling loop, as sigstore/rekor-monitor runs them: take the
 * log's new head, prove it consistent with the last verified one, verify every entry added
 * in between, report those matching the watched values, and only then save the new head.
 *
 * The state advances last, after the findings are written: a round cut short (server
 * down, SIGTERM, crash) is done again from the same head, so nothing is ever skipped (a
 * crash between the two writes repeats that round's findings; it cannot lose them).
 * A verification failure throws without touching the state: the evidence stays.
 */
import type { Logger } from 'pino';
import { ApiError, type RekorClient, UnreachableError } from '../client/rekor-client';
import { proveConsistency, type TreeHead, VerificationError } from '../client/tree-head';
import { advanceTreeHead, readTreeState, writeTreeState } from '../client/tree-state';
import { catchUpRanges, rangeSize, type TreeRange } from './catch-up';
import type { MonitorConfig } from './config';
import { EntryChecker } from './entry-checker';
import { finding, type Finding } from './findings';
import { entryIdentities } from './identities';
import { matchEntry } from './matcher';

export interface MonitorOptions {
  client: RekorClient;
  /** The log's public key, PKIX DER; asked for each round (fetching it may need the server). */
  logKey: () => Promise<Buffer>;
  stateFile: string;
  /** Without one, entries are verified and nothing is reported. */
  config?: MonitorConfig;
  logger: Logger;
  /** Receives a round's findings before the state moves past them. */
  report: (findings: Finding[]) => void;
  now?: () => number;
  /** How often a long catch-up logs its progress. */
  progressEveryMs?: number;
}

export interface LoopOptions extends MonitorOptions {
  intervalMs: number;
  /** One round, then return; errors are thrown instead of retried. */
  once: boolean;
  /** Aborted by SIGTERM/SIGINT: the loop ends at the next entry or wait. */
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface RoundResult {
  head: TreeHead;
  /** Undefined on first use. */
  previous?: TreeHead;
  checked: number;
  findings: number;
}

/** A stop was asked for in the middle of a round; the state was not advanced. */
export class MonitorStopped extends Error {
  override readonly name = 'MonitorStopped';
}

/** Polls until stopped (or once). Unreachable servers and refused requests wait for the next round. */
export async function runMonitor(opts: LoopOptions): Promise<void> {
  const sleep = opts.sleep ?? abortableSleep;
  while (!opts.signal.aborted) {
    try {
      await checkNewCheckpoint(opts, opts.signal);
    } catch (e) {
      if (e instanceof MonitorStopped) break;
      if (e instanceof VerificationError) opts.logger.error({ error: e.message }, 'monitor: verification failed; the state file keeps the last verified head');
      if (opts.once || !(e instanceof UnreachableError || e instanceof ApiError)) throw e;
      opts.logger.warn({ error: e.message }, `monitor: round failed, trying again in ${opts.intervalMs / 1000}s`);
    }
    if (opts.once) return;
    await sleep(opts.intervalMs, opts.signal);
  }
  opts.logger.info('monitor: stopped');
}

/** One round: from the saved head to the log's current one. */
export async function checkNewCheckpoint(opts: MonitorOptions, signal?: AbortSignal): Promise<RoundResult> {
  const keyDer = await opts.logKey();
  const previous = readTreeState(opts.stateFile, keyDer);
  const head = await advanceTreeHead(opts.client, keyDer, previous);
  if (!previous) {
    writeTreeState(opts.stateFile, keyDer, head);
    opts.logger.info(
      { treeId: head.treeId, treeSize: head.treeSize, state: opts.stateFile },
      `monitor: no saved state: trusting the log's current head (tree ${head.treeId}, size ${head.treeSize}) on first use; earlier entries are not checked`,
    );
    return { head, checked: 0, findings: 0 };
  }
  if (previous.treeId === head.treeId && previous.treeSize === head.treeSize) {
    opts.logger.info({ treeId: head.treeId, treeSize: head.treeSize }, `monitor: no new entries (size ${head.treeSize})`);
    return { head, previous, checked: 0, findings: 0 };
  }
  const ranges = catchUpRanges(previous, head, await opts.client.logInfo(), keyDer);
  // After a rotation, the shard list was read anew: the old tree's final head must again extend `previous`.
  if (previous.treeId !== head.treeId) await proveConsistency(opts.client, previous, ranges[0]!.head);

  const findings = await checkEntries(opts, keyDer, ranges, signal);
  opts.report(findings);
  writeTreeState(opts.stateFile, keyDer, head);
  const checked = rangeSize(ranges);
  opts.logger.info(
    { treeId: head.treeId, from: previous.treeSize, treeSize: head.treeSize, checked, findings: findings.length },
    `monitor: size ${previous.treeSize} → ${head.treeSize} consistent, ${plural(checked, 'entry', 'entries')} verified, ${plural(findings.length, 'finding', 'findings')}`,
  );
  return { head, previous, checked, findings: findings.length };
}

async function checkEntries(opts: MonitorOptions, keyDer: Buffer, ranges: TreeRange[], signal?: AbortSignal): Promise<Finding[]> {
  const now = opts.now ?? Date.now;
  const every = opts.progressEveryMs ?? 5000;
  const total = rangeSize(ranges);
  const findings: Finding[] = [];
  let checked = 0;
  let lastProgress = now();
  for await (const entry of new EntryChecker(opts.client, keyDer).entries(ranges)) {
    if (signal?.aborted) throw new MonitorStopped('stopped before the round ended');
    checked++;
    const identities = await entryIdentities(entry.body);
    if ('skipped' in identities) {
      opts.logger.debug({ logIndex: entry.logIndex, reason: identities.skipped }, 'monitor: entry body not read');
    } else {
      for (const u of identities.unreadable) opts.logger.warn({ logIndex: entry.logIndex, field: u.field, reason: u.reason }, 'monitor: a key in the entry cannot be read');
      const matches = opts.config ? matchEntry(opts.config, identities) : [];
      if (matches.length > 0) findings.push(finding(entry, identities, matches));
    }
    const time = now();
    if (time - lastProgress >= every && checked < total) {
      lastProgress = time;
      opts.logger.info({ checked, total }, `monitor: ${checked}/${total} entries checked`);
    }
  }
  return findings;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
