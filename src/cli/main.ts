#!/usr/bin/env node
/**
 * The glasslog command. Exit codes: 0 success, 1 failure at run time, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { ConfigError, type Flags } from '../config';
import { KEYGEN_HELP, keygenCommand } from './keygen';
import { MIGRATE_HELP, migrateCommand } from './migrate';
import { SERVE_HELP, serveCommand } from './serve';
import { DEV_FILL_HELP, devFillCommand } from './dev-fill';

const COMMANDS: Record<string, { help: string; run: (flags: Flags) => unknown }> = {
  serve: { help: SERVE_HELP, run: serveCommand },
  migrate: { help: MIGRATE_HELP, run: migrateCommand },
  keygen: { help: KEYGEN_HELP, run: keygenCommand },
  'dev-fill': { help: DEV_FILL_HELP, run: devFillCommand },
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
} as const;

const USAGE = `usage: glasslog <command> [flags]

commands:
  serve      run the transparency log
  migrate    create or update the database schema
  keygen     create a log signing key
  dev-fill   append many generated entries through the sequencer (benchmarks)

Run \`glasslog <command> --help\` for its flags.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`glasslog: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  await command.run(values as Flags);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    const code = (err as { code?: string }).code ?? '';
    if (err instanceof ConfigError || code.startsWith('ERR_PARSE_ARGS_')) {
      process.stderr.write(`glasslog: ${(err as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(`glasslog: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
