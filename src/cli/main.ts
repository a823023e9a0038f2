#!/usr/bin/env node
/**
 * The glasslog command. Exit codes (exit-codes.ts): 0 success, 1 failure, 2 bad usage,
 * 3 server unreachable, 4 verification failed.
 */
import { parseArgs } from 'node:util';
import type { Flags } from '../config';
import { exitCodeFor, isExpectedError } from './exit-codes';

interface Command {
  help: string;
  run: (flags: Flags) => unknown;
}

/**
 * Each command's module is loaded only when it runs: the client commands then start without
 * loading the server (Express, knex, PGlite, every entry kind), about 4x faster.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: () => import('./serve').then((m) => ({ help: m.SERVE_HELP, run: m.serveCommand })),
  migrate: () => import('./migrate').then((m) => ({ help: m.MIGRATE_HELP, run: m.migrateCommand })),
  keygen: () => import('./keygen').then((m) => ({ help: m.KEYGEN_HELP, run: m.keygenCommand })),
  'dev-fill': () => import('./dev-fill').then((m) => ({ help: m.DEV_FILL_HELP, run: m.devFillCommand })),
  upload: () => import('./upload').then((m) => ({ help: m.UPLOAD_HELP, run: m.uploadCommand })),
  get: () => import('./get').then((m) => ({ help: m.GET_HELP, run: m.getCommand })),
  search: () => import('./search').then((m) => ({ help: m.SEARCH_HELP, run: m.searchCommand })),
  verify: () => import('./verify').then((m) => ({ help: m.VERIFY_HELP, run: m.verifyCommand })),
  loginfo: () => import('./loginfo').then((m) => ({ help: m.LOGINFO_HELP, run: m.loginfoCommand })),
  logproof: () => import('./logproof').then((m) => ({ help: m.LOGPROOF_HELP, run: m.logproofCommand })),
  monitor: () => import('./monitor').then((m) => ({ help: m.MONITOR_HELP, run: m.monitorCommand })),
};

/** Every flag any command takes; each command reads the ones it needs. */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  dev: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  'signing-key': { type: 'string' },
  origin: { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'max-batch': { type: 'string' },
  'tile-cache-mb': { type: 'string' },
  'validation-workers': { type: 'string' },
  'max-attestation-size': { type: 'string' },
  'max-json-depth': { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  'max-signatures': { type: 'string' },
  'max-archive-entries': { type: 'string' },
  'max-archive-bytes': { type: 'string' },
  'log-level': { type: 'string' },
  out: { type: 'string' },
  type: { type: 'string' },
  count: { type: 'string' },
  // Client commands (upload, get, search, verify, loginfo, logproof, monitor).
  'rekor-server': { type: 'string' },
  format: { type: 'string' },
  'public-key': { type: 'string' },
  'log-public-key': { type: 'string' },
  state: { type: 'string' },
  artifact: { type: 'string' },
  signature: { type: 'string' },
  entry: { type: 'string' },
  uuid: { type: 'string' },
  'log-index': { type: 'string' },
  sha: { type: 'string' },
  email: { type: 'string' },
  'pki-format': { type: 'string' },
  operator: { type: 'string' },
  'first-size': { type: 'string' },
  'last-size': { type: 'string' },
  // monitor
  config: { type: 'string' },
  interval: { type: 'string' },
  once: { type: 'boolean' },
  output: { type: 'string' },
} as const;

const USAGE = `usage: glasslog <command> [flags]

commands:
  serve      run the transparency log
  migrate    create or update the database schema
  keygen     create a log signing key
  dev-fill   append many generated entries through the sequencer (benchmarks)

client commands (rekor-cli's; all but search verify the log's answers against its key):
  upload     add an entry (artifact + signature + key, or a prepared entry) and verify it
  get        show one entry by UUID or log index, decoded and verified
  search     find entries' UUIDs by digest, artifact, public key or e-mail
  verify     prove an entry is in the log, offline against a pinned log key
  loginfo    show the verified tree head; prove it consistent with the one saved last time
  logproof   print and check the consistency proof between two tree sizes
  monitor    watch the log: prove each new checkpoint consistent, verify new entries,
             report those signed by watched identities or keys, or naming watched digests

Run \`glasslog <command> --help\` for its flags.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    process.stderr.write(`glasslog: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  const command = await load();
  if (values.help) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  // A command may return its own exit code (e.g. `verify` that found a mismatch).
  const code = await command.run(values as Flags);
  return typeof code === 'number' ? code : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    const message = isExpectedError(err) ? (err as Error).message : ((err as Error).stack ?? String(err));
    process.stderr.write(`glasslog: ${message}\n`);
    process.exit(exitCodeFor(err));
  },
);
