/**
 * OpenPGP ASCII armor written the way Go's golang.org/x/crypto/openpgp/armor (and
 * ProtonMail go-crypto) Encode writes it — the form Rekor's CanonicalValue gives PGP keys
 * and signatures: a blank header line, 64-column base64, the "=" CRC-24 line, and no
 * newline after the END line.
 */

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
