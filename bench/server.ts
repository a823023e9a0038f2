/**
 * A server under test as a child process — the built `glasslog serve`, or the bare floor
 * route — so that its memory (VmRSS, VmHWM from /proc/<pid>/status) and CPU time
 * (/proc/<pid>/stat) can be read from outside while the load runs in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { track } from './children';
import { CLI } from './config';
import { sleep } from './stats';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after "(comm) ".
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function memoryMb(pid: number): { rssMb: number; hwmMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** CPU seconds used so far by every PostgreSQL process (the server and its backends). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += cpuSeconds(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

export class ChildServer {
  private peakRss = 0;
  private sampler?: NodeJS.Timeout;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly output: string[],
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts `node <args>` and waits for the line "... listening on <url>". */
  static async start(args: string[], name: string): Promise<ChildServer> {
    const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    const output: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        const m = /listening on (http:\/\/\S+)/.exec(output.join(''));
        if (m) resolve(m[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
      child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening:\n${output.join('')}`)));
      setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output.join('')}`)), 60_000).unref();
    });
    return new ChildServer(child, url, output);
  }

  /** The glasslog server under test, on a free port. */
  static glasslog(databaseUrl: string, signingKey: string, extra: string[] = []): Promise<ChildServer> {
    return ChildServer.start(
      [...extra, CLI, 'serve', `--database-url=${databaseUrl}`, `--signing-key=${signingKey}`, '--port=0', '--origin=127.0.0.1', '--log-level=warn'],
      'glasslog serve',
    );
  }

  /** Samples VmRSS every 100 ms from now on; peakRssMb() is the largest sample since. */
  startSampling(): void {
    this.stopSampling();
    this.peakRss = memoryMb(this.pid).rssMb;
    this.sampler = setInterval(() => {
      try {
        this.peakRss = Math.max(this.peakRss, memoryMb(this.pid).rssMb);
      } catch {
        // exited
      }
    }, 100);
  }

  stopSampling(): number {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
    return this.peakRss;
  }

  memory() {
    return memoryMb(this.pid);
  }

  cpuSeconds(): number {
    return cpuSeconds(this.pid);
  }

  /** SIGTERM, then SIGKILL after 15 s. */
  async stop(): Promise<void> {
    this.stopSampling();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timeout = sleep(15_000).then(() => 'timeout');
    if ((await Promise.race([exited.then(() => 'exited'), timeout])) === 'timeout') {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  log(): string {
    return this.output.join('');
  }
}
