/**
 * Subject alternative names, read as Go's crypto/x509 parses them (parseSANExtension) and
 * listed as sigstore's `cryptoutils.GetSubjectAlternateNames` lists them, which is what
 * Rekor's x509 `Subjects()` returns for index keys: DNS names, then emails, then IP
 * addresses, then URIs, then the single Sigstore OtherName (OID 1.3.6.1.4.1.57264.1.7).
 */
import { InvalidEntryError } from '../../errors';
import { DerError, TAG_OID, TAG_SEQUENCE, TAG_UTF8_STRING, decodeOid, readChildren, readSingle } from './der';

export interface SubjectAlternativeNames {
  dnsNames: string[];
  emailAddresses: string[];
  ipAddresses: string[];
  uris: string[];
  /** The Sigstore "username" OtherName, when there is exactly one and it parses. */
  otherName?: string;
}

const OID_SIGSTORE_OTHER_NAME = '1.3.6.1.4.1.57264.1.7';

// GeneralName CHOICE tags, context-specific.
const TAG_OTHER_NAME = 0xa0;
const TAG_RFC822_NAME = 0x81;
const TAG_DNS_NAME = 0x82;
const TAG_URI = 0x86;
const TAG_IP_ADDRESS = 0x87;

/** Parse the SAN extension's value (absent → no names). Throws as Go's ParseCertificate would. */
export function parseSubjectAlternativeNames(extensionValue: Buffer | undefined): SubjectAlternativeNames {
  const names: SubjectAlternativeNames = { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [] };
  if (!extensionValue) return names;
  let generalNames;
  try {
    generalNames = readChildren(readSingle(extensionValue, TAG_SEQUENCE).content);
  } catch {
    throw new InvalidEntryError('x509: invalid subject alternative names');
  }
  for (const name of generalNames) {
    const text = name.content.toString('latin1');
    switch (name.tag) {
      case TAG_RFC822_NAME:
        names.emailAddresses.push(ia5(text, 'x509: SAN rfc822Name is malformed'));
        break;
      case TAG_DNS_NAME:
        names.dnsNames.push(ia5(text, 'x509: SAN dNSName is malformed'));
        break;
      case TAG_URI:
        names.uris.push(checkUri(ia5(text, 'x509: SAN uniformResourceIdentifier is malformed')));
        break;
      case TAG_IP_ADDRESS:
        names.ipAddresses.push(formatIp(name.content));
        break;
    }
  }
  names.otherName = sigstoreOtherName(generalNames.filter((n) => n.tag === TAG_OTHER_NAME).map((n) => n.content));
  return names;
}

/** GetSubjectAlternateNames' order: DNS, email, IP, URI, OtherName. */
export function subjectAlternateNames(names: SubjectAlternativeNames): string[] {
  return [
    ...names.dnsNames,
    ...names.emailAddresses,
    ...names.ipAddresses,
    ...names.uris,
    ...(names.otherName ? [names.otherName] : []),
  ];
}

function ia5(text: string, message: string): string {
  if (/[^\x00-\x7f]/.test(text)) throw new InvalidEntryError(message);
  return text;
}

/**
 * The failures of Go's url.Parse that a certificate URI can plausibly hit: control
 * characters, a broken %-escape outside the query, an empty scheme. The URI is kept as
 * written; Go would re-serialize it, which only matters in case (and index keys are
 * lowercased) or for escapes Go normalizes.
 */
function checkUri(uri: string): string {
  const beforeQuery = uri.split('?', 1)[0]!;
  if (/[\x00-\x1f\x7f]/.test(uri) || /%(?![0-9A-Fa-f]{2})/.test(beforeQuery) || uri.startsWith(':')) {
    throw new InvalidEntryError(`x509: cannot parse URI ${JSON.stringify(uri)}`);
  }
  return uri;
}

/** Go's net.IP.String(): dotted quad for IPv4 and IPv4-mapped IPv6, RFC 5952 otherwise. */
function formatIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) throw new InvalidEntryError(`x509: cannot parse IP address of length ${bytes.length}`);
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return [...bytes.subarray(12)].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  // The longest run of two or more zero groups (the first, on a tie) becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * sigstore's UnmarshalOtherNameSAN: exactly one OtherName, of the Sigstore OID, whose value
 * is an explicitly tagged UTF8String. Any deviation is an error there, which
 * GetSubjectAlternateNames ignores, so here it is simply no name.
 */
function sigstoreOtherName(otherNames: Buffer[]): string | undefined {
  if (otherNames.length !== 1) return undefined;
  try {
    const [oid, value, ...rest] = readChildren(otherNames[0]!);
    if (!oid || oid.tag !== TAG_OID || value?.tag !== 0xa0 || rest.length > 0) return undefined;
    if (decodeOid(oid.content) !== OID_SIGSTORE_OTHER_NAME) return undefined;
    return readSingle(value.content, TAG_UTF8_STRING).content.toString('utf8');
  } catch (err) {
    if (err instanceof DerError) return undefined;
    throw err;
  }
}
