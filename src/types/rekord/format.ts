/**
 * The signature formats of a rekord 0.0.1 entry (`signature.format`): each parses the
 * signature and the public key as Rekor's pkg/pki/<format> does, re-encodes both as
 * Rekor's CanonicalValue() does (those bytes go into the canonical body), and verifies a
 * signature over the artifact's raw bytes. Every failure is an InvalidEntryError (400)
 * with Rekor's message. A format may answer synchronously or with a promise (openpgp.js
 * is asynchronous).
 */
export type RekordFormatName = 'pgp' | 'minisign' | 'x509' | 'ssh';

export interface RekordPublicKey {
  /** Rekor's CanonicalValue() of the key: the bytes the canonical body holds (base64). */
  canonical: Buffer;
  /** Rekor's Subjects(): emails or SANs that become index keys (as Rekor returns them). */
  subjects: string[];
}

export interface RekordSignature {
  /** Rekor's CanonicalValue() of the signature. */
  canonical: Buffer;
}

export interface RekordFormat<K extends RekordPublicKey = RekordPublicKey, S extends RekordSignature = RekordSignature> {
  name: RekordFormatName;
  parseSignature(bytes: Buffer): S | Promise<S>;
  parsePublicKey(bytes: Buffer): K | Promise<K>;
  /** Throws (or rejects with) InvalidEntryError unless `signature` signs `content` under `key`. */
  verify(signature: S, key: K, content: Buffer): void | Promise<void>;
}
