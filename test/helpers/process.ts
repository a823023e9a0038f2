/**
 * glasslog as a separate process (the built CLI, `make build`), for tests that kill it or
 * run two of them against one database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function spawnServer(opts: {
  databaseUrl?: string;
  dataDir: string;
  keyFile: string;
  origin?: string;
  port?: number;
  /** More `glasslog serve` flags. */
  extraArgs?: string[];
}): Promise<ServerProcess> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` (make test does) first`);
  const port = opts.port ?? (await freePort());
  const args = [CLI, 'serve', '--port', String(port), '--data-dir', opts.dataDir, '--signing-key', opts.keyFile, '--origin', opts.origin ?? '127.0.0.1', '--log-level', 'warn'];
  if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
  args.push(...(opts.extraArgs ?? []));
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = /glasslog is listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    proc,
    output: () => out,
    kill: (signal: NodeJS.Signals = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}
