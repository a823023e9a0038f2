/**
 * The log's Prometheus metrics (prom-client), served at GET /metrics: HTTP requests by
 * route and status with latency, entries appended by kind, batch sizes and commit times,
 * the tree size, the age of the newest checkpoint, the database pool, and Node's process
 * metrics. One registry per server, so several servers in one process (tests) keep apart.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchObserver } from '../log/sequencer';

export interface PoolState {
  used: number;
  free: number;
  pending: number;
}

export interface Metrics {
  readonly registry: Registry;
  /** One finished HTTP request; `route` is the route pattern, never the raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** Feeds batch, kind and tree-size figures from the sequencer. */
  readonly batches: BatchObserver;
  /** The head at start, before the first batch of this process. */
  setHead(treeSize: number, checkpointTime: Date | undefined): void;
}

export function createMetrics(opts: { pool?: () => PoolState | undefined } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'glasslog_' });

  const requests = new Counter({
    name: 'glasslog_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'glasslog_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const appended = new Counter({
    name: 'glasslog_entries_appended_total',
    help: 'Entries appended to the log by this process, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'glasslog_batch_entries',
    help: 'New entries per committed sequencer batch (one transaction each).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'glasslog_batch_commit_seconds',
    help: 'Time to sequence and commit one batch, from taking it to COMMIT.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  let treeSize = 0;
  let checkpointAt: number | undefined;
  new Gauge({
    name: 'glasslog_tree_size',
    help: 'Entries in the active tree, as of the newest checkpoint this process knows.',
    registers: [registry],
    collect() {
      this.set(treeSize);
    },
  });
  new Gauge({
    name: 'glasslog_checkpoint_age_seconds',
    help: 'Seconds since the newest checkpoint this process knows was signed.',
    registers: [registry],
    collect() {
      if (checkpointAt !== undefined) this.set((Date.now() - checkpointAt) / 1000);
    },
  });
  new Gauge({
    name: 'glasslog_db_pool_connections',
    help: 'Database pool connections by state (used, free, pending acquisitions); absent for the embedded database.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const p = opts.pool?.();
      if (!p) return;
      this.set({ state: 'used' }, p.used);
      this.set({ state: 'free' }, p.free);
      this.set({ state: 'pending' }, p.pending);
    },
  });

  return {
    registry,
    httpRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    batches: {
      batchCommitted(info) {
        batchSize.observe(info.size);
        commitSeconds.observe(info.seconds);
        for (const [kind, n] of Object.entries(info.kinds)) appended.inc({ kind }, n);
        treeSize = info.treeSize;
        if (info.size > 0) checkpointAt = Date.now();
      },
    },
    setHead(size, time) {
      treeSize = size;
      checkpointAt = time?.getTime();
    },
  };
}
