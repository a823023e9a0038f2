/** The embedded database's folder serves one process at a time. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { lockDataDir } from '../../src/store/pglite-lock';

describe('the embedded database folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder while the first holds it, and names the holder', () => {
    const release = lockDataDir(dir);
    // The current process holds it; a lock file naming another live process (our parent) blocks.
    release();
    fs.writeFileSync(path.join(dir, 'glasslog.lock'), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by process ${process.ppid}`));
  });

  it('is taken over from a process that no longer runs (a crash left it behind)', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(path.join(dir, 'glasslog.lock'), dead);
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'glasslog.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'glasslog.lock'))).toBe(false);
  });

  it('can be taken again once released', () => {
    lockDataDir(dir)();
    const release = lockDataDir(dir);
    release();
  });
});
