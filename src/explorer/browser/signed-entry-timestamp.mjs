/**
 * The signed entry timestamp's payload (REKOR-WIRE §3, src/crypto/set.ts): RFC 8785 JSON of
 * {body, integratedTime, logID, logIndex}. RFC 8785 serializes strings and numbers exactly as
 * JSON.stringify does, so writing the four keys in their sorted order is the canonical form.
 */
import { utf8 } from './bytes.mjs';

/**
 * @param {{ body: unknown, integratedTime: unknown, logID: unknown, logIndex: unknown }} entry
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function signedEntryTimestampPayload(entry) {
  const { body, integratedTime, logID, logIndex } = entry;
  if (typeof body !== 'string' || typeof logID !== 'string' || !Number.isSafeInteger(integratedTime) || !Number.isSafeInteger(logIndex)) {
    throw new Error('the entry’s body, integratedTime, logID or logIndex has the wrong type');
  }
  return utf8(JSON.stringify({ body, integratedTime, logID, logIndex }));
}
