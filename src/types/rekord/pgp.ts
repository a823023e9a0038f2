/**
 * rekord's "pgp" format (sigstore/rekor pkg/pki/pgp/pgp.go), on openpgp.js: a keyring
 * (armored — several blocks allowed — or binary) and a detached signature (armored or
 * binary) over the artifact bytes, checked as of the signature's creation time, as
 * upstream's CheckDetachedSignature with Config.Time = sig.CreationTime.
 *
 * Canonical values as Rekor's CanonicalValue(): the key ring re-serialized (public parts)
 * and armored the way Go's armor.Encode writes it (no trailing newline); an armored
 * signature kept verbatim, a binary one armored the same way.
 */
import * as openpgp from 'openpgp';
import { InvalidEntryError } from '../../errors';
import type { RekordFormat, RekordPublicKey, RekordSignature } from './format';

interface PgpKey extends RekordPublicKey {
  keys: openpgp.PublicKey[];
}

interface PgpSignature extends RekordSignature {
  signature: openpgp.Signature;
  created: Date;
}

/** RSA keys as small as Go still verifies (openpgp.js refuses under 2047 bits by default). */
const CONFIG = { minRSABits: 1024 };

const ARMOR_PREFIX = '-----BEGIN PGP';

/** OpenPGP's CRC-24 (RFC 4880 §6.1), for the armor checksum line. */
function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** Go's armor.Encode(w, type, nil): blank header line, 64-column base64, "=" CRC line, no final newline. */
export function armorLikeGo(type: string, data: Uint8Array): Buffer {
  const b64 = Buffer.from(data).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  const crc = Buffer.from([(crc24(data) >> 16) & 0xff, (crc24(data) >> 8) & 0xff, crc24(data) & 0xff]).toString('base64');
  return Buffer.from(`-----BEGIN ${type}-----\n\n${lines.join('\n')}\n=${crc}\n-----END ${type}-----`);
}

function isArmored(bytes: Buffer): boolean {
  return bytes.subarray(0, ARMOR_PREFIX.length).toString('latin1') === ARMOR_PREFIX;
}

/** Armored input split into blocks at each "-----END PGP" line, as upstream reads it. */
function armorBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    current.push(line);
    if (line.startsWith('-----END PGP')) {
      blocks.push(current.join('\n'));
      current = [];
    }
  }
  return blocks;
}

async function readKeyRing(bytes: Buffer): Promise<openpgp.Key[]> {
  if (!isArmored(bytes)) return openpgp.readKeys({ binaryKeys: bytes, config: CONFIG });
  const keys: openpgp.Key[] = [];
  for (const block of armorBlocks(bytes.toString('utf8'))) {
    if (!/^-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/m.test(block)) throw new InvalidEntryError('invalid PGP type detected');
    keys.push(...(await openpgp.readKeys({ armoredKeys: block, config: CONFIG })));
  }
  return keys;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const pgpFormat: RekordFormat<PgpKey, PgpSignature> = {
  name: 'pgp',

  async parseSignature(bytes) {
    let signature: openpgp.Signature;
    const armored = isArmored(bytes);
    try {
      signature = armored
        ? await openpgp.readSignature({ armoredSignature: bytes.toString('utf8'), config: CONFIG })
        : await openpgp.readSignature({ binarySignature: bytes, config: CONFIG });
    } catch (err) {
      throw new InvalidEntryError(`invalid PGP signature: ${message(err)}`);
    }
    const packet = signature.packets[0];
    if (!packet || !packet.created) throw new InvalidEntryError('invalid PGP signature provided');
    return {
      signature,
      created: packet.created,
      // Upstream keeps the bytes it was given: armored as they came, binary armored as they are.
      canonical: armored ? bytes : armorLikeGo('PGP SIGNATURE', bytes),
    };
  },

  async parsePublicKey(bytes) {
    let keys: openpgp.Key[];
    try {
      keys = await readKeyRing(bytes);
    } catch (err) {
      if (err instanceof InvalidEntryError) throw err;
      throw new InvalidEntryError(`unable to read PGP public key: ${message(err)}`);
    }
    // Upstream refuses a ring whose every entity is a private key (or an empty ring).
    if (keys.length === 0 || keys.every((k) => k.isPrivate())) throw new InvalidEntryError('no PGP public keys could be read');
    const publicKeys = keys.map((k) => k.toPublic());
    const serialized = Buffer.concat(publicKeys.map((k) => k.write()));
    const subjects = publicKeys.flatMap((k) => k.users.map((u) => u.userID?.email ?? '').filter((e) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)));
    return { keys: publicKeys, canonical: armorLikeGo('PGP PUBLIC KEY BLOCK', serialized), subjects };
  },

  async verify(signature, key, content) {
    try {
      const result = await openpgp.verify({
        message: await openpgp.createMessage({ binary: content }),
        signature: signature.signature,
        verificationKeys: key.keys,
        date: signature.created,
        config: CONFIG,
      });
      const verified = result.signatures[0];
      if (!verified) throw new Error('signature made by unknown entity');
      await verified.verified;
    } catch (err) {
      throw new InvalidEntryError(`openpgp: ${message(err)}`);
    }
  },
};
