/**
 * TUF signed documents as Rekor reads and checks them (sigstore/rekor pkg/pki/tuf/tuf.go on
 * go-tuf v0.7.0 data/types.go, verify/db.go, verify/verify.go):
 *
 * - `readSignature` = ptuf.NewSignature: the document into data.Signed
 *   {signed: json.RawMessage, signatures: [{keyid, sig: hex}]}, then `signed` into
 *   {_type, expires, version int, spec_version}. The role is `_type`.
 * - `readRoot` = ptuf.NewPublicKey: the document into data.Signed, `signed` into data.Root,
 *   every key into the verification DB (go-tuf keys.GetVerifier), every role (threshold ≥ 1),
 *   then the root must verify itself as role "root".
 * - `verifyDocument` = go-tuf DB.Verify(s, role, 0): signatures present, role known, a
 *   threshold of distinct keys (counted by computed key ID) whose signature verifies over
 *   the OLPC canonical JSON of `signed` decoded as `map[string]any` (any failure there just
 *   does not count), `_type` matching the role, version ≥ 0, not expired.
 * - `canonicalValue` = CanonicalValue: RFC 8785 (the Go canonicalizer) of
 *   json.Marshal(data.Signed) — `signed` verbatim, `signatures` as {keyid, sig (lowercase
 *   hex)}, every other member dropped.
 *
 * Go map iteration is random; where Rekor would report whichever of several bad keys or
 * roles it meets first, this reports the first in document order.
 */
import { InvalidEntryError } from '../../errors';
import { olpcCanonicalJson } from './canonical-json';
import { decodeAny, goMarshal, goQuote, goUnmarshal, parseDocument, type GoRecord, type GoStruct, type GoType } from './go-json';
import { formatGoTime, isExpired, unmarshalGoTime, ZERO_TIME, type GoTime } from './go-time';
import { jcsTransform } from './jcs-transform';
import { getVerifier, unmarshalHexBytes, type TufPublicKey, type TufVerifier } from './keys';

const STRING: GoType = { kind: 'string', name: 'string' };
const RAW_MESSAGE: GoType = { kind: 'unmarshaler', unmarshal: (bytes) => Buffer.from(bytes) };
const HEX_BYTES: GoType = { kind: 'unmarshaler', unmarshal: (bytes) => unmarshalHexBytes(bytes) };
const TIME: GoType = { kind: 'unmarshaler', unmarshal: (bytes, previous) => unmarshalGoTime(bytes, previous as GoTime | undefined) };

const SIGNATURE: GoStruct = {
  kind: 'struct',
  name: 'data.Signature',
  shortName: 'Signature',
  fields: { keyid: STRING, sig: HEX_BYTES },
};

const SIGNED: GoStruct = {
  kind: 'struct',
  name: 'data.Signed',
  shortName: 'Signed',
  fields: { signed: RAW_MESSAGE, signatures: { kind: 'slice', name: '[]data.Signature', elem: SIGNATURE } },
};

/** Rekor's pkg/pki/tuf signedMeta. */
const SIGNED_META: GoStruct = {
  kind: 'struct',
  name: 'tuf.signedMeta',
  shortName: 'signedMeta',
  fields: { _type: STRING, expires: TIME, version: { kind: 'int', name: 'int' }, spec_version: STRING },
};

const PUBLIC_KEY: GoStruct = {
  kind: 'struct',
  name: 'data.PublicKey',
  shortName: 'PublicKey',
  fields: {
    keytype: { kind: 'string', name: 'data.KeyType' },
    scheme: { kind: 'string', name: 'data.KeyScheme' },
    keyid_hash_algorithms: { kind: 'slice', name: '[]data.HashAlgorithm', elem: { kind: 'string', name: 'data.HashAlgorithm' } },
    keyval: RAW_MESSAGE,
  },
};

const ROLE: GoStruct = {
  kind: 'struct',
  name: 'data.Role',
  shortName: 'Role',
  fields: { keyids: { kind: 'slice', name: '[]string', elem: STRING }, threshold: { kind: 'int', name: 'int' } },
};

const ROOT: GoStruct = {
  kind: 'struct',
  name: 'data.Root',
  shortName: 'Root',
  fields: {
    _type: STRING,
    spec_version: STRING,
    version: { kind: 'int', name: 'int64' },
    expires: TIME,
    keys: { kind: 'map', name: 'map[string]*data.PublicKey', elem: { kind: 'pointer', elem: PUBLIC_KEY } },
    roles: { kind: 'map', name: 'map[string]*data.Role', elem: { kind: 'pointer', elem: ROLE } },
    custom: { kind: 'ignored' },
    consistent_snapshot: { kind: 'bool' },
  },
};

export interface TufSignature {
  keyid: string;
  /** undefined for Go's nil HexBytes. */
  sig: Buffer | undefined;
}

/** data.Signed. */
export interface SignedDocument {
  /** The raw `signed` member; undefined when absent. */
  signed: Buffer | undefined;
  /** undefined for Go's nil slice; items undefined for zero-valued signatures. */
  signatures: (TufSignature | undefined)[] | undefined;
}

/** The members of `signed` go-tuf's checks look at. */
export interface SignedMeta {
  type: string;
  version: bigint;
  expires: GoTime;
  specVersion: string;
}

function asSignedDocument(record: GoRecord | undefined): SignedDocument {
  const signatures = record?.signatures as (GoRecord | undefined)[] | undefined;
  return {
    signed: record?.signed as Buffer | undefined,
    signatures: signatures?.map((s) => (s ? { keyid: (s.keyid as string | undefined) ?? '', sig: s.sig as Buffer | undefined } : undefined)),
  };
}

function asMeta(record: GoRecord | undefined): SignedMeta {
  return {
    type: (record?._type as string | undefined) ?? '',
    version: (record?.version as bigint | undefined) ?? 0n,
    expires: (record?.expires as GoTime | undefined) ?? ZERO_TIME,
    specVersion: (record?.spec_version as string | undefined) ?? '',
  };
}

/** json.Unmarshal of a RawMessage that may be nil (then: "unexpected end of JSON input"). */
const rawOrEmpty = (raw: Buffer | undefined): Buffer => raw ?? Buffer.alloc(0);

/** ptuf.NewSignature: the document and what its `signed` says about itself. */
export function readSignature(bytes: Buffer): { document: SignedDocument; meta: SignedMeta } {
  const document = asSignedDocument(goUnmarshal(bytes, SIGNED) as GoRecord | undefined);
  const meta = asMeta(goUnmarshal(rawOrEmpty(document.signed), SIGNED_META) as GoRecord | undefined);
  return { document, meta };
}

interface DbRole {
  keyIds: Set<string>;
  threshold: bigint;
}

/** go-tuf's verify.DB built from a root. */
export interface TufDb {
  verifiers: Map<string, TufVerifier>;
  roles: Map<string, DbRole>;
}

export interface TufRoot {
  document: SignedDocument;
  meta: SignedMeta;
  db: TufDb;
}

/** ptuf.NewPublicKey: parse the root, build its key DB, and check that it verifies itself. */
export function readRoot(bytes: Buffer, now: Date): TufRoot {
  const document = asSignedDocument(goUnmarshal(bytes, SIGNED) as GoRecord | undefined);
  const root = (goUnmarshal(rawOrEmpty(document.signed), ROOT) as GoRecord | undefined) ?? {};
  const db: TufDb = { verifiers: new Map(), roles: new Map() };
  const keys = (root.keys as Map<string, GoRecord | undefined> | undefined) ?? new Map<string, GoRecord | undefined>();
  for (const [id, key] of keys) {
    if (!key) throw new InvalidEntryError('tuf root contains nil key');
    const publicKey: TufPublicKey = {
      keytype: (key.keytype as string | undefined) ?? '',
      scheme: (key.scheme as string | undefined) ?? '',
      algorithms: key.keyid_hash_algorithms as string[] | undefined,
      keyval: key.keyval as Buffer | undefined,
    };
    // AddKey's "duplicate key id" cannot happen: the IDs are the keys of one JSON object.
    db.verifiers.set(id, getVerifier(publicKey));
  }
  const roles = (root.roles as Map<string, GoRecord | undefined> | undefined) ?? new Map<string, GoRecord | undefined>();
  for (const [name, role] of roles) {
    if (!role) throw new InvalidEntryError('tuf root contains nil role');
    const threshold = (role.threshold as bigint | undefined) ?? 0n;
    if (threshold < 1n) throw new InvalidEntryError('tuf: invalid role threshold');
    db.roles.set(name, { keyIds: new Set((role.keyids as (string | undefined)[] | undefined)?.map((k) => k ?? '')), threshold });
  }
  const meta = asMeta(root);
  verifyDocument(db, document, 'root', meta, now);
  return { document, meta, db };
}

/**
 * The message a signature covers (go-tuf VerifySignature): `signed` decoded into
 * map[string]any, OLPC canonical JSON of that. null when Go would fail (not an object,
 * a number beyond float64, a number canonical JSON refuses): no signature verifies then.
 */
function signedMessage(signed: Buffer): Buffer | null {
  const doc = parseDocument(signed);
  if (doc.root.type === 'null') return Buffer.from('null'); // a nil map
  if (doc.root.type !== 'object') return null;
  const decoded = decodeAny(doc, doc.root, false);
  if (!decoded.ok) return null;
  try {
    return olpcCanonicalJson(decoded.value);
  } catch (err) {
    if (err instanceof InvalidEntryError) return null;
    throw err;
  }
}

const TOP_LEVEL_ROLES = new Set(['root', 'targets', 'snapshot', 'timestamp']);

/** strings.EqualFold(s, lower) for an all-lowercase ASCII `lower` (K and ſ fold to k and s). */
function equalFold(s: string, lower: string): boolean {
  const chars = [...s];
  return (
    chars.length === lower.length &&
    chars.every((c, i) => {
      const l = lower[i]!;
      return c === l || c === l.toUpperCase() || (l === 'k' && c === '\u212a') || (l === 's' && c === '\u017f');
    })
  );
}

/** go-tuf DB.Verify(s, role, minVersion 0) at time `now`. */
export function verifyDocument(db: TufDb, document: SignedDocument, role: string, meta: SignedMeta, now: Date): void {
  const signatures = document.signatures ?? [];
  if (signatures.length === 0) throw new InvalidEntryError('tuf: data has no signatures');
  const roleData = db.roles.get(role);
  if (!roleData) throw new InvalidEntryError(`tuf: unknown role ${goQuote(role)}`);

  let message: Buffer | null | undefined;
  const seen = new Set<string>();
  let verified = 0n;
  for (const sig of signatures) {
    const keyid = sig?.keyid ?? '';
    if (!roleData.keyIds.has(keyid)) continue;
    const verifier = db.verifiers.get(keyid);
    if (!verifier) continue;
    if (message === undefined) message = signedMessage(rawOrEmpty(document.signed));
    if (message === null || !verifier.verify(message, sig?.sig ?? Buffer.alloc(0))) continue;
    // Distinct keys by the IDs go-tuf computes, not the IDs the file gives them.
    const ids = verifier.keyIds();
    if (ids.some((id) => seen.has(id))) continue;
    ids.forEach((id) => seen.add(id));
    verified++;
  }
  if (verified < roleData.threshold) throw new InvalidEntryError('tuf: valid signatures did not meet threshold');

  // Top-level roles sign their own type; delegated roles only targets metadata.
  const typeMatches = TOP_LEVEL_ROLES.has(role) ? equalFold(meta.type, role) : /^targets$/i.test(meta.type);
  if (!typeMatches) throw new InvalidEntryError('tuf: meta file has wrong type');
  if (meta.version < 0n) throw new InvalidEntryError(`version ${meta.version} is lower than current version 0`);
  if (isExpired(meta.expires, now)) throw new InvalidEntryError(`expired at ${formatGoTime(meta.expires)}`);
}

/** CanonicalValue: the Go canonicalizer over json.Marshal(data.Signed). */
export function canonicalValue(document: SignedDocument): Buffer {
  const signatures =
    document.signatures === undefined
      ? 'null'
      : `[${document.signatures
          .map((s) => `{"keyid":${goMarshal(s?.keyid ?? '').toString('utf8')},"sig":"${(s?.sig ?? Buffer.alloc(0)).toString('hex')}"}`)
          .join(',')}]`;
  const marshalled = Buffer.concat([
    Buffer.from('{"signed":'),
    document.signed ?? Buffer.from('null'),
    Buffer.from(`,"signatures":${signatures}}`, 'utf8'),
  ]);
  return jcsTransform(marshalled);
}
