/**
 * Hard limits on what the archive-carrying entry kinds (jar, alpine) may make the server
 * unpack. Rekor itself bounds only the jar's META-INF metadata and the apk's signature
 * archive (--max_jar_metadata_size, --max_apk_metadata_size, 1 MiB each); it inflates
 * everything else it reads without a cap. glasslog keeps Rekor's metadata limit with its
 * messages and adds the caps below, so that a zip, gzip or tar bomb (huge declared or
 * actual expansion, too many entries, absurdly deep names) is refused with 400 quickly and
 * in little memory. An artifact within these limits gets exactly Rekor's answer.
 *
 * Archives are never opened recursively: a jar is one zip level, an apk is gzip members
 * holding tar archives; an archive stored inside either is only ever hashed as bytes. So
 * "nesting" cannot multiply work, and `maxDepth` bounds the depth of entry names instead.
 */
import { InvalidEntryError } from '../../errors';

export interface ArchiveLimits {
  /** Most entries one archive may hold: zip central directory records, tar headers. */
  maxEntries: number;
  /**
   * Most bytes the server decompresses for one artifact, summed over every entry and
   * gzip member it reads. A zip whose declared uncompressed sizes add up to more is
   * refused before anything is inflated; actual output is counted while inflating too.
   */
  maxExpandedBytes: number;
  /** Most path segments in one entry name ("a/b/c" has 3). */
  maxDepth?: number;
  /**
   * Rekor's --max_jar_metadata_size / --max_apk_metadata_size: the largest jar META-INF
   * file, apk signature archive, `.SIGN` or `.PKGINFO` (Rekor's default, 1 MiB; 0 = Rekor's
   * "no limit", which still leaves maxExpandedBytes in force).
   */
  maxMetadataBytes?: number;
}

/** The limits every kind uses unless it is given others. */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<Required<ArchiveLimits>> = Object.freeze({
  maxEntries: 65_536,
  maxExpandedBytes: 64 * 1024 * 1024,
  maxDepth: 256,
  maxMetadataBytes: 1024 * 1024,
});

/** A limit was exceeded. A 400 like any InvalidEntryError (its `name` stays 'InvalidEntryError'). */
export class ArchiveLimitError extends InvalidEntryError {}

/** The defaults with `limits` laid over them; throws (a configuration error) on nonsense values. */
export function resolveArchiveLimits(limits?: Partial<ArchiveLimits>): Required<ArchiveLimits> {
  const resolved: Required<ArchiveLimits> = {
    maxEntries: limits?.maxEntries ?? DEFAULT_ARCHIVE_LIMITS.maxEntries,
    maxExpandedBytes: limits?.maxExpandedBytes ?? DEFAULT_ARCHIVE_LIMITS.maxExpandedBytes,
    maxDepth: limits?.maxDepth ?? DEFAULT_ARCHIVE_LIMITS.maxDepth,
    maxMetadataBytes: limits?.maxMetadataBytes ?? DEFAULT_ARCHIVE_LIMITS.maxMetadataBytes,
  };
  for (const [name, value] of Object.entries(resolved)) {
    const min = name === 'maxMetadataBytes' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`archive limit ${name} must be an integer >= ${min}`);
  }
  return resolved;
}

/**
 * Counts bytes decompressed for one artifact against maxExpandedBytes; shared by every
 * reader that works on the same artifact.
 */
export class ExpansionBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get spent(): number {
    return this.used;
  }

  get remaining(): number {
    return this.limit - this.used;
  }

  /** Record `bytes` more output; throws ArchiveLimitError once the total passes the limit. */
  spend(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new ArchiveLimitError(`archive expands to more than the ${this.limit} bytes this server accepts`);
    }
  }
}

/** Number of segments of an entry name, ignoring empty ones ("a//b/" has 2). */
export function pathDepth(name: string): number {
  let depth = 0;
  for (const segment of name.split('/')) if (segment !== '') depth++;
  return depth;
}
