/**
 * How cost grows with the tree: at each size (grown with dev-fill), a fresh server; then
 * inclusion-proof reads (GET /api/v1/log/entries?logIndex=random), consistency proofs
 * (GET /api/v1/log/proof?firstSize=random&lastSize=size) and submissions, 16 clients each,
 * with the server's peak RSS over all three.
 */
import { logCounts, query } from './db';
import { fillTo, type FillResult } from './fill';
import { closedLoop, type LoadResult } from './load';
import { ChildServer } from './server';
import { log, round } from './stats';
import type { Supply } from './supply';

export const TREE_CLIENTS = 16;

export interface TreeSizeResult {
  targetSize: number;
  /** Tree size when the proof measurements ran. */
  treeSize: number;
  fill: FillResult;
  inclusion: LoadResult;
  consistency: LoadResult;
  submit: LoadResult;
  peakRssMb: number;
  /** VmHWM of the server process over its whole life at this size. */
  hwmMb: number;
}

const randomInt = (below: number) => Math.floor(Math.random() * below);

export async function treeGrowth(opts: {
  databaseUrl: string;
  signingKey: string;
  sizes: number[];
  fillProcesses: number;
  warmupSeconds: number;
  seconds: number;
  supply: Supply;
  /** Upper bound on submissions per second, to size the supply. */
  submitCeiling: number;
}): Promise<TreeSizeResult[]> {
  const results: TreeSizeResult[] = [];
  for (const target of [...opts.sizes].sort((a, b) => a - b)) {
    const fill = await fillTo(opts.databaseUrl, opts.signingKey, target, opts.fillProcesses);
    // A bulk fill leaves autovacuum and statistics work that would otherwise run during the
    // measurements; a log that grew to this size over time would not have it pending.
    log(`tree ${target}: VACUUM ANALYZE after the fill`);
    await query(opts.databaseUrl, 'VACUUM (ANALYZE)');
    const server = await ChildServer.glasslog(opts.databaseUrl, opts.signingKey);
    try {
      const size = (await logCounts(opts.databaseUrl)).treeSize;
      const phase = { baseUrl: server.url, concurrency: TREE_CLIENTS, warmupSeconds: opts.warmupSeconds, seconds: opts.seconds };
      server.startSampling();
      log(`tree ${size}: inclusion proofs`);
      const inclusion = await closedLoop({
        ...phase,
        expectStatus: 200,
        next: () => ({ method: 'GET', path: `/api/v1/log/entries?logIndex=${randomInt(size)}` }),
      });
      log(`tree ${size}: consistency proofs`);
      const consistency = await closedLoop({
        ...phase,
        expectStatus: 200,
        next: () => ({ method: 'GET', path: `/api/v1/log/proof?firstSize=${1 + randomInt(size)}&lastSize=${size}` }),
      });
      log(`tree ${size}: submissions`);
      opts.supply.ensure(Math.ceil(opts.submitCeiling * (opts.warmupSeconds + opts.seconds) * 1.3) + TREE_CLIENTS);
      const submit = await closedLoop({ ...phase, expectStatus: 201, next: opts.supply.submissions });
      const peakRssMb = server.stopSampling();
      const hwmMb = server.memory().hwmMb;
      log(
        `tree ${size}: inclusion ${round(inclusion.perSecond)}/s, consistency ${round(consistency.perSecond)}/s, ` +
          `submit p50 ${round(submit.p50Ms)} ms p99 ${round(submit.p99Ms)} ms (${round(submit.perSecond)}/s), peak RSS ${round(peakRssMb)} MB`,
      );
      results.push({ targetSize: target, treeSize: size, fill, inclusion, consistency, submit, peakRssMb, hwmMb });
    } finally {
      await server.stop();
    }
  }
  return results;
}
