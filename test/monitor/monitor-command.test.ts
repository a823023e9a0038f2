/**
 * `glasslog monitor`, the built command, against glasslog servers started in this process
 * on every backend: first use, exact findings, resuming from the state file, the polling
 * loop and SIGTERM, and the failures a monitor exists to catch — a forked log, a split
 * view, a tampered entry — each exit 4 with the state left as it was.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadSigner } from '../../src/crypto';
import { hashLeaf } from '../../src/merkle';
import { signRekorCheckpoint } from '../../src/note';
import { call } from '../helpers/api';
import { backends } from '../helpers/backends';
import { createTestCa, type IssuedCertificate, type TestCa } from '../helpers/ca';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';
import { startTestServer, type TestServer } from '../helpers/server';
import { RewritingProxy } from '../helpers/rewriting-proxy';
import { ReferenceTree } from '../merkle/reference';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const FIELD = 'spec.signature.publicKey.content';
const ISSUER = 'https://accounts.example.com';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const spkiFingerprint = (pem: string) => sha256(createPublicKey(pem).export({ type: 'spki', format: 'der' }));

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Run>; err: () => string } {
  const child = spawn(process.execPath, [CLI, 'monitor', ...args], { env: { ...process.env, GLASSLOG_URL: '' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
  return { child, done, err: () => err };
}

const monitor = (...args: string[]) => start(args).done;

/** The JSON log lines on stderr (the final "glasslog: …" line of a failure is plain text). */
function logLines(stderr: string): { level: number; msg: string; [k: string]: unknown }[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

const findingsIn = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Logged {
  uuid: string;
  logIndex: number;
  integratedTime: number;
}

async function submit(srv: TestServer, proposed: unknown): Promise<Logged> {
  const a = await call(srv, 'POST', '/api/v1/log/entries', proposed);
  expect(a.status).toBe(201);
  const [uuid] = Object.keys(a.json);
  return { uuid: uuid!, logIndex: a.json[uuid!].logIndex, integratedTime: a.json[uuid!].integratedTime };
}

const certSigner = (cert: IssuedCertificate) => ({
  field: FIELD,
  format: 'x509',
  certificate: true,
  subjects: [expect.any(String)],
  issuer: ISSUER,
  fingerprints: [
    { value: sha256(new X509Certificate(cert.pem).raw), of: 'certificate' },
    { value: sha256(cert.publicKeyDer), of: 'certificate public key' },
  ],
});

const keySigner = (pem: string) => ({ field: FIELD, format: 'x509', certificate: false, subjects: [], fingerprints: [{ value: spkiFingerprint(pem), of: 'public key' }] });

const savedSize = (stateFile: string) => (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { treeSize: number }).treeSize;

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(backends().map((b) => [b.name, b] as const))('glasslog monitor (%s)', (_name, backend) => {
  let srv: TestServer;
  let ca: TestCa;
  let dir: string;
  let state: string;
  let keyFile: string;
  let configFile: string;
  const watchedKey = newEcdsaKey();
  const watchedArtifact = randomBytes(64);
  const watchedDigest = sha256(watchedArtifact);
  const flags = () => ['--rekor-server', srv.url, '--state', state, '--log-public-key', keyFile, '--config', configFile];

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
    srv = await startTestServer(backend);
    ca = await createTestCa();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-monitor-'));
    state = path.join(dir, 'state.json');
    keyFile = path.join(dir, 'log.pub');
    fs.writeFileSync(keyFile, srv.log.signer.publicKeyPem);
    configFile = path.join(dir, 'watch.yaml');
    fs.writeFileSync(
      configFile,
      `monitoredValues:
  certIdentities:
    - certSubject: ^alice@example\\.com$
      issuers: [^https://accounts\\.example\\.com$]
  fingerprints:
    - ${spkiFingerprint(watchedKey.publicKeyPem)}
  artifactDigests:
    - sha256:${watchedDigest}
`,
    );
  });
  afterAll(async () => {
    await srv?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const aliceEntry = async () => {
    const cert = await ca.issueLeaf({ email: 'alice@example.com', oidcIssuer: ISSUER });
    return { cert, proposed: hashedRekord({ privateKey: cert.privateKey, publicKeyPem: cert.pem }, undefined, cert.pem).proposed };
  };

  it('first --once trusts the current head, saves it, and reports nothing from before it', async () => {
    // Entries that would match, logged before the monitor first looked: not reported.
    await submit(srv, (await aliceEntry()).proposed);
    await submit(srv, hashedRekord(watchedKey).proposed);
    const r = await monitor(...flags(), '--once');
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(savedSize(state)).toBe(2);
    const trusted = logLines(r.err).find((l) => /on first use/.test(l.msg));
    expect(trusted).toMatchObject({ treeSize: 2, state });
    expect(trusted!.msg).toMatch(/^monitor: no saved state: trusting the log's current head \(tree \d+, size 2\) on first use/);
  });

  it('the next --once verifies the new entries and reports exactly the matching ones', async () => {
    const alice = await aliceEntry();
    const mallory = await ca.issueLeaf({ email: 'mallory@example.com', oidcIssuer: ISSUER });
    const otherKey = newEcdsaKey();
    const byAlice = await submit(srv, alice.proposed);
    await submit(srv, hashedRekord({ privateKey: mallory.privateKey, publicKeyPem: mallory.pem }, undefined, mallory.pem).proposed);
    const keyEntry = hashedRekord(watchedKey);
    const byWatchedKey = await submit(srv, keyEntry.proposed);
    const digestEntry = hashedRekord(otherKey, watchedArtifact);
    const ofWatchedDigest = await submit(srv, digestEntry.proposed);
    await submit(srv, hashedRekord().proposed);

    const r = await monitor(...flags(), '--once');
    expect(r.code).toBe(0);
    expect(findingsIn(r.out)).toEqual([
      {
        ...byAlice,
        kind: 'hashedrekord',
        apiVersion: '0.0.1',
        matches: [{ watched: 'certIdentities[0]', value: '^alice@example\\.com$', field: FIELD, found: 'alice@example.com', issuer: ISSUER }],
        signers: [{ ...certSigner(alice.cert), subjects: ['alice@example.com'] }],
      },
      {
        ...byWatchedKey,
        kind: 'hashedrekord',
        apiVersion: '0.0.1',
        matches: [{ watched: 'fingerprints[0]', value: spkiFingerprint(watchedKey.publicKeyPem), field: FIELD, found: spkiFingerprint(watchedKey.publicKeyPem), of: 'public key' }],
        signers: [keySigner(watchedKey.publicKeyPem)],
      },
      {
        ...ofWatchedDigest,
        kind: 'hashedrekord',
        apiVersion: '0.0.1',
        matches: [{ watched: 'artifactDigests[0]', value: watchedDigest, field: 'spec.data.hash', found: `sha256:${watchedDigest}` }],
        signers: [keySigner(otherKey.publicKeyPem)],
      },
    ]);
    expect(savedSize(state)).toBe(7);
    expect(logLines(r.err).find((l) => l.checked !== undefined)).toMatchObject({ from: 2, treeSize: 7, checked: 5, findings: 3 });
  });

  it('a restart resumes from the state: nothing new, nothing repeated; then only the new finding', async () => {
    const idle = await monitor(...flags(), '--once');
    expect(idle).toMatchObject({ code: 0, out: '' });
    expect(logLines(idle.err).map((l) => l.msg)).toContain('monitor: no new entries (size 7)');

    const output = path.join(dir, 'findings.jsonl');
    const again = await submit(srv, (await aliceEntry()).proposed);
    const r = await monitor(...flags(), '--once', '--output', output);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(findingsIn(fs.readFileSync(output, 'utf8')).map((f) => [f.logIndex, f.uuid, f.matches[0].watched])).toEqual([[again.logIndex, again.uuid, 'certIdentities[0]']]);
    expect(savedSize(state)).toBe(8);
  });

  it('without --once it polls every --interval, reports as entries arrive, and exits 0 on SIGTERM', async () => {
    const output = path.join(dir, 'loop.jsonl');
    const run = start([...flags(), '--interval', '0.3', '--output', output]);
    const rounds = () => logLines(run.err()).filter((l) => /no new entries|entries verified/.test(l.msg)).length;
    await until('the first round', () => rounds() >= 1);
    const logged = await submit(srv, hashedRekord(watchedKey).proposed);
    await until('the finding', () => fs.existsSync(output) && fs.readFileSync(output, 'utf8').includes(logged.uuid));
    const seen = rounds();
    await until('another round', () => rounds() > seen);
    const stoppedAt = Date.now();
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
    expect(findingsIn(fs.readFileSync(output, 'utf8')).map((f) => f.logIndex)).toEqual([logged.logIndex]);
    expect(logLines(r.err).map((l) => l.msg)).toEqual(expect.arrayContaining(['monitor: stopping', 'monitor: stopped']));
    expect(savedSize(state)).toBe(9);
  });

  it('detects a forked log (same key, another history): exit 4, state unchanged', async () => {
    const fork = await startTestServer(backend, { config: { signingKey: srv.keyFile } });
    try {
      for (let i = 0; i < 10; i++) await submit(fork, hashedRekord().proposed);
      const before = fs.readFileSync(state, 'utf8');
      const r = await monitor('--rekor-server', fork.url, '--state', state, '--log-public-key', keyFile, '--config', configFile, '--once');
      expect(r.code).toBe(4);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/glasslog: the log now serves tree \d+, and tree \d+ \(verified before at size 9\) is not among its inactive shards: the log was replaced or forked\n$/);
      expect(fs.readFileSync(state, 'utf8')).toBe(before);

      // The polling loop does not retry that: it stops with the same exit code.
      const loop = await monitor('--rekor-server', fork.url, '--state', state, '--log-public-key', keyFile, '--interval', '0.2');
      expect(loop.code).toBe(4);
      expect(logLines(loop.err).map((l) => l.msg)).toContain('monitor: verification failed; the state file keeps the last verified head');
      expect(fs.readFileSync(state, 'utf8')).toBe(before);
    } finally {
      await fork.stop();
    }
  });

  describe('a log that lies to this client', () => {
    let proxy: RewritingProxy;
    let stale: string;
    beforeAll(async () => {
      proxy = new RewritingProxy(srv.url);
      await proxy.start();
    });
    afterAll(() => proxy.stop());
    beforeEach(async () => {
      // A state two entries behind the log, so the monitor has entries to fetch.
      stale = path.join(dir, `stale-${randomBytes(4).toString('hex')}.json`);
      fs.copyFileSync(state, stale);
      await submit(srv, hashedRekord().proposed);
      await submit(srv, hashedRekord().proposed);
    });
    afterEach(() => {
      proxy.rewrite = undefined;
    });

    const viaProxy = () => monitor('--rekor-server', proxy.url, '--state', stale, '--log-public-key', keyFile, '--once');

    /** Applies `change` to every entry of entries/retrieve and GET ?logIndex answers. */
    const tamperEntries = (change: (entry: Record<string, any>) => void) => {
      proxy.rewrite = ({ path: requestPath, status, body }) => {
        if (status !== 200 || !requestPath.startsWith('/api/v1/log/entries')) return body;
        for (const logEntry of Array.isArray(body) ? body : [body]) for (const uuid of Object.keys(logEntry)) change(logEntry[uuid]);
        return body;
      };
    };

    async function expectRefused(message: RegExp): Promise<void> {
      const before = fs.readFileSync(stale, 'utf8');
      const r = await viaProxy();
      expect(r.code).toBe(4);
      expect(r.err.trim().split('\n').pop()).toMatch(message);
      expect(fs.readFileSync(stale, 'utf8')).toBe(before);
    }

    it('an entry whose SET was altered: exit 4, state unchanged', async () => {
      tamperEntries((e) => {
        const set = Buffer.from(e.verification.signedEntryTimestamp, 'base64');
        set[set.length - 1] ^= 1;
        e.verification.signedEntryTimestamp = set.toString('base64');
      });
      await expectRefused(/^glasslog: entry \d+ \([0-9a-f]{80}\) fails verification: signed entry timestamp does not verify with the log key$/);
    });

    it('an entry whose inclusion proof was altered: exit 4', async () => {
      tamperEntries((e) => {
        const hashes: string[] = e.verification.inclusionProof.hashes;
        hashes[0] = (hashes[0]!.startsWith('0') ? '1' : '0') + hashes[0]!.slice(1);
      });
      await expectRefused(/fails verification: inclusion proof does not verify/);
    });

    it('an older, valid entry answered in place of a new one: exit 4', async () => {
      const first = (await call(srv, 'GET', '/api/v1/log/entries?logIndex=0')).json;
      proxy.rewrite = ({ path: requestPath, body }) =>
        requestPath.startsWith('/api/v1/log/entries/retrieve') ? [first] : requestPath.startsWith('/api/v1/log/entries?') ? first : body;
      await expectRefused(/fails verification: the log answered entry 0 when asked for \d+$/);
    });

    it('an entry proven included in a tree only this client is shown (a valid proof, a signed checkpoint): exit 4', async () => {
      const signer = loadSigner(srv.keyFile);
      tamperEntries((e) => {
        // A forked tree of the same size holding this entry's leaf at the same place.
        const p = e.verification.inclusionProof;
        const leaves = Array.from({ length: p.treeSize }, () => randomBytes(32) as Uint8Array);
        leaves[p.logIndex] = hashLeaf(Buffer.from(e.body, 'base64'));
        const fork = new ReferenceTree(leaves);
        const rootHash = fork.mth(0, p.treeSize);
        const treeId = e.verification.inclusionProof.checkpoint.split('\n')[0].split(' - ')[1];
        p.hashes = fork.path(p.logIndex, p.treeSize).map((h) => Buffer.from(h).toString('hex'));
        p.rootHash = Buffer.from(rootHash).toString('hex');
        p.checkpoint = signRekorCheckpoint({ hostname: '127.0.0.1', treeId, treeSize: p.treeSize, rootHash, signer });
      });
      await expectRefused(/fails verification: its inclusion proof's checkpoint \(size \d+\) disagrees with the verified head \(size \d+\): the log signed two different roots/);
    });

    it('a checkpoint signed with the log key for a root it never had (a split view): exit 4', async () => {
      const saved = JSON.parse(fs.readFileSync(stale, 'utf8')) as { treeId: string; treeSize: number };
      const signer = loadSigner(srv.keyFile);
      const lie = signRekorCheckpoint({ hostname: '127.0.0.1', treeId: saved.treeId, treeSize: saved.treeSize, rootHash: randomBytes(32), signer });
      proxy.rewrite = ({ path: requestPath, body }) =>
        requestPath === '/api/v1/log' ? { ...(body as object), treeSize: saved.treeSize, signedTreeHead: lie } : body;
      await expectRefused(new RegExp(`^glasslog: the log signed two different roots for size ${saved.treeSize} .*: it is forked$`));
    });
  });

  it('server down: --once exits 3; the loop logs it and tries again until stopped', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const once = await monitor('--rekor-server', dead, '--state', state, '--log-public-key', keyFile, '--once');
    expect(once.code).toBe(3);
    expect(once.err).toMatch(/glasslog: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

    const run = start(['--rekor-server', dead, '--state', state, '--interval', '0.2']);
    const retries = () => logLines(run.err()).filter((l) => l.msg === 'monitor: round failed, trying again in 0.2s').length;
    await until('two failed rounds', () => retries() >= 2);
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  });

  it.each([
    ['a bad fingerprint', 'monitoredValues:\n  fingerprints: [xyz]\n', /^glasslog: config .*watch-bad\.yaml: monitoredValues\.fingerprints\[0\] "xyz" is not a fingerprint: /],
    ['a bad pattern', 'monitoredValues:\n  subjects: ["(a"]\n', /^glasslog: config .*watch-bad\.yaml: monitoredValues\.subjects\[0\] is not a valid regular expression/],
  ])('a config with %s: exit 2 with the reason', async (_, yaml, message) => {
    const bad = path.join(dir, 'watch-bad.yaml');
    fs.writeFileSync(bad, yaml);
    const r = await monitor('--rekor-server', srv.url, '--state', state, '--config', bad, '--once');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('usage errors exit 2 (no --state, a bad --interval); a missing config file exits 1', async () => {
    expect(await monitor('--rekor-server', srv.url, '--once')).toMatchObject({ code: 2, err: 'glasslog: monitor needs --state\n' });
    expect(await monitor('--state', state, '--interval', '0')).toMatchObject({
      code: 2,
      err: 'glasslog: --interval must be a number of seconds between 0.1 and 604800, got "0"\n',
    });
    const missing = await monitor('--state', state, '--config', path.join(dir, 'nope.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^glasslog: .*--config.*nope\.yaml/);
  });
});
