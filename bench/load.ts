/**
 * Load generators. Closed loop: N workers, each sends its next request as soon as the last
 * one is answered (throughput at a given concurrency). Open loop: requests are *scheduled*
 * at a fixed rate whatever the server does, and latency is counted from the scheduled time
 * (no coordinated omission). Only requests in the measured window count, after a warm-up.
 */
import { HttpClient } from './http';
import { percentile, sleep, sortedCopy } from './stats';

export interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
}

/** Next request, or undefined when the pre-generated supply is used up. */
export type RequestSource = () => Request | undefined;

export interface LoadResult {
  /** Requests answered with the expected status inside the measured window, per second. */
  perSecond: number;
  ok: number;
  errors: number;
  /** Unexpected statuses and transport errors, by kind. */
  failures: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The supply of pre-generated requests ran out before the end (figures then undercount). */
  exhausted: boolean;
}

function summarize(latencies: number[], ok: number, errors: number, failures: Record<string, number>, seconds: number, exhausted: boolean): LoadResult {
  const s = sortedCopy(latencies);
  return {
    perSecond: ok / seconds,
    ok,
    errors,
    failures,
    p50Ms: percentile(s, 50),
    p99Ms: percentile(s, 99),
    maxMs: s.length ? s[s.length - 1] : NaN,
    exhausted,
  };
}

export interface ClosedLoopOptions {
  baseUrl: string;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
  expectStatus: number;
  next: RequestSource;
}

export async function closedLoop(o: ClosedLoopOptions): Promise<LoadResult> {
  const client = new HttpClient(o.baseUrl, o.concurrency);
  const t0 = performance.now();
  const measureFrom = t0 + o.warmupSeconds * 1000;
  const measureTo = measureFrom + o.seconds * 1000;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let exhausted = false;
  const worker = async () => {
    while (performance.now() < measureTo) {
      const r = o.next();
      if (!r) {
        exhausted = true;
        return;
      }
      const start = performance.now();
      let status: number | string;
      try {
        status = await client.request(r.method, r.path, r.body);
      } catch (err) {
        status = (err as NodeJS.ErrnoException).code ?? 'error';
      }
      const end = performance.now();
      if (end < measureFrom || end > measureTo) continue;
      if (status === o.expectStatus) {
        ok++;
        latencies.push(end - start);
      } else {
        errors++;
        failures[String(status)] = (failures[String(status)] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  client.close();
  return summarize(latencies, ok, errors, failures, o.seconds, exhausted);
}

export interface OpenLoopOptions {
  baseUrl: string;
  /** Requests scheduled per second. */
  rate: number;
  /** Most requests on the wire at once; later ones wait client-side (and that wait counts). */
  maxInFlight: number;
  warmupSeconds: number;
  seconds: number;
  /** How long to wait after the schedule ends for answers before giving up on the rest. */
  drainSeconds: number;
  expectStatus: number;
  next: RequestSource;
}

export interface OpenLoopResult extends LoadResult {
  targetPerSecond: number;
  /** Measured requests still unanswered when the drain time ran out. */
  unfinished: number;
  /** True when unanswered requests were counted at their age so far: p99 is then a lower bound. */
  p99IsLowerBound: boolean;
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const client = new HttpClient(o.baseUrl, o.maxInFlight);
  const total = Math.round(o.rate * (o.warmupSeconds + o.seconds));
  const warmupCount = Math.round(o.rate * o.warmupSeconds);
  const t0 = performance.now();
  const measureTo = t0 + (o.warmupSeconds + o.seconds) * 1000;
  const scheduledAt = (i: number) => t0 + (i * 1000) / o.rate;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let answeredInWindow = 0;
  let inFlight = 0;
  let measuredPending = 0;
  let exhausted = false;
  const outstanding = new Set<number>();

  const send = (i: number, r: Request) => {
    inFlight++;
    const measured = i >= warmupCount;
    if (measured) {
      measuredPending++;
      outstanding.add(i);
    }
    const done = (status: number | string) => {
      inFlight--;
      const end = performance.now();
      if (end >= t0 + o.warmupSeconds * 1000 && end <= measureTo && status === o.expectStatus) answeredInWindow++;
      if (!measured || !outstanding.delete(i)) return;
      measuredPending--;
      if (status === o.expectStatus) {
        ok++;
        latencies.push(end - scheduledAt(i));
      } else {
        errors++;
        failures[String(status)] = (failures[String(status)] ?? 0) + 1;
      }
    };
    client.request(r.method, r.path, r.body).then(done, (err: NodeJS.ErrnoException) => done(err.code ?? 'error'));
  };

  let next = 0;
  // Dispatch stops with the schedule: whatever could not be sent by then counts as unfinished.
  while (next < total && performance.now() <= measureTo) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * o.rate) / 1000) + 1);
    while (next < due && inFlight < o.maxInFlight) {
      const r = o.next();
      if (!r) {
        exhausted = true;
        break;
      }
      send(next++, r);
    }
    if (exhausted) break;
    await sleep(1);
  }
  const drainUntil = performance.now() + o.drainSeconds * 1000;
  while (measuredPending > 0 && performance.now() < drainUntil) await sleep(10);
  // Requests never sent (client-side queue) or never answered count at their age now.
  const gaveUpAt = performance.now();
  let unfinished = 0;
  for (let i = Math.max(warmupCount, 0); i < total; i++) {
    if (i < next && !outstanding.has(i)) continue;
    unfinished++;
    latencies.push(gaveUpAt - scheduledAt(i));
  }
  client.close();
  const result = summarize(latencies, ok, errors, failures, o.seconds, exhausted);
  return {
    ...result,
    perSecond: answeredInWindow / o.seconds,
    targetPerSecond: o.rate,
    unfinished,
    p99IsLowerBound: unfinished > 0,
  };
}
