/**
 * Signed entry timestamps (SET, Rekor's "inclusion promise"), REKOR-WIRE §3.
 *
 * The payload is the RFC 8785 canonical JSON of
 *   {"body":<b64 body>,"integratedTime":<int>,"logID":"<hex>","logIndex":<global int>}
 * and the SET is the log key's signature over those bytes. sigstore-js rebuilds exactly this
 * object from a bundle (`logId.keyId.toString('hex')`, so lowercase hex) and verifies it with
 * the key of the trusted tlog whose log ID equals `logID`.
 */
import { canonicalJson } from './canonical-json';
import { type Signer, logIdOf, verifySignature } from './keys';

export interface SetFields {
  /** Standard base64 (with padding) of the entry's canonical body. */
  body: string;
  /** Unix seconds. */
  integratedTime: number;
  /** Lowercase hex SHA-256 of the log's PKIX public key, 64 characters. */
  logID: string;
  /** Global log index (shard offset + index in the tree). */
  logIndex: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LOG_ID_HEX = /^[0-9a-f]{64}$/;

function checkFields(f: SetFields): void {
  if (typeof f.body !== 'string' || !BASE64.test(f.body)) {
    throw new TypeError('SET: body must be standard base64 with padding');
  }
  if (!Number.isSafeInteger(f.integratedTime) || f.integratedTime < 0) {
    throw new TypeError(`SET: integratedTime must be a non-negative safe integer, got ${f.integratedTime}`);
  }
  if (typeof f.logID !== 'string' || !LOG_ID_HEX.test(f.logID)) {
    throw new TypeError('SET: logID must be 64 lowercase hex characters');
  }
  if (!Number.isSafeInteger(f.logIndex) || f.logIndex < 0) {
    throw new TypeError(`SET: logIndex must be a non-negative safe integer, got ${f.logIndex}`);
  }
}

/** The bytes a SET signs. Throws TypeError for malformed fields. */
export function setPayload(f: SetFields): Buffer {
  checkFields(f);
  // Only the four fields, whatever else the caller's object carries.
  return canonicalJson({
    body: f.body,
    integratedTime: f.integratedTime,
    logID: f.logID,
    logIndex: f.logIndex,
  });
}

/** The SET bytes (sent base64 as `verification.signedEntryTimestamp`). */
export function signEntryTimestamp(signer: Signer, f: SetFields): Buffer {
  const logID = signer.logId.toString('hex');
  if (f.logID !== logID) {
    throw new Error(`SET: logID ${f.logID} is not the signer's log ID ${logID}`);
  }
  return signer.sign(setPayload(f));
}

/**
 * True if `set` is a valid SET over `f` by the key and `f.logID` names that key (as
 * sigstore-js, which only tries keys whose log ID equals the entry's). Throws TypeError for
 * malformed fields and Error for an unusable key.
 */
export function verifyEntryTimestamp(publicKeyDer: Uint8Array, f: SetFields, set: Uint8Array): boolean {
  const payload = setPayload(f);
  if (f.logID !== logIdOf(publicKeyDer).toString('hex')) return false;
  return verifySignature(publicKeyDer, payload, set);
}
