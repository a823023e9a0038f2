/**
 * An Alpine package (apk v2) unpacked and checked as sigstore/rekor
 * pkg/types/alpine/apk.go (Package.Unmarshal, VerifySignature) does. The file is three
 * concatenated gzip members — signature.tar.gz ‖ control.tar.gz ‖ data.tar.gz:
 *
 * 1. the signature member is inflated, at most max_apk_metadata_size bytes (Rekor's
 *    message past that);
 * 2. the control member is inflated; the signature covers the SHA-1 of its exact
 *    compressed bytes, gzip header to trailer;
 * 3. the signature archive's first `.SIGN*` entry is the signature (PEM-decoded if it is
 *    PEM), the control archive's `.PKGINFO` is parsed as ini (./pkginfo.ts);
 * 4. everything after the control member must hash (SHA-256) to `.PKGINFO`'s datahash;
 * 5. the signature is checked with sigstore's LoadUnsafeVerifier: RSA PKCS#1 v1.5 over the
 *    SHA-1 digest, or ECDSA (ASN.1, else IEEE P1363) over it.
 *
 * Beyond upstream: the control member's output and the tar archives' entry count and name
 * depth are capped (../archive/limits.ts); the data member is only hashed, never inflated.
 */
import { createHash } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import { byteString } from '../archive/go-text';
import { GzipFormatError, GzipOutputLimitError, readGzipHeader, readGzipMember } from '../archive/gzip';
import { ArchiveLimitError, type ExpansionBudget } from '../archive/limits';
import { tarEntries, type TarEntry } from '../archive/tar';
import { toBigInt } from '../pki/ec-point';
import { decodePem } from '../pki/pem';
import type { SubjectPublicKey } from '../pki/public-key';
import { FieldReader, TAG, bigInteger, element } from '../jar/asn1';
import { verifyEcdsa, verifyRsaPkcs1v15 } from '../jar/pkcs7';
import { parsePkginfo } from './pkginfo';

export class ApkError extends InvalidEntryError {}

/** Rekor's fallback when max_apk_metadata_size is 0. */
const UNLIMITED_METADATA = 20 * 1024 * 1024;

export interface ApkLimits {
  maxEntries: number;
  maxDepth: number;
  /** max_apk_metadata_size (0: Rekor's "unlimited"). */
  maxMetadataBytes: number;
  budget: ExpansionBudget;
}

export interface ApkPackage {
  /** `.PKGINFO`'s keys and values, as Go byte strings. */
  pkginfo: Map<string, string>;
  signature: Buffer;
  controlSha1: Buffer;
}

function prefixed(prefix: string, err: unknown): never {
  if (err instanceof InvalidEntryError && !(err instanceof ArchiveLimitError)) throw new ApkError(`${prefix}${err.message}`);
  throw err;
}

/** What Go's single `Read(make([]byte, size))` of the entry yields: the bytes there, zero-filled to size. */
function readEntry(entry: TarEntry, what: string, budget: ExpansionBudget): Buffer {
  const data = entry.read();
  if (data === null) throw new ApkError(`reading ${what}: unexpected EOF`);
  const size = Number(entry.size);
  if (data.length >= size) return data;
  budget.spend(size - data.length);
  return Buffer.concat([data, Buffer.alloc(size - data.length)]);
}

/** Package.Unmarshal. */
export function unmarshalApk(apk: Buffer, limits: ApkLimits): ApkPackage {
  const { budget } = limits;
  const maxSignatureArchive = limits.maxMetadataBytes === 0 ? UNLIMITED_METADATA : limits.maxMetadataBytes;

  // signature.tar.gz
  try {
    readGzipHeader(apk, 0);
  } catch (err) {
    prefixed('create gzip reader: ', err);
  }
  const sigCap = Math.min(maxSignatureArchive, budget.remaining);
  let sigMember: ReturnType<typeof readGzipMember>;
  try {
    sigMember = readGzipMember(apk, 0, sigCap);
  } catch (err) {
    if (err instanceof GzipOutputLimitError && sigCap === maxSignatureArchive) {
      throw new ArchiveLimitError(
        `decompressed size (${maxSignatureArchive + 1}) for signature.tar.gz exceeds max allowed size ${maxSignatureArchive}`,
      );
    }
    if (err instanceof GzipOutputLimitError) budget.spend(sigCap + 1);
    return prefixed('reading signature.tar.gz: ', err);
  }
  budget.spend(sigMember.data.length);

  // control.tar.gz: Go ignores a clean end of input here (no member at all).
  let control: Buffer = Buffer.alloc(0);
  let controlEnd = sigMember.end;
  let headerPresent = true;
  try {
    readGzipHeader(apk, sigMember.end);
  } catch (err) {
    if (err instanceof GzipFormatError && err.message === 'EOF') headerPresent = false;
    else prefixed('resetting to control.tar.gz: ', err);
  }
  if (headerPresent) {
    let member: ReturnType<typeof readGzipMember>;
    try {
      member = readGzipMember(apk, sigMember.end, budget.remaining);
    } catch (err) {
      if (err instanceof GzipOutputLimitError) budget.spend(budget.remaining + 1);
      return prefixed('reading control.tar.gz: ', err);
    }
    budget.spend(member.data.length);
    control = member.data;
    controlEnd = member.end;
  }
  const controlSha1 = createHash('sha1').update(apk.subarray(sigMember.end, controlEnd)).digest();

  // The signature: the first ".SIGN…" entry.
  let signature: Buffer | undefined;
  const tarOptions = { maxEntries: limits.maxEntries, maxDepth: limits.maxDepth };
  try {
    for (const entry of tarEntries(sigMember.data, tarOptions)) {
      if (!entry.name.startsWith('.SIGN') || signature) continue;
      if (limits.maxMetadataBytes > 0 && entry.size > BigInt(limits.maxMetadataBytes)) {
        throw new ArchiveLimitError(`uncompressed .SIGN file size ${entry.size} exceeds max allowed size ${limits.maxMetadataBytes}`);
      }
      const bytes = readEntry(entry, 'signature', budget);
      signature = decodePem(bytes).block?.bytes ?? bytes;
    }
  } catch (err) {
    if (err instanceof ApkError) throw err;
    prefixed('getting next entry in tar archive: ', err);
  }
  if (!signature) throw new ApkError('no signature detected in alpine package');

  // .PKGINFO (every one is read; the last wins).
  let pkginfo: Map<string, string> | undefined;
  let datahash: Buffer = Buffer.alloc(0);
  try {
    for (const entry of tarEntries(control, tarOptions)) {
      if (entry.name !== '.PKGINFO') continue;
      if (limits.maxMetadataBytes > 0 && entry.size > BigInt(limits.maxMetadataBytes)) {
        throw new ArchiveLimitError(`uncompressed .PKGINFO file size ${entry.size} exceeds max allowed size ${limits.maxMetadataBytes}`);
      }
      const text = byteString(readEntry(entry, '.PKGINFO', budget));
      try {
        pkginfo = parsePkginfo(text);
      } catch (err) {
        prefixed('parsing .PKGINFO: ', err);
      }
      datahash = decodeGoHex(pkginfo.get('datahash') ?? '');
    }
  } catch (err) {
    if (err instanceof ApkError) throw err;
    prefixed('getting next entry in tar archive: ', err);
  }
  if (!pkginfo) throw new ApkError('.PKGINFO file was not located');

  const computed = createHash('sha256').update(apk.subarray(controlEnd)).digest();
  if (!computed.equals(datahash)) {
    throw new ApkError(
      `checksum for data.tar.gz (${computed.toString('hex')}) does not match value from .PKGINFO (${datahash.toString('hex')})`,
    );
  }
  return { pkginfo, signature, controlSha1 };
}

/** hex.DecodeString, with Go's errors (prefixed "parsing datahash: "). */
function decodeGoHex(text: string): Buffer {
  const isHex = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);
  const invalid = (c: string): ApkError => {
    const code = c.charCodeAt(0);
    const printable = code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0) && code !== 0xad;
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    return new ApkError(`parsing datahash: encoding/hex: invalid byte: U+${hex}${printable ? ` '${c}'` : ''}`);
  };
  let i = 1;
  for (; i < text.length; i += 2) {
    if (!isHex(text[i - 1]!)) throw invalid(text[i - 1]!);
    if (!isHex(text[i]!)) throw invalid(text[i]!);
  }
  if (text.length % 2 === 1) {
    if (!isHex(text[i - 1]!)) throw invalid(text[i - 1]!);
    throw new ApkError('parsing datahash: encoding/hex: odd length hex string');
  }
  return Buffer.from(text, 'hex');
}

/** Package.VerifySignature with signature.LoadUnsafeVerifier(key), digest = SHA-1 of the control member. */
export function verifyApkSignature(key: SubjectPublicKey, pkg: ApkPackage): void {
  switch (key.algorithm.type) {
    case 'rsa':
      return verifyRsaPkcs1v15(key, 'sha1', pkg.controlSha1, pkg.signature);
    case 'ecdsa':
      return verifyEcdsaSigstore(key, pkg.controlSha1, pkg.signature);
    case 'ed25519':
      // sigstore's ED25519Verifier ignores the digest option and wants the message, which Rekor does not pass.
      throw new ApkError('message cannot be nil');
  }
}

/** sigstore ECDSAVerifier.VerifySignature: ASN.1 when it parses as such, else IEEE P1363 (r ‖ s). */
function verifyEcdsaSigstore(key: SubjectPublicKey, digest: Buffer, signature: Buffer): void {
  let asn1: { r: bigint; s: bigint; strict: boolean } | undefined;
  try {
    const { element: seq, next } = element(signature);
    if (seq.tag === TAG.SEQUENCE) {
      const fields = new FieldReader(seq.content);
      const r = fields.required(TAG.INTEGER, 'R');
      const s = fields.required(TAG.INTEGER, 'S');
      const strict = next === signature.length && fields.peek() === undefined;
      asn1 = { r: bigInteger(r, 'R'), s: bigInteger(s, 'S'), strict };
    }
  } catch {
    asn1 = undefined;
  }
  if (asn1) {
    // ecdsa.VerifyASN1: exactly SEQUENCE{r, s}, both positive.
    if (!asn1.strict || asn1.r <= 0n || asn1.s <= 0n || !verifyEcdsa(key, digest, asn1.r, asn1.s)) {
      throw new ApkError('invalid signature when validating ASN.1 encoded signature');
    }
    return;
  }
  if (signature.length === 0 || signature.length > 132 || signature.length % 2 !== 0) {
    throw new ApkError('ecdsa: Invalid IEEE_P1363 encoded bytes');
  }
  const half = signature.length / 2;
  if (!verifyEcdsa(key, digest, toBigInt(signature.subarray(0, half)), toBigInt(signature.subarray(half)))) {
    throw new ApkError('invalid signature when validating IEEE_P1363 encoded signature');
  }
}
