/**
 * A minimal DER reader: enough to walk an X.509 certificate to its names and extensions, a
 * public key to its algorithm, and an ECDSA signature to its two integers. Strict about
 * lengths (no indefinite form, nothing past the end): the input is whatever the log holds.
 */

/** The bytes are not the DER this page expected. */
export class DerError extends Error {
  name = 'DerError';
}

export const TAG = Object.freeze({
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
});

/**
 * One element: its identifier octet, its contents and where it ends in the buffer read.
 * @typedef {{ tag: number, value: Uint8Array, end: number }} Tlv
 */

/** The element starting at `offset`. @param {Uint8Array} bytes @param {number} offset @returns {Tlv} */
export function readTlv(bytes, offset) {
  if (offset + 2 > bytes.length) throw new DerError('truncated element');
  const tag = bytes[offset];
  // X.509 and the keys read here use only tag numbers below 31 (one identifier octet).
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not expected here');
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('indefinite or oversized length');
    if (start + count > bytes.length) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
    start += count;
  }
  if (start + length > bytes.length) throw new DerError('element runs past the end');
  return { tag, value: bytes.subarray(start, start + length), end: start + length };
}

/** The single element that is all of `bytes`. @param {Uint8Array} bytes */
export function readWhole(bytes) {
  const tlv = readTlv(bytes, 0);
  if (tlv.end !== bytes.length) throw new DerError('trailing bytes after the element');
  return tlv;
}

/** The elements inside a constructed element. @param {Tlv} tlv @returns {Tlv[]} */
export function children(tlv) {
  const out = [];
  for (let at = 0; at < tlv.value.length; ) {
    const child = readTlv(tlv.value, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** `tlv` if it has `tag`, else a DerError naming `what`. @param {Tlv | undefined} tlv @param {number} tag @param {string} what */
export function expectTag(tlv, tag, what) {
  if (!tlv || tlv.tag !== tag) {
    const got = tlv ? `0x${tlv.tag.toString(16)}` : 'nothing';
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found ${got}`);
  }
  return tlv;
}

/** Dotted form of an OBJECT IDENTIFIER's contents. @param {Uint8Array} value */
export function oidToString(value) {
  if (value.length === 0) throw new DerError('empty object identifier');
  const arcs = [];
  let arc = 0;
  for (const b of value) {
    arc = arc * 128 + (b & 0x7f);
    if (arc > Number.MAX_SAFE_INTEGER) throw new DerError('object identifier arc too large');
    if ((b & 0x80) === 0) {
      arcs.push(arc);
      arc = 0;
    }
  }
  if (value[value.length - 1] & 0x80) throw new DerError('truncated object identifier');
  // The first arc holds the first two: 40 × top + second (top is 0, 1 or 2).
  const [first = 0, ...rest] = arcs;
  const top = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [top, first - 40 * top, ...rest].join('.');
}

/**
 * The text of a directory string or IA5String, or undefined for a type that is not text.
 * TeletexString is read as Latin-1, as most software does.
 * @param {Tlv} tlv @returns {string | undefined}
 */
export function decodeString(tlv) {
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return new TextDecoder('utf-8').decode(tlv.value);
    case 0x14: // TeletexString
      return new TextDecoder('latin1').decode(tlv.value);
    case 0x1e: // BMPString
      return new TextDecoder('utf-16be').decode(tlv.value);
    default:
      return undefined;
  }
}

/** UTCTime or GeneralizedTime (DER: always UTC, "Z") as a Date. @param {Tlv} tlv */
export function decodeTime(tlv) {
  const text = new TextDecoder('latin1').decode(tlv.value);
  const m =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : tlv.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!m) throw new DerError(`not a DER time: ${text}`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  // RFC 5280 §4.1.2.5.1: two-digit years 50-99 are 19xx, 00-49 are 20xx.
  const fullYear = tlv.tag === TAG.UTC_TIME ? (year < 50 ? 2000 : 1900) + year : year;
  return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}
