/**
 * `glasslog monitor`: watch a Rekor-compatible log as sigstore's rekor-monitor does —
 * prove each new checkpoint consistent with the last verified one (kept in --state),
 * verify every new entry, and report those matching the --config watch list.
 */
import fs from 'node:fs';
import pino, { type Logger } from 'pino';
import { ConfigError, type Flags } from '../config';
import type { RekorClient } from '../client/rekor-client';
import { parseMonitorConfig, type MonitorConfig } from '../monitor/config';
import { findingLines, type Finding } from '../monitor/findings';
import { runMonitor } from '../monitor/monitor';
import { requiredFlag, stringFlag } from './flags';
import { readInputFile } from './input-file';
import { logKeyFor } from './log-key';
import { clientFor } from './server-url';

export const MONITOR_HELP = `glasslog monitor — watch a log: consistency, entry verification, identities

  --rekor-server URL      the log (GLASSLOG_URL, default http://127.0.0.1:3000)
  --state FILE            the last verified checkpoint; created on first use (required)
  --config FILE           YAML watch list (rekor-monitor's monitoredValues: certIdentities,
                          subjects, fingerprints, plus artifactDigests); without it entries
                          are verified and nothing is reported
  --interval SECONDS      time between rounds (default 300)
  --once                  check one new checkpoint and exit (for cron)
  --log-public-key FILE   the log's public key (PEM); without it the server's is trusted
  --output FILE           append findings (JSON lines) to FILE instead of stdout
  --log-level LEVEL       pino level for the JSON logs on stderr (default info)

Exit codes: 0 ok (or stopped by SIGTERM/SIGINT); 1 failure (an unreadable file or state,
a refused request); 2 bad flags or config; 3 server unreachable (--once only; the loop retries);
4 verification failed (a forked or rewritten log, a bad entry): the state is left as it was.

Example: glasslog monitor --rekor-server https://log.example.com --state /var/lib/glasslog/monitor.json \\
           --config watch.yaml --log-public-key log.pub --once`;

const DEFAULT_INTERVAL_SECONDS = 300;

export async function monitorCommand(flags: Flags): Promise<number> {
  const stateFile = requiredFlag(flags, 'state', 'monitor');
  const configFile = stringFlag(flags, 'config');
  const config = configFile !== undefined ? readConfig(configFile) : undefined;
  const intervalMs = interval(stringFlag(flags, 'interval')) * 1000;
  const client = clientFor(flags);
  const logger = pino({ base: { name: 'glasslog-monitor' }, level: stringFlag(flags, 'log-level') ?? 'info' }, pino.destination({ dest: 2, sync: true }));
  const logKey = await logKeyLoader(flags, client, logger);
  const output = stringFlag(flags, 'output');

  const stop = new AbortController();
  const onSignal = (signal: string) => {
    logger.info({ signal }, 'monitor: stopping');
    stop.abort();
  };
  process.once('SIGTERM', onSignal).once('SIGINT', onSignal);
  try {
    await runMonitor({
      client,
      logKey,
      stateFile,
      config,
      logger,
      report: (findings) => report(findings, output),
      intervalMs,
      once: flags.once === true,
      signal: stop.signal,
    });
  } finally {
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  }
  return 0;
}

function readConfig(file: string): MonitorConfig {
  return parseMonitorConfig(readInputFile(file, '--config').toString('utf8'), file);
}

function interval(value: string | undefined): number {
  if (value === undefined) return DEFAULT_INTERVAL_SECONDS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 7 * 24 * 3600) {
    throw new ConfigError(`--interval must be a number of seconds between 0.1 and 604800, got ${JSON.stringify(value)}`);
  }
  return seconds;
}

/**
 * A pinned --log-public-key is read now, so a bad file stops the monitor at start. Without
 * one, the key the server presents is asked for when the server first answers (the loop
 * may start while it is down) and then kept; the state file remembers the log ID it was
 * verified under, so a server that later presents another key is refused.
 */
async function logKeyLoader(flags: Flags, client: RekorClient, logger: Logger): Promise<() => Promise<Buffer>> {
  if (stringFlag(flags, 'log-public-key') !== undefined) {
    const pinned = await logKeyFor(flags, client);
    return async () => pinned.der;
  }
  let fetched: Buffer | undefined;
  return async () => {
    if (!fetched) {
      fetched = (await logKeyFor(flags, client)).der;
      logger.warn(`monitor: no --log-public-key: trusting the key ${client.baseUrl} presents; pin it for a real audit`);
    }
    return fetched;
  };
}

function report(findings: Finding[], output: string | undefined): void {
  if (findings.length === 0) return;
  const lines = findingLines(findings);
  if (output) fs.appendFileSync(output, lines);
  else process.stdout.write(lines);
}
