/**
 * Who signed: the identity in an entry's X.509 certificate — SAN email addresses, URIs, DNS
 * names and other names, Fulcio's OIDC issuer, the subject and issuer names, the validity.
 * A DER walk (der.mjs) rather than a library: the page loads no third-party code.
 */
import { fromBase64 } from './bytes.mjs';
import { TAG, children, decodeString, decodeTime, expectTag, oidToString, readWhole } from './der.mjs';

const OID_SUBJECT_ALT_NAME = '2.5.29.17';
/** Fulcio's OIDC issuer as a DER UTF8String (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). */
const OID_FULCIO_ISSUER = '1.3.6.1.4.1.57264.1.8';
/** The deprecated form of the same: the raw issuer text, not DER. */
const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';

/** @type {Record<string, string>} RFC 4514 short names, and emailAddress as OpenSSL shows it. */
const ATTRIBUTE_NAMES = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * @typedef {{
 *   emails: string[], uris: string[], dnsNames: string[], otherNames: string[],
 *   oidcIssuer: string | undefined, subject: string, issuer: string,
 *   notBefore: Date, notAfter: Date
 * }} CertificateIdentity
 */

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/;
const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;
/** Strings longer than this are not tried as base64 of a PEM: no certificate is that big. */
const MAX_PEM_BASE64 = 256 * 1024;

/**
 * DER of the first certificate in each string of the entry body that is a PEM block or
 * base64 of one — wherever the kind keeps it (hashedrekord and rekord publicKey.content,
 * dsse verifiers, intoto publicKey). Only the first of a chain: the leaf is the signer.
 * @param {unknown} body the parsed canonical body
 * @returns {Uint8Array[]}
 */
export function certificatesIn(body) {
  /** @type {Map<string, Uint8Array>} */
  const found = new Map();
  /** @param {unknown} value @param {number} depth */
  const visit = (value, depth) => {
    if (depth > 64) return;
    if (typeof value === 'string') {
      const b64 = pemCertificateBase64(value);
      if (b64 !== undefined && !found.has(b64)) found.set(b64, fromBase64(b64));
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
    } else if (value !== null && typeof value === 'object') {
      for (const v of Object.values(value)) visit(v, depth + 1);
    }
  };
  visit(body, 0);
  return [...found.values()];
}

/** The base64 of the first PEM certificate in `text` or in base64-decoded `text`. @param {string} text */
function pemCertificateBase64(text) {
  let pem = text;
  if (!text.includes('-----BEGIN')) {
    if (text.length > MAX_PEM_BASE64 || !BASE64_TEXT.test(text)) return undefined;
    try {
      pem = atob(text);
    } catch {
      return undefined;
    }
  }
  const m = PEM_CERTIFICATE.exec(pem);
  if (!m) return undefined;
  const b64 = (m[1] ?? '').replace(/\s+/g, '');
  try {
    fromBase64(b64);
    return b64;
  } catch {
    return undefined;
  }
}

/**
 * The identity a certificate names. Throws DerError if it is not the X.509 this expects.
 * @param {Uint8Array} der @returns {CertificateIdentity}
 */
export function certificateIdentity(der) {
  const certificate = expectTag(readWhole(der), TAG.SEQUENCE, 'certificate');
  const tbs = expectTag(children(certificate)[0], TAG.SEQUENCE, 'tbsCertificate');
  const fields = children(tbs);
  // RFC 5280 §4.1: version is [0] EXPLICIT and absent from v1 certificates.
  const [, , issuer, validity, subject, , ...optional] = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [notBefore, notAfter] = children(expectTag(validity, TAG.SEQUENCE, 'validity'));
  if (!notBefore || !notAfter) throw new Error('certificate validity has fewer than two times');
  /** @type {CertificateIdentity} */
  const identity = {
    emails: [],
    uris: [],
    dnsNames: [],
    otherNames: [],
    oidcIssuer: undefined,
    subject: distinguishedName(expectTag(subject, TAG.SEQUENCE, 'subject')),
    issuer: distinguishedName(expectTag(issuer, TAG.SEQUENCE, 'issuer')),
    notBefore: decodeTime(notBefore),
    notAfter: decodeTime(notAfter),
  };
  const extensions = optional.find((t) => t.tag === 0xa3); // [3] EXPLICIT Extensions
  /** @type {Record<string, Uint8Array>} */
  const values = {};
  for (const extension of extensions ? children(expectTag(readWhole(extensions.value), TAG.SEQUENCE, 'extensions')) : []) {
    const parts = children(expectTag(extension, TAG.SEQUENCE, 'extension'));
    const id = oidToString(expectTag(parts[0], TAG.OID, 'extension id').value);
    values[id] = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, `extension ${id}`).value;
  }
  if (values[OID_SUBJECT_ALT_NAME]) readSubjectAltNames(values[OID_SUBJECT_ALT_NAME], identity);
  const issuerV2 = values[OID_FULCIO_ISSUER];
  const issuerV1 = values[OID_FULCIO_ISSUER_V1];
  identity.oidcIssuer = issuerV2
    ? decodeString(readWhole(issuerV2))
    : issuerV1
      ? new TextDecoder('utf-8').decode(issuerV1)
      : undefined;
  return identity;
}

/** RFC 5280 §4.2.1.6 GeneralNames, by their implicit context tags. @param {Uint8Array} value @param {CertificateIdentity} identity */
function readSubjectAltNames(value, identity) {
  for (const name of children(expectTag(readWhole(value), TAG.SEQUENCE, 'subjectAltName'))) {
    const text = () => new TextDecoder('utf-8').decode(name.value);
    if (name.tag === 0x81) identity.emails.push(text()); // [1] rfc822Name
    else if (name.tag === 0x82) identity.dnsNames.push(text()); // [2] dNSName
    else if (name.tag === 0x86) identity.uris.push(text()); // [6] uniformResourceIdentifier
    else if (name.tag === 0xa0) identity.otherNames.push(otherName(name.value)); // [0] otherName
  }
}

/** "type-id: text" of an otherName (Fulcio puts usernames there, 1.3.6.1.4.1.57264.1.7). @param {Uint8Array} value */
function otherName(value) {
  const [typeId, wrapped] = children({ tag: TAG.SEQUENCE, value, end: value.length });
  const type = oidToString(expectTag(typeId, TAG.OID, 'otherName type').value);
  const inner = wrapped && wrapped.tag === 0xa0 ? readWhole(wrapped.value) : undefined;
  return `${type}: ${(inner && decodeString(inner)) ?? '(not text)'}`;
}

/**
 * A Name in RFC 4514 form: last RDN first, "," between RDNs, "+" inside one.
 * @param {import('./der.mjs').Tlv} name
 */
function distinguishedName(name) {
  const rdns = children(name).map((rdn) =>
    children(expectTag(rdn, TAG.SET, 'relative distinguished name'))
      .map((attribute) => {
        const [type, value] = children(expectTag(attribute, TAG.SEQUENCE, 'attribute'));
        const oid = oidToString(expectTag(type, TAG.OID, 'attribute type').value);
        const text = value ? decodeString(value) : undefined;
        return `${ATTRIBUTE_NAMES[oid] ?? oid}=${text === undefined ? '(not text)' : escapeAttributeValue(text)}`;
      })
      .join('+'),
  );
  return rdns.reverse().join(', ');
}

/** RFC 4514 §2.4 escaping. @param {string} text */
function escapeAttributeValue(text) {
  return text
    .replace(/[\\,+"<>;]/g, '\\$&')
    .replace(/^[ #]/, '\\$&')
    .replace(/ $/, '\\ ');
}
