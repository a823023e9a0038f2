/** The "Signer" card: the identity in each X.509 certificate the entry carries. */
import { certificateIdentity, certificatesIn } from './certificate.mjs';
import { card, el, fields, utcTime } from './dom.mjs';

/** @param {unknown} body the parsed canonical body, or undefined if it is not JSON */
export function signerCard(body) {
  const certificates = certificatesIn(body);
  if (certificates.length === 0) {
    return card('Signer', { testid: 'identity' }, el('p', { class: 'muted', text: 'No X.509 certificate in this entry: it was signed with a bare public key.' }));
  }
  return card('Signer', { testid: 'identity' }, ...certificates.map(identityFields));
}

/** @param {Uint8Array} der */
function identityFields(der) {
  let id;
  try {
    id = certificateIdentity(der);
  } catch (err) {
    return el('p', { class: 'warning', text: `A certificate in this entry could not be read: ${err instanceof Error ? err.message : String(err)}` });
  }
  /** @param {string[]} values */
  const list = (values) => (values.length > 0 ? values.join(', ') : undefined);
  return fields([
    ['Email', list(id.emails)],
    ['URI', list(id.uris)],
    ['DNS name', list(id.dnsNames)],
    ['Other name', list(id.otherNames)],
    ['OIDC issuer', id.oidcIssuer],
    ['Subject', id.subject || undefined],
    ['Certificate issuer', id.issuer || undefined],
    ['Valid', `${utcTime(id.notBefore.getTime() / 1000)} to ${utcTime(id.notAfter.getTime() / 1000)}`],
  ]);
}
