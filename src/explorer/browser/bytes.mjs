/**
 * Bytes in the browser: hex and base64 only where the wire has them, SHA-256 from
 * WebCrypto. WebCrypto exists only in secure contexts (HTTPS, or http://localhost and
 * 127.0.0.1), so its absence is a state the page reports, not an error to hide.
 */

/** WebCrypto is missing: the page was served over plain HTTP from another host. */
export class WebCryptoUnavailableError extends Error {
  constructor() {
    super('this browser gives no WebCrypto here: open the explorer over HTTPS (or from localhost) to verify');
    this.name = 'WebCryptoUnavailableError';
  }
}

/** @returns {SubtleCrypto} */
export function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new WebCryptoUnavailableError();
  return s;
}

/** @param {BufferSource} data @returns {Promise<Uint8Array<ArrayBuffer>>} */
export async function sha256(data) {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** @param {string} hex @returns {Uint8Array<ArrayBuffer>} */
export function fromHex(hex) {
  if (!HEX.test(hex)) throw new Error(`not an even-length hex string: ${hex.slice(0, 16)}…`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** @param {Uint8Array} bytes @returns {string} */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard padded base64, strictly: atob alone would also take white space and missing
 * padding, and a check must not pass on bytes the server did not actually send.
 * @param {string} b64 @returns {Uint8Array<ArrayBuffer>}
 */
export function fromBase64(b64) {
  if (typeof b64 !== 'string' || !BASE64.test(b64)) throw new Error('not standard padded base64');
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** @param {string} text @returns {Uint8Array<ArrayBuffer>} */
export function utf8(text) {
  return new TextEncoder().encode(text);
}

/** @param {Uint8Array[]} parts @returns {Uint8Array<ArrayBuffer>} */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** @param {Uint8Array} a @param {Uint8Array} b */
export function bytesEqual(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
