/** The verdicts on the targets, the printed table, and dist-bench/results.json. */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchConfig } from './config';
import type { CryptoFloor, HttpFloorLevel, StorageFloor, ValidationDiagnostic } from './floors';
import type { Machine } from './machine';
import type { ProfileSummary } from './profile';
import { round } from './stats';
import type { OpenLoopPhase, SubmitLevel } from './submit-load';
import type { TreeSizeResult } from './tree-growth';

export interface Results {
  command: string;
  startedAt: string;
  finishedAt: string;
  config: BenchConfig;
  machine: Machine;
  floors: { http: HttpFloorLevel[]; storage: StorageFloor; crypto: CryptoFloor; validation: ValidationDiagnostic };
  log: { levels: SubmitLevel[]; openLoops: OpenLoopPhase[]; serverHwmMb: number };
  tree: TreeSizeResult[];
  profile?: ProfileSummary;
  targets: Target[];
}

export interface Target {
  name: string;
  /** null: not measured in this run (e.g. a level or size was left out). */
  met: boolean | null;
  detail: string;
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? String(round(n, d)) : '-');
const pct = (a: number, b: number) => (b > 0 ? `${f((100 * a) / b)}%` : '-');

/** Largest over smallest of positive values (1 = flat). */
function spread(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  return v.length < 2 ? NaN : Math.max(...v) / Math.min(...v);
}

export function judge(r: Omit<Results, 'targets' | 'finishedAt'>): Target[] {
  const targets: Target[] = [];
  const at = <T extends { concurrency: number }>(xs: T[], c: number) => xs.find((x) => x.concurrency === c);
  const log64 = at(r.log.levels, 64);
  const http64 = at(r.floors.http, 64);
  if (log64 && http64) {
    const ratio = log64.load.perSecond / http64.load.perSecond;
    targets.push({
      name: '64 submitters sustain >= 50% of the HTTP floor',
      met: ratio >= 0.5,
      detail: `${f(log64.load.perSecond)} entries/s = ${pct(log64.load.perSecond, http64.load.perSecond)} of ${f(http64.load.perSecond)} req/s`,
    });
  } else targets.push({ name: '64 submitters sustain >= 50% of the HTTP floor', met: null, detail: 'not measured' });

  const half = r.log.openLoops.find((o) => o.label === 'half the HTTP floor');
  if (half) {
    const kept = half.load.perSecond >= 0.95 * half.load.targetPerSecond && half.load.unfinished === 0;
    targets.push({
      name: 'p99 < 250 ms at half the HTTP floor rate (open loop)',
      met: kept && half.load.p99Ms < 250,
      detail:
        `${f(half.load.targetPerSecond)} submissions/s offered, ${f(half.load.perSecond)}/s answered, ` +
        `p99 ${half.load.p99IsLowerBound ? '>= ' : ''}${f(half.load.p99Ms)} ms` +
        (half.load.unfinished ? ` (${half.load.unfinished} of the measured requests unanswered after the 5 s drain)` : ''),
    });
  } else targets.push({ name: 'p99 < 250 ms at half the HTTP floor rate (open loop)', met: null, detail: 'not measured' });

  const batched = r.log.levels.filter((l) => l.concurrency > 1);
  if (batched.length) {
    targets.push({
      name: 'one commit per batch, never one per entry',
      met: batched.every((l) => l.batching.commits < l.batching.entries),
      detail: r.log.levels.map((l) => `${l.concurrency} submitters: ${l.batching.entries} entries in ${l.batching.commits} commits (${f(l.batching.entriesPerCommit)}/commit)`).join('; '),
    });
  }

  if (log64) {
    targets.push({ name: 'peak RSS < 300 MB during the 64-submitter run', met: log64.peakRssMb < 300, detail: `${f(log64.peakRssMb)} MB` });
  }

  if (r.tree.length >= 2) {
    const metrics: [string, number[]][] = [
      ['inclusion proofs/s', r.tree.map((t) => t.inclusion.perSecond)],
      ['consistency proofs/s', r.tree.map((t) => t.consistency.perSecond)],
      ['submit p50', r.tree.map((t) => t.submit.p50Ms)],
      ['submit p99', r.tree.map((t) => t.submit.p99Ms)],
    ];
    const spreads = metrics.map(([name, v]) => [name, spread(v)] as const);
    targets.push({
      name: `proof rates and submit latency within 2x across tree sizes ${r.tree.map((t) => t.targetSize).join(', ')}`,
      met: spreads.every(([, s]) => s <= 2),
      detail: spreads.map(([name, s]) => `${name} max/min ${f(s, 2)}x`).join('; '),
    });
    const first = r.tree[0];
    const last = r.tree[r.tree.length - 1];
    targets.push({
      name: 'server RSS does not grow with tree size (largest size <= 1.25x smallest)',
      met: last.peakRssMb <= 1.25 * first.peakRssMb,
      detail: r.tree.map((t) => `${t.targetSize}: ${f(t.peakRssMb)} MB`).join(', '),
    });
  } else targets.push({ name: 'proof rates and submit latency within 2x across tree sizes', met: null, detail: 'fewer than two tree sizes' });
  return targets;
}

function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

export function render(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`glasslog benchmark — ${r.startedAt}${r.config.quick ? ' (BENCH_QUICK: smoke run, not for the record)' : ''}`);
  out.push(`machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; PostgreSQL ${m.postgres.server_version} (fsync=${m.postgres.fsync}, synchronous_commit=${m.postgres.synchronous_commit}); load average at start ${m.loadAverageAtStart.join(' ')}; src/ digest ${m.sourceDigest}`);
  out.push('');
  out.push('FLOORS');
  out.push(table([
    ['HTTP floor (bare Express route)', 'req/s', 'p50 ms', 'p99 ms', 'server CPU%', 'loadgen CPU%'],
    ...r.floors.http.map((h) => [`  ${h.concurrency} client(s)`, f(h.load.perSecond), f(h.load.p50Ms, 2), f(h.load.p99Ms, 2), h.cpu.serverPct, h.cpu.loadGeneratorPct]),
  ]));
  const s = r.floors.storage;
  out.push(`storage floor: ${f(s.batchedRowsPerSecond)} rows/s in batches of ${s.batchRows} (${f(s.batchedCommitsPerSecond)} commits/s); ${f(s.singleRowCommitsPerSecond)} rows/s one row per commit (synchronous_commit=${s.synchronousCommit}, ~${s.rowBytes} B rows)`);
  const c = r.floors.crypto;
  out.push(`crypto floor: ${f(c.verifyPlusSignPerSecond)} verify+sign/s in-process, node:crypto P-256 (verify ${f(c.verifyPerSecond)}/s, sign ${f(c.signPerSecond)}/s)`);
  out.push(`diagnostic: glasslog's own entry validation (canonicalizeProposedEntry) in-process: ${f(r.floors.validation.canonicalizePerSecond)} entries/s`);
  out.push('');
  out.push('LOG (glasslog serve on PostgreSQL), closed loop, distinct hashedrekord entries');
  const httpAt = (cc: number) => r.floors.http.find((h) => h.concurrency === cc)?.load.perSecond ?? NaN;
  out.push(table([
    ['submitters', 'entries/s', 'vs HTTP', 'vs storage', 'vs crypto', 'p50 ms', 'p99 ms', 'entries/commit', 'server CPU%', 'postgres CPU%', 'loadgen CPU%', 'peak RSS MB', 'errors'],
    ...r.log.levels.map((l) => [
      l.concurrency,
      f(l.load.perSecond),
      pct(l.load.perSecond, httpAt(l.concurrency)),
      pct(l.load.perSecond, s.batchedRowsPerSecond),
      pct(l.load.perSecond, c.verifyPlusSignPerSecond),
      f(l.load.p50Ms),
      f(l.load.p99Ms),
      f(l.batching.entriesPerCommit),
      l.cpu.serverPct,
      l.cpu.postgresPct,
      l.cpu.loadGeneratorPct,
      f(l.peakRssMb),
      l.load.errors + (l.load.exhausted ? ' (supply ran out)' : ''),
    ]),
  ]));
  out.push('');
  out.push('LOG, open loop (latency from the scheduled send time)');
  out.push(table([
    ['phase', 'offered/s', 'answered/s', 'p50 ms', 'p99 ms', 'unfinished', 'entries/commit', 'server CPU%', 'peak RSS MB'],
    ...r.log.openLoops.map((o) => [
      o.label,
      f(o.load.targetPerSecond),
      f(o.load.perSecond),
      f(o.load.p50Ms),
      (o.load.p99IsLowerBound ? '>=' : '') + f(o.load.p99Ms),
      o.load.unfinished,
      f(o.batching.entriesPerCommit),
      o.cpu.serverPct,
      f(o.peakRssMb),
    ]),
  ]));
  out.push(`server VmHWM over all log phases: ${f(r.log.serverHwmMb)} MB`);
  if (r.tree.length) {
    out.push('');
    out.push('TREE GROWTH (16 clients each; tree filled with glasslog dev-fill)');
    out.push(table([
      ['tree size', 'fill entries/s', 'fill crashes', 'inclusion/s', 'consistency/s', 'submit/s', 'submit p50 ms', 'submit p99 ms', 'peak RSS MB'],
      ...r.tree.map((t) => [t.treeSize, f(t.fill.perSecond), t.fill.failures.length, f(t.inclusion.perSecond), f(t.consistency.perSecond), f(t.submit.perSecond), f(t.submit.p50Ms), f(t.submit.p99Ms), f(t.peakRssMb)]),
    ]));
  }
  if (r.profile) {
    out.push('');
    out.push(`SERVER CPU PROFILE (${f(r.profile.totalSeconds)} s of samples, ${r.profile.file})`);
    out.push('self time:');
    for (const [p, name] of r.profile.self) out.push(`  ${String(p).padStart(5)}%  ${name}`);
    out.push("inclusive time, glasslog's code:");
    for (const [p, name] of r.profile.inclusive) out.push(`  ${String(p).padStart(5)}%  ${name}`);
  }
  out.push('');
  out.push('TARGETS');
  for (const t of r.targets) out.push(`  [${t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS'}] ${t.name}: ${t.detail}`);
  return out.join('\n');
}

export function writeResults(dir: string, r: Results): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'results.json');
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}
