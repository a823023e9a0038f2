/**
 * Entry UUIDs (REKOR-WIRE.md §1): 16 hex digits of the tree ID (int64, big-endian, zero
 * padded) followed by the 64-hex leaf hash. Lookups also accept the bare 64-hex leaf hash.
 */
import { UnprocessableError } from '../errors';

export function treeIdHex(treeId: string): string {
  return BigInt(treeId).toString(16).padStart(16, '0');
}

export function entryUuid(treeId: string, leafHash: Uint8Array): string {
  return treeIdHex(treeId) + Buffer.from(leafHash).toString('hex');
}

export interface ParsedUuid {
  /** Decimal tree id when the UUID carried one (80 hex), else undefined. */
  treeId?: string;
  leafHash: Buffer;
}

export function parseEntryUuid(uuid: string): ParsedUuid {
  if (!/^([0-9a-fA-F]{16})?[0-9a-fA-F]{64}$/.test(uuid)) {
    // Rekor's OpenAPI pattern; go-openapi answers a pattern mismatch with 422.
    throw new UnprocessableError(`entryUUID should match '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$', got ${JSON.stringify(uuid.slice(0, 100))}`);
  }
  const lower = uuid.toLowerCase();
  if (lower.length === 64) return { leafHash: Buffer.from(lower, 'hex') };
  return { treeId: BigInt('0x' + lower.slice(0, 16)).toString(10), leafHash: Buffer.from(lower.slice(16), 'hex') };
}
