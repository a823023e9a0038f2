/**
 * An auditor's view of a running log, used by the crash and multi-process tests: collect
 * acknowledged entries, then re-derive the whole tree from the served entries and prove
 * every checkpoint seen earlier consistent with the current one.
 */
import { hashLeaf, rootFromLeafHashes, verifyConsistency } from '../../src/merkle';
import { parseCheckpointBody } from '../../src/note';

export interface Ack {
  uuid: string;
  logIndex: number;
  body: string;
  checkpoint: string;
}

export function checkpointHead(note: string): { treeSize: number; rootHash: Uint8Array } {
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  const c = parseCheckpointBody(body);
  return { treeSize: c.treeSize, rootHash: c.rootHash };
}

export async function submit(url: string, proposed: unknown): Promise<Ack | undefined> {
  const res = await fetch(`${url}/api/v1/log/entries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(proposed),
  });
  if (res.status !== 201) {
    await res.arrayBuffer();
    return undefined;
  }
  const json = (await res.json()) as Record<string, { logIndex: number; body: string; verification: { inclusionProof: { checkpoint: string } } }>;
  const [uuid] = Object.keys(json);
  const e = json[uuid];
  return { uuid, logIndex: e.logIndex, body: e.body, checkpoint: e.verification.inclusionProof.checkpoint };
}

/** Every served entry, in index order, fetched ten at a time. */
export async function allEntries(url: string, treeSize: number): Promise<{ uuid: string; body: string; logIndex: number }[]> {
  const out: { uuid: string; body: string; logIndex: number }[] = [];
  for (let i = 0; i < treeSize; i += 10) {
    const logIndexes = Array.from({ length: Math.min(10, treeSize - i) }, (_, k) => i + k);
    const res = await fetch(`${url}/api/v1/log/entries/retrieve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logIndexes }),
    });
    if (res.status !== 200) throw new Error(`retrieve answered ${res.status}`);
    for (const x of (await res.json()) as Record<string, { body: string; logIndex: number }>[]) {
      const [uuid] = Object.keys(x);
      out.push({ uuid, body: x[uuid].body, logIndex: x[uuid].logIndex });
    }
  }
  return out;
}

export async function logInfo(url: string): Promise<{ treeSize: number; rootHash: string; signedTreeHead: string }> {
  const res = await fetch(`${url}/api/v1/log`);
  if (res.status !== 200) throw new Error(`GET /api/v1/log answered ${res.status}`);
  return (await res.json()) as { treeSize: number; rootHash: string; signedTreeHead: string };
}

/**
 * The audit: every acknowledged entry is served at its index with the same body; indexes
 * 0..size-1 are all present exactly once and hash to the current root; each earlier
 * checkpoint is consistent with the current one.
 */
export async function audit(url: string, acks: Ack[]): Promise<{ treeSize: number }> {
  const info = await logInfo(url);
  const entries = await allEntries(url, info.treeSize);
  if (entries.length !== info.treeSize) throw new Error(`served ${entries.length} entries for tree size ${info.treeSize}`);
  entries.forEach((e, i) => {
    if (e.logIndex !== i) throw new Error(`entry ${i} is served with logIndex ${e.logIndex}`);
  });
  const uuids = new Set(entries.map((e) => e.uuid));
  if (uuids.size !== entries.length) throw new Error('an entry appears at two indexes');
  for (const a of acks) {
    const served = entries[a.logIndex];
    if (!served) throw new Error(`acknowledged entry ${a.uuid} at index ${a.logIndex} is lost`);
    if (served.uuid !== a.uuid || served.body !== a.body) throw new Error(`index ${a.logIndex} was reused`);
  }
  const root = rootFromLeafHashes(entries.map((e) => hashLeaf(Buffer.from(e.body, 'base64'))));
  if (Buffer.from(root).toString('hex') !== info.rootHash) throw new Error('served entries do not hash to the checkpoint root');

  const seen = new Map<number, Uint8Array>();
  for (const a of acks) {
    const h = checkpointHead(a.checkpoint);
    seen.set(h.treeSize, h.rootHash);
  }
  for (const [size, rootHash] of seen) {
    const res = await fetch(`${url}/api/v1/log/proof?firstSize=${size}&lastSize=${info.treeSize}`);
    const p = (await res.json()) as { hashes: string[]; rootHash: string };
    verifyConsistency(size, info.treeSize, p.hashes.map((x) => Buffer.from(x, 'hex')), rootHash, Buffer.from(info.rootHash, 'hex'));
  }
  return { treeSize: info.treeSize };
}
