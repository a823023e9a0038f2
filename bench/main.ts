/**
 * `make bench`: the log's throughput and latency against floors measured in the same run,
 * how cost grows with the tree, and the server's memory. See BENCHMARKS.md.
 *
 * Environment: DATABASE_URL (a PostgreSQL server; a fresh database is created and dropped),
 * BENCH_QUICK=1 (smoke run), BENCH_SECONDS, BENCH_WARMUP, BENCH_FLOOR_SECONDS,
 * BENCH_TREE_SECONDS, BENCH_TREE_WARMUP, BENCH_CONCURRENCY, BENCH_TREE_SIZES, BENCH_MAX_TREE,
 * BENCH_FILL_PROCESSES, BENCH_PROFILE=1 (server under --cpu-prof during the load phases).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killAll } from './children';
import { CLI, OUT_DIR, loadConfig } from './config';
import { createDatabase, dropDatabase } from './db';
import { EntryFactory } from './entries';
import { cryptoFloor, httpFloor, setPayloadBytes, storageFloor, validationDiagnostic } from './floors';
import { describeMachine } from './machine';
import { summarizeProfile } from './profile';
import { judge, render, writeResults, type Results } from './report';
import { ChildServer } from './server';
import { log, round } from './stats';
import { openLoopPhase, submitLevels } from './submit-load';
import { Supply } from './supply';
import { treeGrowth } from './tree-growth';

async function main(): Promise<void> {
  const config = loadConfig();
  const startedAt = new Date().toISOString();
  const run = `glasslog_bench_${Date.now()}_${process.pid}`;
  const loadDb = `${run}_load`;
  const treeDb = `${run}_tree`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-bench-'));
  const signingKey = path.join(tmp, 'log-key.pem');
  const created: string[] = [];
  const cleanup = async () => {
    killAll();
    for (const db of created) await dropDatabase(config.databaseUrl, db).catch((e: Error) => log(`could not drop ${db}: ${e.message}`));
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

  try {
    execFileSync(process.execPath, [CLI, 'keygen', `--out=${signingKey}`], { stdio: 'ignore' });
    const machine = await describeMachine(config.databaseUrl);
    log(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, PostgreSQL ${machine.postgres.server_version}`);
    const loadUrl = await createDatabase(config.databaseUrl, loadDb);
    created.push(loadDb);

    // Floors. The HTTP floor reuses one set of bodies (it stores nothing); the log never sees them.
    const floorBodies = new EntryFactory().many(1024);
    const bodyBytes = Math.round(floorBodies.reduce((a, b) => a + b.length, 0) / floorBodies.length);
    log(`crypto floor (${config.floorSeconds} s)`);
    const crypto = cryptoFloor(config.floorSeconds, setPayloadBytes(bodyBytes));
    log(`crypto floor: ${round(crypto.verifyPlusSignPerSecond)} verify+sign/s; glasslog validation (${config.floorSeconds} s)`);
    const validation = await validationDiagnostic(config.floorSeconds, floorBodies);
    log(`glasslog validation: ${round(validation.canonicalizePerSecond)} entries/s; storage floor (2 x ${config.floorSeconds} s)`);
    const storage = await storageFloor(loadUrl, config.floorSeconds, bodyBytes);
    log(`storage floor: ${round(storage.batchedRowsPerSecond)} rows/s batched, ${round(storage.singleRowCommitsPerSecond)} single-row commits/s; HTTP floor`);
    const http = await httpFloor({ concurrency: config.concurrency, warmupSeconds: config.warmupSeconds, seconds: config.seconds, bodies: floorBodies });
    for (const h of http) log(`HTTP floor, ${h.concurrency} client(s): ${round(h.load.perSecond)} req/s, p99 ${round(h.load.p99Ms, 2)} ms`);
    const httpAt = (c: number) => http.find((h) => h.concurrency === c)?.load.perSecond ?? Math.max(...http.map((h) => h.load.perSecond));

    // The log under load.
    const supply = new Supply();
    const profileDir = path.join(OUT_DIR, 'profiles');
    if (config.profile) fs.rmSync(profileDir, { recursive: true, force: true });
    const server = await ChildServer.glasslog(loadUrl, signingKey, config.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    let levels, openLoops, serverHwmMb;
    try {
      levels = await submitLevels({ server, databaseUrl: loadUrl, supply, concurrency: config.concurrency, warmupSeconds: config.warmupSeconds, seconds: config.seconds, ceilingPerSecond: httpAt });
      const phase = { server, databaseUrl: loadUrl, supply, warmupSeconds: config.warmupSeconds, seconds: config.seconds };
      const top = levels.find((l) => l.concurrency === 64) ?? levels[levels.length - 1];
      openLoops = [
        await openLoopPhase({ ...phase, label: `half the log's own ${top.concurrency}-submitter rate`, rate: top.load.perSecond / 2 }),
        await openLoopPhase({ ...phase, label: 'half the HTTP floor', rate: httpAt(64) / 2 }),
      ];
      serverHwmMb = server.memory().hwmMb;
    } finally {
      await server.stop();
    }
    let profile;
    if (config.profile) {
      const file = fs.readdirSync(profileDir).find((n) => n.endsWith('.cpuprofile'));
      if (file) profile = summarizeProfile(path.join(profileDir, file));
    }

    // Cost against tree size, on a second fresh database.
    const treeUrl = await createDatabase(config.databaseUrl, treeDb);
    created.push(treeDb);
    const tree = await treeGrowth({
      databaseUrl: treeUrl,
      signingKey,
      sizes: config.treeSizes,
      fillProcesses: config.fillProcesses,
      warmupSeconds: config.treeWarmupSeconds,
      seconds: config.treeSeconds,
      supply,
      submitCeiling: httpAt(16),
    });

    const partial = {
      command: `make bench${config.quick ? ' (BENCH_QUICK=1)' : ''}`,
      startedAt,
      config,
      machine,
      floors: { http, storage, crypto, validation },
      log: { levels, openLoops, serverHwmMb },
      tree,
      profile,
    };
    const results: Results = { ...partial, finishedAt: new Date().toISOString(), targets: judge(partial) };
    const file = writeResults(OUT_DIR, results);
    process.stdout.write('\n' + render(results) + '\n\nresults: ' + file + '\n');
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
