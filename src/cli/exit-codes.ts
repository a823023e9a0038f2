/**
 * Exit codes of every glasslog command, for scripts (README "Exit codes"):
 *   0 success; 1 the server refused or has no such thing (4xx), or a local file is unusable;
 *   2 bad usage (unknown flag, missing argument); 3 the server could not be reached or
 *   answered 5xx; 4 verification failed (signature, SET, proof, checkpoint, consistency:
 *   the log's answer is not what its key promised — never retry that one blindly).
 */
import { ConfigError } from '../config';
import { ApiError, UnreachableError } from '../client/rekor-client';
import { VerificationError } from '../client/tree-head';
import { StateFileError } from '../client/tree-state';
import { InputFileError } from './input-file';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNREACHABLE = 3;
export const EXIT_VERIFICATION = 4;

/** The exit code for an error that ended a command. */
export function exitCodeFor(err: unknown): number {
  const code = (err as { code?: unknown }).code;
  if (err instanceof ConfigError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) return EXIT_USAGE;
  if (err instanceof UnreachableError) return EXIT_UNREACHABLE;
  if (err instanceof VerificationError) return EXIT_VERIFICATION;
  return EXIT_FAILURE;
}

/** Errors whose message is the whole story: printed without a stack trace. */
export function isExpectedError(err: unknown): boolean {
  return exitCodeFor(err) !== EXIT_FAILURE || err instanceof ApiError || err instanceof StateFileError || err instanceof InputFileError;
}
