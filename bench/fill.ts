/**
 * Grows a log to a target size with `glasslog dev-fill` (the real sequencer, no HTTP),
 * several processes at once on this many-core machine (they share the database the way
 * several `glasslog serve` do), printing progress read from the database every 10 s.
 */
import { spawn } from 'node:child_process';
import { track } from './children';
import { CLI } from './config';
import { logCounts } from './db';
import { log, round } from './stats';

export interface FillResult {
  target: number;
  appended: number;
  seconds: number;
  perSecond: number;
  processes: number;
  /** dev-fill processes that died (and were replaced), with their first error lines. */
  failures: string[];
}

function devFill(databaseUrl: string, signingKey: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(
        process.execPath,
        [CLI, 'dev-fill', `--count=${count}`, `--database-url=${databaseUrl}`, `--signing-key=${signingKey}`, '--origin=127.0.0.1', '--log-level=warn'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    const output: string[] = [];
    child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dev-fill exited ${code}:\n${output.join('').slice(-2000)}`))));
  });
}

export async function fillTo(databaseUrl: string, signingKey: string, target: number, maxProcesses: number): Promise<FillResult> {
  const before = (await logCounts(databaseUrl).catch(() => ({ treeSize: 0 }))).treeSize;
  const remaining = target - before;
  if (remaining <= 0) return { target, appended: 0, seconds: 0, perSecond: 0, processes: 0, failures: [] };
  const started = performance.now();
  let finished = false;
  const progress = (async () => {
    let lastReport = performance.now();
    while (!finished) {
      await new Promise((r) => setTimeout(r, 250));
      if (finished || performance.now() - lastReport < 10_000) continue;
      lastReport = performance.now();
      const size = (await logCounts(databaseUrl).catch(() => ({ treeSize: NaN }))).treeSize;
      const rate = (size - before) / ((performance.now() - started) / 1000);
      log(`dev-fill: ${size} / ${target} (${Math.round(rate)} entries/s, about ${Math.round((target - size) / rate)} s to go)`);
    }
  })();
  // A dev-fill process that dies (it has, with StoreUnavailableError under load) loses only
  // its unacknowledged entries: re-read the size and start again for what is left.
  const failures: string[] = [];
  let processes = 0;
  try {
    for (;;) {
      const size = (await logCounts(databaseUrl).catch(() => ({ treeSize: 0 }))).treeSize;
      const left = target - size;
      if (left <= 0) break;
      // The first fill of a fresh database migrates and creates the tree: one process does it.
      const k = size === 0 || left < 5000 ? 1 : Math.max(1, Math.floor(maxProcesses));
      processes = Math.max(processes, k);
      log(`dev-fill: growing the tree from ${size} to ${target} entries with ${k} process(es)`);
      const counts = Array.from({ length: k }, (_, i) => Math.floor(left / k) + (i < left % k ? 1 : 0));
      const outcomes = await Promise.allSettled(counts.map((c) => devFill(databaseUrl, signingKey, c)));
      for (const o of outcomes) {
        if (o.status === 'fulfilled') continue;
        const message = String((o.reason as Error).message).split('\n').slice(0, 2).join(' ');
        failures.push(message);
        log(`dev-fill: a process failed (${message}); continuing with the rest`);
      }
      if (failures.length > 10) throw new Error(`dev-fill failed ${failures.length} times; last: ${failures[failures.length - 1]}`);
    }
  } finally {
    finished = true;
  }
  await progress.catch(() => {});
  const seconds = (performance.now() - started) / 1000;
  const after = (await logCounts(databaseUrl)).treeSize;
  log(`dev-fill: tree size ${after} after ${round(seconds)} s (${Math.round((after - before) / seconds)} entries/s)`);
  return { target, appended: after - before, seconds, perSecond: (after - before) / seconds, processes, failures };
}
