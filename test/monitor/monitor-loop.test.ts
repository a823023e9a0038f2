/**
 * The monitor's round and loop in-process, with an injected clock and sleep: progress lines
 * while catching up on a backlog, rounds that follow the log, and a stop between rounds.
 */
import { createHash, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { RekorClient } from '../../src/client/rekor-client';
import { parseMonitorConfig } from '../../src/monitor/config';
import type { Finding } from '../../src/monitor/findings';
import { checkNewCheckpoint, runMonitor, type MonitorOptions } from '../../src/monitor/monitor';
import { call } from '../helpers/api';
import { backends } from '../helpers/backends';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';
import { startTestServer, type TestServer } from '../helpers/server';

/** A pino logger whose JSON lines land in `lines`. */
function capturedLogger(lines: { msg: string; [k: string]: unknown }[]) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

const spkiFingerprint = (pem: string) => createHash('sha256').update(createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex');

async function submitMany(srv: TestServer, proposed: unknown[]): Promise<void> {
  const answers = await Promise.all(proposed.map((p) => call(srv, 'POST', '/api/v1/log/entries', p)));
  expect(answers.map((a) => a.status)).toEqual(proposed.map(() => 201));
}

describe.each(backends().map((b) => [b.name, b] as const))('the monitor loop (%s)', (_name, backend) => {
  let srv: TestServer;
  let dir: string;
  let opts: MonitorOptions;
  let lines: { msg: string; [k: string]: unknown }[];
  let reported: Finding[];
  const watched = newEcdsaKey();

  beforeAll(async () => {
    srv = await startTestServer(backend);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-monitor-loop-'));
  });
  afterAll(async () => {
    await srv?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines = [];
    reported = [];
    let clock = 0;
    opts = {
      client: new RekorClient(srv.url),
      logKey: async () => srv.log.signer.publicKeyDer,
      stateFile: path.join(dir, 'state.json'),
      config: parseMonitorConfig(`monitoredValues:\n  fingerprints: [${spkiFingerprint(watched.publicKeyPem)}]\n`, 'watch.yaml'),
      logger: capturedLogger(lines),
      report: (f) => reported.push(...f),
      // Every reading of the clock is one second later: a progress line every third entry.
      now: () => (clock += 1000),
      progressEveryMs: 3000,
    };
  });

  it('logs its progress while catching up on a backlog, then the round’s summary', async () => {
    expect((await checkNewCheckpoint(opts)).head.treeSize).toBe(0);
    await submitMany(srv, Array.from({ length: 25 }, () => hashedRekord().proposed));
    const round = await checkNewCheckpoint(opts);
    expect(round).toMatchObject({ checked: 25, findings: 0, previous: { treeSize: 0 }, head: { treeSize: 25 } });
    const progress = lines.filter((l) => /entries checked$/.test(l.msg));
    expect(progress.map((l) => l.msg)).toEqual([3, 6, 9, 12, 15, 18, 21, 24].map((n) => `monitor: ${n}/25 entries checked`));
    expect(progress[0]).toMatchObject({ checked: 3, total: 25 });
    expect(lines[lines.length - 1]!.msg).toBe('monitor: size 0 → 25 consistent, 25 entries verified, 0 findings');
  });

  it('polls round after round with the injected sleep, reporting what each round finds, until stopped', async () => {
    const stop = new AbortController();
    let sleeps = 0;
    await runMonitor({
      ...opts,
      intervalMs: 60_000,
      once: false,
      signal: stop.signal,
      sleep: async (ms) => {
        expect(ms).toBe(60_000);
        sleeps++;
        if (sleeps === 1) await submitMany(srv, [hashedRekord(watched).proposed, hashedRekord().proposed]);
        if (sleeps === 2) stop.abort();
      },
    });
    expect(sleeps).toBe(2);
    expect(reported.map((f) => [f.logIndex, f.matches.map((m) => m.watched)])).toEqual([[25, ['fingerprints[0]']]]);
    expect(lines.map((l) => l.msg)).toEqual(['monitor: no new entries (size 25)', 'monitor: size 25 → 27 consistent, 2 entries verified, 1 finding', 'monitor: stopped']);
  });
});
