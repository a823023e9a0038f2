/** Calling a test server over HTTP and checking its answers as a Rekor client would. */
import { hashLeaf, verifyInclusion } from '../../src/merkle';
import { parseCheckpointBody, rekorKeyHint, verifyNote } from '../../src/note';
import { verifyEntryTimestamp } from '../../src/crypto';
import type { TestServer } from './server';

export interface Answer {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(srv: TestServer, method: string, path: string, body?: unknown, raw?: string): Promise<Answer> {
  const res = await fetch(srv.url + path, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export function expectRekorError(a: Answer, status: number): void {
  expect(a.status).toBe(status);
  expect(a.headers.get('content-type')).toMatch(/^application\/json/);
  expect(a.json).toEqual({ code: status, message: expect.any(String) });
  expect(a.json.message.length).toBeGreaterThan(0);
}

/** Checks a LogEntry the way an offline verifier would: SET, inclusion proof, checkpoint. */
export function checkLogEntry(srv: TestServer, entryJson: Record<string, any>, proposedBody?: Buffer) {
  const [uuid] = Object.keys(entryJson);
  expect(Object.keys(entryJson)).toHaveLength(1);
  const e = entryJson[uuid];
  const body = Buffer.from(e.body, 'base64');
  if (proposedBody) expect(body.equals(proposedBody)).toBe(true);
  const leafHash = hashLeaf(body);
  expect(uuid).toMatch(/^[0-9a-f]{80}$/);
  expect(uuid.slice(16)).toBe(Buffer.from(leafHash).toString('hex'));
  expect(BigInt('0x' + uuid.slice(0, 16)).toString()).toBe(srv.log.treeId);
  const signer = srv.log.signer;
  expect(e.logID).toBe(signer.logId.toString('hex'));
  expect(
    verifyEntryTimestamp(
      signer.publicKeyDer,
      { body: e.body, integratedTime: e.integratedTime, logID: e.logID, logIndex: e.logIndex },
      Buffer.from(e.verification.signedEntryTimestamp, 'base64'),
    ),
  ).toBe(true);
  const p = e.verification.inclusionProof;
  const root = Buffer.from(p.rootHash, 'hex');
  verifyInclusion(leafHash, p.logIndex, p.treeSize, p.hashes.map((h: string) => Buffer.from(h, 'hex')), root);
  verifyNote(p.checkpoint, '127.0.0.1', rekorKeyHint(signer.logId), signer.publicKeyDer);
  const cp = parseCheckpointBody(p.checkpoint.slice(0, p.checkpoint.indexOf('\n\n') + 1));
  expect(cp.origin).toBe(`127.0.0.1 - ${srv.log.treeId}`);
  expect(cp.treeSize).toBe(p.treeSize);
  expect(Buffer.from(cp.rootHash).equals(root)).toBe(true);
  return { uuid, e };
}

