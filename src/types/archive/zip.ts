/**
 * A zip archive held in memory, read with yauzl (central directory, local headers, inflate)
 * and checked the way Go's archive/zip checks what it reads — the reader Rekor's jar kind
 * uses (pkg/types/jar/v0.0.1/entry.go):
 *
 * - names are kept as stored (Go does not transcode them): byte strings, see go-text.ts;
 * - an entry's data is read only when asked for, and must inflate to exactly its declared
 *   uncompressed size (more: "zip: not a valid zip file", less: "unexpected EOF"), with a
 *   matching CRC-32 when one is recorded ("zip: checksum error"), as Go's checksumReader;
 * - a directory entry ("…/") has no data: Go never decompresses it.
 *
 * Limits (./limits.ts): more than maxEntries central directory records refuse the archive
 * at once; declared uncompressed sizes (of entries that can hold data) adding up past
 * maxExpandedBytes refuse it before any entry is opened (checkDeclaredSize); while reading,
 * actual output counts against the artifact's ExpansionBudget, and an entry producing more
 * than it declared is cut off at once. Entries of up to 1 MiB are inflated in one call
 * (capped at their declared size), larger ones streamed, so memory stays small.
 *
 * Before yauzl sees the archive, what Go tolerates and yauzl would not is smoothed over
 * (goDirectoryEnd, withGoLeniency): bytes before the archive or after its end record, disk
 * numbers, encryption flags, a malformed extra field. Where yauzl's structural checks still
 * differ from Go's, the archive is refused with 400 "zip: not a valid zip file", Go's
 * ErrFormat, as for Go's own structural errors.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { InvalidEntryError } from '../../errors';
import { byteString } from './go-text';
import { ArchiveLimitError, pathDepth, type ExpansionBudget } from './limits';

/** A malformed zip; the message is Go's where Go has one. */
export class ZipFormatError extends InvalidEntryError {}

const ERR_FORMAT = 'zip: not a valid zip file';

/** Entries declaring at most this much are inflated in one call; larger ones are streamed. */
const IN_MEMORY_ENTRY = 1024 * 1024;

export interface ZipEntry {
  /** Position in the central directory. */
  index: number;
  /** The name as stored, as a byte string. */
  name: string;
  /** The declared uncompressed size. */
  uncompressedSize: number;
  readonly raw: Entry;
}

export interface ZipOpenOptions {
  maxEntries: number;
  maxDepth: number;
  /** Counts declared and actual expansion; shared with whatever else reads the artifact. */
  budget: ExpansionBudget;
}

export class ZipArchive {
  private constructor(
    private readonly bytes: Buffer,
    private readonly zip: ZipFile,
    readonly entries: readonly ZipEntry[],
    private readonly budget: ExpansionBudget,
    /** The sum of the declared uncompressed sizes. */
    readonly declaredSize: number,
  ) {}

  /**
   * Refuse the archive when its declared sizes add up past the budget. Called by openEntry
   * before anything is inflated; callers may call it earlier to order their own checks.
   */
  checkDeclaredSize(): void {
    if (this.declaredSize > this.budget.limit) {
      throw new ArchiveLimitError(`zip archive declares more than the ${this.budget.limit} uncompressed bytes this server accepts`);
    }
  }

  /** Parse the central directory. Throws ZipFormatError or ArchiveLimitError (both 400). */
  static async open(artifact: Buffer, options: ZipOpenOptions): Promise<ZipArchive> {
    const { start, end } = goDirectoryEnd(artifact);
    const bytes = withGoLeniency(artifact.subarray(start, end));
    const zip = await new Promise<ZipFile>((resolve, reject) => {
      fromBuffer(bytes, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, strictFileNames: false }, (err, zipfile) =>
        err ? reject(formatError(err)) : resolve(zipfile),
      );
    });
    if (zip.entryCount > options.maxEntries) {
      zip.close();
      throw new ArchiveLimitError(`zip archive has ${zip.entryCount} entries; this server accepts at most ${options.maxEntries}`);
    }
    try {
      const entries = await readCentralDirectory(zip, options);
      // A directory entry is never inflated (Go's Open gives it no data), so its size does not count.
      const declared = entries.reduce((sum, e) => (e.name.endsWith('/') ? sum : sum + e.uncompressedSize), 0);
      return new ZipArchive(bytes, zip, entries, options.budget, declared);
    } catch (err) {
      zip.close();
      throw err;
    }
  }

  close(): void {
    this.zip.close();
  }

  /** The entry's whole content (callers only ask for entries of bounded declared size). */
  async readAll(entry: ZipEntry): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await (await this.openEntry(entry)).pipe((chunk) => chunks.push(chunk));
    return Buffer.concat(chunks);
  }

  /**
   * Go's File.Open: the local header is read (and the compression method checked) now;
   * the data is checked as Go's checksumReader does while `pipe` streams it.
   */
  openEntry(entry: ZipEntry): Promise<ZipEntryReader> {
    let dataStart: number;
    try {
      this.checkDeclaredSize();
      dataStart = this.localHeader(entry);
    } catch (err) {
      return Promise.reject(err);
    }
    if (entry.name.endsWith('/')) {
      // Go's Open of a "…/" entry: no data is ever read.
      return Promise.resolve({
        pipe: async () => {
          if (entry.uncompressedSize !== 0) throw new ZipFormatError(ERR_FORMAT);
        },
      });
    }
    const method = entry.raw.compressionMethod;
    if ((method === 0 || method === 8) && entry.uncompressedSize <= IN_MEMORY_ENTRY) {
      return Promise.resolve({ pipe: async (onData) => this.readInMemory(entry, dataStart, onData) });
    }
    return this.openStream(entry, dataStart);
  }

  /**
   * Go's findBodyOffset: the local header (30 bytes, then name and extra) must be there;
   * a short read is plain io.EOF. Returns where the entry's data starts.
   */
  private localHeader(entry: ZipEntry): number {
    const offset = entry.raw.relativeOffsetOfLocalHeader;
    if (offset + 30 > this.bytes.length) throw new ZipFormatError('EOF');
    if (this.bytes.readUInt32LE(offset) !== 0x04034b50) throw new ZipFormatError(ERR_FORMAT);
    return offset + 30 + this.bytes.readUInt16LE(offset + 26) + this.bytes.readUInt16LE(offset + 28);
  }

  /** A small stored or deflated entry, inflated at once (at most its declared size plus one byte). */
  private readInMemory(entry: ZipEntry, dataStart: number, onData: (chunk: Buffer) => void): void {
    const compressed = this.bytes.subarray(dataStart, Math.min(dataStart + entry.raw.compressedSize, this.bytes.length));
    let data: Buffer;
    if (entry.raw.compressionMethod === 0) {
      data = compressed;
    } else {
      try {
        data = inflateRawSync(compressed, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipFormatError(ERR_FORMAT);
        throw streamError(err as Error);
      }
    }
    // Go: reading past the declared size is ErrFormat; stopping short of it, unexpected EOF.
    if (data.length > entry.uncompressedSize) throw new ZipFormatError(ERR_FORMAT);
    this.budget.spend(data.length);
    onData(data);
    const error = this.finalChecks(entry, dataStart, data.length, crc32(data));
    if (error) throw error;
  }

  /** A larger entry, streamed through yauzl's inflater so that memory stays small. */
  private openStream(entry: ZipEntry, dataStart: number): Promise<ZipEntryReader> {
    return new Promise<ZipEntryReader>((resolve, reject) => {
      this.zip.openReadStream(entry.raw, (err, stream) => {
        // Data running past the end: Go's section reader just ends early, so reading fails.
        if (err?.message.startsWith('file data overflows file bounds')) {
          return resolve({ pipe: () => Promise.reject(new ZipFormatError('unexpected EOF')) });
        }
        if (err) return reject(openError(err));
        // Listen for errors at once (an early one must not go unhandled); report it from pipe.
        let early: Error | undefined;
        const onEarlyError = (error: Error): void => {
          early ??= error;
        };
        stream.on('error', onEarlyError);
        resolve({
          pipe: (onData) =>
            new Promise<void>((done, fail) => {
              let settled = false;
              let count = 0;
              let crc = 0;
              const stop = (error: Error): void => {
                if (settled) return;
                settled = true;
                stream.destroy();
                fail(error);
              };
              if (early) return stop(streamError(early));
              stream.off('error', onEarlyError);
              stream.on('error', (error: Error) => stop(streamError(error)));
              stream.on('data', (chunk: Buffer) => {
                if (settled) return;
                count += chunk.length;
                // Go: reading past the declared size is ErrFormat.
                if (count > entry.uncompressedSize) return stop(new ZipFormatError(ERR_FORMAT));
                try {
                  this.budget.spend(chunk.length);
                  crc = crc32(chunk, crc);
                  onData(chunk);
                } catch (error) {
                  stop(error as Error);
                }
              });
              stream.on('end', () => {
                if (settled) return;
                settled = true;
                const error = this.finalChecks(entry, dataStart, count, crc);
                if (error) fail(error);
                else done();
              });
            }),
        });
      });
    });
  }

  /** Go's checksumReader at EOF: the size, then the data descriptor (if flagged) and the CRC-32. */
  private finalChecks(entry: ZipEntry, dataStart: number, count: number, crc: number): ZipFormatError | undefined {
    if (count !== entry.uncompressedSize) return new ZipFormatError('unexpected EOF');
    const expected = entry.raw.crc32 >>> 0;
    if (entry.raw.generalPurposeBitFlag & 0x8) {
      const descriptorError = this.checkDataDescriptor(dataStart + entry.raw.compressedSize, expected);
      if (descriptorError) return descriptorError;
      if (crc >>> 0 !== expected) return new ZipFormatError('zip: checksum error');
    } else if (expected !== 0 && crc >>> 0 !== expected) {
      return new ZipFormatError('zip: checksum error');
    }
    return undefined;
  }

  /** Go's readDataDescriptor at `offset`: optional signature, CRC-32, two 32-bit sizes (read, then ignored). */
  private checkDataDescriptor(offset: number, expectedCrc: number): ZipFormatError | undefined {
    const available = this.bytes.length - offset;
    if (available < 4) return new ZipFormatError('unexpected EOF');
    const signed = this.bytes.readUInt32LE(offset) === 0x08074b50;
    if (available < (signed ? 16 : 12)) return new ZipFormatError('unexpected EOF');
    const crc = signed ? this.bytes.readUInt32LE(offset + 4) : this.bytes.readUInt32LE(offset);
    return crc === expectedCrc ? undefined : new ZipFormatError('zip: checksum error');
  }
}

/** An opened entry: `pipe` streams its uncompressed bytes (once). */
export interface ZipEntryReader {
  pipe(onData: (chunk: Buffer) => void): Promise<void>;
}

/** Go's findSignatureInBlock: the last end-of-central-directory signature whose comment fits. */
function findSignatureInBlock(block: Buffer): number {
  for (let i = block.length - 22; i >= 0; i--) {
    if (block[i] === 0x50 && block[i + 1] === 0x4b && block[i + 2] === 0x05 && block[i + 3] === 0x06) {
      return block.readUInt16LE(i + 20) + 22 + i > block.length ? -1 : i;
    }
  }
  return -1;
}

/**
 * Go's readDirectoryEnd, to hand yauzl what Go would read: the end record is looked for in
 * the last 1 KiB, then 64 KiB (bytes after its comment are ignored, as Go does); the
 * central directory must lie inside the file; and data prepended to the archive (a
 * self-extracting stub: Go's baseOffset) is cut off, so that offsets mean what Go makes
 * of them. Zip64 archives go to yauzl as they are.
 */
function goDirectoryEnd(bytes: Buffer): { start: number; end: number } {
  const size = bytes.length;
  let eocd = -1;
  for (const [i, wanted] of [1024, 65 * 1024].entries()) {
    const length = Math.min(wanted, size);
    const p = findSignatureInBlock(bytes.subarray(size - length));
    if (p >= 0) {
      eocd = size - length + p;
      break;
    }
    if (i === 1 || length === size) throw new ZipFormatError(ERR_FORMAT);
  }
  const records = bytes.readUInt16LE(eocd + 10);
  const directorySize = bytes.readUInt32LE(eocd + 12);
  const directoryOffset = bytes.readUInt32LE(eocd + 16);
  const end = eocd + 22 + bytes.readUInt16LE(eocd + 20);
  if (records === 0xffff || directorySize === 0xffff || directoryOffset === 0xffffffff) return { start: 0, end };
  const baseOffset = eocd - directorySize - directoryOffset;
  const first = baseOffset + directoryOffset;
  if (first < 0 || first >= size) throw new ZipFormatError(ERR_FORMAT);
  // Go keeps baseOffset 0 when a directory header is found there anyway.
  const headerAtOffset = directoryOffset + 46 <= size && bytes.readUInt32LE(directoryOffset) === 0x02014b50;
  return { start: baseOffset > 0 && !headerAtOffset ? baseOffset : 0, end };
}

/**
 * A copy of the archive in which what Go ignores and yauzl refuses is neutralized, so that
 * yauzl reads the central directory as Go does: the disk numbers are zeroed, the
 * encryption flags (bits 0 and 6; Go reads such data as it is) are cleared, and an extra field that overruns its header's
 * extra area (Go stops parsing there) is turned into an inert one that fits. The original
 * is returned when there is nothing to change.
 */
function withGoLeniency(bytes: Buffer): Buffer {
  const window = Math.max(0, bytes.length - 65 * 1024 - 22);
  const found = findSignatureInBlock(bytes.subarray(window));
  if (found < 0) return bytes;
  const eocd = window + found;
  let offset = bytes.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff) return bytes; // zip64: left to yauzl
  let copy: Buffer | undefined;
  const patch = (): Buffer => (copy ??= Buffer.from(bytes));
  // Go ignores the disk numbers; yauzl refuses non-zero ones ("multi-disk").
  if (bytes.readUInt32LE(eocd + 4) !== 0) patch().writeUInt32LE(0, eocd + 4);
  for (let n = bytes.readUInt16LE(eocd + 10); n > 0 && offset + 46 <= bytes.length && bytes.readUInt32LE(offset) === 0x02014b50; n--) {
    const flags = bytes.readUInt16LE(offset + 8);
    if (flags & 0x41) patch().writeUInt16LE(flags & ~0x41, offset + 8);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const extraStart = offset + 46 + nameLength;
    const extraEnd = extraStart + extraLength;
    // Go reads name, extra and comment whole first (else "unexpected EOF"); never patch the end record.
    if (extraEnd + bytes.readUInt16LE(offset + 32) > bytes.length || extraEnd > eocd) break;
    for (let i = extraStart; i + 4 <= extraEnd; ) {
      const size = bytes.readUInt16LE(i + 2);
      if (i + 4 + size > extraEnd) {
        patch().writeUInt16LE(0xffff, i);
        patch().writeUInt16LE(extraEnd - i - 4, i + 2);
        break;
      }
      i += 4 + size;
    }
    offset = extraStart + extraLength + bytes.readUInt16LE(offset + 32);
  }
  return copy ?? bytes;
}

function readCentralDirectory(zip: ZipFile, options: ZipOpenOptions): Promise<ZipEntry[]> {
  return new Promise<ZipEntry[]>((resolve, reject) => {
    const entries: ZipEntry[] = [];
    let stopped = false;
    const stop = (error: Error): void => {
      if (stopped) return;
      stopped = true;
      reject(error);
    };
    zip.on('entry', (raw: Entry) => {
      if (stopped) return;
      const name = byteString(raw.fileNameRaw);
      if (pathDepth(name) > options.maxDepth) {
        return stop(new ArchiveLimitError(`zip entry name is deeper than ${options.maxDepth} levels`));
      }
      entries.push({ index: entries.length, name, uncompressedSize: raw.uncompressedSize, raw });
      zip.readEntry();
    });
    zip.on('end', () => {
      if (!stopped) resolve(entries);
    });
    zip.on('error', (err: Error) => stop(formatError(err)));
    zip.readEntry();
  });
}

/** A structural error from yauzl, reported as Go's ErrFormat. */
function formatError(err: Error): InvalidEntryError {
  if (err instanceof InvalidEntryError) return err;
  // Go's reader reports its structural errors as ErrFormat, or io.ErrUnexpectedEOF when data runs out.
  if (err.message === 'unexpected EOF') return new ZipFormatError('unexpected EOF');
  return new ZipFormatError(ERR_FORMAT);
}

/** An error opening an entry, as Go's File.Open would report it. */
function openError(err: Error): InvalidEntryError {
  if (err.message.startsWith('unsupported compression method')) return new ZipFormatError('zip: unsupported compression algorithm');
  // The data would run past the end of the archive: Go's section reader just ends early.
  if (err.message.startsWith('file data overflows file bounds')) return new ZipFormatError('unexpected EOF');
  return formatError(err);
}

/** An error while inflating, as Go's flate reader would report it. */
function streamError(err: Error): Error {
  if (err instanceof InvalidEntryError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return new ZipFormatError('unexpected EOF');
  if (code?.startsWith('Z_')) return new ZipFormatError(`flate: corrupt input (${err.message})`);
  return formatError(err);
}
