/**
 * The log's public key (GET /api/v1/log/publicKey, PEM) as a WebCrypto verifier, with its
 * log ID: SHA-256 of the PKIX DER (REKOR-WIRE §2). glasslog signs with ECDSA P-256 or
 * Ed25519 (src/crypto/keys.ts). ECDSA signatures on the wire are DER over SHA-256 of the
 * message; WebCrypto takes r‖s and hashes the message itself. Ed25519 signs the message.
 */
import { fromBase64, sha256, subtle } from './bytes.mjs';
import { DerError, TAG, children, expectTag, oidToString, readWhole } from './der.mjs';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_ED25519 = '1.3.101.112';
const P256_SCALAR_BYTES = 32;

/**
 * `verify` is absent when this browser cannot check the key's signatures; `unsupported`
 * then says why, in words the page shows as they are.
 * @typedef {{
 *   logId: Uint8Array, keyType: string,
 *   verify?: (message: Uint8Array<ArrayBuffer>, signature: Uint8Array) => Promise<boolean>,
 *   unsupported?: string
 * }} LogKey
 */

/** @param {string} pem @returns {Promise<LogKey>} */
export async function importLogKey(pem) {
  const m = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  if (!m) throw new Error('the log did not send a PEM public key');
  const spki = fromBase64((m[1] ?? '').replace(/\s+/g, ''));
  const logId = await sha256(spki);
  const [algorithm] = children(expectTag(readWhole(spki), TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  const [oid, parameters] = children(expectTag(algorithm, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  const keyOid = oidToString(expectTag(oid, TAG.OID, 'key algorithm').value);

  if (keyOid === OID_EC_PUBLIC_KEY && parameters?.tag === TAG.OID && oidToString(parameters.value) === OID_P256) {
    const key = await subtle().importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return {
      logId,
      keyType: 'ECDSA P-256',
      verify: async (message, signature) => {
        const raw = ecdsaRawSignature(signature);
        return raw !== undefined && subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, message);
      },
    };
  }
  if (keyOid === OID_ED25519) {
    let key;
    try {
      key = await subtle().importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
    } catch (err) {
      // Browsers without Ed25519 in WebCrypto throw NotSupportedError: say so, do not guess.
      if (err instanceof DOMException && err.name === 'NotSupportedError') {
        return { logId, keyType: 'Ed25519', unsupported: 'cannot check Ed25519 here: this browser’s WebCrypto has no Ed25519' };
      }
      throw err;
    }
    return { logId, keyType: 'Ed25519', verify: async (message, signature) => subtle().verify({ name: 'Ed25519' }, key, new Uint8Array(signature), message) };
  }
  return { logId, keyType: keyOid, unsupported: `cannot check signatures of key type ${keyOid} here` };
}

/**
 * An ECDSA-Sig-Value (SEQUENCE of two INTEGERs) as WebCrypto's fixed-width r‖s, or
 * undefined when it is not one for P-256 (a malformed signature simply does not verify).
 * @param {Uint8Array} der @returns {Uint8Array<ArrayBuffer> | undefined}
 */
export function ecdsaRawSignature(der) {
  try {
    const integers = children(expectTag(readWhole(der), TAG.SEQUENCE, 'ECDSA signature'));
    if (integers.length !== 2) return undefined;
    const raw = new Uint8Array(2 * P256_SCALAR_BYTES);
    for (const [i, integer] of integers.entries()) {
      let value = expectTag(integer, TAG.INTEGER, 'ECDSA signature integer').value;
      if (value.length === 0 || value[0] & 0x80) return undefined; // empty or negative
      // DER adds a 0x00 before a high bit so the INTEGER stays positive; r‖s has none.
      while (value.length > 1 && value[0] === 0) value = value.subarray(1);
      if (value.length > P256_SCALAR_BYTES) return undefined;
      raw.set(value, (i + 1) * P256_SCALAR_BYTES - value.length);
    }
    return raw;
  } catch (err) {
    if (err instanceof DerError) return undefined;
    throw err;
  }
}
