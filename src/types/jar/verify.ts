/**
 * The signed-JAR checks of Rekor's jar kind, in upstream order:
 *
 * 1. Rekor's metadata limit (pkg/types/jar/v0.0.1/entry.go fetchExternalEntities): every
 *    direct child of META-INF/ with an extension must declare at most maxMetadataBytes.
 * 2. relic lib/signjar verify.go Verify(zip, false): read those META-INF files; the
 *    manifest and at least one .SF must be there; each .SF's PKCS#7 signature block must
 *    verify (with its timestamp, if any) and vouch for the manifest; then every file the
 *    manifest names (without a Magic attribute) must exist and match its digests. Files
 *    the manifest does not name are never read — as upstream.
 * 3. Exactly one signature (Rekor), and the PKCS#7 block Rekor keeps: the first META-INF
 *    entry, in zip order, that looks like one (extractPKCS7SignatureFromJAR).
 *
 * Several .SF files are visited in the order their names first appear (Go: map order,
 * random); this only changes which error a malformed multi-signer JAR reports.
 */
import { InvalidEntryError } from '../../errors';
import { goString, goToUpper } from '../archive/go-text';
import { ArchiveLimitError } from '../archive/limits';
import type { ZipArchive, ZipEntry } from '../archive/zip';
import { checkDigests, digestersFor, headerGet, parseManifest, verifySigFile } from './manifest';
import { unmarshalPkcs7, verifyOptionalTimestamp, verifySignedData } from './pkcs7';

export class JarError extends InvalidEntryError {}

/** path.Split(strings.ToUpper(name)) and the extension rules of relic and Rekor. */
function metaInfChild(entry: ZipEntry): { name: string; base: string; ext: string } | undefined {
  const upper = goToUpper(entry.name);
  const slash = upper.lastIndexOf('/');
  const dir = upper.slice(0, slash + 1);
  const name = upper.slice(slash + 1);
  if (dir !== 'META-INF/' || name === '') return undefined;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  return { name, base: name.slice(0, dot), ext: name.slice(dot) };
}

const isSignatureBlock = (name: string, ext: string): boolean =>
  ext === '.RSA' || ext === '.DSA' || ext === '.EC' || name.startsWith('SIG-');

/**
 * Verify the JAR and return the PKCS#7 block Rekor will canonicalize. Throws
 * InvalidEntryError (400) for anything upstream refuses, ArchiveLimitError past a limit.
 */
export async function verifyJar(zip: ZipArchive, maxMetadataBytes: number): Promise<Buffer> {
  const children = zip.entries.map((entry) => ({ entry, child: metaInfChild(entry) }));
  for (const { entry, child } of children) {
    if (child && maxMetadataBytes > 0 && entry.uncompressedSize > maxMetadataBytes) {
      throw new ArchiveLimitError(`uncompressed jar metadata of size ${entry.uncompressedSize} exceeds max allowed size ${maxMetadataBytes}`);
    }
  }
  // glasslog's own limit, before anything is inflated.
  zip.checkDeclaredSize();

  let manifest: Buffer | undefined;
  const sigfiles = new Map<string, Buffer>();
  const sigblobs = new Map<string, Buffer>();
  let extracted: Buffer | undefined;
  for (const { entry, child } of children) {
    if (!child) continue;
    const content = await zip.readAll(entry);
    if (child.name === 'MANIFEST.MF') manifest = content;
    else if (child.ext === '.SF') sigfiles.set(child.base, content);
    else if (isSignatureBlock(child.name, child.ext)) sigblobs.set(child.base, content);
    // Rekor's own pick ignores relic's precedence: a "SIG-….SF" qualifies too.
    if (!extracted && isSignatureBlock(child.name, child.ext)) extracted = content;
  }
  if (!manifest) throw new JarError('JAR contains no META-INF/MANIFEST.MF');
  if (sigfiles.size === 0) throw new JarError('JAR contains no signatures');

  for (const [base, sigfile] of sigfiles) {
    const blob = sigblobs.get(base);
    if (!blob) throw new JarError(`JAR contains sigfile META-INF/${goString(base)}.SF with no matching signature`);
    const psd = unmarshalPkcs7(blob);
    if (!psd.content) throw new JarError('pkcs7 contains no signatures');
    const signature = verifySignedData(psd.content, sigfile);
    verifyOptionalTimestamp(signature);
    verifySigFile(sigfile, manifest);
  }
  await verifyManifest(zip, manifest);

  if (sigfiles.size > 1) throw new JarError('multiple signatures detected in JAR; unable to process');
  if (!extracted) throw new JarError('unable to locate signature in JAR file');
  return extracted;
}

/** relic verifyManifest: every file named in MANIFEST.MF must be present and match its digests. */
async function verifyManifest(zip: ZipArchive, manifest: Buffer): Promise<void> {
  const parsed = parseManifest(manifest.toString('latin1'));
  const byName = new Map<string, ZipEntry>();
  for (const entry of zip.entries) byName.set(entry.name, entry);
  for (const [filename, keys] of parsed.files) {
    if (headerGet(keys, 'Magic') !== '') continue;
    const entry = byName.get(filename);
    if (!entry) throw new JarError(`file ${goString(filename)} is in manifest but not JAR`);
    const reader = await zip.openEntry(entry);
    try {
      const digesters = digestersFor(keys, '');
      await reader.pipe((chunk) => {
        for (const d of digesters) d.hash.update(chunk);
      });
      checkDigests(digesters);
    } catch (err) {
      if (err instanceof InvalidEntryError && !(err instanceof ArchiveLimitError)) {
        throw new JarError(`file "${goString(filename)}" in MANIFEST.MF: ${err.message}`);
      }
      throw err;
    }
  }
}
