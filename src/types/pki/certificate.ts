/**
 * X.509 certificates as Rekor sees them: Go's `x509.ParseCertificate` decides what parses,
 * the raw DER is what gets re-encoded (cryptoutils.MarshalCertificateToPEM writes
 * `cert.Raw`), and sigstore's `cryptoutils.GetSubjectAlternateNames` gives the subjects
 * used as index keys. node:crypto's X509Certificate does the signature math; the DER walk
 * here adds the checks where OpenSSL is laxer than Go and reads the fields Node hides.
 */
import { X509Certificate } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import {
  DerError,
  TAG_BIT_STRING,
  TAG_BOOLEAN,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  decodeOid,
  readChildren,
  readSingle,
  type DerElement,
} from './der';
import { parseSubjectPublicKeyInfo, type SubjectPublicKey } from './public-key';
import { parseSubjectAlternativeNames, type SubjectAlternativeNames } from './san';

export interface ParsedCertificate {
  /** The certificate exactly as submitted (Go's `cert.Raw`). */
  der: Buffer;
  x509: X509Certificate;
  publicKey: SubjectPublicKey;
  version: number;
  rawIssuer: Buffer;
  rawSubject: Buffer;
  notBefore: Date;
  notAfter: Date;
  signatureAlgorithm: string;
  /** Present when the basicConstraints extension is (Go's BasicConstraintsValid). */
  basicConstraints?: { isCA: boolean; maxPathLen?: number };
  /** keyUsage bits as Go numbers them (bit 0 = digitalSignature … bit 5 = keyCertSign). */
  keyUsage?: number;
  subjectAlternativeNames: SubjectAlternativeNames;
  /** Every extension: extnID (dotted OID) → extnValue, e.g. Fulcio's OIDC issuer for the monitor. */
  extensions: Map<string, Buffer>;
}

const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/** Parse a DER certificate; throws InvalidEntryError with a Go-like message. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  let fields: Omit<ParsedCertificate, 'x509' | 'der'>;
  try {
    fields = parseFields(der);
  } catch (err) {
    if (err instanceof DerError) throw new InvalidEntryError(`x509: malformed certificate: ${err.message}`);
    throw err;
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw new InvalidEntryError('x509: malformed certificate');
  }
  return { der, x509, ...fields };
}

function parseFields(der: Buffer): Omit<ParsedCertificate, 'x509' | 'der'> {
  // Go: "x509: trailing data" — the certificate must be the whole block.
  const [tbs, outerAlgorithm, signature, ...extra] = readChildren(readSingle(der, TAG_SEQUENCE).content);
  if (!tbs || !outerAlgorithm || signature?.tag !== TAG_BIT_STRING || extra.length > 0) {
    throw new DerError('not a Certificate');
  }
  const items = readChildren(expect(tbs, TAG_SEQUENCE).content);
  // version is [0] EXPLICIT INTEGER, absent for version 1 (encoded as 0).
  const explicitVersion = items[0]?.tag === 0xa0 ? items.shift() : undefined;
  const version = explicitVersion ? readSingle(explicitVersion.content, TAG_INTEGER).content[0]! + 1 : 1;
  const [serial, innerAlgorithm, issuer, validity, subject, spki, ...optional] = items;
  if (!innerAlgorithm || !issuer || !validity || !subject || !spki) throw new DerError('short TBSCertificate');
  expect(serial, TAG_INTEGER);
  if (!innerAlgorithm.raw.equals(outerAlgorithm.raw)) {
    throw new InvalidEntryError("x509: inner and outer signature algorithm identifiers don't match");
  }
  const [notBefore, notAfter] = readChildren(expect(validity, TAG_SEQUENCE).content).map(decodeTime);
  if (!notBefore || !notAfter) throw new DerError('bad Validity');
  const extensions = readExtensions(optional);
  const basicConstraints = extensions.get(OID_BASIC_CONSTRAINTS);
  const keyUsage = extensions.get(OID_KEY_USAGE);
  const san = extensions.get(OID_SUBJECT_ALT_NAME);
  return {
    publicKey: parseSubjectPublicKeyInfo(expect(spki, TAG_SEQUENCE).raw),
    version,
    rawIssuer: expect(issuer, TAG_SEQUENCE).raw,
    rawSubject: expect(subject, TAG_SEQUENCE).raw,
    notBefore,
    notAfter,
    signatureAlgorithm: algorithmOid(outerAlgorithm),
    basicConstraints: basicConstraints && parseBasicConstraints(basicConstraints),
    keyUsage: keyUsage && parseKeyUsage(keyUsage),
    subjectAlternativeNames: parseSubjectAlternativeNames(san),
    extensions,
  };
}

function algorithmOid(algorithmIdentifier: DerElement): string {
  const [oid] = readChildren(expect(algorithmIdentifier, TAG_SEQUENCE).content);
  return decodeOid(expect(oid, TAG_OID).content);
}

function expect(element: DerElement | undefined, tag: number): DerElement {
  if (!element || element.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
  return element;
}

/** extnID → extnValue (the OCTET STRING's content). Go refuses duplicate extensions. */
function readExtensions(trailing: DerElement[]): Map<string, Buffer> {
  const extensions = new Map<string, Buffer>();
  const block = trailing.find((e) => e.tag === 0xa3);
  if (!block) return extensions;
  for (const extension of readChildren(readSingle(block.content, TAG_SEQUENCE).content)) {
    const parts = readChildren(expect(extension, TAG_SEQUENCE).content);
    const oid = decodeOid(expect(parts[0], TAG_OID).content);
    const value = expect(parts[parts.length - 1], TAG_OCTET_STRING).content;
    if (parts.length === 3) expect(parts[1], TAG_BOOLEAN);
    if (extensions.has(oid)) throw new InvalidEntryError('x509: certificate contains duplicate extensions');
    extensions.set(oid, value);
  }
  return extensions;
}

function parseBasicConstraints(value: Buffer): { isCA: boolean; maxPathLen?: number } {
  const parts = readChildren(readSingle(value, TAG_SEQUENCE).content);
  let isCA = false;
  let maxPathLen: number | undefined;
  for (const part of parts) {
    if (part.tag === TAG_BOOLEAN) isCA = part.content[0] !== 0;
    if (part.tag === TAG_INTEGER) maxPathLen = part.content.readUIntBE(0, Math.min(part.content.length, 6));
  }
  return { isCA, maxPathLen };
}

function parseKeyUsage(value: Buffer): number {
  const bits = readSingle(value, TAG_BIT_STRING).content.subarray(1);
  let usage = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bits[i >> 3] ?? 0;
    if (byte & (0x80 >> (i & 7))) usage |= 1 << i;
  }
  return usage;
}

/** UTCTime (YYMMDDHHMMSSZ, years 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
function decodeTime(element: DerElement): Date {
  const text = element.content.toString('latin1');
  const utc = element.tag === 0x17 && /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const generalized = element.tag === 0x18 && /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const match = utc || generalized;
  if (!match) throw new DerError('bad time');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  const fullYear = utc ? (year! >= 50 ? 1900 + year! : 2000 + year!) : year!;
  return new Date(Date.UTC(fullYear, month! - 1, day!, hour!, minute!, second!));
}
