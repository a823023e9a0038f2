/**
 * Who a key in an entry body says the signer is: the subjects and fingerprints of one
 * verifier (a PEM key or certificate, a PGP key, an SSH key, a minisign key), read with the
 * same parsers that admitted the entry (src/types), so the monitor sees what Rekor saw.
 *
 * Fingerprints follow rekor-monitor's README: hex SHA-256 of the PKIX key DER (bare keys,
 * certificate keys, minisign keys) and of the certificate DER; hex of the PGP key
 * fingerprint (primary and subkeys); OpenSSH's unpadded base64 SHA-256 of the key blob.
 */
import { createHash } from 'node:crypto';
import { readPgpPublicKey } from '../types/pki/pgp/keyring';
import { parseX509PublicKey } from '../types/pki/x509';
import { minisignFormat } from '../types/rekord/minisign';
import { sshFormat } from '../types/rekord/ssh';
import { oidcIssuer } from './oidc-issuer';

export type VerifierFormat = 'x509' | 'pgp' | 'ssh' | 'minisign';

export type FingerprintOf = 'public key' | 'certificate' | 'certificate public key' | 'pgp key' | 'ssh key' | 'minisign key';

export interface Fingerprint {
  value: string;
  of: FingerprintOf;
}

export interface VerifierIdentity {
  /** Where the key sits in the entry body, e.g. "spec.signatures[0].verifier". */
  field: string;
  format: VerifierFormat;
  /** True when the verifier is a certificate (or chain): `subjects` are then its SANs. */
  certificate: boolean;
  /** SANs of the (leaf) certificate, or the e-mail addresses of a PGP key's user IDs. */
  subjects: string[];
  /** Fulcio's OIDC issuer extension of the (leaf) certificate. */
  issuer?: string;
  fingerprints: Fingerprint[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/** The PKIX DER prefix of an Ed25519 key (RFC 8410): a minisign key is the 32 bytes after it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Reads the decoded key bytes of one body field. `formatHint` is rekord's
 * `signature.format`; without it the bytes say what they are. Throws when they are not a
 * key of that format.
 */
export async function readVerifier(bytes: Buffer, field: string, formatHint?: string): Promise<VerifierIdentity> {
  const format = formatHint !== undefined ? hintedFormat(formatHint) : sniffFormat(bytes);
  switch (format) {
    case 'x509':
      return { field, ...x509Identity(bytes) };
    case 'pgp':
      return { field, ...(await pgpIdentity(bytes)) };
    case 'ssh':
      return { field, ...sshIdentity(bytes) };
    case 'minisign':
      return { field, ...minisignIdentity(bytes) };
  }
}

function hintedFormat(hint: string): VerifierFormat {
  if (hint === 'x509' || hint === 'pgp' || hint === 'ssh' || hint === 'minisign') return hint;
  throw new Error(`unknown key format ${JSON.stringify(hint)}`);
}

/**
 * Without a hint (every kind but rekord): PEM is x509, an authorized_keys line is SSH,
 * and anything else is a PGP key, armored or binary (rpm and helm carry those).
 */
function sniffFormat(bytes: Buffer): VerifierFormat {
  const text = bytes.subarray(0, 64).toString('latin1').trimStart();
  if (text.startsWith('-----BEGIN PGP')) return 'pgp';
  if (text.startsWith('-----BEGIN ')) return 'x509';
  if (/^(?:ssh-|ecdsa-sha2-|sk-)/.test(text)) return 'ssh';
  return 'pgp';
}

type Identity = Omit<VerifierIdentity, 'field'>;

function x509Identity(bytes: Buffer): Identity {
  const parsed = parseX509PublicKey(bytes);
  const keyFingerprint = sha256(parsed.signingKey.spki).toString('hex');
  const leaf = parsed.certificates[0];
  if (!leaf) {
    return { format: 'x509', certificate: false, subjects: [], fingerprints: [{ value: keyFingerprint, of: 'public key' }] };
  }
  return {
    format: 'x509',
    certificate: true,
    subjects: parsed.subjects,
    issuer: oidcIssuer(leaf.extensions),
    fingerprints: [
      { value: sha256(leaf.der).toString('hex'), of: 'certificate' },
      { value: keyFingerprint, of: 'certificate public key' },
    ],
  };
}

async function pgpIdentity(bytes: Buffer): Promise<Identity> {
  const key = await readPgpPublicKey(bytes);
  const packets = key.entities.flatMap((e) => [e.primary, ...e.subkeys.map((s) => s.key)]);
  return {
    format: 'pgp',
    certificate: false,
    subjects: key.subjects,
    fingerprints: packets.map((p) => ({ value: p.fingerprint.toString('hex'), of: 'pgp key' })),
  };
}

function sshIdentity(bytes: Buffer): Identity {
  // The canonical form is "<type> <base64 key blob>\n"; OpenSSH fingerprints the blob.
  const blob = Buffer.from(sshFormat.parsePublicKey(bytes).canonical.toString('latin1').split(' ')[1]!, 'base64');
  const value = sha256(blob).toString('base64').replace(/=+$/, '');
  return { format: 'ssh', certificate: false, subjects: [], fingerprints: [{ value, of: 'ssh key' }] };
}

function minisignIdentity(bytes: Buffer): Identity {
  const spki = Buffer.concat([ED25519_SPKI_PREFIX, minisignFormat.parsePublicKey(bytes).publicKey]);
  return { format: 'minisign', certificate: false, subjects: [], fingerprints: [{ value: sha256(spki).toString('hex'), of: 'minisign key' }] };
}
