/**
 * alpine 0.0.1: an Alpine package (.apk, sent inline) and the x509 public key (or
 * certificate) that signed it. Mirrors sigstore/rekor pkg/types/alpine/v0.0.1/entry.go —
 * DecodeEntry, validate, Insertable, fetchExternalEntities, Canonicalize and IndexKeys —
 * with pkg/types/alpine/apk.go for the package itself (./apk.ts, ./pkginfo.ts) and
 * pkg/pki/x509 for the key (../pki/x509.ts).
 *
 * The server hashes the package, checks a given hash against it, unpacks and verifies it,
 * and keeps the hash, every `.PKGINFO` key and value, and the canonical key; the package
 * itself is not stored. `pkginfo` in the request is read-only upstream and ignored. Rekor
 * fetches no URLs (since 2022) and neither does glasslog.
 *
 * Beyond upstream (see ../archive/limits.ts): the control archive's decompression and the
 * tar archives are capped, so that gzip and tar bombs are refused with 400 quickly.
 */
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import {
  checkHashValue,
  DECODED_BYTES,
  decodeBytes,
  goTypeName,
  isObject,
  nonEmptyString,
  refuseUrlOnly,
  sha256Hex,
  type JsonObject,
} from '../decode-entry';
import { goString } from '../archive/go-text';
import { ExpansionBudget, resolveArchiveLimits, type ArchiveLimits } from '../archive/limits';
import { parseX509PublicKey } from '../pki/x509';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import { unmarshalApk, verifyApkSignature } from './apk';

export const KIND = 'alpine';
export const API_VERSION = '0.0.1';

const validateSpec = compileSpecValidator({ path: 'alpine/v0.0.1/alpine_v0_0_1_schema.json' });

export function createAlpineV001(limits?: ArchiveLimits): EntryType {
  const resolved = resolveArchiveLimits(limits);
  return { kind: KIND, apiVersion: API_VERSION, canonicalize: async (spec) => canonicalize(spec, resolved) };
}

interface DecodedSpec {
  model: JsonObject;
  publicKey?: Buffer;
  pkg?: { hash?: { algorithm?: string; value?: string }; content?: Buffer };
}

/** Rekor's DecodeEntry (map fast path): `publicKey` exists only with non-empty content; wrong-typed fields are ignored. */
function decodeEntry(spec: unknown): DecodedSpec {
  if (!isObject(spec)) throw new InvalidEntryError(`unsupported input type ${goTypeName(spec)} for DecodeEntry`);
  const model: JsonObject = {};
  const decoded: DecodedSpec = { model };
  if (isObject(spec.publicKey)) {
    const content = nonEmptyString(spec.publicKey.content);
    if (content !== undefined) {
      decoded.publicKey = decodeBytes(content, 'public key content');
      model.publicKey = { content: DECODED_BYTES };
    }
  }
  if (isObject(spec.package)) {
    const pkg: JsonObject = {};
    model.package = pkg;
    decoded.pkg = {};
    if (isObject(spec.package.pkginfo)) {
      const strings = Object.entries(spec.package.pkginfo).filter(([, v]) => typeof v === 'string');
      if (strings.length > 0) pkg.pkginfo = Object.fromEntries(strings);
    }
    if (isObject(spec.package.hash)) {
      const { algorithm, value } = spec.package.hash;
      if (typeof algorithm === 'string' || typeof value === 'string') {
        const hash: { algorithm?: string; value?: string } = {};
        if (typeof algorithm === 'string') hash.algorithm = algorithm;
        if (typeof value === 'string') hash.value = value;
        pkg.hash = hash;
        decoded.pkg.hash = hash;
      }
    }
    const content = nonEmptyString(spec.package.content);
    if (content !== undefined) {
      decoded.pkg.content = decodeBytes(content, 'package content');
      pkg.content = DECODED_BYTES;
    }
  }
  return decoded;
}

async function canonicalize(proposed: unknown, limits: Required<ArchiveLimits>): Promise<CanonicalEntry> {
  const { model, publicKey, pkg } = decodeEntry(proposed);
  const spec = proposed as JsonObject;
  if (!publicKey) refuseUrlOnly(spec.publicKey, 'publicKey in body is required', 'public key');
  validateSpec(model);
  if (!publicKey) throw new InvalidEntryError('missing public key');
  if (!pkg) throw new InvalidEntryError('missing package');

  // validate()
  if (pkg.hash) checkHashValue(pkg.hash.value);
  else if (!pkg.content) {
    refuseUrlOnly(spec.package, "'content' must be specified for package", 'package');
    throw new InvalidEntryError("'content' must be specified for package");
  }
  // Insertable()
  if (!pkg.content) {
    refuseUrlOnly(spec.package, 'entry not insertable into log: missing package content', 'package');
    throw new InvalidEntryError('entry not insertable into log: missing package content');
  }

  // fetchExternalEntities: the key first, then the hash (compared as a string), then the package.
  const key = parseX509PublicKey(publicKey);
  const computed = sha256Hex(pkg.content);
  const given = pkg.hash?.value;
  if (given && given !== computed) throw new InvalidEntryError(`SHA mismatch: ${computed} != ${given}`);
  const apk = unmarshalApk(pkg.content, {
    maxEntries: limits.maxEntries,
    maxDepth: limits.maxDepth,
    maxMetadataBytes: limits.maxMetadataBytes,
    budget: new ExpansionBudget(limits.maxExpandedBytes),
  });
  verifyApkSignature(key.signingKey, apk);

  // fromEntries defines own properties, so a "__proto__" key stays a key.
  const pkginfo = Object.fromEntries([...apk.pkginfo].map(([k, v]) => [goString(k), goString(v)]));
  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      package: { hash: { algorithm: 'sha256', value: computed }, pkginfo },
      publicKey: { content: key.canonicalPem.toString('base64') },
    },
  });
  const indexKeys = [sha256Hex(key.canonicalPem), ...key.subjects, `sha256:${computed}`];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
  };
}
