/**
 * tuf 0.0.1: a TUF metadata document and the root.json that signs for it. Mirrors
 * sigstore/rekor pkg/types/tuf/v0.0.1/entry.go (Unmarshal, DecodeEntry, Validate,
 * fetchExternalEntities, Canonicalize, IndexKeys) over pkg/pki/tuf/tuf.go and go-tuf v0.7.0.
 *
 * Each `content` is the document itself (a JSON object — or any JSON value, which Go
 * re-marshals) or a base64 string of its JSON text. Checked in Rekor's order: the model
 * (both members, each with a content), the metadata (base64, data.Signed, its
 * `signed`), the root (likewise, its keys and roles, and the root must verify itself and
 * not be expired), then the metadata against the root for its `_type` role: threshold,
 * type, version, expiry. Expiry uses the clock given to `createTufV001` (Rekor: the
 * server's clock).
 *
 * Canonical body: {"apiVersion":"0.0.1","kind":"tuf","spec":{"metadata":{"content":
 * b64(M)},"root":{"content":b64(R)},"spec_version":<root's>}}, M and R the RFC 8785 forms
 * of each document's {signed, signatures} as Rekor's Go canonicalizer writes them — the
 * contents are base64 strings whatever the client sent. Index keys: sha256 of M, the role,
 * the version, sha256 of R. Rekor keeps no attestation for tuf.
 *
 * Where Rekor answers 500 for a client's input, this answers 400 (InvalidEntryError), noted
 * at each place: content that is not valid base64; a canonicalization failure of the
 * signed document (duplicate member names, unpaired \u surrogate escapes); an ecdsa or rsa
 * key without a `public` and a key whose ID cannot be computed (go-tuf panics on both).
 *
 * Not checked against JSON Schema: Rekor's generated model has `content` as `any` (the
 * schema's `type: object` is not enforced — base64 strings are accepted) and reports only
 * missing members, with go-swagger's composite "validation failure list" text, which is
 * reproduced here instead.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import { goTypeName } from '../decode-entry';
import type { CanonicalEntry, EntryType } from '../registry';
import { decodeGoBase64 } from './go-base64';
import { goMarshal } from './go-json';
import { canonicalValue, readRoot, readSignature, verifyDocument } from './metadata';

export const KIND = 'tuf';
export const API_VERSION = '0.0.1';

export interface TufV001Options {
  /** The clock metadata expiry is checked against (default: the system clock). */
  now?: () => Date;
}

export function createTufV001(options: TufV001Options = {}): EntryType {
  const now = options.now ?? (() => new Date());
  // TUF documents may hold nulls, and their signatures cover them.
  return { kind: KIND, apiVersion: API_VERSION, keepsNulls: true, canonicalize: async (spec) => canonicalize(spec, now()) };
}

export const tufV001: EntryType = createTufV001();

const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** DecodeEntry: a member is taken only if it is an object; its `content` as it is (null: absent). */
function member(spec: Record<string, unknown>, name: string): { content: unknown } | undefined {
  const value = spec[name];
  if (!isPlainObject(value)) return undefined;
  return { content: Object.prototype.hasOwnProperty.call(value, 'content') ? value.content : undefined };
}

/** parseMetadataContent / parseRootContent: base64 text, or the JSON value re-marshalled. */
function contentBytes(content: unknown, what: 'metadata' | 'root'): Buffer {
  if (typeof content !== 'string') return goMarshal(content);
  const decoded = decodeGoBase64(Buffer.from(content, 'utf8'));
  if (!decoded.ok) {
    // Rekor returns this as a plain error from Canonicalize, answered 500 ("error
    // generating canonicalized entry"); it is the client's input, so 400 here.
    throw new InvalidEntryError(`base64 decoding TUF ${what} content: illegal base64 data at input byte ${decoded.offset}`);
  }
  return decoded.bytes;
}

function canonicalize(proposed: unknown, now: Date): CanonicalEntry {
  if (!isPlainObject(proposed)) throw new InvalidEntryError(`unsupported input type ${goTypeName(proposed, 'json.Number')} for DecodeEntry`);
  const metadata = member(proposed, 'metadata');
  const root = member(proposed, 'root');
  // TUFV001Schema.Validate: every problem, in field order, go-swagger's composite text.
  const problems: string[] = [];
  if (!metadata) problems.push('metadata in body is required');
  else if (metadata.content === undefined || metadata.content === null) problems.push('metadata.metadata.content in body is required');
  if (!root) problems.push('root in body is required');
  else if (root.content === undefined || root.content === null) problems.push('root.root.content in body is required');
  if (problems.length > 0 || !metadata || !root) throw new InvalidEntryError(`validation failure list:\n${problems.join('\n')}`);

  // fetchExternalEntities, in Rekor's order.
  const signature = readSignature(contentBytes(metadata.content, 'metadata'));
  const trustRoot = readRoot(contentBytes(root.content, 'root'), now);
  verifyDocument(trustRoot.db, signature.document, signature.meta.type, signature.meta, now);

  // Canonicalize: the root's canonical value first, then the metadata's. (Failures here
  // are plain errors in Rekor, answered 500; see jcs-transform.ts.)
  const rootCanonical = canonicalValue(trustRoot.document);
  const metadataCanonical = canonicalValue(signature.document);
  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      metadata: { content: metadataCanonical.toString('base64') },
      root: { content: rootCanonical.toString('base64') },
      // omitempty
      spec_version: trustRoot.meta.specVersion === '' ? undefined : trustRoot.meta.specVersion,
    },
  });

  const indexKeys = [sha256Hex(metadataCanonical), signature.meta.type, signature.meta.version.toString(), sha256Hex(rootCanonical)];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
  };
}
