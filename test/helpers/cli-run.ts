/**
 * Running the built `glasslog` command from a test, asynchronously, so a server started in
 * the same jest process keeps answering while the command runs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

export function assertCliBuilt(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` (make test does) first`);
}

/** Runs `glasslog args…`; the client environment variables are cleared unless `env` sets them. */
export function glasslog(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, GLASSLOG_URL: '', GLASSLOG_STATE: '', DATABASE_URL: '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The exit code, showing stderr when it is not the one expected. */
export function expectExit(r: Run, code: number): void {
  expect({ code: r.code, err: r.err }).toMatchObject({ code });
}

export function expectExits(runs: Run[], codes: number[]): void {
  expect(runs.map((r) => ({ code: r.code, err: r.err }))).toMatchObject(codes.map((code) => ({ code })));
}

/** A URL nothing listens on: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
