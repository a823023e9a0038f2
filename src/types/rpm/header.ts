/**
 * The RPM lead, signature header and general header, read as github.com/sassoftware/
 * go-rpmutils v0.4.0 reads them for Rekor (rpmutils.go readSignatureHeader, header.go
 * readHeader and the Get* accessors), with its error messages — but with the bounds checks
 * it lacks: a tag whose offset or count points outside the header's data makes Go panic
 * (Rekor then answers 500); here every such case is an RpmError, which the entry type turns
 * into a 400. Limits: at most MAX_HEADER_TAGS index entries and MAX_HEADER_DATA bytes of
 * data per header (rpm's own HEADER_TAGS_MAX and HEADER_DATA_MAX; go-rpmutils has none).
 * The limits are checked after the truncation checks, so that a count or size larger than
 * the file still gets go-rpmutils' "unexpected EOF" answer.
 *
 * Layout: a 96-byte lead (magic ed ab ee db; bytes 6-7 == 1 for a source package); then
 * each header: magic 8e ad e8 01, 4 reserved bytes, the index entry count and the data
 * size (uint32, big-endian), 16 bytes per index entry (tag, type, offset, count: int32),
 * then the data. The signature header's data is padded to a multiple of 8 bytes.
 */
import { createHash } from 'node:crypto';

export class RpmError extends Error {
  override readonly name = 'RpmError';
}

export const LEAD_SIZE = 96;
const LEAD_MAGIC = 0xedabeedb;
const HEADER_MAGIC = 0x8eade801;

/** rpm's HEADER_TAGS_MAX: most index entries in one header. */
export const MAX_HEADER_TAGS = 0xffff;
/** rpm's HEADER_DATA_MAX: most data bytes in one header (256 MiB). */
export const MAX_HEADER_DATA = 0x0fffffff;

export const RPM_TYPE = {
  null: 0,
  char: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;

/** go-rpmutils' typeSizes; every other type is read as NUL-terminated strings. */
const TYPE_SIZES = new Map<number, number>([
  [RPM_TYPE.null, 0],
  [RPM_TYPE.char, 1],
  [RPM_TYPE.int8, 1],
  [RPM_TYPE.int16, 2],
  [RPM_TYPE.int32, 4],
  [RPM_TYPE.int64, 8],
  [RPM_TYPE.bin, 1],
]);

export interface HeaderEntry {
  type: number;
  count: number;
  contents: Buffer;
}

export interface RpmHeader {
  /** Later duplicates of a tag replace earlier ones (a Go map). */
  entries: Map<number, HeaderEntry>;
  /** The header's bytes from its magic to the end of its data (padding included): what is hashed and signed. */
  orig: Buffer;
  /** Offset just after this header in the file. */
  end: number;
}

/** io.ReadFull's answer when `have` < `want` bytes remain. */
const short = (have: number) => (have === 0 ? 'EOF' : 'unexpected EOF');

/** readSignatureHeader, first half: the lead. */
export function readLead(pkg: Buffer): { lead: Buffer; isSource: boolean } {
  if (pkg.length < LEAD_SIZE) throw new RpmError(`error reading RPM lead: ${short(pkg.length)}`);
  if (pkg.readUInt32BE(0) !== LEAD_MAGIC) throw new RpmError('file is not an RPM');
  return { lead: pkg.subarray(0, LEAD_SIZE), isSource: pkg.readUInt16BE(6) === 1 };
}

export interface HeaderDigest {
  /** The hex digest the signature header states (compared case-sensitively). */
  value: string;
  algorithm: 'sha256' | 'sha1';
}

/**
 * readHeader: the header at `offset`. The signature header (`sigBlock`) has its data padded
 * to 8 bytes. When `digest` is given (and longer than one character, as upstream), the
 * header's bytes must hash to it.
 */
export function readHeader(pkg: Buffer, offset: number, sigBlock: boolean, digest?: HeaderDigest): RpmHeader {
  const remaining = pkg.length - offset;
  if (remaining < 16) throw new RpmError(`error reading RPM header: ${short(remaining)}`);
  if (pkg.readUInt32BE(offset) !== HEADER_MAGIC) throw new RpmError('bad magic for header');
  const nindex = pkg.readUInt32BE(offset + 8);
  const hsize = pkg.readUInt32BE(offset + 12);
  const tableStart = offset + 16;
  const tableLength = nindex * 16;
  if (pkg.length - tableStart < tableLength) throw new RpmError(`error reading RPM header table: ${short(pkg.length - tableStart)}`);
  const dataStart = tableStart + tableLength;
  const dataLength = sigBlock ? Math.ceil(hsize / 8) * 8 : hsize;
  if (pkg.length - dataStart < dataLength) throw new RpmError(`error reading RPM header data: ${short(pkg.length - dataStart)}`);
  if (nindex > MAX_HEADER_TAGS) throw new RpmError(`RPM header has too many tags: ${nindex} (at most ${MAX_HEADER_TAGS} are accepted)`);
  if (hsize > MAX_HEADER_DATA) throw new RpmError(`RPM header data is too large: ${hsize} bytes (at most ${MAX_HEADER_DATA} are accepted)`);
  const end = dataStart + dataLength;
  const orig = pkg.subarray(offset, end);
  const data = pkg.subarray(dataStart, end);

  if (digest && digest.value.length > 1) {
    const computed = createHash(digest.algorithm).update(orig).digest('hex');
    if (computed !== digest.value) throw new RpmError(`${digest.algorithm === 'sha256' ? 'SHA-256' : 'SHA-1'} mismatch in signature header`);
  }

  const entries = new Map<number, HeaderEntry>();
  for (let i = 0; i < nindex; i++) {
    const at = tableStart + 16 * i;
    const tag = pkg.readInt32BE(at);
    const type = pkg.readInt32BE(at + 4);
    const start = pkg.readInt32BE(at + 8);
    const count = pkg.readInt32BE(at + 12);
    if (start < 0 || start > data.length) throw new RpmError(`RPM header tag ${tag} has an offset outside the header data`);
    const size = TYPE_SIZES.get(type);
    let stop: number;
    if (size !== undefined) {
      stop = start + size * count;
      if (stop < start || stop > data.length) throw new RpmError(`RPM header tag ${tag} has a count that runs outside the header data`);
    } else {
      // Strings: `count` NUL-terminated values.
      stop = start;
      for (let n = 0; n < count; n++) {
        const nul = data.indexOf(0, stop);
        if (nul < 0) throw new RpmError(`tag ${tag} is truncated`);
        stop = nul + 1;
      }
    }
    entries.set(tag, { type, count, contents: data.subarray(start, stop) });
  }
  return { entries, orig, end };
}

/** go-rpmutils' NoSuchTagError. */
export class NoSuchTagError extends RpmError {
  constructor(readonly tag: number) {
    super(`No such entry ${tag}`);
  }
}

function entry(header: RpmHeader, tag: number): HeaderEntry {
  const e = header.entries.get(tag);
  if (!e) throw new NoSuchTagError(tag);
  return e;
}

/** Go's string(bytes) as encoding/json writes it: each byte of an invalid UTF-8 sequence becomes U+FFFD. */
export function goString(bytes: Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len > 0 && i + len <= bytes.length) {
      const seq = bytes.subarray(i, i + len);
      const decoded = seq.toString('utf8');
      if (!decoded.includes('\ufffd') && Buffer.from(decoded, 'utf8').equals(seq)) {
        out += decoded;
        i += len;
        continue;
      }
    }
    out += '\ufffd';
    i += 1;
  }
  return out;
}

/** rpmHeader.GetStrings (raw bytes of each value). */
export function getStringBytes(header: RpmHeader, tag: number): Buffer[] {
  const e = entry(header, tag);
  if (e.type !== RPM_TYPE.string && e.type !== RPM_TYPE.stringArray && e.type !== RPM_TYPE.i18nString) {
    throw new RpmError(`unsupported datatype for string: ${e.type}, tag: ${tag}`);
  }
  if (e.count < 0) throw new RpmError(`RPM header tag ${tag} has a negative count`);
  const parts: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nul = e.contents.indexOf(0, start);
    if (nul < 0) {
      parts.push(e.contents.subarray(start));
      break;
    }
    parts.push(e.contents.subarray(start, nul));
    start = nul + 1;
  }
  return parts.slice(0, e.count);
}

export function getStrings(header: RpmHeader, tag: number): string[] {
  return getStringBytes(header, tag).map(goString);
}

/** rpmHeader.GetBytes */
export function getBytes(header: RpmHeader, tag: number): Buffer {
  const e = entry(header, tag);
  if (e.type !== RPM_TYPE.bin) throw new RpmError(`unsupported datatype for bytes: ${e.type}, tag: ${tag}`);
  return e.contents;
}

/** rpmHeader.GetUint64s: any integer type, widened. */
export function getUint64s(header: RpmHeader, tag: number): bigint[] {
  const e = entry(header, tag);
  const c = e.contents;
  const out: bigint[] = [];
  switch (e.type) {
    case RPM_TYPE.int8:
    case RPM_TYPE.char:
      for (const b of c) out.push(BigInt(b));
      return out;
    case RPM_TYPE.int16:
      for (let i = 0; i + 2 <= c.length; i += 2) out.push(BigInt(c.readUInt16BE(i)));
      return out;
    case RPM_TYPE.int32:
      for (let i = 0; i + 4 <= c.length; i += 4) out.push(BigInt(c.readUInt32BE(i)));
      return out;
    case RPM_TYPE.int64:
      for (let i = 0; i + 8 <= c.length; i += 8) out.push(c.readBigUInt64BE(i));
      return out;
    default:
      throw new RpmError(`tag ${tag} isn't an int type`);
  }
}

/** rpmHeader.GetUint32s: refuses INT64. */
export function getUint32s(header: RpmHeader, tag: number): number[] {
  const e = entry(header, tag);
  if (e.type === RPM_TYPE.int64) throw new RpmError(`tag ${tag} is too big for int type`);
  return getUint64s(header, tag).map(Number);
}

export const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  arch: 1022,
  payloadDigest: 5092,
  payloadDigestAlgo: 5093,
  sigDsa: 267,
  sigRsa: 268,
  sigSha1: 269,
  sigSha256: 273,
  sigPgp: 1002,
  sigMd5: 1004,
  sigGpg: 1005,
} as const;

export interface Nevra {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
}

function first(values: string[], tag: number): string {
  // Go indexes [0] unchecked: an empty value list panics there.
  if (values.length === 0) throw new RpmError(`RPM header tag ${tag} holds no value`);
  return values[0]!;
}

/** rpmHeader.GetNEVRA: an absent EPOCH is "0". */
export function getNevra(header: RpmHeader): Nevra {
  const name = first(getStrings(header, TAG.name), TAG.name);
  let epoch = '0';
  if (header.entries.has(TAG.epoch)) {
    const values = getUint64s(header, TAG.epoch);
    if (values.length > 0) epoch = values[0]!.toString(10);
  }
  return {
    name,
    epoch,
    version: first(getStrings(header, TAG.version), TAG.version),
    release: first(getStrings(header, TAG.release), TAG.release),
    arch: first(getStrings(header, TAG.arch), TAG.arch),
  };
}
