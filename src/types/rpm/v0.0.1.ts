/**
 * rpm 0.0.1: an RPM package (inline) and the OpenPGP public key that verifies its
 * signatures. Mirrors sigstore/rekor pkg/types/rpm/v0.0.1/entry.go — DecodeEntry (the map
 * fast path), the generated model's Validate, validate(), Insertable, Canonicalize
 * (fetchExternalEntities: pgp.NewPublicKey, the SHA-256 check, rpmutils.Verify, then
 * GetNEVRA) and IndexKeys. The canonical entry keeps the package hash, its NEVRA headers
 * (plus RPMSIGTAG_MD5 when the signature header has one) and the canonical key; not the
 * package. Rekor fetches no URLs (since 2022) and neither does glasslog: the package must
 * be inline, and a `url` in its place is refused with 400.
 *
 * The header parser (./header.ts) bounds-checks what go-rpmutils does not (Rekor panics,
 * hence 500, on a tag pointing outside the header); the OpenPGP key handling is
 * ../pki/pgp/keyring.ts.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import { asObject, decodeContent, requireSpecObject, withUrlHint } from '../decode-entry';
import { getBytes, getNevra, RpmError } from './header';
import { PgpKeyError, readPgpPublicKey } from '../pki/pgp/keyring';
import { PgpError } from '../pki/pgp/packets';
import { verifyRpm } from './verify';

export const KIND = 'rpm';
export const API_VERSION = '0.0.1';

/** RPMSIGTAG_MD5 in the signature header. */
const SIG_MD5 = 1004;

const validateModel = compileSpecValidator({ path: 'rpm/v0.0.1/rpm_v0_0_1_schema.json' });

export function createRpmV001(): EntryType {
  return { kind: KIND, apiVersion: API_VERSION, canonicalize };
}

interface RpmModel {
  publicKey?: { content?: string };
  package?: {
    headers?: Record<string, string>;
    hash?: { algorithm?: string; value?: string };
    content?: string;
  };
}

interface Decoded {
  model: RpmModel;
  key?: Buffer;
  content?: Buffer;
}

/**
 * DecodeEntry: only object members of the expected shape are taken (other values are
 * silently dropped, as Go's type assertions drop them); base64 is decoded key first.
 */
function decodeEntry(spec: unknown): Decoded {
  const raw = requireSpecObject(spec);
  const model: RpmModel = {};
  const out: Decoded = { model };
  const publicKey = asObject(raw.publicKey);
  if (publicKey) {
    model.publicKey = {};
    out.key = decodeContent(publicKey.content, 'publicKey content');
    if (out.key) model.publicKey.content = publicKey.content as string;
  }
  const pkg = asObject(raw.package);
  if (pkg) {
    model.package = {};
    const headers = asObject(pkg.headers);
    if (headers) {
      model.package.headers = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
    const hash = asObject(pkg.hash);
    if (hash) {
      model.package.hash = {};
      if (typeof hash.algorithm === 'string') model.package.hash.algorithm = hash.algorithm;
      if (typeof hash.value === 'string') model.package.hash.value = hash.value;
    }
    out.content = decodeContent(pkg.content, 'package content');
    if (out.content) model.package.content = pkg.content as string;
  }
  return out;
}

const isHex = (s: string) => /^[0-9a-fA-F]*$/.test(s) && s.length % 2 === 0;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function canonicalize(spec: unknown): Promise<CanonicalEntry> {
  const { model, key, content } = decodeEntry(spec);
  const raw = asObject(spec);
  try {
    validateModel(model);
  } catch (err) {
    if (err instanceof InvalidEntryError) throw new InvalidEntryError(withUrlHint(err.message, asObject(raw?.publicKey)));
    throw err;
  }
  const pkg = model.package!;
  const given = pkg.hash;
  // validate()
  if (!key) throw new InvalidEntryError("'content' must be specified for publicKey");
  if (given) {
    if (given.value === undefined || given.value.length !== 64 || !isHex(given.value)) throw new InvalidEntryError('invalid value for hash');
  } else if (!content) {
    throw new InvalidEntryError(withUrlHint("'content' must be specified for package", asObject(raw?.package)));
  }
  // Insertable()
  if (!content) throw new InvalidEntryError(withUrlHint('entry not insertable into log: missing package content', asObject(raw?.package)));

  let publicKey;
  try {
    publicKey = await readPgpPublicKey(key);
  } catch (err) {
    if (err instanceof PgpKeyError) throw new InvalidEntryError(err.message);
    throw err;
  }

  const computed = createHash('sha256').update(content).digest('hex');
  // Compared as strings, as upstream: an uppercase hash does not match.
  if (given && given.value !== computed) throw new InvalidEntryError(`SHA mismatch: ${computed} != ${given.value}`);

  let verified;
  try {
    verified = await verifyRpm(content, publicKey.entities);
  } catch (err) {
    if (err instanceof RpmError || err instanceof PgpError) throw new InvalidEntryError(err.message);
    throw err;
  }
  if (verified.signatureCount === 0) throw new InvalidEntryError('no supported PGP signature found in RPM');

  // Upstream reads the NEVRA after verification, in Canonicalize, where an error is not an
  // InputValidationError and becomes a 500 (a package without NAME, say). It is the
  // client's package that is at fault: 400 here.
  let nevra;
  try {
    nevra = getNevra(verified.genHeader);
  } catch (err) {
    if (err instanceof RpmError) throw new InvalidEntryError(`invalid RPM header: ${message(err)}`);
    throw err;
  }
  const headers: Record<string, string> = {
    Architecture: nevra.arch,
    Epoch: nevra.epoch,
    Name: nevra.name,
    Release: nevra.release,
    Version: nevra.version,
  };
  let md5: Buffer | null = null;
  try {
    md5 = getBytes(verified.sigHeader, SIG_MD5);
  } catch {
    md5 = null;
  }
  // RPMSIGTAG_SHA1 and RPMSIGTAG_SHA256 are deliberately not emitted (as upstream).
  if (md5 && md5.length > 0) headers.RPMSIGTAG_MD5 = md5.toString('hex');

  const hash = { algorithm: given?.algorithm ?? 'sha256', value: given?.value ?? computed };
  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      package: { hash, headers },
      publicKey: { content: publicKey.canonical.toString('base64') },
    },
  });
  const indexKeys = [createHash('sha256').update(publicKey.canonical).digest('hex'), ...publicKey.subjects, `${hash.algorithm}:${hash.value}`];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
  };
}
