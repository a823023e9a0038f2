/**
 * Benchmark settings, from the environment. BENCH_QUICK=1 is a smoke run (short phases,
 * small trees); every duration and size can be set on its own.
 */
import path from 'node:path';

/** The repository root: dist-bench/bench/ is two levels below it. */
export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
export const OUT_DIR = path.join(ROOT, 'dist-bench');

function num(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

function list(name: string, fallback: number[]): number[] {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  return v.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a comma list of positive integers, got ${JSON.stringify(v)}`);
    return n;
  });
}

export interface BenchConfig {
  quick: boolean;
  /** Server of the fresh per-run databases (any database on it; we create and drop our own). */
  databaseUrl: string;
  /** Measured seconds per load level, after `warmupSeconds`. */
  seconds: number;
  warmupSeconds: number;
  /** Seconds per in-process floor (storage, crypto). */
  floorSeconds: number;
  /** Measured seconds per request type at each tree size. */
  treeSeconds: number;
  /**
   * Warm-up before each request type at each tree size. Each size starts a fresh server,
   * whose tile cache is cold; the warm-up lets the figures show the steady-state cost per
   * proof (logarithmic work) rather than how fast a cold cache fills.
   */
  treeWarmupSeconds: number;
  concurrency: number[];
  treeSizes: number[];
  /** Concurrent `glasslog dev-fill` processes while growing the tree. */
  fillProcesses: number;
  /** Start the server under test with --cpu-prof during the load phases (distorts figures). */
  profile: boolean;
}

export function loadConfig(): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1';
  const maxTree = num('BENCH_MAX_TREE', quick ? 10_000 : 1_000_000);
  const treeSizes = list('BENCH_TREE_SIZES', quick ? [1_000, 10_000] : [1_000, 100_000, 1_000_000]).filter((s) => s <= maxTree);
  return {
    quick,
    databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    seconds: num('BENCH_SECONDS', quick ? 3 : 10),
    warmupSeconds: num('BENCH_WARMUP', quick ? 1 : 2),
    floorSeconds: num('BENCH_FLOOR_SECONDS', quick ? 2 : 5),
    treeSeconds: num('BENCH_TREE_SECONDS', quick ? 2 : 5),
    treeWarmupSeconds: num('BENCH_TREE_WARMUP', quick ? 1 : 5),
    concurrency: list('BENCH_CONCURRENCY', [1, 16, 64]),
    treeSizes,
    fillProcesses: num('BENCH_FILL_PROCESSES', 2),
    profile: process.env.BENCH_PROFILE === '1',
  };
}
