/**
 * JAR manifests and signature files, parsed and checked as sassoftware/relic
 * lib/signjar/manifest.go and verify.go (v8.2.0, which Rekor uses) do: sections split at
 * the first blank line ("\r\n\r\n" preferred over "\n\n"), continuation lines joined,
 * attributes in an http.Header (keys in canonical MIME case, the last value winning), and
 * `<ALG>-Digest…` attributes checked against the named hash of the content.
 *
 * Text is handled as Go byte strings (../archive/go-text.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import { canonicalMimeHeaderKey, goString, goToUpper, goTrimSpace, stringBytes } from '../archive/go-text';

/** An http.Header: canonical key → value (Set keeps the last). */
export type ManifestHeader = Map<string, string>;

export interface FilesMap {
  main: ManifestHeader;
  /** Name → the section's attributes, in file order. */
  files: Map<string, ManifestHeader>;
}

export class ManifestError extends InvalidEntryError {}

export const ERR_LINE_ENDINGS = 'manifest has incorrect line ending sequence';
export const ERR_NO_DIGESTS = 'no recognized digests found';

/** A Go error value; `errNoDigests` is compared by identity upstream. */
export class NoDigestsError extends ManifestError {
  constructor() {
    super(ERR_NO_DIGESTS);
  }
}

/** relic splitManifest: the sections (each with its terminating blank line) and whether the text was malformed. */
export function splitManifest(manifest: string): { sections: string[]; malformed: boolean } {
  const sections: string[] = [];
  let malformed = false;
  let pos = 0;
  // Go searches the remaining text again each time; remembering the next match keeps this linear.
  let crlf = -2;
  let lf = -2;
  while (pos < manifest.length) {
    if (crlf !== -1 && crlf < pos) crlf = manifest.indexOf('\r\n\r\n', pos);
    if (lf !== -1 && lf < pos) lf = manifest.indexOf('\n\n', pos);
    let end: number;
    if (crlf >= 0) end = crlf + 4;
    else if (lf >= 0) end = lf + 2;
    else {
      end = manifest.length;
      malformed = true;
    }
    const section = manifest.slice(pos, end);
    pos = end;
    if (goTrimSpace(section).length === 0) {
      malformed = true;
      continue;
    }
    sections.push(section);
  }
  return { sections, malformed };
}

/** relic parseSection. */
export function parseSection(section: string): ManifestHeader {
  const text = section.replaceAll('\r\n', '\n').replaceAll('\n ', '');
  const header: ManifestHeader = new Map();
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new ManifestError('jar manifest is malformed');
    header.set(canonicalMimeHeaderKey(goTrimSpace(line.slice(0, colon))), goTrimSpace(line.slice(colon + 1)));
  }
  return header;
}

/** http.Header.Get. */
export function headerGet(header: ManifestHeader, key: string): string {
  return header.get(canonicalMimeHeaderKey(key)) ?? '';
}

/** relic ParseManifest (a malformed text is an error). */
export function parseManifest(manifest: string): FilesMap {
  const { sections, malformed } = splitManifest(manifest);
  if (sections.length === 0) throw new ManifestError('manifest has no sections');
  let main: ManifestHeader = new Map();
  const files = new Map<string, ManifestHeader>();
  sections.forEach((section, i) => {
    const header = parseSection(section);
    if (i === 0) {
      main = header;
      return;
    }
    const name = headerGet(header, 'Name');
    if (name === '') throw new ManifestError('manifest has section with no "Name" attribute');
    files.set(name, header);
  });
  if (malformed) throw new ManifestError(ERR_LINE_ENDINGS);
  return { main, files };
}

/** x509tools.HashByName: lower-cased, first "-" removed. */
const HASH_BY_NAME: Record<string, string> = { md5: 'md5', sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

interface Digester {
  key: string;
  value: string;
  hash: Hash;
}

/**
 * The first half of relic hashFile: a digester for every `…-Digest<suffix>` attribute.
 * Throws "unknown digest key in manifest: X", or NoDigestsError when there is none.
 */
export function digestersFor(keys: ManifestHeader, suffix: string): Digester[] {
  const full = `-Digest${suffix}`;
  const digesters: Digester[] = [];
  for (const [key, value] of keys) {
    if (!key.endsWith(full)) continue;
    const hashName = goToUpper(key.slice(0, key.length - full.length));
    const hash = HASH_BY_NAME[hashName.toLowerCase().replace('-', '')];
    if (!hash) throw new ManifestError(`unknown digest key in manifest: ${goString(hashName)}`);
    digesters.push({ key, value, hash: createHash(hash) });
  }
  if (digesters.length === 0) throw new NoDigestsError();
  return digesters;
}

/** The second half of relic hashFile: every digest must equal its attribute (base64). */
export function checkDigests(digesters: Digester[]): void {
  for (const d of digesters) {
    const calculated = d.hash.digest('base64');
    if (calculated !== d.value) throw new ManifestError(`${goString(d.key)} mismatch: manifest ${goString(d.value)} != calculated ${calculated}`);
  }
}

/** relic hashFile over content in memory. */
export function hashFile(keys: ManifestHeader, content: Buffer, suffix: string): void {
  const digesters = digestersFor(keys, suffix);
  for (const d of digesters) d.hash.update(content);
  checkDigests(digesters);
}

/** Prefix an error's message, keeping it a 400. */
function wrap(prefix: string, err: unknown): never {
  if (err instanceof InvalidEntryError) throw new ManifestError(`${prefix}${err.message}`);
  throw err;
}

/** relic verifySigFile: the .SF must vouch for the manifest (whole, or main attributes plus each named section). */
export function verifySigFile(sigfile: Buffer, manifest: Buffer): void {
  const sf = parseManifest(sigfile.toString('latin1'));
  try {
    hashFile(sf.main, manifest, '-Manifest');
    return;
  } catch (err) {
    if (!(err instanceof NoDigestsError)) wrap('manifest signature: ', err);
  }
  const { sections, malformed } = splitManifest(manifest.toString('latin1'));
  if (malformed) throw new ManifestError(ERR_LINE_ENDINGS);
  const sectionByName = new Map<string, string>();
  sections.forEach((section, i) => {
    if (i === 0) {
      try {
        hashFile(sf.main, stringBytes(section), '-Manifest-Main-Attributes');
      } catch (err) {
        wrap('manifest main attributes signature: ', err);
      }
      return;
    }
    const name = headerGet(parseSection(section), 'Name');
    if (name === '') throw new ManifestError('manifest has section with no "Name" attribute');
    sectionByName.set(name, section);
  });
  for (const [name, keys] of sf.files) {
    const section = sectionByName.get(name);
    if (section === undefined) throw new ManifestError(`manifest is missing signed section "${goString(name)}"`);
    try {
      hashFile(keys, stringBytes(section), '');
    } catch (err) {
      wrap(`manifest signature over section "${goString(name)}": `, err);
    }
  }
}
