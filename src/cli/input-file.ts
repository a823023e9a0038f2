/**
 * Local files named on the command line (artifact, signature, keys, entry). A file that
 * cannot be read or is not what its flag promises ends the command with exit code 1.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** A file named by a flag is missing, unreadable, or not what the flag expects. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

/** The bytes of `file`; `what` names it in the error ("--artifact", "--signature"…). */
export function readInputFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw unreadable(file, what, e);
  }
}

/** Hex SHA-256 of a file, read in chunks so a large artifact is never held in memory whole. */
export function sha256OfFile(file: string, what: string): string {
  const hash = createHash('sha256');
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const chunk = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, chunk)) > 0; ) hash.update(chunk.subarray(0, n));
  } catch (e) {
    throw unreadable(file, what, e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return hash.digest('hex');
}

function unreadable(file: string, what: string, e: unknown): InputFileError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
  return new InputFileError(`cannot read ${what} ${file}: ${why}`);
}
