/**
 * Reading the client commands' flags: every malformed or missing flag is a ConfigError,
 * which main.ts turns into exit code 2 before any request is sent.
 */
import { ConfigError, type Flags } from '../config';

/** A string flag's value; an empty string counts as not given. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function requiredFlag(flags: Flags, name: string, why: string): string {
  const value = stringFlag(flags, name);
  if (value === undefined) throw new ConfigError(`${why} needs --${name}`);
  return value;
}

/** A whole number flag of at least `min` (log indexes, tree sizes). */
export function integerFlag(flags: Flags, name: string, min: number): number | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The flags among `names` that were given. */
export function givenFlags(flags: Flags, names: readonly string[]): string[] {
  return names.filter((n) => stringFlag(flags, n) !== undefined);
}

export type OutputFormat = 'text' | 'json';

/** --format: text (default; rekor-cli calls it "default") or json. */
export function outputFormat(flags: Flags): OutputFormat {
  const value = stringFlag(flags, 'format') ?? 'text';
  if (value === 'text' || value === 'default') return 'text';
  if (value === 'json') return 'json';
  throw new ConfigError(`--format must be text or json, got ${JSON.stringify(value)}`);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
