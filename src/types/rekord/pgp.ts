/**
 * rekord's "pgp" format (sigstore/rekor pkg/pki/pgp/pgp.go): a keyring (armored — several
 * blocks allowed — or binary) and a detached signature (armored or binary) over the
 * artifact bytes. The PGP layer is Rekor's own rules, shared with the rpm and helm kinds
 * (src/types/pki/pgp): keys re-serialized with Rekor's packet filtering and armored as Go
 * writes armor, signatures checked as go-crypto's CheckDetachedSignature does as of their
 * creation time.
 */
import { InvalidEntryError } from '../../errors';
import { PgpKeyError, readPgpPublicKey, type PgpPublicKey } from '../pki/pgp/keyring';
import { readPgpSignature, verifyPgpSignature, type PgpSignature } from '../pki/pgp/signature';
import type { RekordFormat, RekordPublicKey, RekordSignature } from './format';

interface PgpKey extends RekordPublicKey {
  key: PgpPublicKey;
}

type PgpRekordSignature = RekordSignature & PgpSignature;

export const pgpFormat: RekordFormat<PgpKey, PgpRekordSignature> = {
  name: 'pgp',

  parseSignature(bytes) {
    return readPgpSignature(bytes);
  },

  async parsePublicKey(bytes) {
    try {
      const key = await readPgpPublicKey(bytes);
      return { key, canonical: key.canonical, subjects: key.subjects };
    } catch (err) {
      if (err instanceof PgpKeyError) throw new InvalidEntryError(err.message);
      throw err;
    }
  },

  verify(signature, key, content) {
    return verifyPgpSignature(signature, key.key, content);
  },
};
