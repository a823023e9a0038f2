/**
 * One member of a multi-member gzip stream (RFC 1952), read the way Go's compress/gzip
 * Reader with Multistream(false) reads it — which is how Rekor walks an apk
 * (pkg/types/alpine/apk.go): header fields checked as Go checks them, the deflate data
 * inflated with node:zlib (`inflateRawSync`, which stops exactly at the end of the deflate
 * stream and reports how much input it used), then the CRC-32 and ISIZE trailer verified.
 *
 * `zlib.gunzipSync` cannot be used: it silently runs on through every member.
 *
 * Output is capped with `maxOutputLength`, so zlib stops as soon as the cap is passed: a
 * gzip bomb costs at most the cap in memory and time. Errors carry Go's messages
 * ("gzip: invalid header", "unexpected EOF", "gzip: invalid checksum"); zlib's own words
 * stand in for Go's flate errors.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { ArchiveLimitError } from './limits';
import { InvalidEntryError } from '../../errors';

const FLAG_HCRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;

/** Go's z.buf: a NUL-terminated header string (FNAME, FCOMMENT) may take at most 512 bytes. */
const MAX_HEADER_STRING = 512;

/** A malformed gzip stream; the message is Go's. */
export class GzipFormatError extends InvalidEntryError {}

/** The member would inflate past the cap it was read with. */
export class GzipOutputLimitError extends ArchiveLimitError {
  constructor(readonly cap: number) {
    super(`gzip member decompresses to more than ${cap} bytes`);
  }
}

export interface GzipMember {
  /** Offset of the member's first header byte. */
  start: number;
  /** Offset just past its 8-byte trailer: where the next member begins. */
  end: number;
  /** The decompressed data. */
  data: Buffer;
}

/**
 * Offset of the deflate data of the member whose header starts at `offset`. Throws
 * GzipFormatError: "EOF" when there is nothing at all (Go: io.EOF, "no more members"),
 * "unexpected EOF" for a truncated header, "gzip: invalid header" otherwise.
 */
export function readGzipHeader(buf: Buffer, offset: number): number {
  const available = buf.length - offset;
  if (available <= 0) throw new GzipFormatError('EOF');
  if (available < 10) throw new GzipFormatError('unexpected EOF');
  if (buf[offset] !== 0x1f || buf[offset + 1] !== 0x8b || buf[offset + 2] !== 8) {
    throw new GzipFormatError('gzip: invalid header');
  }
  const flags = buf[offset + 3]!;
  let pos = offset + 10;
  const need = (n: number): void => {
    if (pos + n > buf.length) throw new GzipFormatError('unexpected EOF');
  };
  if (flags & FLAG_EXTRA) {
    need(2);
    const length = buf.readUInt16LE(pos);
    pos += 2;
    need(length);
    pos += length;
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if (!(flags & flag)) continue;
    const nul = buf.indexOf(0, pos);
    const limit = Math.min(buf.length, pos + MAX_HEADER_STRING);
    if (nul < 0 || nul >= limit) {
      throw new GzipFormatError(limit === pos + MAX_HEADER_STRING ? 'gzip: invalid header' : 'unexpected EOF');
    }
    pos = nul + 1;
  }
  if (flags & FLAG_HCRC) {
    need(2);
    if (buf.readUInt16LE(pos) !== (crc32(buf.subarray(offset, pos)) & 0xffff)) {
      throw new GzipFormatError('gzip: invalid header');
    }
    pos += 2;
  }
  return pos;
}

/**
 * Inflate the member starting at `offset`, keeping at most `cap` bytes of output: more
 * throws GzipOutputLimitError. Header errors come first (see readGzipHeader), then data
 * errors ("unexpected EOF" for a truncated stream), then the trailer check.
 */
export function readGzipMember(buf: Buffer, offset: number, cap: number): GzipMember {
  const dataStart = readGzipHeader(buf, offset);
  let data: Buffer;
  let consumed: number;
  try {
    const result = inflateRawSync(buf.subarray(dataStart), { info: true, maxOutputLength: Math.max(cap, 1) }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    data = result.buffer;
    consumed = result.engine.bytesWritten;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new GzipOutputLimitError(cap);
    if (e.code === 'Z_BUF_ERROR') throw new GzipFormatError('unexpected EOF');
    throw new GzipFormatError(`flate: corrupt input (${e.message})`);
  }
  if (data.length > cap) throw new GzipOutputLimitError(cap);
  const trailer = dataStart + consumed;
  if (trailer + 8 > buf.length) throw new GzipFormatError('unexpected EOF');
  if (buf.readUInt32LE(trailer) !== crc32(data) || buf.readUInt32LE(trailer + 4) !== data.length % 2 ** 32) {
    throw new GzipFormatError('gzip: invalid checksum');
  }
  return { start: offset, end: trailer + 8, data };
}
