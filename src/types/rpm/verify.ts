/**
 * rpmutils.Verify (github.com/sassoftware/go-rpmutils v0.4.0 verify.go, verify_digests.go,
 * verify_v4.go, signatures.go) as Rekor's rpm kind calls it: read the lead and both
 * headers (the general header checked against the signature header's SHA-256, else SHA-1),
 * parse every signature blob (RSA and DSA tags cover the general header, PGP and GPG tags
 * the general header plus the payload), check the payload digest (the general header's
 * PAYLOADDIGEST, else the signature header's MD5), then verify every signature with the
 * key it names — found by issuer fingerprint or key ID among primary keys and subkeys, with
 * no usage, expiry or revocation checks, as go-rpmutils does.
 */
import { createHash } from 'node:crypto';
import { findKeyForSignature, verifySignatureBy, type Entity } from '../pki/pgp/keyring';
import { isKnownTag, PACKET, parseSignature, PgpError, readPacket, unknownTagError, type GoSignature } from '../pki/pgp/packets';
import {
  getBytes,
  getStringBytes,
  getUint32s,
  LEAD_SIZE,
  NoSuchTagError,
  readHeader,
  readLead,
  RpmError,
  TAG,
  type HeaderDigest,
  type RpmHeader,
} from './header';

export interface VerifiedRpm {
  sigHeader: RpmHeader;
  genHeader: RpmHeader;
  /** The signatures found (all verified); Rekor refuses a package with none. */
  signatureCount: number;
}

/** Payload digest algorithms (PAYLOADDIGESTALGO values) and Go's crypto.Hash names. */
const PAYLOAD_HASHES = new Map<number, { node: string; go: string }>([
  [1, { node: 'md5', go: 'MD5' }],
  [2, { node: 'sha1', go: 'SHA-1' }],
  [8, { node: 'sha256', go: 'SHA-256' }],
  [9, { node: 'sha384', go: 'SHA-384' }],
  [10, { node: 'sha512', go: 'SHA-512' }],
  [11, { node: 'sha224', go: 'SHA-224' }],
]);

/** Verify `pkg` with the key ring. Throws RpmError or PgpError with go-rpmutils' / go-crypto's message. */
export async function verifyRpm(pkg: Buffer, entities: Entity[]): Promise<VerifiedRpm> {
  readLead(pkg);
  const sigHeader = readHeader(pkg, LEAD_SIZE, true);
  const genHeader = readHeader(pkg, sigHeader.end, false, headerDigest(sigHeader));
  const payload = pkg.subarray(genHeader.end);

  const signatures: { sig: GoSignature; headerOnly: boolean }[] = [];
  for (const [tag, headerOnly] of [
    [TAG.sigRsa, true],
    [TAG.sigDsa, true],
    [TAG.sigPgp, false],
    [TAG.sigGpg, false],
  ] as const) {
    let blob: Buffer;
    try {
      blob = getBytes(sigHeader, tag);
    } catch (err) {
      if (err instanceof NoSuchTagError) continue;
      throw err;
    }
    signatures.push({ sig: parseBlob(blob), headerOnly });
  }

  checkPayloadDigest(sigHeader, genHeader, payload);

  for (const { sig, headerOnly } of signatures) {
    const key = findKeyForSignature(entities, sig);
    if (!key) throw new RpmError(keyNotFound(sig));
    await verifySignatureBy(key, sig, headerOnly ? [genHeader.orig] : [genHeader.orig, payload]);
  }
  return { sigHeader, genHeader, signatureCount: signatures.length };
}

/** getHashAndType: SIG_SHA256 (273) if present and non-empty, else SIG_SHA1 (269). */
function headerDigest(sigHeader: RpmHeader): HeaderDigest | undefined {
  const value = (tag: number): string => {
    let values: Buffer[];
    try {
      values = getStringBytes(sigHeader, tag);
    } catch (err) {
      // Upstream ignores an absent or mistyped digest tag; a negative count would panic it.
      if (err instanceof NoSuchTagError || (err instanceof RpmError && err.message.startsWith('unsupported datatype'))) return '';
      throw err;
    }
    if (values.length === 0) throw new RpmError(`RPM header tag ${tag} holds no value`);
    return values[0]!.toString('latin1');
  };
  const sha256 = value(TAG.sigSha256);
  if (sha256 !== '') return { value: sha256, algorithm: 'sha256' };
  const sha1 = value(TAG.sigSha1);
  return sha1 === '' ? undefined : { value: sha1, algorithm: 'sha1' };
}

/**
 * parseSignature (verify_v4.go): exactly one v4 signature packet, naming its issuer.
 * A declared length longer than the blob is tolerated when the fields fit, as Go's
 * span reader does; bytes left over are "trailing garbage". A packet of another type is
 * not parsed: Go would report its own parse error, or trailing garbage; here it is "no
 * supported PGP signature packet found" unless bytes follow it.
 */
function parseBlob(blob: Buffer): GoSignature {
  if (blob.length === 0) throw new PgpError('EOF', 'fatal');
  const head = blob[0]!;
  if ((head & 0x80) === 0) return readPacketOrThrow(blob);
  const oldFormat = (head & 0x40) === 0;
  const tag = oldFormat ? (head & 0x3f) >> 2 : head & 0x3f;
  let bodyStart: number;
  let declared: number;
  if (oldFormat) {
    if ((head & 3) === 3) {
      bodyStart = 1;
      declared = blob.length - 1;
    } else {
      const lengthBytes = 1 << (head & 3);
      if (blob.length < 1 + lengthBytes) throw new PgpError('unexpected EOF', 'fatal');
      declared = 0;
      for (let i = 0; i < lengthBytes; i++) declared = declared * 256 + blob[1 + i]!;
      bodyStart = 1 + lengthBytes;
    }
  } else {
    const b = blob[1];
    if (b === undefined) throw new PgpError('unexpected EOF', 'fatal');
    if (b >= 224 && b < 255) return readPacketOrThrow(blob); // partial lengths
    if (b < 192) {
      declared = b;
      bodyStart = 2;
    } else if (b < 224) {
      if (blob.length < 3) throw new PgpError('unexpected EOF', 'fatal');
      declared = ((b - 192) << 8) + blob[2]! + 192;
      bodyStart = 3;
    } else {
      if (blob.length < 6) throw new PgpError('unexpected EOF', 'fatal');
      declared = blob.readUInt32BE(2);
      bodyStart = 6;
    }
  }
  if (tag !== PACKET.signature) return readPacketOrThrow(blob);
  const sig = parseSignature(blob.subarray(bodyStart, bodyStart + declared));
  if (sig.consumed < blob.length - bodyStart) throw new PgpError('trailing garbage after PGP signature packet', 'fatal');
  return checkIssuer(sig);
}

/** The general path (framing errors, partial lengths, packets other than signatures). */
function readPacketOrThrow(blob: Buffer): GoSignature {
  const read = readPacket(blob, 0);
  if (!read) throw new PgpError('EOF', 'fatal');
  const { tag, body } = read.packet;
  if (tag !== PACKET.signature) {
    if (!isKnownTag(tag) || tag === PACKET.trust) throw unknownTagError(tag);
    if (read.next < blob.length) throw new PgpError('trailing garbage after PGP signature packet', 'fatal');
    throw new PgpError('no supported PGP signature packet found', 'fatal');
  }
  const sig = parseSignature(body);
  if (sig.consumed < body.length || read.next < blob.length) throw new PgpError('trailing garbage after PGP signature packet', 'fatal');
  return checkIssuer(sig);
}

function checkIssuer(sig: GoSignature): GoSignature {
  if (sig.issuerKeyId === null && !sig.issuerFingerprint) throw new PgpError('no supported PGP signature packet found', 'fatal');
  return sig;
}

/** KeyNotFoundError.Error */
function keyNotFound(sig: GoSignature): string {
  const keyId = sig.issuerKeyId ?? 0n;
  if (keyId === 0n && sig.issuerFingerprint && sig.issuerFingerprint.length > 0) {
    return `key with fingerprint ${sig.issuerFingerprint.toString('hex')} not found`;
  }
  return `keyid ${keyId.toString(16).padStart(8, '0')} not found`;
}

/** digestPayload: PAYLOADDIGEST over the payload, else SIGMD5 over header and payload. */
function checkPayloadDigest(sigHeader: RpmHeader, genHeader: RpmHeader, payload: Buffer): void {
  const digest = payloadDigest(genHeader);
  if (digest) {
    const computed = createHash(digest.hash.node).update(payload).digest('hex');
    if (computed !== digest.value) throw new RpmError(`payload ${digest.hash.go} digest mismatch`);
    return;
  }
  let md5: Buffer | null = null;
  try {
    md5 = getBytes(sigHeader, TAG.sigMd5);
  } catch {
    md5 = null;
  }
  if (md5 && md5.length > 0) {
    const computed = createHash('md5').update(genHeader.orig).update(payload).digest();
    if (!computed.equals(md5)) throw new RpmError('md5 digest mismatch');
    return;
  }
  throw new RpmError('no usable payload digest found');
}

function payloadDigest(genHeader: RpmHeader): { value: string; hash: { node: string; go: string } } | null {
  let digests: Buffer[];
  try {
    digests = getStringBytes(genHeader, TAG.payloadDigest);
  } catch (err) {
    if (err instanceof RpmError && err.message.includes('negative count')) throw err;
    return null;
  }
  if (digests.length === 0) return null;
  let algos: number[];
  try {
    algos = getUint32s(genHeader, TAG.payloadDigestAlgo);
  } catch {
    return null;
  }
  if (algos.length === 0) return null;
  const hash = PAYLOAD_HASHES.get(algos[0]!);
  return hash ? { value: digests[0]!.toString('latin1'), hash } : null;
}
