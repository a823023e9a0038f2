/**
 * The client commands of the built `glasslog` (upload, get, search, verify, loginfo,
 * logproof) against glasslog servers started in this process: what they print, and the
 * exit codes scripts rely on (0 ok, 1 refused or not found, 2 usage, 3 unreachable,
 * 4 verification failed) when the log is honest, lies (a proxy alters its answers), is
 * forked (a second log signing with the same key), or is down.
 */
import { createPublicKey, randomBytes, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashLeaf } from '../../src/merkle';
import { treeIdHex } from '../../src/log/uuid';
import { canonicalizeProposedEntry } from '../../src/types/registry';
import { backends } from '../helpers/backends';
import { createTestCa } from '../helpers/ca';
import { assertCliBuilt, closedPortUrl, expectExit, expectExits, glasslog, type Run } from '../helpers/cli-run';
import { dsseEntry, hashedRekord, inTotoStatement, intotoV002Entry, newEcdsaKey, signEnvelope } from '../helpers/entries';
import { type Rewrite, RewritingProxy } from '../helpers/rewriting-proxy';
import { startTestServer, type TestServer } from '../helpers/server';

interface LogInfo {
  treeSize: number;
  rootHash: string;
  treeID: string;
}

async function logInfo(url: string): Promise<LogInfo> {
  return (await (await fetch(`${url}/api/v1/log`)).json()) as LogInfo;
}

interface Logged {
  uuid: string;
  logIndex: number;
  integratedTime: number;
  body: string;
}

/** POSTs a proposed entry straight to the API (fixtures need not cost a CLI run). */
async function submit(url: string, proposed: unknown): Promise<Logged> {
  const res = await fetch(`${url}/api/v1/log/entries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(proposed),
  });
  if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
  const json = (await res.json()) as Record<string, Omit<Logged, 'uuid'>>;
  const [uuid] = Object.keys(json);
  return { uuid: uuid!, ...json[uuid!]! };
}

/** The UUID the log will give `proposed`, computed here: tree ID + leaf hash of the canonical body. */
async function expectedUuid(url: string, proposed: unknown): Promise<string> {
  const { canonicalBody } = await canonicalizeProposedEntry(proposed);
  return treeIdHex(String((await logInfo(url)).treeID)) + Buffer.from(hashLeaf(canonicalBody)).toString('hex');
}

/** The DER signature inside a fixture's proposed entry (ECDSA signatures differ every time they are made). */
function signatureOf(fixture: ReturnType<typeof hashedRekord>): Buffer {
  return Buffer.from((fixture.proposed.spec as { signature: { content: string } }).signature.content, 'base64');
}

function flipHex(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
}

type EntryValue = { integratedTime: number; verification: { inclusionProof: { hashes: string[] } } };

/** A lie about entries: `change` applied to every LogEntry in a successful entries answer. */
function lieAboutEntries(change: (e: EntryValue) => void): Rewrite {
  return ({ path: p, status, body }) => {
    if (!p.startsWith('/api/v1/log/entries') || status >= 300) return body;
    for (const logEntry of (Array.isArray(body) ? body : [body]) as Record<string, EntryValue>[]) {
      for (const e of Object.values(logEntry)) change(e);
    }
    return body;
  };
}

const alterInclusionProof = lieAboutEntries((e) => {
  const hashes = e.verification.inclusionProof.hashes;
  if (hashes.length === 0) throw new Error('no proof hash to alter: the tree is too small');
  hashes[0] = flipHex(hashes[0]!);
});

/** The SET no longer covers the time shown. */
const alterIntegratedTime = lieAboutEntries((e) => {
  e.integratedTime += 1;
});

/** A different lie: a valid entry, but not the one asked about (the log's answer to `path` replaced by `other`). */
function answerWith(other: unknown, paths: RegExp): Rewrite {
  return ({ path: p, body }) => (paths.test(p) ? other : body);
}

async function logEntryJson(url: string, uuid: string): Promise<unknown> {
  return (await fetch(`${url}/api/v1/log/entries/${uuid}`)).json();
}

const alterConsistencyProof: Rewrite = ({ path: p, status, body }) => {
  const proof = body as { hashes: string[] };
  if (!p.startsWith('/api/v1/log/proof') || status >= 300 || proof.hashes.length === 0) return body;
  return { ...proof, hashes: [flipHex(proof.hashes[0]!), ...proof.hashes.slice(1)] };
};

describe.each(backends().map((b) => [b.name, b] as const))('glasslog client commands on %s', (_name, backend) => {
  let srv: TestServer;
  let proxy: RewritingProxy;
  let dir: string;
  /** Files by role: the log's key, another key, a signer's key, the seeded entries' files. */
  const file = (name: string) => path.join(dir, name);
  let signer: ReturnType<typeof newEcdsaKey>;
  let seeded: Logged;
  let seededDigest: string;
  let certified: Logged;
  let attested: Logged;
  let attestation: Buffer;

  /** The CLI against `srv` (GLASSLOG_URL), with HOME in the test folder so ~/.glasslog is ours. */
  const cli = (args: string[], env: Record<string, string> = {}) => glasslog(args, { GLASSLOG_URL: srv.url, HOME: dir, ...env });
  const pinned = ['--log-public-key', '']; // filled in beforeAll

  beforeAll(async () => {
    assertCliBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-client-'));
    srv = await startTestServer(backend);
    proxy = new RewritingProxy(srv.url);
    await proxy.start();

    const logKeyPem = createPublicKey(fs.readFileSync(srv.keyFile)).export({ type: 'spki', format: 'pem' }).toString();
    fs.writeFileSync(file('log.pub'), logKeyPem);
    fs.writeFileSync(file('other-log.pub'), newEcdsaKey().publicKeyPem);
    pinned[1] = file('log.pub');

    signer = newEcdsaKey();
    fs.writeFileSync(file('signer.pub'), signer.publicKeyPem);
    const seed = hashedRekord(signer);
    seeded = await submit(srv.url, seed.proposed);
    seededDigest = seed.digestHex;
    fs.writeFileSync(file('seeded.bin'), seed.artifact);
    fs.writeFileSync(file('seeded.sig'), signatureOf(seed));
    await submit(srv.url, hashedRekord(signer).proposed);

    const ca = await createTestCa();
    const leaf = await ca.issueLeaf({ email: 'alice@example.com' });
    certified = await submit(srv.url, hashedRekord({ privateKey: leaf.privateKey, publicKeyPem: leaf.pem }).proposed);

    const attester = newEcdsaKey();
    attestation = inTotoStatement();
    attested = await submit(srv.url, intotoV002Entry(signEnvelope(attestation, [{ privateKey: attester.privateKey }]), [attester.publicKeyPem]));
  });

  afterAll(async () => {
    await proxy?.stop();
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('upload', () => {
    it('builds a hashedrekord from a DER signature and a public key, prints its index, UUID and URL, and verifies the answer', async () => {
      const fixture = hashedRekord(signer);
      fs.writeFileSync(file('up.bin'), fixture.artifact);
      fs.writeFileSync(file('up.sig'), signatureOf(fixture));
      const index = (await logInfo(srv.url)).treeSize;
      const uuid = await expectedUuid(srv.url, fixture.proposed);
      const args = ['upload', '--artifact', file('up.bin'), '--signature', file('up.sig'), '--public-key', file('signer.pub'), ...pinned];

      const r = await cli(args);
      expectExit(r, 0);
      const lines = r.out.trimEnd().split('\n');
      expect(lines[0]).toBe(`Created entry at index ${index}, available at: ${srv.url}/api/v1/log/entries/${uuid}`);
      expect(lines[1]).toBe(`UUID: ${uuid}`);
      expect(lines[2]).toMatch(new RegExp(`^Verified: .*inclusion proof and checkpoint \\(tree ${(await logInfo(srv.url)).treeID}, size ${index + 1}\\).*\\(pinned: `));
      expect(lines).toHaveLength(3);

      // The same entry again: rekor-cli's "already exists" with the entry's URL, exit 0.
      const again = await cli(args);
      expectExit(again, 0);
      expect(again.out).toBe(`Entry already exists; available at: ${srv.url}/api/v1/log/entries/${uuid}\n`);
      expect((await logInfo(srv.url)).treeSize).toBe(index + 1);
    });

    it('reads a base64 signature and a certificate as the public key', async () => {
      const ca = await createTestCa();
      const leaf = await ca.issueLeaf({ email: 'bob@example.com' });
      const fixture = hashedRekord({ privateKey: leaf.privateKey, publicKeyPem: leaf.pem });
      fs.writeFileSync(file('cert.bin'), fixture.artifact);
      fs.writeFileSync(file('cert.sig.b64'), signatureOf(fixture).toString('base64') + '\n');
      fs.writeFileSync(file('leaf.pem'), leaf.pem);
      const index = (await logInfo(srv.url)).treeSize;

      const r = await cli(['upload', '--artifact', file('cert.bin'), '--signature', file('cert.sig.b64'), '--public-key', file('leaf.pem'), '--format', 'json', ...pinned]);
      expectExit(r, 0);
      const json = JSON.parse(r.out) as { uuid: string; logIndex: number; verification: { logKeyPinned: boolean } };
      expect(json.uuid).toBe(await expectedUuid(srv.url, fixture.proposed));
      expect(json.logIndex).toBe(index);
      expect(json.verification.logKeyPinned).toBe(true);
    });

    it('sends a prepared entry of another kind with --entry and --type', async () => {
      const key = newEcdsaKey();
      const entry = dsseEntry(signEnvelope(randomBytes(24), [{ privateKey: key.privateKey }]), [key.publicKeyPem]);
      fs.writeFileSync(file('dsse.json'), JSON.stringify(entry));
      const index = (await logInfo(srv.url)).treeSize;
      const uuid = await expectedUuid(srv.url, entry);

      const r = await cli(['upload', '--type', 'dsse', '--entry', file('dsse.json')]);
      expectExit(r, 0);
      expect(r.out.split('\n')[0]).toBe(`Created entry at index ${index}, available at: ${srv.url}/api/v1/log/entries/${uuid}`);
      expect(r.out).toMatch(/\(fetched from the server, not pinned\)/);
    });

    it('exits 1 when the log refuses a bad signature (400), and nothing is stored', async () => {
      fs.writeFileSync(file('other.bin'), randomBytes(40));
      const before = (await logInfo(srv.url)).treeSize;
      const r = await cli(['upload', '--artifact', file('other.bin'), '--signature', file('up.sig'), '--public-key', file('signer.pub'), ...pinned]);
      expectExit(r, 1);
      expect(r.err).toMatch(/^glasslog: the log refused the hashedrekord entry \(400\): .*signature/);
      expect(r.out).toBe('');
      expect((await logInfo(srv.url)).treeSize).toBe(before);
    });

    it('exits 4 when the answer does not verify: another log key, an altered inclusion proof, another entry than sent', async () => {
      const fresh = () => {
        const f = hashedRekord(signer);
        const name = file(`fresh-${f.digestHex.slice(0, 8)}`);
        fs.writeFileSync(`${name}.bin`, f.artifact);
        fs.writeFileSync(`${name}.sig`, signatureOf(f));
        return ['upload', '--artifact', `${name}.bin`, '--signature', `${name}.sig`, '--public-key', file('signer.pub')];
      };
      const wrongKey = await cli([...fresh(), '--log-public-key', file('other-log.pub')]);
      expectExit(wrongKey, 4);
      expect(wrongKey.err).toMatch(/the log accepted the entry \(UUID [0-9a-f]{80}, index \d+\) but its answer does not verify: entry was logged by log/);

      proxy.rewrite = alterInclusionProof;
      try {
        const lied = await cli([...fresh(), ...pinned], { GLASSLOG_URL: proxy.url });
        expectExit(lied, 4);
        expect(lied.err).toMatch(/inclusion proof does not verify/);
        expect(lied.out).toBe('');

        // A valid entry, but another one than was sent: the log did not log ours.
        proxy.rewrite = answerWith(await logEntryJson(srv.url, seeded.uuid), /^\/api\/v1\/log\/entries$/);
        const substituted = await cli([...fresh(), ...pinned], { GLASSLOG_URL: proxy.url });
        expectExit(substituted, 4);
        expect(substituted.err).toMatch(/the logged entry is not the one sent/);
      } finally {
        proxy.rewrite = undefined;
      }
    });
  });

  describe('get', () => {
    it('prints an entry by UUID decoded, in rekor-cli order, and says it verified', async () => {
      const r = await cli(['get', '--uuid', seeded.uuid, ...pinned]);
      expectExit(r, 0);
      const iso = new Date(seeded.integratedTime * 1000).toISOString().replace('.000Z', 'Z');
      expect(r.out.startsWith(`Index: ${seeded.logIndex}\nIntegratedTime: ${iso}\nUUID: ${seeded.uuid}\n`)).toBe(true);
      const body = r.out.slice(r.out.indexOf('Body: ') + 6, r.out.indexOf('\nVerified: '));
      expect(JSON.parse(body)).toEqual(JSON.parse(Buffer.from(seeded.body, 'base64').toString()));
      expect(r.out).toMatch(/\nVerified: leaf hash, signed entry timestamp, inclusion proof and checkpoint .*\(pinned: .*\)\n$/);
    });

    it('prints a JSON object with --format json, found by log index', async () => {
      const r = await cli(['get', '--log-index', String(seeded.logIndex), '--format', 'json', ...pinned]);
      expectExit(r, 0);
      const json = JSON.parse(r.out) as { uuid: string; logIndex: number; body: { spec: { data: { hash: { value: string } } } } };
      expect(json.uuid).toBe(seeded.uuid);
      expect(json.logIndex).toBe(seeded.logIndex);
      expect(json.body.spec.data.hash.value).toBe(seededDigest);
    });

    it("shows an intoto entry's attestation", async () => {
      const r = await cli(['get', '--uuid', attested.uuid, '--format', 'json', ...pinned]);
      expectExit(r, 0);
      expect((JSON.parse(r.out) as { attestation: unknown }).attestation).toEqual(JSON.parse(attestation.toString()));
    });

    it('exits 1 for an entry the log does not have', async () => {
      const [byUuid, byIndex] = await Promise.all([
        cli(['get', '--uuid', 'ab'.repeat(32), ...pinned]),
        cli(['get', '--log-index', '999999', ...pinned]),
      ]);
      expectExit(byUuid, 1);
      expect(byUuid.err).toMatch(/check the UUID, or find it with `glasslog search`/);
      expectExit(byIndex, 1);
      expect(byIndex.err).toMatch(/log index 999999.*`glasslog loginfo` shows the tree size/);
    });

    it('exits 4 against another log key, an altered inclusion proof or integrated time, or another entry than asked for', async () => {
      const wrongKey = await cli(['get', '--uuid', seeded.uuid, '--log-public-key', file('other-log.pub')]);
      expectExit(wrongKey, 4);
      try {
        proxy.rewrite = alterInclusionProof;
        const proof = await cli(['get', '--uuid', seeded.uuid, ...pinned], { GLASSLOG_URL: proxy.url });
        expectExit(proof, 4);
        expect(proof.err).toMatch(/inclusion proof does not verify/);
        proxy.rewrite = alterIntegratedTime;
        const time = await cli(['get', '--log-index', String(seeded.logIndex), ...pinned], { GLASSLOG_URL: proxy.url });
        expectExit(time, 4);
        expect(time.err).toMatch(/signed entry timestamp does not verify/);
        expect(time.out).toBe('');
        proxy.rewrite = answerWith(await logEntryJson(srv.url, certified.uuid), /^\/api\/v1\/log\/entries\//);
        const other = await cli(['get', '--uuid', seeded.uuid, ...pinned], { GLASSLOG_URL: proxy.url });
        expectExit(other, 4);
        expect(other.err).toBe(`glasslog: asked for entry ${seeded.uuid}, the log answered entry ${certified.uuid}\n`);
      } finally {
        proxy.rewrite = undefined;
      }
    });
  });

  describe('search', () => {
    it('finds an entry by digest (bare or prefixed) or by artifact, one UUID a line', async () => {
      const runs = await Promise.all([
        cli(['search', '--sha', seededDigest]),
        cli(['search', '--sha', `sha256:${seededDigest.toUpperCase()}`]),
        cli(['search', '--artifact', file('seeded.bin')]),
      ]);
      for (const r of runs) {
        expectExit(r, 0);
        expect(r.out).toBe(`${seeded.uuid}\n`);
        expect(r.err).toBe('Found matching entries (listed by UUID):\n');
      }
    });

    it('finds entries by public key and by e-mail, and prints a JSON array with --format json', async () => {
      const [byKey, byEmail] = await Promise.all([
        cli(['search', '--public-key', file('signer.pub'), '--pki-format', 'x509', '--format', 'json']),
        cli(['search', '--email', 'alice@example.com']),
      ]);
      expectExit(byKey, 0);
      const uuids = JSON.parse(byKey.out) as string[];
      expect(uuids).toContain(seeded.uuid);
      expect(uuids).not.toContain(certified.uuid);
      expectExit(byEmail, 0);
      expect(byEmail.out).toBe(`${certified.uuid}\n`);
    });

    it('prints nothing on stdout and "no matching entries found" on stderr when nothing matches, exit 0', async () => {
      const r = await cli(['search', '--sha', 'sha1:' + '0'.repeat(40)]);
      expect(r).toEqual({ code: 0, out: '', err: 'no matching entries found\n' });
    });
  });

  describe('verify', () => {
    it('verifies an entry by UUID against a pinned key, printing the proof', async () => {
      const r = await cli(['verify', '--uuid', seeded.uuid, ...pinned]);
      expectExit(r, 0);
      expect(r.err).toBe('');
      const { treeSize } = await logInfo(srv.url);
      expect(r.out).toMatch(new RegExp(`^Current Root Hash: [0-9a-f]{64}\nEntry Hash: ${seeded.uuid}\nEntry Index: ${seeded.logIndex}\nCurrent Tree Size: ${treeSize}\n`));
      expect(r.out).toMatch(/\nVerified: .*\(pinned: /);
    });

    it('warns when the log key was not pinned but fetched from the server', async () => {
      const r = await cli(['verify', '--log-index', String(seeded.logIndex)]);
      expectExit(r, 0);
      expect(r.err).toMatch(/^glasslog: warning: the log key was fetched from .* pin it with --log-public-key FILE/);
      expect(r.out).toMatch(/\(fetched from the server, not pinned\)/);
    });

    it('finds the entry from the artifact, signature and public key (entries/retrieve)', async () => {
      const r = await cli(['verify', '--artifact', file('seeded.bin'), '--signature', file('seeded.sig'), '--public-key', file('signer.pub'), ...pinned]);
      expectExit(r, 0);
      expect(r.out).toMatch(new RegExp(`\nEntry Hash: ${seeded.uuid}\nEntry Index: ${seeded.logIndex}\n`));

      fs.writeFileSync(file('never.bin'), randomBytes(16));
      fs.writeFileSync(file('never.sig'), sign('sha256', fs.readFileSync(file('never.bin')), signer.privateKey));
      const absent = await cli(['verify', '--artifact', file('never.bin'), '--signature', file('never.sig'), '--public-key', file('signer.pub'), ...pinned]);
      expectExit(absent, 1);
      expect(absent.err).toMatch(/the entry cannot be located/);
    });

    it('proves the proof consistent with the tree head saved by loginfo', async () => {
      const state = file('verify-state.json');
      expectExit(await cli(['loginfo', '--state', state, ...pinned]), 0);
      await submit(srv.url, hashedRekord(signer).proposed);
      const r = await cli(['verify', '--uuid', seeded.uuid, '--state', state, ...pinned]);
      expectExit(r, 0);
      expect(r.out).toMatch(/\nTree head: consistent with the tree head saved in .*verify-state\.json \(size \d+\)\n$/);
    });

    it('exits 4 against another log key or an altered proof, and 1 for an unknown UUID', async () => {
      proxy.rewrite = alterInclusionProof;
      let runs: Run[];
      try {
        runs = await Promise.all([
          cli(['verify', '--uuid', seeded.uuid, '--log-public-key', file('other-log.pub')]),
          cli(['verify', '--uuid', seeded.uuid, ...pinned], { GLASSLOG_URL: proxy.url }),
          cli(['verify', '--uuid', 'cd'.repeat(32), ...pinned]),
        ]);
      } finally {
        proxy.rewrite = undefined;
      }
      expectExits(runs, [4, 4, 1]);
      expect(runs[1]!.err).toMatch(/inclusion proof does not verify/);
    });
  });

  describe('loginfo', () => {
    it('saves the first verified head (default ~/.glasslog/state.json), then proves the next one consistent and advances', async () => {
      const state = path.join(dir, '.glasslog', 'state.json');
      const first = await cli(['loginfo', ...pinned]);
      expectExit(first, 0);
      const info = await logInfo(srv.url);
      expect(first.out).toContain(`Verification Successful!\nTree Size: ${info.treeSize}\nRoot Hash: ${info.rootHash}\nTree ID: ${info.treeID}\n`);
      expect(first.out).toMatch(/Consistency: no earlier tree head/);
      expect(JSON.parse(fs.readFileSync(state, 'utf8'))).toMatchObject({ treeSize: info.treeSize, rootHash: info.rootHash });

      await submit(srv.url, hashedRekord(signer).proposed);
      await submit(srv.url, hashedRekord(signer).proposed);
      const second = await cli(['loginfo', '--state', state, '--format', 'json', ...pinned]);
      expectExit(second, 0);
      expect(JSON.parse(second.out)).toMatchObject({ treeSize: info.treeSize + 2, previousTreeSize: info.treeSize });
      expect(JSON.parse(fs.readFileSync(state, 'utf8'))).toMatchObject({ treeSize: info.treeSize + 2 });
    });

    it('detects a forked log (same key, other history): exit 4, state file unchanged', async () => {
      const state = file('fork-state.json');
      expectExit(await cli(['loginfo', '--state', state, ...pinned]), 0);
      const saved = fs.readFileSync(state);
      const fork = await startTestServer(backend, { config: { signingKey: srv.keyFile } });
      try {
        await submit(fork.url, hashedRekord().proposed);
        const r = await cli(['loginfo', '--state', state, '--rekor-server', fork.url, ...pinned]);
        expectExit(r, 4);
        expect(r.err).toMatch(/forked/);
        expect(r.err).toMatch(/still holds the head verified before/);
        expect(fs.readFileSync(state).equals(saved)).toBe(true);
      } finally {
        await fork.stop();
      }
    });

    it('exits 4 for an altered consistency proof or another log key, leaving the state file unchanged', async () => {
      const state = file('lie-state.json');
      expectExit(await cli(['loginfo', '--state', state, ...pinned]), 0);
      await submit(srv.url, hashedRekord(signer).proposed);
      const saved = fs.readFileSync(state);
      proxy.rewrite = alterConsistencyProof;
      try {
        const lied = await cli(['loginfo', '--state', state, ...pinned], { GLASSLOG_URL: proxy.url });
        expectExit(lied, 4);
        expect(lied.err).toMatch(/is not consistent with the size \d+ seen before/);
      } finally {
        proxy.rewrite = undefined;
      }
      expect(fs.readFileSync(state).equals(saved)).toBe(true);
      const wrongKey = await cli(['loginfo', '--state', file('unused-state.json'), '--log-public-key', file('other-log.pub')]);
      expectExit(wrongKey, 4);
      expect(fs.existsSync(file('unused-state.json'))).toBe(false);
    });
  });

  describe('logproof', () => {
    it('prints and verifies the proof up to the current signed size, and up to an earlier size', async () => {
      const info = await logInfo(srv.url);
      const expected = (await (await fetch(`${srv.url}/api/v1/log/proof?firstSize=2&lastSize=${info.treeSize}`)).json()) as { hashes: string[] };
      const [current, earlier] = await Promise.all([
        cli(['logproof', '--first-size', '2', '--last-size', String(info.treeSize), ...pinned]),
        cli(['logproof', '--last-size', '3', ...pinned]),
      ]);
      expectExit(current, 0);
      expect(current.out.split('\n').slice(0, 2)).toEqual([`Current Root Hash: ${info.rootHash}`, `Hashes: [${expected.hashes.join(' ')}]`]);
      expect(current.out).toMatch(new RegExp(`Verified: the tree of size 2 \\(root [0-9a-f]{64}\\) is a prefix of the tree of size ${info.treeSize}, whose root is the signed tree head`));
      expectExit(earlier, 0);
      expect(earlier.out).toMatch(/Verified: the tree of size 1 .* size 3, whose root is proved consistent with the signed tree head of size \d+/);
    });

    it('exits 4 for an altered proof and 1 for a size beyond the tree', async () => {
      const { treeSize } = await logInfo(srv.url);
      proxy.rewrite = alterConsistencyProof;
      let runs: Run[];
      try {
        runs = await Promise.all([
          cli(['logproof', '--first-size', '2', '--last-size', String(treeSize), ...pinned], { GLASSLOG_URL: proxy.url }),
          cli(['logproof', '--last-size', String(treeSize + 100), ...pinned]),
        ]);
      } finally {
        proxy.rewrite = undefined;
      }
      expectExits(runs, [4, 1]);
      expect(runs[0]!.err).toMatch(/does not verify/);
      expect(runs[1]!.err).toMatch(/greater than the current tree size/);
    });
  });
});

/**
 * What the commands decide before talking to a log, run once rather than per database:
 * GLASSLOG_URL points at a closed port, so a command that sent anything would exit 3
 * instead of the 2 (usage) or 1 (local file) expected — the checks come first.
 */
describe('glasslog client commands before and without a log', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const pinned = ['--log-public-key', ''];
  let cli: (args: string[]) => Promise<Run>;

  beforeAll(async () => {
    assertCliBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-client-offline-'));
    const downUrl = await closedPortUrl();
    cli = (args) => glasslog(args, { GLASSLOG_URL: downUrl, HOME: dir });
    const signer = newEcdsaKey();
    const fixture = hashedRekord(signer);
    fs.writeFileSync(file('a.bin'), fixture.artifact);
    fs.writeFileSync(file('a.sig'), signatureOf(fixture));
    fs.writeFileSync(file('signer.pub'), signer.publicKeyPem);
    fs.writeFileSync(file('signer.key'), signer.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(file('log.pub'), newEcdsaKey().publicKeyPem);
    pinned[1] = file('log.pub');
    const key = newEcdsaKey();
    fs.writeFileSync(file('dsse.json'), JSON.stringify(dsseEntry(signEnvelope(randomBytes(8), [{ privateKey: key.privateKey }]), [key.publicKeyPem])));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const hashedRekordFiles = () => ['--artifact', file('a.bin'), '--signature', file('a.sig'), '--public-key', file('signer.pub')];

  it('every command has --help with an example', async () => {
    const runs = await Promise.all(['upload', 'get', 'search', 'verify', 'loginfo', 'logproof'].map((c) => cli([c, '--help'])));
    expectExits(runs, [0, 0, 0, 0, 0, 0]);
    for (const r of runs) expect(r.out).toMatch(/\nExample: glasslog \w+ --/);
  });

  it('upload: exit 2 for missing or contradictory flags, saying which', async () => {
    const runs = await Promise.all([
      cli(['upload']),
      cli(['upload', '--artifact', file('a.bin'), '--signature', file('a.sig')]),
      cli(['upload', '--entry', file('dsse.json'), '--artifact', file('a.bin')]),
      cli(['upload', '--type', 'hashedrekord', '--entry', file('dsse.json')]),
      cli(['upload', '--type', 'intoto', ...hashedRekordFiles()]),
    ]);
    expectExits(runs, [2, 2, 2, 2, 2]);
    expect(runs.map((r) => r.err)).toEqual([
      'glasslog: upload (without --entry) needs --artifact\n',
      'glasslog: upload (without --entry) needs --public-key\n',
      expect.stringMatching(/--entry cannot be combined with --artifact/),
      expect.stringMatching(/--type is hashedrekord but --entry .* is a dsse entry/),
      expect.stringMatching(/--type intoto needs --entry FILE/),
    ]);
  });

  it('get, search, verify, logproof: exit 2 for missing, conflicting or malformed flags', async () => {
    const runs = await Promise.all([
      cli(['get']),
      cli(['get', '--uuid', 'ab'.repeat(32), '--log-index', '0']),
      cli(['get', '--log-index', '-1']),
      cli(['get', '--uuid', 'xyz']),
      cli(['search']),
      cli(['search', '--sha', 'abc']),
      cli(['search', '--sha', `sha1:${'ab'.repeat(32)}`]),
      cli(['search', '--public-key', file('signer.pub'), '--pki-format', 'gpg']),
      cli(['verify', '--uuid', 'ab'.repeat(32), ...hashedRekordFiles()]),
      cli(['logproof', '--first-size', '5', '--last-size', '3']),
      cli(['logproof']),
      cli(['loginfo', '--format', 'yaml']),
    ]);
    expectExits(runs, Array(12).fill(2));
    expect(runs[0]!.err).toBe('glasslog: get needs --uuid or --log-index\n');
    expect(runs[10]!.err).toMatch(/logproof needs --last-size M/);
  });

  it('exit 1 for an unreadable file, a private key where a public key belongs, or an unusable state file', async () => {
    fs.writeFileSync(file('bad-state.json'), 'not json');
    const runs = await Promise.all([
      cli(['upload', '--artifact', file('nope.bin'), '--signature', file('a.sig'), '--public-key', file('signer.pub')]),
      cli(['upload', '--artifact', file('a.bin'), '--signature', file('a.sig'), '--public-key', file('signer.key')]),
      cli(['get', '--log-index', '0', '--log-public-key', file('signer.key')]),
      cli(['search', '--artifact', file('nope.bin')]),
      cli(['loginfo', '--state', file('bad-state.json'), ...pinned]),
    ]);
    expectExits(runs, [1, 1, 1, 1, 1]);
    expect(runs[0]!.err).toBe(`glasslog: cannot read --artifact ${file('nope.bin')}: no such file\n`);
    expect(runs[1]!.err).toMatch(/--public-key .* holds a private key/);
    expect(runs[2]!.err).toMatch(/--log-public-key .* holds a private key/);
    expect(runs[4]!.err).toMatch(/is not JSON: remove it to start afresh/);
  });

  it('exit 3 when the server cannot be reached, for every command', async () => {
    const runs = await Promise.all([
      cli(['upload', ...hashedRekordFiles(), ...pinned]),
      cli(['get', '--log-index', '0', ...pinned]),
      cli(['search', '--sha', 'ab'.repeat(32)]),
      cli(['verify', '--log-index', '0', ...pinned]),
      cli(['loginfo', '--state', file('down-state.json'), ...pinned]),
      cli(['logproof', '--last-size', '2', ...pinned]),
    ]);
    expectExits(runs, [3, 3, 3, 3, 3, 3]);
    for (const r of runs) expect(r.err).toMatch(/^glasslog: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is the server running, and is --rekor-server right\?\n$/);
  });
});
