/** The built `glasslog` command: exit codes scripts rely on (0 ok, 1 failure, 2 usage). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signerFromPem } from '../../src/crypto';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

function glasslog(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the glasslog command', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` (make test does) first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-cli-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keygen writes a PKCS#8 key of each type and prints its log ID', () => {
    for (const type of ['ecdsa-p256', 'ed25519']) {
      const out = path.join(dir, `${type}.pem`);
      const r = glasslog('keygen', '--out', out, '--type', type);
      expect(r.code).toBe(0);
      const signer = signerFromPem(fs.readFileSync(out, 'utf8'));
      expect(signer.keyType).toBe(type);
      expect(r.out).toContain(signer.logId.toString('hex'));
      expect(fs.statSync(out).mode & 0o077).toBe(0);
    }
  });

  it('keygen refuses to overwrite a key, with exit code 2', () => {
    const out = path.join(dir, 'once.pem');
    expect(glasslog('keygen', '--out', out).code).toBe(0);
    const before = fs.readFileSync(out, 'utf8');
    const r = glasslog('keygen', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already exists/);
    expect(fs.readFileSync(out, 'utf8')).toBe(before);
  });

  it('serve without a key says how to make one, with exit code 2', () => {
    const r = glasslog('serve', '--data-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/glasslog keygen --out FILE/);
  });

  it('answers an unknown command or flag with usage and exit code 2, and --help with 0', () => {
    expect(glasslog('frobnicate').code).toBe(2);
    expect(glasslog('serve', '--no-such-flag').code).toBe(2);
    const help = glasslog('serve', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--signing-key FILE/);
    expect(help.out).toMatch(/Example:/);
  });

  it('migrate creates the schema in the embedded database and can run again', () => {
    const dataDir = path.join(dir, 'db');
    expect(glasslog('migrate', '--data-dir', dataDir).code).toBe(0);
    const again = glasslog('migrate', '--data-dir', dataDir);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/schema is up to date \(pglite\)/);
  });

  it('dev-fill appends generated entries through the sequencer', () => {
    const dataDir = path.join(dir, 'fill');
    const key = path.join(dir, 'fill-key.pem');
    expect(glasslog('keygen', '--out', key).code).toBe(0);
    const r = glasslog('dev-fill', '--count', '50', '--data-dir', dataDir, '--signing-key', key, '--log-level', 'warn');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/appended 50 entries .* tree size is now 50/);
  });
});
