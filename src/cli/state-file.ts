/**
 * Where the last verified tree head is kept between runs: --state, else GLASSLOG_STATE,
 * else ~/.glasslog/state.json (rekor-cli keeps ~/.rekor/state.json).
 */
import os from 'node:os';
import path from 'node:path';
import type { Flags } from '../config';
import { stringFlag } from './flags';

export function stateFilePath(flags: Flags): string {
  const fromFlag = stringFlag(flags, 'state');
  if (fromFlag) return fromFlag;
  const fromEnv = process.env.GLASSLOG_STATE;
  if (fromEnv) return fromEnv;
  return path.join(os.homedir(), '.glasslog', 'state.json');
}
