/**
 * The log's public key every client command verifies against: pinned with
 * --log-public-key FILE, or else fetched from the server's /api/v1/log/publicKey (as
 * rekor-cli does without --rekor_server_public_key). A fetched key only shows the server
 * agrees with itself, so the commands whose purpose is verification say so.
 */
import type { Flags } from '../config';
import { ApiError, type RekorClient } from '../client/rekor-client';
import { logIdHex, publicKeyDer, VerificationError } from '../client/tree-head';
import { stringFlag } from './flags';
import { InputFileError, readInputFile } from './input-file';

export interface LogKey {
  der: Buffer;
  /** Hex SHA-256 of the key: the logID entries carry. */
  logId: string;
  /** The --log-public-key file, when the key was pinned. */
  pinnedFrom?: string;
}

export async function logKeyFor(flags: Flags, client: RekorClient, opts: { warnUnpinned?: boolean } = {}): Promise<LogKey> {
  const file = stringFlag(flags, 'log-public-key');
  if (file !== undefined) {
    const der = pinnedKeyDer(readInputFile(file, '--log-public-key').toString('utf8'), file);
    return { der, logId: logIdHex(der), pinnedFrom: file };
  }
  const der = servedKeyDer(await client.publicKey());
  if (opts.warnUnpinned) {
    process.stderr.write(
      `glasslog: warning: the log key was fetched from ${client.baseUrl} itself, so a log that lies could lie about its key too; ` +
        `pin it with --log-public-key FILE (save it once with: curl ${client.baseUrl}/api/v1/log/publicKey > log.pub)\n`,
    );
  }
  return { der, logId: logIdHex(der) };
}

/** How the key was obtained, for the "Verified" line. */
export function keyProvenance(key: LogKey): string {
  return key.pinnedFrom !== undefined
    ? `log key ${key.logId} (pinned: ${key.pinnedFrom})`
    : `log key ${key.logId} (fetched from the server, not pinned)`;
}

function pinnedKeyDer(pem: string, file: string): Buffer {
  // createPublicKey would derive the public half of a private key; refuse instead, so a
  // mistaken flag never makes anyone treat a signing key as something to pass around.
  if (pem.includes('PRIVATE KEY')) {
    throw new InputFileError(`--log-public-key ${file} holds a private key: pass the log's public key (GET /api/v1/log/publicKey)`);
  }
  try {
    return publicKeyDer(pem);
  } catch (e) {
    if (e instanceof VerificationError) throw new InputFileError(`--log-public-key ${file} is not a PEM public key`);
    throw e;
  }
}

function servedKeyDer(pem: string): Buffer {
  try {
    return publicKeyDer(pem);
  } catch (e) {
    if (e instanceof VerificationError) throw new ApiError(200, 'the server answered /api/v1/log/publicKey with something that is not a PEM public key');
    throw e;
  }
}
