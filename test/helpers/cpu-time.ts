/**
 * CPU time this process spent running `work`, in milliseconds (user + system, every thread).
 *
 * The limit tests use it to tell "bounded work" from a bomb or a quadratic scan. CPU time,
 * not wall time: other jest workers, PostgreSQL and a busy VM share the two cores and can
 * stretch the wall clock several times over, but do not add to this process's CPU time.
 */
export async function cpuMillis<T>(work: () => T | Promise<T>): Promise<{ result: T; ms: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, ms: (used.user + used.system) / 1000 };
}
