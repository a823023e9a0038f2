/**
 * The OIDC issuer a Fulcio certificate was issued for (sigstore/fulcio docs/oid-info.md):
 * 1.3.6.1.4.1.57264.1.8 holds it as a DER UTF8String; the deprecated 1.3.6.1.4.1.57264.1.1
 * holds the raw string bytes. Like rekor-monitor (identity.CertMatchesPolicy), the newer
 * extension wins and the old one is the fallback.
 */
import { DerError, readSingle, TAG_UTF8_STRING } from '../types/pki/der';

export const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** Go's asn1.Unmarshal into a string also takes PrintableString and IA5String. */
const STRING_TAGS = new Set([TAG_UTF8_STRING, 0x13, 0x16]);

/** The issuer named by a certificate's extensions (extnID → extnValue), if any. */
export function oidcIssuer(extensions: ReadonlyMap<string, Buffer>): string | undefined {
  const v2 = extensions.get(OID_ISSUER_V2);
  if (v2) {
    try {
      const element = readSingle(v2);
      if (STRING_TAGS.has(element.tag) && element.content.length > 0) return element.content.toString('utf8');
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      // A malformed v2 value falls back to v1, as rekor-monitor does.
    }
  }
  const v1 = extensions.get(OID_ISSUER_V1);
  return v1 && v1.length > 0 ? v1.toString('utf8') : undefined;
}
