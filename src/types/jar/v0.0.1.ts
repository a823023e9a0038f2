/**
 * jar 0.0.1: a signed Java archive, sent inline. Mirrors sigstore/rekor
 * pkg/types/jar/v0.0.1/entry.go — DecodeEntry, validate, Insertable, fetchExternalEntities
 * and Canonicalize — with sassoftware/relic v8.2.0 lib/signjar + lib/pkcs7 + lib/pkcs9 for
 * the JAR signature (./verify.ts, ./manifest.ts, ./pkcs7.ts) and pkg/pki/pkcs7 for the
 * canonical values.
 *
 * The server hashes the archive, checks a given hash against it, verifies the JAR
 * signature (which carries its own certificate: there is no key input), and keeps the
 * hash, the detached PKCS#7 signature (PEM) and the bundle's first certificate (PEM); the
 * archive itself is not stored. `signature` in the request is read-only upstream: checked
 * for shape, then ignored. Rekor fetches no URLs (since 2022) and neither does glasslog.
 *
 * Beyond upstream (see ../archive/limits.ts): entry count, total declared and actual
 * expansion and name depth are capped, so that zip bombs are refused with 400 quickly.
 * Rekor answers 500 for a few malformed inputs (a Go panic on a timestamp token without
 * content); glasslog answers 400 there.
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
import { ExpansionBudget, resolveArchiveLimits, type ArchiveLimits } from '../archive/limits';
import { ZipArchive } from '../archive/zip';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import { canonicalCertificatePem, canonicalSignaturePem } from './pkcs7';
import { verifyJar } from './verify';

export const KIND = 'jar';
export const API_VERSION = '0.0.1';

const validateSpec = compileSpecValidator({ path: 'jar/v0.0.1/jar_v0_0_1_schema.json' });

export function createJarV001(limits?: ArchiveLimits): EntryType {
  const resolved = resolveArchiveLimits(limits);
  return { kind: KIND, apiVersion: API_VERSION, canonicalize: (spec) => canonicalize(spec, resolved) };
}

/** The spec as Rekor's DecodeEntry leaves it: the JSON view (for the schema) and the decoded bytes. */
interface DecodedSpec {
  model: JsonObject;
  signatureContent?: Buffer;
  archive?: { hash?: { algorithm?: string; value?: string }; content?: Buffer };
}

/** Rekor's DecodeEntry (the map fast path): wrong-typed fields are ignored, empty strings are absent. */
function decodeEntry(spec: unknown): DecodedSpec {
  if (!isObject(spec)) throw new InvalidEntryError(`unsupported input type ${goTypeName(spec)} for DecodeEntry`);
  const model: JsonObject = {};
  const decoded: DecodedSpec = { model };
  if (isObject(spec.signature)) {
    const signature: JsonObject = {};
    model.signature = signature;
    const content = nonEmptyString(spec.signature.content);
    if (content !== undefined) {
      decoded.signatureContent = decodeBytes(content, 'signature content');
      signature.content = DECODED_BYTES;
    }
    if (isObject(spec.signature.publicKey)) {
      const publicKey: JsonObject = {};
      signature.publicKey = publicKey;
      const keyContent = nonEmptyString(spec.signature.publicKey.content);
      if (keyContent !== undefined) {
        decodeBytes(keyContent, 'signature publicKey content');
        publicKey.content = DECODED_BYTES;
      }
    }
  }
  if (isObject(spec.archive)) {
    const archive: JsonObject = {};
    model.archive = archive;
    decoded.archive = {};
    if (isObject(spec.archive.hash)) {
      const hash: { algorithm?: string; value?: string } = {};
      if (typeof spec.archive.hash.algorithm === 'string') hash.algorithm = spec.archive.hash.algorithm;
      if (typeof spec.archive.hash.value === 'string') hash.value = spec.archive.hash.value;
      archive.hash = hash;
      decoded.archive.hash = hash;
    }
    const content = nonEmptyString(spec.archive.content);
    if (content !== undefined) {
      decoded.archive.content = decodeBytes(content, 'archive content');
      archive.content = DECODED_BYTES;
    }
  }
  return decoded;
}

async function canonicalize(proposed: unknown, limits: Required<ArchiveLimits>): Promise<CanonicalEntry> {
  const { model, signatureContent, archive } = decodeEntry(proposed);
  // go-swagger checks signature.content before signature.publicKey (ajv would report the latter first).
  if (model.archive && isObject(model.signature) && model.signature.content === undefined) {
    throw new InvalidEntryError('signature.content in body is required');
  }
  validateSpec(model);

  // validate(): the archive content is needed unless a signature is given (it never is, in practice).
  if (!archive) throw new InvalidEntryError('missing package');
  if (!signatureContent && !archive.content) {
    refuseUrlOnly((proposed as JsonObject).archive, "'content' must be specified for package", 'JAR');
    throw new InvalidEntryError("'content' must be specified for package");
  }
  if (archive.hash) checkHashValue(archive.hash.value);
  // Insertable().
  if (!archive.content) throw new InvalidEntryError('entry not insertable into log: missing archive content');
  const content = archive.content;

  // fetchExternalEntities: the hash is compared as a string, so an uppercase hash does not match.
  const computed = sha256Hex(content);
  const given = archive.hash?.value;
  if (given && given !== computed) throw new InvalidEntryError(`SHA mismatch: ${computed} != ${given}`);

  const budget = new ExpansionBudget(limits.maxExpandedBytes);
  const zip = await ZipArchive.open(content, { maxEntries: limits.maxEntries, maxDepth: limits.maxDepth, budget });
  let block: Buffer;
  try {
    block = await verifyJar(zip, limits.maxMetadataBytes);
  } finally {
    zip.close();
  }
  // pkcs7.NewPublicKey, then pkcs7.NewSignature, on the block Rekor extracted.
  const certificatePem = canonicalCertificatePem(block);
  const signaturePem = canonicalSignaturePem(block);

  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      archive: { hash: { algorithm: 'sha256', value: computed } },
      signature: {
        content: signaturePem.toString('base64'),
        publicKey: { content: certificatePem.toString('base64') },
      },
    },
  });
  // IndexKeys: the hash of the signature PEM (not of the certificate), then the archive hash.
  const indexKeys = [sha256Hex(signaturePem), `sha256:${computed}`];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
  };
}
