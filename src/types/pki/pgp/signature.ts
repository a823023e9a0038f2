/**
 * An OpenPGP detached signature as Rekor's pkg/pki/pgp/pgp.go reads and checks it:
 * NewSignature (armored — type PGP SIGNATURE — or binary; packets go-crypto skips may come
 * first, then a signature packet), CanonicalValue (armored input kept as it is, binary
 * input armored as Go's armor.Encode writes it) and Verify (go-crypto's
 * CheckDetachedSignature, judged as of the signature's own creation time). Used by the
 * rekord (pgp format), helm and rpm kinds. Every refusal is an InvalidEntryError with
 * Rekor's message.
 */
import { InvalidEntryError } from '../../../errors';
import { armorLikeGo } from './armor';
import { checkDetachedSignature, type PgpPublicKey } from './keyring';
import { decodeArmor, isKnownTag, PACKET, parseSignature, PgpError, readPacket, unknownTagError, type GoSignature } from './packets';

/** Compressed data packet tag. */
const COMPRESSED = 8;

export interface PgpSignature {
  /** The signature packets (armor removed). */
  bytes: Buffer;
  /** Rekor's CanonicalValue of the signature. */
  canonical: Buffer;
}

/** Signature.Verify: `signature` over `content` by a key of `key`, as of the signature's creation time. */
export async function verifyPgpSignature(signature: PgpSignature, key: PgpPublicKey, content: Buffer): Promise<void> {
  const first = firstPacketForVerify(signature.bytes);
  try {
    await checkDetachedSignature(key.entities, content, signature.bytes, first.creationTime);
  } catch (err) {
    if (err instanceof PgpError) throw new InvalidEntryError(err.message);
    throw err;
  }
}

/**
 * pgp.NewSignature(input): the signature packets, which must start, past packets go-crypto
 * skips, with a signature packet. The canonical value is the input armored as Go's
 * armor.Encode writes it — or, when the input is itself armor, kept as it is.
 */
export function readPgpSignature(input: Buffer): PgpSignature {
  const inner = decodeArmor(input);
  let packets = input;
  if (inner) {
    if (inner.type !== 'PGP SIGNATURE') throw new InvalidEntryError('invalid PGP signature provided');
    packets = inner.body;
  }
  let pos = 0;
  for (;;) {
    let read;
    try {
      read = readPacket(packets, pos);
    } catch (err) {
      if (err instanceof PgpError) throw new InvalidEntryError(`invalid PGP signature: ${err.message}`);
      throw err;
    }
    if (!read) throw new InvalidEntryError('invalid PGP signature: EOF');
    pos = read.next;
    const { tag, body } = read.packet;
    if (tag === PACKET.signature) {
      try {
        parseSignature(body);
        // (The first signature packet found: what follows does not matter here.)
      } catch (err) {
        if (err instanceof PgpError && err.kind === 'unsupported') continue;
        if (err instanceof PgpError) throw new InvalidEntryError(`invalid PGP signature: ${err.message}`);
        throw err;
      }
      break;
    }
    if (tag === PACKET.marker) continue;
    if (tag === COMPRESSED && body.length > 0 && body[0]! > 3) {
      // go-crypto's packet reader does not skip this unsupported packet.
      throw new InvalidEntryError(`invalid PGP signature: openpgp: unsupported feature: unknown compression algorithm: ${body[0]}`);
    }
    if (!isKnownTag(tag) || tag === PACKET.trust) {
      const err = unknownTagError(tag);
      if (err.kind === 'unknown-packet') continue;
      throw new InvalidEntryError(`invalid PGP signature: ${err.message}`);
    }
    throw new InvalidEntryError('valid PGP signature was not detected');
  }
  return { bytes: packets, canonical: inner ? input : armorLikeGo('PGP SIGNATURE', input) };
}

/**
 * Signature.Verify's own read of the first packet (packet.Read: nothing skipped), whose
 * creation time becomes the verification time.
 */
function firstPacketForVerify(bytes: Buffer): GoSignature {
  const fail = (m: string) => new InvalidEntryError(`error reading PGP signature: ${m}`);
  let read;
  try {
    read = readPacket(bytes, 0);
  } catch (err) {
    if (err instanceof PgpError) throw fail(err.message);
    throw err;
  }
  if (!read) throw fail('EOF');
  const { tag, body } = read.packet;
  if (tag !== PACKET.signature) {
    if (!isKnownTag(tag) || tag === PACKET.trust) throw fail(unknownTagError(tag).message);
    throw new InvalidEntryError('valid PGP signature was not detected');
  }
  try {
    return parseSignature(body);
  } catch (err) {
    if (err instanceof PgpError) throw fail(err.message);
    throw err;
  }
}
