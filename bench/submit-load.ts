/**
 * The log under load: glasslog serve (child process) on PostgreSQL, closed-loop submitters
 * at each concurrency, then open-loop phases at fixed rates. Each phase records the
 * entries sequenced and the batch commits (checkpoint rows) it caused, the server's peak
 * RSS, and where the CPU went.
 */
import { logCounts } from './db';
import { closedLoop, openLoop, type LoadResult, type OpenLoopResult } from './load';
import type { ChildServer } from './server';
import { log, round } from './stats';
import type { Supply } from './supply';
import { withCpuUsage, type CpuUsage } from './usage';

export interface Batching {
  entries: number;
  commits: number;
  entriesPerCommit: number;
}

export interface SubmitLevel {
  concurrency: number;
  load: LoadResult;
  batching: Batching;
  cpu: CpuUsage;
  peakRssMb: number;
}

export interface OpenLoopPhase {
  label: string;
  load: OpenLoopResult;
  batching: Batching;
  cpu: CpuUsage;
  peakRssMb: number;
}

async function counted<T>(server: ChildServer, databaseUrl: string, fn: () => Promise<T>) {
  const before = await logCounts(databaseUrl);
  server.startSampling();
  const { result, cpu } = await withCpuUsage(server, fn);
  const peakRssMb = server.stopSampling();
  // Let answers still in flight land before counting commits.
  const after = await logCounts(databaseUrl);
  const entries = after.treeSize - before.treeSize;
  const commits = after.checkpoints - before.checkpoints;
  return { result, cpu, peakRssMb, batching: { entries, commits, entriesPerCommit: commits ? entries / commits : NaN } };
}

export async function submitLevels(opts: {
  server: ChildServer;
  databaseUrl: string;
  supply: Supply;
  concurrency: number[];
  warmupSeconds: number;
  seconds: number;
  /** Upper bound on the rate at each concurrency (the HTTP floor), to size the supply. */
  ceilingPerSecond: (concurrency: number) => number;
}): Promise<SubmitLevel[]> {
  const levels: SubmitLevel[] = [];
  for (const concurrency of opts.concurrency) {
    opts.supply.ensure(Math.ceil(opts.ceilingPerSecond(concurrency) * (opts.warmupSeconds + opts.seconds) * 1.3) + concurrency);
    log(`log: ${concurrency} submitter(s) for ${opts.warmupSeconds}+${opts.seconds} s`);
    const r = await counted(opts.server, opts.databaseUrl, () =>
      closedLoop({ baseUrl: opts.server.url, concurrency, warmupSeconds: opts.warmupSeconds, seconds: opts.seconds, expectStatus: 201, next: opts.supply.submissions }),
    );
    log(`log: ${concurrency} submitter(s): ${round(r.result.perSecond)} entries/s, p50 ${round(r.result.p50Ms)} ms, p99 ${round(r.result.p99Ms)} ms, ${round(r.batching.entriesPerCommit)} entries/commit, peak RSS ${round(r.peakRssMb)} MB`);
    levels.push({ concurrency, load: r.result, batching: r.batching, cpu: r.cpu, peakRssMb: r.peakRssMb });
  }
  return levels;
}

export async function openLoopPhase(opts: {
  label: string;
  server: ChildServer;
  databaseUrl: string;
  supply: Supply;
  rate: number;
  warmupSeconds: number;
  seconds: number;
}): Promise<OpenLoopPhase> {
  const rate = Math.max(1, opts.rate);
  opts.supply.ensure(Math.ceil(rate * (opts.warmupSeconds + opts.seconds)) + 16);
  log(`log: open loop at ${round(rate)} submissions/s (${opts.label}) for ${opts.warmupSeconds}+${opts.seconds} s`);
  const r = await counted(opts.server, opts.databaseUrl, () =>
    openLoop({
      baseUrl: opts.server.url,
      rate,
      maxInFlight: 512,
      warmupSeconds: opts.warmupSeconds,
      seconds: opts.seconds,
      drainSeconds: 5,
      expectStatus: 201,
      next: opts.supply.submissions,
    }),
  );
  const l = r.result;
  log(`log: open loop (${opts.label}): ${round(l.perSecond)} of ${round(rate)} entries/s answered, p50 ${round(l.p50Ms)} ms, p99 ${l.p99IsLowerBound ? '>= ' : ''}${round(l.p99Ms)} ms, ${l.unfinished} unfinished`);
  return { label: opts.label, load: l, batching: r.batching, cpu: r.cpu, peakRssMb: r.peakRssMb };
}
