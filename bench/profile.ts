/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the server's CPU time went,
 * by function (self time) and by glasslog function (inclusive time).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface ProfileSummary {
  file: string;
  totalSeconds: number;
  /** [percent, function] by self time. */
  self: [number, string][];
  /** [percent, function] by inclusive time, for functions in glasslog's own code. */
  inclusive: [number, string][];
}

function label(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '');
  return `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const time = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    time.set(id, (time.get(id) ?? 0) + p.timeDeltas[i]);
    total += p.timeDeltas[i];
  });
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of time) {
    const n = byId.get(id)!;
    self.set(label(n), (self.get(label(n)) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      const l = label(node);
      if (!node.callFrame.url.includes('/dist/') || seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + t);
    }
  }
  const ranked = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, t]) => [Math.round((1000 * t) / total) / 10, k] as [number, string]);
  return { file, totalSeconds: total / 1e6, self: ranked(self), inclusive: ranked(inclusive) };
}
