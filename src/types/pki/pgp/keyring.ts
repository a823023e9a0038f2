/**
 * An OpenPGP public key as Rekor's pkg/pki/pgp/pgp.go reads it for the rpm and helm kinds:
 * NewPublicKey (armored — one or more blocks, each ending at a "-----END PGP" line — or a
 * binary key ring), go-crypto's ReadKeyRing/ReadEntity (openpgp/keys.go: a sign-capable
 * primary key, user IDs kept only with a valid self-signature, an invalid self-signature
 * fatal to the entity, subkeys with their newest verified binding and a cross-signature
 * when they sign, key revocations verified), CanonicalValue (Entity.Serialize of every
 * entity, armored as Go's armor.Encode writes it) and Subjects (the e-mail address of each
 * identity that govalidator.IsEmail accepts).
 *
 * Also here, because both kinds need go-crypto's key lookup: CheckDetachedSignature as
 * pgp.go's Signature.Verify calls it (Config.Time = the signature's creation time: key
 * usage, revocation, expiry and critical notations judged at that time), and the plain
 * "does this key verify this signature over these bytes" that go-rpmutils uses.
 *
 * Packet parsing and the signature arithmetic for RSA, DSA and ECDSA come from openpgp.js
 * (its SignaturePacket.verify over the exact bytes go-crypto hashes; no time, hash-tag or
 * key-strength policy of its own applies). EdDSA (legacy EdDSA, Ed25519, Ed448) is
 * verified with node:crypto over the digest, because openpgp.js refuses EdDSA signatures
 * over digests shorter than the curve's preferred hash (SHA-1 …), which go-crypto accepts.
 *
 * Deliberate differences from Go, all on malformed or exotic input: a Go map holds the
 * identities, so Rekor serializes several user IDs (and lists their e-mail addresses) in
 * random order — here file order is kept; OpenPGP v6 keys and signatures are treated as
 * unsupported packets (go-crypto reads them); a key packet openpgp.js cannot parse is
 * skipped as go-crypto skips packets it does not support; packet bodies longer than their
 * fields, and any damage to the armor body, fail the whole key (go-crypto would read on,
 * misaligned, usually to the same end).
 */
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import * as openpgp from 'openpgp';
import { armorLikeGo } from './armor';
import {
  canSign,
  decodeArmor,
  encryptionFlags,
  flagSign,
  isKnownTag,
  KEY_COMPROMISED,
  KEY_FLAG_SIGN,
  newFormatHeader,
  PACKET,
  parseSignature,
  PgpError,
  PK_ALGO,
  readPacket,
  afterParse,
  serializeSignature,
  SIG_TYPE,
  signatureDigest,
  signatureError,
  structuralError,
  invalidArgumentError,
  unexpectedEof,
  unknownTagError,
  unsupportedError,
  usageFlags,
  type GoSignature,
} from './packets';

/** openpgp.js settings for parsing and arithmetic only: Go's policy is applied around it. */
const OPENPGP_CONFIG = {
  ...openpgp.config,
  minRSABits: 0,
  // go-crypto refuses MD5 and RIPEMD-160 for v4 signatures when parsing, and accepts SHA-1.
  rejectHashAlgorithms: new Set([openpgp.enums.hash.md5, openpgp.enums.hash.ripemd]),
  rejectMessageHashAlgorithms: new Set([openpgp.enums.hash.md5, openpgp.enums.hash.ripemd]),
  rejectPublicKeyAlgorithms: new Set<openpgp.enums.publicKey>(),
  rejectCurves: new Set<openpgp.enums.curve>(),
  maxUserIDLength: Number.MAX_SAFE_INTEGER,
} as openpgp.Config;

/** Most packets one key input may hold (a key with many third-party certifications stays well below). */
export const MAX_KEY_PACKETS = 20000;

export interface KeyPacket {
  /** Tag as serialized: public key (6) or public subkey (14); a secret key packet keeps only its public part. */
  tag: number;
  isSubkey: boolean;
  isPrivate: boolean;
  /** The public-key packet body (for a secret key, the public prefix of its body). */
  publicBody: Buffer;
  version: number;
  /** Seconds since the epoch. */
  created: number;
  algorithm: number;
  keyId: bigint;
  fingerprint: Buffer;
  /** openpgp.js's parse of the same body: publicParams for the arithmetic. */
  math: openpgp.PublicKeyPacket;
}

export interface Identity {
  /** The user ID exactly as stored (Go's string of the packet bytes). */
  id: Buffer;
  email: string;
  selfSignature: GoSignature | null;
  revocations: GoSignature[];
  signatures: GoSignature[];
}

export interface Subkey {
  key: KeyPacket;
  sig: GoSignature;
  revocations: GoSignature[];
}

export interface Entity {
  primary: KeyPacket;
  /** Keyed by the user ID's bytes (latin1); insertion order stands in for Go's map order. */
  identities: Map<string, Identity>;
  revocations: GoSignature[];
  subkeys: Subkey[];
}

export interface PgpPublicKey {
  entities: Entity[];
  /** Rekor's CanonicalValue: the armored re-serialization. */
  canonical: Buffer;
  /** E-mail addresses of the identities (Rekor's Subjects). */
  subjects: string[];
}

/** A failure to read the key, with Rekor's message. */
export class PgpKeyError extends Error {
  override readonly name = 'PgpKeyError';
}

// ---------------------------------------------------------------------------------------
// Packet stream (packet.Reader: Next skips unsupported and unknown non-critical packets)

type Parsed =
  | { kind: 'key'; key: KeyPacket }
  | { kind: 'sig'; sig: GoSignature }
  | { kind: 'uid'; id: Buffer }
  | { kind: 'marker' }
  | { kind: 'other'; tag: number };

type Item = { parsed: Parsed } | { error: PgpError };

/**
 * How far go-crypto's PublicKey.parse reads a v4 key body (version, time, algorithm, then
 * the algorithm's fields): a body too short is "unexpected EOF", an unknown algorithm is
 * unsupported (the packet is skipped).
 */
function keyFieldsEnd(body: Buffer): number {
  let p = 6;
  if (body.length < p) throw unexpectedEof();
  const need = (n: number) => {
    if (p + n > body.length) throw unexpectedEof();
    p += n;
  };
  const mpi = () => {
    need(2);
    need((body.readUInt16BE(p - 2) + 7) >> 3);
  };
  const oid = () => {
    need(1);
    const length = body[p - 1]!;
    if (length === 0 || length === 0xff) throw unsupportedError('reserved for future extensions');
    need(length);
  };
  const algorithm = body[5]!;
  switch (algorithm) {
    case PK_ALGO.rsa:
    case PK_ALGO.rsaEncryptOnly:
    case PK_ALGO.rsaSignOnly:
      mpi();
      mpi();
      break;
    case PK_ALGO.dsa:
      mpi();
      mpi();
      mpi();
      mpi();
      break;
    case PK_ALGO.elgamal:
      mpi();
      mpi();
      mpi();
      break;
    case PK_ALGO.ecdsa:
    case PK_ALGO.eddsa:
      oid();
      mpi();
      break;
    case PK_ALGO.ecdh:
      oid();
      mpi();
      oid();
      break;
    case PK_ALGO.x25519:
    case PK_ALGO.ed25519:
      need(32);
      break;
    case PK_ALGO.x448:
      need(56);
      break;
    case PK_ALGO.ed448:
      need(57);
      break;
    default:
      throw unsupportedError(`public key type: ${algorithm}`);
  }
  return p;
}

async function parseKeyPacket(tag: number, body: Buffer): Promise<KeyPacket> {
  const version = body[0];
  if (version === undefined) throw unexpectedEof();
  if (version === 5) throw unsupportedError('support for parsing v5 entities is disabled; build with `-tags v5` if needed');
  if (version === 6) throw unsupportedError('public key version 6 (not supported by this server)');
  if (version !== 4) throw unsupportedError(`public key version ${version}`);
  const publicBody = body.subarray(0, keyFieldsEnd(body));
  const math = new openpgp.PublicKeyPacket();
  try {
    const read = await (math as unknown as { read(bytes: Uint8Array, config: openpgp.Config): Promise<number> }).read(publicBody, OPENPGP_CONFIG);
    if (read !== publicBody.length) throw new Error('key fields of unexpected length');
  } catch (err) {
    // What openpgp.js cannot use (an unknown curve, say) go-crypto mostly refuses as unsupported too.
    throw unsupportedError(`public key: ${err instanceof Error ? err.message : String(err)}`);
  }
  const isPrivate = tag === PACKET.secretKey || tag === PACKET.secretSubkey;
  const algorithm = body[5]!;
  if (algorithm === PK_ALGO.rsa || algorithm === PK_ALGO.rsaEncryptOnly || algorithm === PK_ALGO.rsaSignOnly) {
    const e = (math.publicParams as { e?: Uint8Array }).e;
    if (e && e.length > 3) throw unsupportedError('large public exponent');
  }
  const fingerprint = createHash('sha1').update(keyPreimage(publicBody)).digest();
  const isSubkey = tag === PACKET.publicSubkey || tag === PACKET.secretSubkey;
  return {
    tag: isSubkey ? PACKET.publicSubkey : PACKET.publicKey,
    isSubkey,
    isPrivate,
    publicBody,
    version,
    created: body.readUInt32BE(1),
    algorithm,
    keyId: fingerprint.readBigUInt64BE(12),
    fingerprint,
    math,
  };
}

/** What a v4 key contributes to a signature hash: 0x99, two-octet length, body. */
function keyPreimage(publicBody: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0x99;
  head.writeUInt16BE(publicBody.length & 0xffff, 1);
  return Buffer.concat([head, publicBody]);
}

async function parsePackets(binary: Buffer, trailingError: PgpError | null): Promise<Item[]> {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    if (items.length >= MAX_KEY_PACKETS) {
      items.push({ error: new PgpError(`too many packets in the key (more than ${MAX_KEY_PACKETS})`, 'fatal') });
      return items;
    }
    let read: ReturnType<typeof readPacket>;
    try {
      read = readPacket(binary, pos);
    } catch (err) {
      if (!(err instanceof PgpError)) throw err;
      if (err.kind === 'structural') {
        // A tag byte without its high bit: go-crypto has consumed that one byte and reads on.
        items.push({ error: err });
        pos += 1;
        continue;
      }
      // A header cut short by an armor error reports that error, as Go's reader would.
      items.push({ error: trailingError ?? err });
      return items;
    }
    if (!read) break;
    const { tag, body, truncated } = read.packet;
    try {
      const { parsed, consumed } = await parseOne(tag, body);
      items.push({ parsed });
      pos = afterParse(read, consumed);
    } catch (err) {
      if (!(err instanceof PgpError)) throw err;
      // A body cut short by an armor error reports that error rather than "unexpected EOF".
      items.push({ error: truncated && trailingError && err.message === 'unexpected EOF' ? trailingError : err });
      pos = read.next;
    }
  }
  if (trailingError) items.push({ error: trailingError });
  return items;
}

/** One packet, and how many body bytes go-crypto's parser reads for it. */
async function parseOne(tag: number, body: Buffer): Promise<{ parsed: Parsed; consumed: number }> {
  switch (tag) {
    case PACKET.signature: {
      const sig = parseSignature(body);
      return { parsed: { kind: 'sig', sig }, consumed: sig.consumed };
    }
    case PACKET.publicKey:
    case PACKET.publicSubkey:
    case PACKET.secretKey:
    case PACKET.secretSubkey: {
      const key = await parseKeyPacket(tag, body);
      return { parsed: { kind: 'key', key }, consumed: key.isPrivate ? body.length : key.publicBody.length };
    }
    case PACKET.userId:
      return { parsed: { kind: 'uid', id: body }, consumed: body.length };
    case PACKET.marker:
      return { parsed: { kind: 'marker' }, consumed: body.length };
    default:
      if (!isKnownTag(tag) || tag === PACKET.trust) throw unknownTagError(tag);
      return { parsed: { kind: 'other', tag }, consumed: body.length };
  }
}

class PacketReader {
  private index = 0;
  private readonly pending: Parsed[] = [];
  constructor(private readonly items: Item[]) {}

  /** The next packet, null at the end; unsupported and unknown non-critical packets are skipped. */
  next(): Parsed | null {
    const unread = this.pending.pop();
    if (unread) return unread;
    while (this.index < this.items.length) {
      const item = this.items[this.index++]!;
      if ('error' in item) {
        if (item.error.kind === 'unsupported' || item.error.kind === 'unknown-packet') continue;
        throw item.error;
      }
      if (item.parsed.kind === 'marker') continue;
      return item.parsed;
    }
    return null;
  }

  unread(p: Parsed): void {
    this.pending.push(p);
  }
}

// ---------------------------------------------------------------------------------------
// ReadKeyRing / ReadEntity

async function readKeyRing(binary: Buffer, trailingError: PgpError | null): Promise<Entity[]> {
  const reader = new PacketReader(await parsePackets(binary, trailingError));
  const entities: Entity[] = [];
  let lastSkipped: PgpError | null = null;
  for (;;) {
    let entity: Entity | null;
    try {
      entity = await readEntity(reader);
    } catch (err) {
      if (!(err instanceof PgpError) || (err.kind !== 'structural' && err.kind !== 'unsupported')) throw err;
      // Skip an unreadable, badly formatted key: on to the next primary public key packet.
      lastSkipped = err;
      if (!readToNextPublicKey(reader)) break;
      continue;
    }
    if (!entity) break;
    entities.push(entity);
  }
  if (entities.length === 0 && lastSkipped) throw lastSkipped;
  return entities;
}

/** readToNextPublicKey: false at the end of the packets. Only a primary *public* key packet stops it. */
function readToNextPublicKey(reader: PacketReader): boolean {
  for (;;) {
    const p = reader.next();
    if (!p) return false;
    if (p.kind === 'key' && !p.key.isSubkey && !p.key.isPrivate) {
      reader.unread(p);
      return true;
    }
  }
}

async function readEntity(reader: PacketReader): Promise<Entity | null> {
  const first = reader.next();
  if (!first) return null;
  // go-crypto takes any public or private key packet here, subkey or not.
  if (first.kind !== 'key') {
    reader.unread(first);
    throw structuralError('first packet was not a public/private key');
  }
  const primary = first.key;
  if (!canSign(primary.algorithm)) throw structuralError('primary key cannot be used for signatures');
  const entity: Entity = { primary, identities: new Map(), revocations: [], subkeys: [] };
  const revocations: GoSignature[] = [];
  for (;;) {
    const p = reader.next();
    if (!p) break;
    if (p.kind === 'uid') {
      await addUserId(entity, reader, p.id);
    } else if (p.kind === 'sig') {
      // Key revocations are kept (and checked below); v4 direct-key signatures are dropped.
      if (p.sig.sigType === SIG_TYPE.keyRevocation) revocations.push(p.sig);
    } else if (p.kind === 'key') {
      if (!p.key.isSubkey) {
        reader.unread(p);
        break;
      }
      await addSubkey(entity, reader, p.key);
    }
    // User attributes and anything else: ignored.
  }
  if (entity.identities.size === 0) throw structuralError(`v${primary.version} entity without any identities`);
  for (const revocation of revocations) {
    try {
      await verifySignatureBy(primary, revocation, [keyPreimage(primary.publicBody)]);
    } catch (err) {
      if (!(err instanceof PgpError)) throw err;
      throw structuralError('revocation signature signed by alternate key');
    }
    entity.revocations.push(revocation);
  }
  return entity;
}

const CERTIFICATION_TYPES = new Set<number>([
  SIG_TYPE.genericCert,
  SIG_TYPE.personaCert,
  SIG_TYPE.casualCert,
  SIG_TYPE.positiveCert,
  SIG_TYPE.certificationRevocation,
]);

async function addUserId(entity: Entity, reader: PacketReader, id: Buffer): Promise<void> {
  const identity: Identity = { id, email: parseUserIdEmail(id), selfSignature: null, revocations: [], signatures: [] };
  for (;;) {
    const p = reader.next();
    if (!p) break;
    if (p.kind !== 'sig') {
      reader.unread(p);
      break;
    }
    const sig = p.sig;
    if (!CERTIFICATION_TYPES.has(sig.sigType)) throw structuralError('user ID signature with wrong type');
    if (checkKeyIdOrFingerprint(sig, entity.primary)) {
      try {
        await verifySignatureBy(entity.primary, sig, [keyPreimage(entity.primary.publicBody), userIdPreimage(id)]);
      } catch (err) {
        if (!(err instanceof PgpError)) throw err;
        throw structuralError(`user ID self-signature invalid: ${err.message}`);
      }
      if (sig.sigType === SIG_TYPE.certificationRevocation) identity.revocations.push(sig);
      else if (!identity.selfSignature || sig.creationTime > identity.selfSignature.creationTime) identity.selfSignature = sig;
      identity.signatures.push(sig);
      entity.identities.set(id.toString('latin1'), identity);
    } else {
      identity.signatures.push(sig);
    }
  }
}

function userIdPreimage(id: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = 0xb4;
  head.writeUInt32BE(id.length, 1);
  return Buffer.concat([head, id]);
}

async function addSubkey(entity: Entity, reader: PacketReader, key: KeyPacket): Promise<void> {
  let binding: GoSignature | null = null;
  const revocations: GoSignature[] = [];
  for (;;) {
    let p: Parsed | null;
    try {
      p = reader.next();
    } catch (err) {
      if (!(err instanceof PgpError)) throw err;
      throw structuralError(`subkey signature invalid: ${err.message}`);
    }
    if (!p) break;
    if (p.kind !== 'sig') {
      reader.unread(p);
      break;
    }
    const sig = p.sig;
    if (sig.sigType !== SIG_TYPE.subkeyBinding && sig.sigType !== SIG_TYPE.subkeyRevocation) {
      throw structuralError('subkey signature with wrong type');
    }
    try {
      await verifyKeySignature(entity.primary, key, sig);
    } catch (err) {
      if (!(err instanceof PgpError)) throw err;
      throw structuralError(`subkey signature invalid: ${err.message}`);
    }
    if (sig.sigType === SIG_TYPE.subkeyRevocation) revocations.push(sig);
    else if (!binding || sig.creationTime > binding.creationTime) binding = sig;
  }
  if (!binding) throw structuralError('subkey packet not followed by signature');
  entity.subkeys.push({ key, sig: binding, revocations });
}

/** PublicKey.VerifyKeySignature: the binding, and a signing subkey's cross-signature. */
async function verifyKeySignature(primary: KeyPacket, subkey: KeyPacket, sig: GoSignature): Promise<void> {
  const preimage = [keyPreimage(primary.publicBody), keyPreimage(subkey.publicBody)];
  await verifySignatureBy(primary, sig, preimage);
  if (flagSign(sig)) {
    if (!sig.embedded) throw structuralError('signing subkey is missing cross-signature');
    try {
      await verifySignatureBy(subkey, sig.embedded, preimage);
    } catch (err) {
      if (!(err instanceof PgpError)) throw err;
      throw structuralError(`error while verifying cross-signature: ${err.message}`);
    }
  }
}

export function checkKeyIdOrFingerprint(sig: GoSignature, key: KeyPacket): boolean {
  if (sig.issuerFingerprint && sig.issuerFingerprint.length >= 20) return sig.issuerFingerprint.equals(key.fingerprint);
  return sig.issuerKeyId !== null && sig.issuerKeyId === key.keyId;
}

// ---------------------------------------------------------------------------------------
// Signature arithmetic (PublicKey.VerifySignature)

const ED25519_LEGACY_OID = '2b06010401da470f01';

/**
 * PublicKey.VerifySignature: `sig` by `key` over `signed` (then the v4 trailer). go-crypto
 * checks no hash tag for v4 signatures, no time and no key strength here.
 */
export async function verifySignatureBy(key: KeyPacket, sig: GoSignature, signed: Buffer[]): Promise<void> {
  if (!canSign(key.algorithm)) throw invalidArgumentError('public key cannot generate signatures');
  if (key.algorithm !== sig.pubKeyAlgo) throw invalidArgumentError('public key and signature use different algorithms');
  const digest = signatureDigest(sig, signed);
  switch (key.algorithm) {
    case PK_ALGO.eddsa:
    case PK_ALGO.ed25519:
    case PK_ALGO.ed448:
      if (!verifyEdDsa(key, sig, digest)) {
        throw signatureError(key.algorithm === PK_ALGO.eddsa ? 'EdDSA verification failure' : key.algorithm === PK_ALGO.ed25519 ? 'Ed25519 verification failure' : 'ed448 verification failure');
      }
      return;
  }
  const failure = key.algorithm === PK_ALGO.dsa ? 'DSA verification failure' : key.algorithm === PK_ALGO.ecdsa ? 'ECDSA verification failure' : 'RSA verification failure';
  const packet = new openpgp.SignaturePacket();
  try {
    (packet as unknown as { read(bytes: Uint8Array, config: openpgp.Config): void }).read(sigBody(sig), OPENPGP_CONFIG);
  } catch (err) {
    throw signatureError(`${failure} (${err instanceof Error ? err.message : String(err)})`);
  }
  // go-crypto's policy is the caller's: no hash-tag check for v4, no notation, subpacket or time checks.
  packet.signedHashValue = digest.subarray(0, 2);
  packet.rawNotations = [];
  packet.unknownSubpackets = [];
  packet.revocationKeyClass = null;
  const keyView = {
    algorithm: key.math.algorithm,
    publicParams: key.math.publicParams,
    version: key.version,
    getKeyID: () => packet.issuerKeyID,
  } as unknown as openpgp.PublicKeyPacket;
  const signedBytes = signed.length === 1 ? signed[0]! : Buffer.concat(signed);
  const data = { text: null, getBytes: () => signedBytes };
  try {
    await packet.verify(keyView, openpgp.enums.signature.binary, data, null as unknown as Date, true, OPENPGP_CONFIG);
  } catch {
    throw signatureError(failure);
  }
}

/** The body openpgp.js re-parses: the fields go-crypto read (an embedded signature is its subpacket). */
function sigBody(sig: GoSignature): Buffer {
  const packet = serializeSignature(sig);
  const next = readPacket(packet, 0);
  return next ? next.packet.body : Buffer.alloc(0);
}

function mpis(material: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let p = 0;
  while (p + 2 <= material.length) {
    const len = (material.readUInt16BE(p) + 7) >> 3;
    out.push(material.subarray(p + 2, p + 2 + len));
    p += 2 + len;
  }
  return out;
}

function leftPad(bytes: Buffer, size: number): Buffer | null {
  if (bytes.length > size) return null;
  return Buffer.concat([Buffer.alloc(size - bytes.length), bytes]);
}

function verifyEdDsa(key: KeyPacket, sig: GoSignature, digest: Buffer): boolean {
  try {
    const params = key.math.publicParams as { oid?: { toHex(): string }; Q?: Uint8Array; A?: Uint8Array };
    let crv: 'Ed25519' | 'Ed448';
    let publicKey: Buffer;
    let signature: Buffer;
    if (key.algorithm === PK_ALGO.eddsa) {
      if (!params.oid || params.oid.toHex() !== ED25519_LEGACY_OID || !params.Q || params.Q.length !== 33 || params.Q[0] !== 0x40) return false;
      crv = 'Ed25519';
      publicKey = Buffer.from(params.Q.subarray(1));
      const [r, s] = mpis(sig.material);
      const rp = r && leftPad(r, 32);
      const sp = s && leftPad(s, 32);
      if (!rp || !sp) return false;
      signature = Buffer.concat([rp, sp]);
    } else {
      if (!params.A) return false;
      crv = key.algorithm === PK_ALGO.ed25519 ? 'Ed25519' : 'Ed448';
      publicKey = Buffer.from(params.A);
      signature = sig.material;
    }
    const keyObject = createPublicKey({ key: { kty: 'OKP', crv, x: publicKey.toString('base64url') }, format: 'jwk' });
    return nodeVerify(null, digest, keyObject, signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Rekor's NewPublicKey, CanonicalValue, Subjects

const ARMOR_PREFIX = Buffer.from('-----BEGIN PGP');
const END_PREFIX = Buffer.from('-----END PGP');
/** bufio.Scanner's default maximum token size. */
const MAX_SCAN_TOKEN = 64 * 1024;

/** pgp.NewPublicKey + CanonicalValue + Subjects. Throws PgpKeyError with Rekor's messages. */
export async function readPgpPublicKey(bytes: Buffer): Promise<PgpPublicKey> {
  if (bytes.length < ARMOR_PREFIX.length) throw new PgpKeyError('unable to read PGP public key: EOF');
  let entities: Entity[] = [];
  if (bytes.subarray(0, ARMOR_PREFIX.length).equals(ARMOR_PREFIX)) {
    let block: Buffer[] = [];
    for (const line of scanLines(bytes)) {
      block.push(line, Buffer.from('\n'));
      if (!line.subarray(0, END_PREFIX.length).equals(END_PREFIX)) continue;
      const armor = decodeArmor(Buffer.concat(block));
      if (!armor) throw new PgpKeyError('invalid PGP public key provided: EOF');
      if (armor.type !== 'PGP PUBLIC KEY BLOCK' && armor.type !== 'PGP PRIVATE KEY BLOCK') throw new PgpKeyError('invalid PGP type detected');
      try {
        entities.push(...(await readKeyRing(armor.body, armor.bodyError)));
      } catch (err) {
        if (err instanceof PgpError) throw new PgpKeyError(`error reading PGP public key: ${err.message}`);
        throw err;
      }
      block = [];
    }
  } else {
    try {
      entities = await readKeyRing(bytes, null);
    } catch (err) {
      if (err instanceof PgpError) throw new PgpKeyError(`error reading binary PGP public key: ${err.message}`);
      throw err;
    }
  }
  // Upstream compares the entity count with the count of private decryption subkeys.
  const decryptionKeys = entities.reduce((n, e) => n + e.subkeys.filter((s) => s.key.isPrivate && s.sig.flagsValid && encryptionFlags(s.sig)).length, 0);
  if (entities.length === decryptionKeys) throw new PgpKeyError('no PGP public keys could be read');
  return { entities, canonical: armorLikeGo('PGP PUBLIC KEY BLOCK', serializeEntities(entities)), subjects: emailAddresses(entities) };
}

/** bufio.Scanner with ScanLines: lines split at "\n", a final "\r" dropped, the last line kept if not empty. */
function* scanLines(bytes: Buffer): Generator<Buffer> {
  let pos = 0;
  while (pos < bytes.length) {
    let nl = bytes.indexOf(0x0a, pos);
    const end = nl === -1 ? bytes.length : nl;
    if (end - pos >= MAX_SCAN_TOKEN) throw new PgpKeyError('error reading PGP public key: bufio.Scanner: token too long');
    let line = bytes.subarray(pos, end);
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    yield line;
    if (nl === -1) nl = bytes.length;
    pos = nl + 1;
  }
}

/** Entity.Serialize for each entity, concatenated. */
export function serializeEntities(entities: Entity[]): Buffer {
  const out: Buffer[] = [];
  const key = (k: KeyPacket) => out.push(newFormatHeader(k.tag, k.publicBody.length), k.publicBody);
  for (const e of entities) {
    key(e.primary);
    for (const sig of e.revocations) out.push(serializeSignature(sig));
    for (const identity of e.identities.values()) {
      out.push(newFormatHeader(PACKET.userId, identity.id.length), identity.id);
      for (const sig of identity.signatures) out.push(serializeSignature(sig));
    }
    for (const sub of e.subkeys) {
      key(sub.key);
      for (const sig of sub.revocations) out.push(serializeSignature(sig));
      out.push(serializeSignature(sub.sig));
    }
  }
  return Buffer.concat(out);
}

function emailAddresses(entities: Entity[]): string[] {
  const out: string[] = [];
  for (const e of entities) for (const identity of e.identities.values()) if (isEmail(identity.email)) out.push(identity.email);
  return out;
}

/** packet.parseUserId's e-mail part of "Name (Comment) <email>" (byte offsets; the markers are ASCII). */
export function parseUserIdEmail(id: Buffer): string {
  let state = 0;
  let nStart = 0;
  let nEnd = 0;
  let eStart = 0;
  let eEnd = 0;
  for (let offset = 0; offset < id.length; offset++) {
    const b = id[offset]!;
    // Continuation bytes of a multi-byte character never change the state (they are not markers).
    if ((b & 0xc0) === 0x80 && offset > 0) continue;
    // Entering the name, the comment or the e-mail address happens on the first character after the marker.
    if (state === 0) {
      nStart = offset;
      state = 1;
    } else if (state === 2) {
      state = 3;
    } else if (state === 5) {
      eStart = offset;
      state = 6;
    }
    if (state === 1) {
      if (b === 0x28) {
        state = 2;
        nEnd = offset;
      } else if (b === 0x3c) {
        state = 5;
        nEnd = offset;
      }
    } else if (state === 3) {
      if (b === 0x29) state = 4;
    } else if (state === 4) {
      if (b === 0x3c) state = 5;
    } else if (state === 6) {
      if (b === 0x3e) {
        state = 7;
        eEnd = offset;
      }
    }
  }
  if (state === 1) nEnd = id.length;
  if (state === 6) eEnd = id.length;
  const trim = (b: Buffer) => goTrimString(b.toString('utf8'));
  const email = trim(id.subarray(eStart, eEnd));
  const name = trim(id.subarray(nStart, nEnd));
  if (email === '' && name.includes('@')) return name;
  return email;
}

function goTrimString(s: string): string {
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/gu, '');
}

// govalidator's Email pattern (github.com/asaskevich/govalidator patterns.go), as a JavaScript
// Unicode regular expression: \d is ASCII only in both.
const U = '\\u{00A0}-\\u{D7FF}\\u{F900}-\\u{FDCF}\\u{FDF0}-\\u{FFEF}';
const EMAIL = new RegExp(
  "^(((([a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[" + U + "])+(\\.([a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[" + U + '])+)*)|' +
    '((\\x22)((((\\x20|\\x09)*(\\x0d\\x0a))?(\\x20|\\x09)+)?(([\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]|\\x21|[\\x23-\\x5b]|[\\x5d-\\x7e]|[' + U + '])|(\\([\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f]|[' + U + ']))))*(((\\x20|\\x09)*(\\x0d\\x0a))?(\\x20|\\x09)+)?(\\x22)))' +
    '@((([a-zA-Z]|\\d|[' + U + '])|(([a-zA-Z]|\\d|[' + U + '])([a-zA-Z]|\\d|-|\\.|_|~|[' + U + '])*([a-zA-Z]|\\d|[' + U + '])))\\.)+' +
    '(([a-zA-Z]|[' + U + '])|(([a-zA-Z]|[' + U + '])([a-zA-Z]|\\d|-|_|~|[' + U + '])*([a-zA-Z]|[' + U + '])))\\.?$',
  'u',
);

/** govalidator.IsEmail */
export function isEmail(s: string): boolean {
  // Go's regexp reads invalid UTF-8 as U+FFFD, which the pattern never accepts.
  return !s.includes('\ufffd') && EMAIL.test(s);
}

// ---------------------------------------------------------------------------------------
// Key lookup and message signatures

export interface FoundKey {
  entity: Entity;
  key: KeyPacket;
  /** The self-signature that states the key's flags (primary identity's, or the subkey binding). */
  selfSignature: GoSignature | null;
  revocations: GoSignature[];
}

/** Entity.PrimaryIdentity (file order where Go iterates a map). */
export function primaryIdentity(entity: Entity): Identity | null {
  let best: Identity | null = null;
  for (const candidate of entity.identities.values()) if (shouldPreferIdentity(best, candidate)) best = candidate;
  return best;
}

function shouldPreferIdentity(existing: Identity | null, candidate: Identity): boolean {
  if (!existing) return true;
  if (existing.revocations.length > candidate.revocations.length) return true;
  if (existing.revocations.length < candidate.revocations.length) return false;
  if (!existing.selfSignature) return true;
  // (Go dereferences the candidate's self-signature here; one revoked-only identity would panic it.)
  if (!candidate.selfSignature) return false;
  if (existing.selfSignature.isPrimaryId === true && candidate.selfSignature.isPrimaryId !== true) return false;
  if (existing.selfSignature.isPrimaryId !== true && candidate.selfSignature.isPrimaryId === true) return true;
  return candidate.selfSignature.creationTime > existing.selfSignature.creationTime;
}

/** EntityList.KeysByIdUsage(id, KeyFlagSign). */
function keysByIdForSigning(entities: Entity[], id: bigint): FoundKey[] {
  const keys: FoundKey[] = [];
  for (const entity of entities) {
    if (entity.primary.keyId === id) {
      keys.push({ entity, key: entity.primary, selfSignature: primaryIdentity(entity)?.selfSignature ?? null, revocations: entity.revocations });
    }
    for (const sub of entity.subkeys) {
      if (sub.key.keyId === id) keys.push({ entity, key: sub.key, selfSignature: sub.sig, revocations: sub.revocations });
    }
  }
  return keys.filter((k) => k.selfSignature && k.selfSignature.flagsValid && (usageFlags(k.selfSignature) & KEY_FLAG_SIGN) !== 0);
}

/**
 * go-rpmutils' findKey: the first primary key or subkey the signature names, by issuer
 * fingerprint (when it has one) or key ID; no usage, expiry or revocation checks.
 */
export function findKeyForSignature(entities: Entity[], sig: GoSignature): KeyPacket | null {
  for (const entity of entities) {
    if (checkKeyIdOrFingerprint(sig, entity.primary)) return entity.primary;
    for (const sub of entity.subkeys) if (checkKeyIdOrFingerprint(sig, sub.key)) return sub.key;
  }
  return null;
}

function sigExpired(sig: GoSignature, now: number): boolean {
  if (sig.creationTime > now) return true;
  if (!sig.sigLifetime) return false;
  return now > sig.creationTime + sig.sigLifetime;
}

function keyExpired(key: KeyPacket, selfSig: GoSignature, now: number): boolean {
  if (key.created > now) return true;
  if (!selfSig.keyLifetime) return false;
  return now > key.created + selfSig.keyLifetime;
}

function revoked(revocations: GoSignature[], now: number): boolean {
  return revocations.some((r) => r.revocationReason === KEY_COMPROMISED || !sigExpired(r, now));
}

/** The canonical-text hash input (openpgp.NewCanonicalTextHash): lone "\n" becomes "\r\n", a byte after "\r" is kept as is. */
function canonicalText(data: Buffer): Buffer {
  const out: number[] = [];
  let afterCr = false;
  for (const c of data) {
    if (afterCr) {
      afterCr = false;
      out.push(c);
      continue;
    }
    if (c === 0x0d) afterCr = true;
    if (c === 0x0a) out.push(0x0d);
    out.push(c);
  }
  return Buffer.from(out);
}

/**
 * openpgp.CheckDetachedSignature(keyring, signed, signature, Config{Time: now}): the
 * signature packets are read in turn until one has a key in the ring usable for signing;
 * then the signature, and the key's state at `now` (seconds since the epoch).
 * Throws PgpError with go-crypto's message.
 */
export async function checkDetachedSignature(entities: Entity[], signed: Buffer, signatureBytes: Buffer, now: number): Promise<void> {
  let pos = 0;
  let found: { sig: GoSignature; keys: FoundKey[] } | null = null;
  while (!found) {
    const read = readPacket(signatureBytes, pos);
    if (!read) throw new PgpError('openpgp: signature made by unknown entity', 'fatal');
    pos = read.next;
    let candidate: GoSignature;
    if (read.packet.tag !== PACKET.signature) {
      if (!isKnownTag(read.packet.tag) || read.packet.tag === PACKET.trust) {
        const err = unknownTagError(read.packet.tag);
        if (err.kind === 'unknown-packet') continue;
        throw err;
      }
      if (read.packet.tag === PACKET.marker) continue;
      throw structuralError('non signature packet found');
    }
    try {
      candidate = parseSignature(read.packet.body);
    } catch (err) {
      if (err instanceof PgpError && err.kind === 'unsupported') continue;
      throw err;
    }
    pos = afterParse(read, candidate.consumed);
    if (candidate.issuerKeyId === null) throw structuralError("signature doesn't have an issuer");
    const keys = keysByIdForSigning(entities, candidate.issuerKeyId);
    if (keys.length > 0) found = { sig: candidate, keys };
  }
  const { sig, keys } = found;
  if (sig.sigType !== SIG_TYPE.binary && sig.sigType !== SIG_TYPE.text) {
    throw unsupportedError(`unsupported signature type: ${sig.sigType}`);
  }
  const data = sig.sigType === SIG_TYPE.text ? canonicalText(signed) : signed;
  let lastError: PgpError | null = null;
  for (const key of keys) {
    try {
      await verifySignatureBy(key.key, sig, [data]);
    } catch (err) {
      if (!(err instanceof PgpError)) throw err;
      lastError = err;
      continue;
    }
    checkMessageSignatureDetails(key, sig, now);
    return;
  }
  throw lastError ?? new PgpError('openpgp: signature made by unknown entity', 'fatal');
}

/** checkMessageSignatureDetails (read.go): notations, revocation and expiry at `now`. */
function checkMessageSignatureDetails(key: FoundKey, sig: GoSignature, now: number): void {
  const primaryId = primaryIdentity(key.entity);
  const primarySelfSignature = primaryId?.selfSignature ?? null;
  const bySubkey = key.key !== key.entity.primary;
  const toCheck: (GoSignature | null)[] = [sig, primarySelfSignature];
  if (bySubkey) toCheck.push(key.selfSignature, key.selfSignature?.embedded ?? null);
  for (const s of toCheck) {
    for (const notation of s?.notations ?? []) {
      // Rekor's Config knows no notations.
      if (notation.critical) throw signatureError(`unknown critical notation: ${notation.name}`);
    }
  }
  if (revoked(key.entity.revocations, now) || (bySubkey && revoked(key.revocations, now)) || (primaryId && revoked(primaryId.revocations, now))) {
    throw new PgpError('openpgp: signature made by revoked key', 'fatal');
  }
  if (primarySelfSignature && keyExpired(key.entity.primary, primarySelfSignature, now)) throw new PgpError('openpgp: key expired', 'fatal');
  if (bySubkey && key.selfSignature && keyExpired(key.key, key.selfSignature, now)) throw new PgpError('openpgp: key expired', 'fatal');
  for (const s of toCheck) if (s && sigExpired(s, now)) throw new PgpError('openpgp: signature expired', 'fatal');
}
