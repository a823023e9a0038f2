/** CPU used during a phase by the server under test, PostgreSQL and this load generator. */
import { postgresCpuSeconds, type ChildServer } from './server';

export interface CpuUsage {
  /** Percent of one core over the phase's wall time. */
  serverPct: number;
  postgresPct: number;
  loadGeneratorPct: number;
}

export async function withCpuUsage<T>(server: ChildServer | undefined, fn: () => Promise<T>): Promise<{ result: T; cpu: CpuUsage }> {
  const wall0 = performance.now();
  const s0 = server?.cpuSeconds() ?? 0;
  const p0 = postgresCpuSeconds();
  const g0 = process.cpuUsage();
  const result = await fn();
  const wall = (performance.now() - wall0) / 1000;
  const g = process.cpuUsage(g0);
  const pct = (seconds: number) => Math.round((100 * seconds) / wall);
  return {
    result,
    cpu: {
      serverPct: pct((server?.cpuSeconds() ?? 0) - s0),
      postgresPct: pct(postgresCpuSeconds() - p0),
      loadGeneratorPct: pct((g.user + g.system) / 1e6),
    },
  };
}
