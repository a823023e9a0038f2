/**
 * A small strict tar reader over an in-memory archive, deciding as Go's archive/tar Reader
 * (Next and Read) decides for what an apk holds: V7, USTAR, PAX ('x' and 'g' records) and
 * GNU ('L'/'K' long names) headers; header checksums checked; an archive may end with two
 * zero blocks, or simply stop at a header boundary (apk's signature and control archives
 * have no end blocks), or even inside the last entry's padding, as Go allows.
 *
 * Entry data is never copied or allocated by its declared size: an entry's content is a
 * view of the archive, and a declared size running past the end is "unexpected EOF" when
 * the reader moves past it. Sparse files (GNU 'S', PAX GNU.sparse.*) are refused: apks
 * never hold them. Errors carry Go's messages ("archive/tar: invalid tar header",
 * "unexpected EOF", "archive/tar: header field too long").
 */
import { InvalidEntryError } from '../../errors';
import { ArchiveLimitError, pathDepth } from './limits';

export class TarFormatError extends InvalidEntryError {}

const ERR_HEADER = 'archive/tar: invalid tar header';
const BLOCK = 512;
/** Go's maxSpecialFileSize: PAX records and GNU long names. */
const MAX_SPECIAL_FILE = 1 << 20;

export interface TarEntry {
  name: string;
  typeflag: string;
  /** The declared size (after PAX records); may exceed what the archive holds. */
  size: bigint;
  /**
   * What a single Go `Read(make([]byte, size))` returns: the entry's bytes that are present
   * (fewer than `size` when the archive is cut short), or null when none is and size > 0
   * (Go: "unexpected EOF").
   */
  read(): Buffer | null;
}

export interface TarOptions {
  maxEntries: number;
  maxDepth: number;
}

/** Header-only types: their size field is not followed by data (Go's isHeaderOnlyType). */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);

/** The headers of `archive` in order, as Go's Next() returns them. */
export function* tarEntries(archive: Buffer, options: TarOptions): Generator<TarEntry, void, void> {
  let offset = 0;
  let pending = 0n; // data plus padding of the previous header, still to skip
  let headers = 0;

  for (;;) {
    // Go: discard the rest of the previous entry (must all be there), then its padding
    // (missing padding at the very end is a clean EOF).
    let paxRecords: Map<string, string> | undefined;
    let gnuLongName: string | undefined;
    for (;;) {
      if (pending > 0n) {
        const { data, padding } = splitPending(pending);
        if (BigInt(archive.length - offset) < data) throw new TarFormatError('unexpected EOF');
        offset += Number(data);
        if (archive.length - offset < padding) return;
        offset += padding;
        pending = 0n;
      }
      const header = readHeader(archive, offset);
      if (header === 'eof') return;
      offset += BLOCK;
      if (++headers > options.maxEntries) {
        throw new ArchiveLimitError(`tar archive has more than ${options.maxEntries} entries`);
      }
      const dataSize = HEADER_ONLY.has(header.typeflag) ? 0n : header.size;
      if (dataSize < 0n) throw new TarFormatError(ERR_HEADER);
      pending = dataSize;

      if (header.typeflag === 'x' || header.typeflag === 'g') {
        paxRecords = parsePax(readSpecial(archive, offset, dataSize));
        if (header.typeflag === 'g') {
          // Go returns a global header as an entry of its own (its name possibly from a path record).
          yield makeEntry(archive, offset, paxRecords.get('path') || header.name, 'g', 0n);
          break;
        }
        continue;
      }
      if (header.typeflag === 'L' || header.typeflag === 'K') {
        const value = cString(readSpecial(archive, offset, dataSize));
        if (header.typeflag === 'L') gnuLongName = value;
        continue;
      }

      // A file: PAX records, then a GNU long name, override the header.
      let { name, size } = header;
      if (paxRecords) {
        for (const [key, value] of paxRecords) {
          if (value === '') continue;
          if (key === 'path') name = value;
          else if (key === 'size') size = parseDecimal(value);
          else if (key === 'uid' || key === 'gid') parseDecimal(value);
          else if (key === 'mtime' || key === 'atime' || key === 'ctime') {
            // Go's parsePAXTime: int64 seconds, then optionally '.' and digits.
            const dot = value.indexOf('.');
            parseDecimal(dot < 0 ? value : value.slice(0, dot));
            if (dot >= 0 && !/^\d*$/.test(value.slice(dot + 1))) throw new TarFormatError(ERR_HEADER);
          }
        }
        if ([...paxRecords.keys()].some((k) => k.startsWith('GNU.sparse.'))) {
          throw new TarFormatError('archive/tar: sparse files are not supported');
        }
      }
      if (gnuLongName !== undefined && gnuLongName !== '') name = gnuLongName;
      let typeflag = header.typeflag;
      if (typeflag === '\0') typeflag = name.endsWith('/') ? '5' : '0';
      if (typeflag === 'S') throw new TarFormatError('archive/tar: sparse files are not supported');
      const fileSize = HEADER_ONLY.has(typeflag) ? 0n : size;
      if (fileSize < 0n) throw new TarFormatError(ERR_HEADER);
      pending = fileSize;
      if (pathDepth(name) > options.maxDepth) {
        throw new ArchiveLimitError(`tar entry name is deeper than ${options.maxDepth} levels`);
      }
      yield makeEntry(archive, offset, name, typeflag, size);
      break;
    }
  }
}

function splitPending(size: bigint): { data: bigint; padding: number } {
  return { data: size, padding: Number((BigInt(BLOCK) - (size % BigInt(BLOCK))) % BigInt(BLOCK)) };
}

function makeEntry(archive: Buffer, offset: number, name: string, typeflag: string, size: bigint): TarEntry {
  return {
    name,
    typeflag,
    size,
    read(): Buffer | null {
      const wanted = HEADER_ONLY.has(typeflag) || typeflag === 'g' ? 0n : size;
      if (wanted <= 0n) return Buffer.alloc(0);
      const available = archive.length - offset;
      if (available <= 0) return null;
      return archive.subarray(offset, offset + Number(wanted < BigInt(available) ? wanted : BigInt(available)));
    },
  };
}

interface RawHeader {
  name: string;
  typeflag: string;
  size: bigint;
}

/** Go's readHeader: 'eof' for a clean end, else the parsed header; throws on a bad block. */
function readHeader(archive: Buffer, offset: number): RawHeader | 'eof' {
  const available = archive.length - offset;
  if (available <= 0) return 'eof';
  if (available < BLOCK) throw new TarFormatError('unexpected EOF');
  const block = archive.subarray(offset, offset + BLOCK);
  if (isZero(block)) {
    const next = archive.length - offset - BLOCK;
    if (next <= 0) return 'eof';
    if (next < BLOCK) throw new TarFormatError('unexpected EOF');
    if (isZero(archive.subarray(offset + BLOCK, offset + 2 * BLOCK))) return 'eof';
    throw new TarFormatError(ERR_HEADER);
  }
  const format = headerFormat(block);
  if (format === 'unknown') throw new TarFormatError(ERR_HEADER);

  let name = cString(block.subarray(0, 100));
  const size = parseNumeric(block.subarray(124, 136));
  for (const [start, end] of [
    [100, 108], // mode
    [108, 116], // uid
    [116, 124], // gid
    [136, 148], // mtime
  ] as const) {
    parseNumeric(block.subarray(start, end));
  }
  if (format !== 'v7') {
    if (format !== 'gnu') {
      parseNumeric(block.subarray(329, 337)); // devmajor
      parseNumeric(block.subarray(337, 345)); // devminor
      const prefix = cString(block.subarray(345, format === 'star' ? 476 : 500));
      if (format === 'star') {
        parseNumeric(block.subarray(476, 488)); // atime
        parseNumeric(block.subarray(488, 500)); // ctime
      }
      if (prefix.length > 0) name = `${prefix}/${name}`;
    } else {
      parseNumeric(block.subarray(329, 337));
      parseNumeric(block.subarray(337, 345));
    }
  }
  return { name, typeflag: String.fromCharCode(block[156]!), size };
}

function isZero(block: Buffer): boolean {
  for (const b of block) if (b !== 0) return false;
  return true;
}

/** Go's getFormat: the checksum must match (unsigned or signed sum), then the magic decides. */
function headerFormat(block: Buffer): 'unknown' | 'v7' | 'ustar' | 'gnu' | 'star' {
  let checksum: bigint;
  try {
    checksum = parseOctal(block.subarray(148, 156));
  } catch {
    return 'unknown';
  }
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b >= 0x80 ? b - 256 : b;
  }
  if (checksum !== BigInt(unsigned) && checksum !== BigInt(signed)) return 'unknown';
  const magic = block.toString('latin1', 257, 263);
  const version = block.toString('latin1', 263, 265);
  const trailer = block.toString('latin1', 508, 512);
  if (magic === 'ustar\0' && trailer === 'tar\0') return 'star';
  if (magic === 'ustar\0') return 'ustar';
  if (magic === 'ustar ' && version === ' \0') return 'gnu';
  return 'v7';
}

/** The bytes up to the first NUL, as a byte string (Go's parseString). */
function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('latin1', 0, nul < 0 ? bytes.length : nul);
}

const MAX_INT64 = (1n << 63n) - 1n;

/** Go's parseNumeric: base-256 when the top bit is set, else octal. */
function parseNumeric(field: Buffer): bigint {
  if (field.length > 0 && field[0]! & 0x80) {
    const inv = field[0]! & 0x40 ? 0xff : 0x00;
    let x = 0n;
    for (let i = 0; i < field.length; i++) {
      let c = field[i]! ^ inv;
      if (i === 0) c &= 0x7f;
      if (x >> 56n > 0n) throw new TarFormatError(ERR_HEADER);
      x = (x << 8n) | BigInt(c);
    }
    if (x >> 63n > 0n) throw new TarFormatError(ERR_HEADER);
    return inv === 0xff ? -x - 1n : x;
  }
  return parseOctal(field);
}

/** Go's parseOctal: spaces and NULs trimmed at both ends, then strconv.ParseUint(s, 8, 64). */
function parseOctal(field: Buffer): bigint {
  const text = cString(Buffer.from(field.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, ''), 'latin1'));
  if (text === '') return 0n;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(ERR_HEADER);
  const value = BigInt(`0o${text}`);
  if (value >= 1n << 64n) throw new TarFormatError(ERR_HEADER);
  return value > MAX_INT64 ? value - (1n << 64n) : value; // Go: int64(uint64)
}

/** strconv.ParseInt(s, 10, 64), throwing Go's ErrHeader. */
function parseDecimal(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new TarFormatError(ERR_HEADER);
  const value = BigInt(text);
  if (value > MAX_INT64 || value < -MAX_INT64 - 1n) throw new TarFormatError(ERR_HEADER);
  return value;
}

/** Go's readSpecialFile: all of the entry's data, at most 1 MiB. */
function readSpecial(archive: Buffer, offset: number, size: bigint): Buffer {
  const available = BigInt(archive.length - offset);
  if (size > BigInt(MAX_SPECIAL_FILE) && available > BigInt(MAX_SPECIAL_FILE)) {
    throw new TarFormatError('archive/tar: header field too long');
  }
  if (available < size) throw new TarFormatError('unexpected EOF');
  return archive.subarray(offset, offset + Number(size));
}

/** Go's parsePAX: "%d %s=%s\n" records. */
function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let rest = data.toString('latin1');
  const sparse: string[] = [];
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    if (space < 0) throw new TarFormatError(ERR_HEADER);
    const lengthText = rest.slice(0, space);
    if (!/^[+-]?\d+$/.test(lengthText)) throw new TarFormatError(ERR_HEADER);
    const length = Number(lengthText);
    if (length < 5 || length > rest.length) throw new TarFormatError(ERR_HEADER);
    const n = length - (lengthText.length + 1);
    if (n <= 0) throw new TarFormatError(ERR_HEADER);
    const after = rest.slice(space + 1);
    const record = after.slice(0, n - 1);
    if (after[n - 1] !== '\n') throw new TarFormatError(ERR_HEADER);
    rest = after.slice(n);
    const eq = record.indexOf('=');
    if (eq < 0) throw new TarFormatError(ERR_HEADER);
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    const nulChecked = ['path', 'linkpath', 'uname', 'gname'].includes(key) ? value : key;
    if (key === '' || nulChecked.includes('\0')) throw new TarFormatError(ERR_HEADER);
    if (key === 'GNU.sparse.offset' || key === 'GNU.sparse.numbytes') {
      const expected = sparse.length % 2 === 0 ? 'GNU.sparse.offset' : 'GNU.sparse.numbytes';
      if (key !== expected || value.includes(',')) throw new TarFormatError(ERR_HEADER);
      sparse.push(value);
    } else {
      records.set(key, value);
    }
  }
  if (sparse.length > 0) records.set('GNU.sparse.map', sparse.join(','));
  return records;
}
