/**
 * jar 0.0.1: Rekor's own test JAR (known answers: leaf hash and index keys as Rekor's code
 * produced them, see test/fixtures/types/jar/README.md), fresh JARs signed here with the
 * JDK's keytool + jarsigner (EC and RSA keys), refusals with Rekor's messages (unsigned,
 * tampered, wrong key, two signers, bad hash, metadata limit), and archive bombs built here
 * (huge declared or actual expansion, too many entries, deep names), which must be refused
 * with InvalidEntryError quickly. Mutated JARs must only ever be refused with
 * InvalidEntryError.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { CertificateChoices, CertificateSet, ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { makeZip, readZip, type ZipItem } from '../../helpers/zip';
import { InvalidEntryError } from '../../../src/errors';
import { ArchiveLimitError, DEFAULT_ARCHIVE_LIMITS, ExpansionBudget, type ArchiveLimits } from '../../../src/types/archive/limits';
import { ZipArchive } from '../../../src/types/archive/zip';
import { decodePem } from '../../../src/types/pki/pem';
import { createJarV001 } from '../../../src/types/jar/v0.0.1';
import { cpuMillis } from '../../helpers/cpu-time';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'types', 'jar');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const leafHash = (body: Buffer) => createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');
const jarSpec = (jar: Buffer, extra: Record<string, unknown> = {}) => ({ archive: { content: jar.toString('base64'), ...extra } });

const jarType = createJarV001();

async function refusal(jar: Buffer | unknown, limits?: ArchiveLimits): Promise<string> {
  const spec = Buffer.isBuffer(jar) ? jarSpec(jar) : jar;
  try {
    await createJarV001(limits).canonicalize(spec);
  } catch (err) {
    if (err instanceof InvalidEntryError) return err.message;
    throw err;
  }
  throw new Error('expected a refusal');
}

const MANIFEST = Buffer.from('Manifest-Version: 1.0\r\nCreated-By: glasslog test\r\n\r\n');
const unsignedJar = (content = 'hello, jar\n') =>
  makeZip([
    { name: 'META-INF/MANIFEST.MF', data: MANIFEST },
    { name: 'a.txt', data: Buffer.from(content) },
    { name: 'dir/', method: 0 },
    { name: 'dir/b.txt', data: Buffer.from('b'.repeat(5000)) },
  ]);

// ---- JDK tools ----

let work: string;
const STORE = () => join(work, 'keys.p12');

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`${tool} ${args.join(' ')} failed (the JDK's keytool and jarsigner are needed): ${(err as Error).message}`);
  }
}

function genKey(alias: string, keyalg: 'EC' | 'RSA', dname: string): void {
  const size = keyalg === 'EC' ? ['-groupname', 'secp256r1'] : ['-keysize', '2048'];
  run('keytool', ['-genkeypair', '-keyalg', keyalg, ...size, '-alias', alias, '-dname', dname, '-validity', '3650',
    '-keystore', STORE(), '-storetype', 'PKCS12', '-storepass', 'changeit', '-keypass', 'changeit']);
}

function certificateDer(alias: string): Buffer {
  const pem = run('keytool', ['-exportcert', '-rfc', '-alias', alias, '-keystore', STORE(), '-storepass', 'changeit']);
  return decodePem(Buffer.from(pem)).block!.bytes;
}

let counter = 0;
function sign(jar: Buffer, alias: string, extra: string[] = []): Buffer {
  const file = join(work, `j${counter++}.jar`);
  writeFileSync(file, jar);
  run('jarsigner', ['-keystore', STORE(), '-storepass', 'changeit', ...extra, file, alias]);
  return readFileSync(file);
}

let ecJar: Buffer;
let rsaJar: Buffer;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'glasslog-jar-'));
  genKey('signer', 'EC', 'CN=glasslog jar test, O=glasslog');
  genKey('other', 'EC', 'CN=glasslog jar test, O=glasslog'); // same name, different key
  genKey('rsa', 'RSA', 'CN=glasslog jar rsa');
  ecJar = sign(unsignedJar(), 'signer');
  rsaJar = sign(unsignedJar(), 'rsa');
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// ---- tests ----

describe('jar known answers (Rekor test data)', () => {
  const jar = readFileSync(join(FIXTURES, 'test.jar'));
  const hash = '4a9d0ab4e10597497ed6c4617c983c35fa9e964e75cdd6f9fae3a0da1929acc6';

  it('test.jar gives Rekor’s canonical body, leaf hash and index keys', async () => {
    expect(sha256(jar)).toBe(hash);
    const entry = await jarType.canonicalize(jarSpec(jar));
    expect(entry.kind).toBe('jar');
    expect(entry.apiVersion).toBe('0.0.1');
    expect(sha256(entry.canonicalBody)).toBe('9626cdbf43ee7f81e2095763d05a9ec28b302b7bf5c3bdd3ff0abca7bccacc64');
    expect(leafHash(entry.canonicalBody)).toBe('359a34acaa15079f57b57d1cb8f5aaa748332984f39643f27c820c382c56fa7c');
    expect(entry.indexKeys).toEqual(['58b436378c5ce749d8d802f98d40d0ddc509f75cfcc163913069be2a647cc5a4', `sha256:${hash}`]);

    const body = JSON.parse(entry.canonicalBody.toString()) as {
      spec: { archive: unknown; signature: { content: string; publicKey: { content: string } } };
    };
    expect(body.spec.archive).toEqual({ hash: { algorithm: 'sha256', value: hash } });
    const signaturePem = Buffer.from(body.spec.signature.content, 'base64');
    expect(signaturePem.length).toBe(6616);
    expect(sha256(signaturePem)).toBe(entry.indexKeys[0]);
    // The key is the bundle's first certificate: the self-signed CA, not the signer's leaf.
    const certificatePem = Buffer.from(body.spec.signature.publicKey.content, 'base64');
    expect(certificatePem.length).toBe(745);
    expect(certificatePem.toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('accepts the matching hash, and refuses another one (compared as a string, as upstream)', async () => {
    const withHash = await jarType.canonicalize(jarSpec(jar, { hash: { algorithm: 'sha256', value: hash } }));
    expect(leafHash(withHash.canonicalBody)).toBe('359a34acaa15079f57b57d1cb8f5aaa748332984f39643f27c820c382c56fa7c');
    expect(await refusal(jarSpec(jar, { hash: { algorithm: 'sha256', value: hash.toUpperCase() } }))).toBe(
      `SHA mismatch: ${hash} != ${hash.toUpperCase()}`,
    );
    expect(await refusal(jarSpec(jar, { hash: { algorithm: 'sha256', value: 'abc' } }))).toBe('invalid value for hash');
    expect(await refusal(jarSpec(jar, { hash: { algorithm: 'sha1', value: hash } }))).toMatch(/should be one of \[sha256\]/);
  });

  it('applies Rekor’s metadata limit (max_jar_metadata_size)', async () => {
    expect(await refusal(jar, { ...DEFAULT_ARCHIVE_LIMITS, maxMetadataBytes: 10 })).toBe(
      'uncompressed jar metadata of size 891 exceeds max allowed size 10',
    );
  });
});

describe('jar signed here with jarsigner', () => {
  it('accepts an EC-signed JAR: hash, detached signature, the signer’s certificate', async () => {
    const entry = await jarType.canonicalize(jarSpec(ecJar));
    const body = JSON.parse(entry.canonicalBody.toString()) as {
      apiVersion: string;
      kind: string;
      spec: { archive: { hash: { value: string } }; signature: { content: string; publicKey: { content: string } } };
    };
    expect(body.kind).toBe('jar');
    expect(body.spec.archive.hash.value).toBe(sha256(ecJar));
    const certificate = decodePem(Buffer.from(body.spec.signature.publicKey.content, 'base64')).block!;
    expect(certificate.type).toBe('CERTIFICATE');
    expect(certificate.bytes.equals(certificateDer('signer'))).toBe(true);

    const signaturePem = Buffer.from(body.spec.signature.content, 'base64');
    const block = decodePem(signaturePem).block!;
    expect(block.type).toBe('PKCS7');
    const signedData = AsnConvert.parse(AsnConvert.parse(block.bytes, ContentInfo).content, SignedData);
    expect(signedData.encapContentInfo.eContent).toBeUndefined();
    expect(signedData.signerInfos).toHaveLength(1);
    expect(entry.indexKeys).toEqual([sha256(signaturePem), `sha256:${sha256(ecJar)}`]);
  });

  it('accepts an RSA-signed JAR', async () => {
    const entry = await jarType.canonicalize(jarSpec(rsaJar));
    const body = JSON.parse(entry.canonicalBody.toString()) as { spec: { signature: { publicKey: { content: string } } } };
    const certificate = decodePem(Buffer.from(body.spec.signature.publicKey.content, 'base64')).block!;
    expect(certificate.bytes.equals(certificateDer('rsa'))).toBe(true);
  });

  it('reads the zip as Go does: a prepended stub and bytes after the end record are fine', async () => {
    const stubbed = Buffer.concat([Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n'), ecJar, Buffer.from('trailing bytes')]);
    const entry = await jarType.canonicalize(jarSpec(stubbed));
    const plain = await jarType.canonicalize(jarSpec(ecJar));
    expect(entry.indexKeys).toEqual([plain.indexKeys[0], `sha256:${sha256(stubbed)}`]);
  });

  it('refuses an unsigned JAR and a JAR without manifest', async () => {
    expect(await refusal(unsignedJar())).toBe('JAR contains no signatures');
    expect(await refusal(makeZip([{ name: 'a.txt', data: Buffer.from('x') }]))).toBe('JAR contains no META-INF/MANIFEST.MF');
  });

  it('refuses a JAR whose content was changed after signing', async () => {
    const entries = await readZip(ecJar);
    const tampered = makeZip(entries.map((e) => (e.name === 'a.txt' ? { name: e.name, data: Buffer.from('tampered\n') } : e)));
    expect(await refusal(tampered)).toMatch(/^file "a\.txt" in MANIFEST\.MF: Sha-256-Digest mismatch: manifest \S+ != calculated \S+$/);
  });

  it('refuses a JAR whose signature file was changed after signing', async () => {
    const entries = await readZip(ecJar);
    const tampered = makeZip(
      entries.map((e) => (e.name.endsWith('.SF') ? { name: e.name, data: Buffer.from(e.data.toString().replace('Signature-Version: 1.0', 'Signature-Version: 1.1')) } : e)),
    );
    expect(await refusal(tampered)).toBe('pkcs7: content digest does not match');
  });

  it('refuses a signature checked with the wrong key (another certificate with the signer’s name and serial)', async () => {
    const entries = await readZip(ecJar);
    const other = AsnConvert.parse(certificateDer('other'), Certificate);
    const swap = (block: Buffer): Buffer => {
      const contentInfo = AsnConvert.parse(block, ContentInfo);
      const signedData = AsnConvert.parse(contentInfo.content, SignedData);
      signedData.certificates = new CertificateSet([new CertificateChoices({ certificate: other })]);
      signedData.signerInfos[0]!.sid.issuerAndSerialNumber!.serialNumber = other.tbsCertificate.serialNumber;
      contentInfo.content = AsnConvert.serialize(signedData);
      return Buffer.from(AsnConvert.serialize(contentInfo));
    };
    const wrongKey = makeZip(entries.map((e) => (e.name.endsWith('.EC') ? { name: e.name, data: swap(e.data) } : e)));
    expect(await refusal(wrongKey)).toBe('ECDSA verification failed');
  });

  it('refuses a JAR signed twice, and a signature file without its block', async () => {
    expect(await refusal(sign(ecJar, 'rsa'))).toBe('multiple signatures detected in JAR; unable to process');
    const entries = await readZip(ecJar);
    expect(await refusal(makeZip(entries.filter((e) => !e.name.endsWith('.EC'))))).toBe(
      'JAR contains sigfile META-INF/SIGNER.SF with no matching signature',
    );
  });

  it('refuses what is not a zip, and specs without inline content (never fetching a url)', async () => {
    expect(await refusal(Buffer.from('not a zip at all'))).toBe('zip: not a valid zip file');
    expect(await refusal({ archive: { url: 'https://example.com/a.jar' } })).toMatch(
      /^'content' must be specified for package \(this server never fetches a url/,
    );
    expect(await refusal({ archive: {} })).toBe("'content' must be specified for package");
    expect(await refusal({})).toBe('archive in body is required');
    expect(await refusal('a string')).toBe('unsupported input type string for DecodeEntry');
    expect(await refusal({ archive: { content: 'not base64!' } })).toBe(
      'failed parsing base64 data for archive content: illegal base64 data at input byte 3',
    );
  });
});

describe('jar archive limits', () => {
  const small: ArchiveLimits = { maxEntries: 16, maxExpandedBytes: 1 << 20, maxDepth: 8, maxMetadataBytes: 64 << 10 };
  const timed = async (jar: Buffer, limits: ArchiveLimits): Promise<string> => {
    const { result: message, ms } = await cpuMillis(() => refusal(jar, limits));
    expect(ms).toBeLessThan(2000);
    return message;
  };
  const zeros = (n: number) => Buffer.alloc(n);

  it('refuses declared expansion past the limit before inflating anything', async () => {
    const jar = makeZip([
      { name: 'META-INF/MANIFEST.MF', data: MANIFEST },
      { name: 'big.bin', data: zeros(2 << 20) },
    ]);
    expect(await timed(jar, small)).toBe('zip archive declares more than the 1048576 uncompressed bytes this server accepts');
  });

  it('refuses, with the default limits, a zip declaring terabytes', async () => {
    const items: ZipItem[] = [{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }];
    for (let i = 0; i < 300; i++) items.push({ name: `f${i}`, compressed: deflateRawSync(zeros(0)), declaredSize: 0xfffffffe, crc: 0 });
    expect(await timed(makeZip(items), DEFAULT_ARCHIVE_LIMITS)).toMatch(/^zip archive declares more than the \d+ uncompressed bytes/);
  });

  it('cuts off an entry that inflates past its declared size (a lying zip bomb)', async () => {
    const bomb = deflateRawSync(zeros(64 << 20)); // 64 MiB of zeros, declared as 100 bytes
    const jar = makeZip([
      { name: 'META-INF/MANIFEST.MF', data: MANIFEST },
      { name: 'META-INF/BOMB.TXT', compressed: bomb, declaredSize: 100, crc: 0 },
    ]);
    expect(await timed(jar, DEFAULT_ARCHIVE_LIMITS)).toBe('zip: not a valid zip file');
  });

  it('counts actual output against maxExpandedBytes across reads', async () => {
    const zip = makeZip([
      { name: 'x.bin', data: zeros(600 << 10) },
      { name: 'y.bin', data: zeros(10) },
    ]);
    const budget = new ExpansionBudget(1 << 20);
    const archive = await ZipArchive.open(zip, { maxEntries: 16, maxDepth: 8, budget });
    try {
      expect((await archive.readAll(archive.entries[0]!)).length).toBe(600 << 10);
      await expect(archive.readAll(archive.entries[0]!)).rejects.toThrow(ArchiveLimitError);
      expect(budget.spent).toBeGreaterThan(1 << 20);
    } finally {
      archive.close();
    }
  });

  it('handles megabytes of inline content in linear time (no regular expression over the whole text)', async () => {
    const jarOf = (bytes: number): Buffer => {
      const blob = Buffer.alloc(bytes);
      for (let i = 0; i < blob.length; i += 4) blob.writeUInt32LE((i * 2654435761) >>> 0, i);
      return makeZip([{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }, { name: 'blob.bin', data: blob, method: 0 }]);
    };
    const [quarter, whole] = [jarOf(3 << 19), jarOf(6 << 20)];
    await refusal(quarter, DEFAULT_ARCHIVE_LIMITS); // warm up: compile the code paths first
    // A ratio measured in one test, not a wall-clock bound: the machine's speed varies several
    // times over, but 4x the input costs ~4x the CPU when the work is linear, 16x if quadratic.
    const small = await cpuMillis(() => refusal(quarter, DEFAULT_ARCHIVE_LIMITS));
    const large = await cpuMillis(() => refusal(whole, DEFAULT_ARCHIVE_LIMITS));
    expect(large.result).toBe('JAR contains no signatures');
    expect(large.ms).toBeLessThan(8 * Math.max(small.ms, 20));
  });

  it('refuses more entries than maxEntries', async () => {
    const items: ZipItem[] = [{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }];
    for (let i = 0; i < 16; i++) items.push({ name: `f${i}.txt`, data: Buffer.from('x') });
    expect(await timed(makeZip(items), small)).toBe('zip archive has 17 entries; this server accepts at most 16');
  });

  it('refuses entry names deeper than maxDepth', async () => {
    const jar = makeZip([
      { name: 'META-INF/MANIFEST.MF', data: MANIFEST },
      { name: `${'d/'.repeat(9)}f.txt`, data: Buffer.from('x') },
    ]);
    expect(await timed(jar, small)).toBe('zip entry name is deeper than 8 levels');
  });

  it('refuses corrupt deflate data, bad CRCs and unsupported methods with Go’s words', async () => {
    const base = { name: 'META-INF/X.TXT', data: Buffer.from('hello') };
    expect(await refusal(makeZip([{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }, { ...base, crc: 1234 }]))).toBe('zip: checksum error');
    expect(await refusal(makeZip([{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }, { ...base, method: 12 }]))).toBe(
      'zip: unsupported compression algorithm',
    );
    expect(
      await refusal(makeZip([{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }, { ...base, compressed: Buffer.from([0xff, 0xff, 0xff]) }])),
    ).toMatch(/^flate: corrupt input/);
    expect(await refusal(makeZip([{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }, { ...base, declaredSize: 50 }]))).toBe(
      'unexpected EOF',
    );
  });

  it('only ever refuses mutated JARs with InvalidEntryError', async () => {
    const original = readFileSync(join(FIXTURES, 'test.jar'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(original.length), { nil: undefined }),
        async (flips, cut) => {
          const mutated = Buffer.from(original);
          for (const [at, value] of flips) mutated[at] = value;
          try {
            await jarType.canonicalize(jarSpec(cut === undefined ? mutated : mutated.subarray(0, cut)));
          } catch (err) {
            if (!(err instanceof InvalidEntryError)) throw err;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
