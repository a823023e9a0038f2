/**
 * rpm 0.0.1: Rekor's fixture (test/fixtures/types/rpm, see the README there) must give the
 * leaf hash and index keys Rekor's own code gave; packages built here by hand (a lead, a
 * signature header carrying an OpenPGP signature made with openpgp.js over header and
 * payload, a general header, a payload) must verify, with a canonical key equal to
 * openpgp.js's own new-format serialization armored the Go way; and every malformed,
 * truncated or tampered input must be refused with InvalidEntryError and Rekor's message.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { InvalidEntryError } from '../../../src/errors';
import { armorLikeGo } from '../../../src/types/pki/pgp/armor';
import { createRpmV001 } from '../../../src/types/rpm/v0.0.1';

const DIR = join(__dirname, '..', '..', 'fixtures', 'types', 'rpm');
const fixture = (name: string) => readFileSync(join(DIR, name));
const helmKey = readFileSync(join(__dirname, '..', '..', 'fixtures', 'types', 'helm', 'test_helm_armor.pub'));
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const leafHash = (body: Buffer) => createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');

const rpm = createRpmV001();
const RPM = fixture('test.rpm');
const KEY = fixture('test_rpm_public_key.key');

function spec(pkg: Buffer, key: Buffer = KEY, extra: Record<string, unknown> = {}) {
  return { publicKey: { content: key.toString('base64') }, package: { content: pkg.toString('base64'), ...extra } };
}

async function refusal(proposed: unknown): Promise<string> {
  try {
    await rpm.canonicalize(proposed);
  } catch (err) {
    if (err instanceof InvalidEntryError) return err.message;
    throw err;
  }
  throw new Error('expected a refusal');
}

// ----------------------------------------------------------------------------------------
// A hand-made RPM

const TYPE = { int8: 2, int16: 3, int32: 4, int64: 5, string: 6, bin: 7, stringArray: 8 } as const;

interface Tag {
  tag: number;
  type: number;
  value: Buffer | string | string[] | number[] | bigint[];
  /** Override the count written in the index (for malformed headers). */
  count?: number;
  /** Override the offset written in the index. */
  offset?: number;
}

function encodeValue(t: Tag): { data: Buffer; count: number; align: number } {
  switch (t.type) {
    case TYPE.string:
      return { data: Buffer.from(`${t.value as string}\0`), count: 1, align: 1 };
    case TYPE.stringArray: {
      const values = t.value as string[];
      return { data: Buffer.concat(values.map((v) => Buffer.from(`${v}\0`))), count: values.length, align: 1 };
    }
    case TYPE.bin:
      return { data: t.value as Buffer, count: (t.value as Buffer).length, align: 1 };
    case TYPE.int32: {
      const values = t.value as number[];
      const data = Buffer.alloc(4 * values.length);
      values.forEach((v, i) => data.writeUInt32BE(v, 4 * i));
      return { data, count: values.length, align: 4 };
    }
    case TYPE.int64: {
      const values = t.value as bigint[];
      const data = Buffer.alloc(8 * values.length);
      values.forEach((v, i) => data.writeBigUInt64BE(v, 8 * i));
      return { data, count: values.length, align: 8 };
    }
    default:
      throw new Error(`type ${t.type} not supported by the test builder`);
  }
}

/** An RPM header: magic, reserved, index count, data size, index, data (padded to 8 for the signature header). */
function header(tags: Tag[], pad: boolean): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  for (const t of tags) {
    const { data: bytes, count, align } = encodeValue(t);
    const padding = (align - (size % align)) % align;
    if (padding) data.push(Buffer.alloc(padding));
    size += padding;
    const entry = Buffer.alloc(16);
    entry.writeInt32BE(t.tag, 0);
    entry.writeInt32BE(t.type, 4);
    entry.writeInt32BE(t.offset ?? size, 8);
    entry.writeInt32BE(t.count ?? count, 12);
    index.push(entry);
    data.push(bytes);
    size += bytes.length;
  }
  const intro = Buffer.alloc(16);
  intro.writeUInt32BE(0x8eade801, 0);
  intro.writeUInt32BE(tags.length, 8);
  intro.writeUInt32BE(size, 12);
  const body = Buffer.concat(data);
  const padding = pad ? Buffer.alloc((8 - (size % 8)) % 8) : Buffer.alloc(0);
  return Buffer.concat([intro, ...index, body, padding]);
}

function lead(name: string): Buffer {
  const out = Buffer.alloc(96);
  out.writeUInt32BE(0xedabeedb, 0);
  out[4] = 3; // major
  out[5] = 0; // minor
  out.writeUInt16BE(0, 6); // binary package
  out.writeUInt16BE(1, 8); // archnum
  out.write(name.slice(0, 65), 10, 'latin1');
  out.writeUInt16BE(1, 76); // osnum
  out.writeUInt16BE(5, 78); // signature type: header-style
  return out;
}

const GEN = { name: 1000, version: 1001, release: 1002, epoch: 1003, arch: 1022, payloadDigest: 5092, payloadDigestAlgo: 5093 };
const SIG = { size: 1000, pgp: 1002, md5: 1004, rsa: 268, sha256: 273 };

interface BuildOptions {
  key: openpgp.PrivateKey;
  payload?: Buffer;
  genTags?: Tag[];
  /** Digest of the payload in the general header (default), or the legacy MD5 in the signature header. */
  digest?: 'payload' | 'md5' | 'none';
  /** Also sign the general header alone (RSA/DSA header tag 268). */
  headerSignature?: boolean;
  /** Leave out the PGP signature tag. */
  unsigned?: boolean;
  /** Change the signature blob before it is stored. */
  mangleSignature?: (blob: Buffer) => Buffer;
  /** Sign with this hash. */
  hash?: openpgp.enums.hash;
}

async function detachedSignature(key: openpgp.PrivateKey, data: Buffer, hash?: openpgp.enums.hash): Promise<Buffer> {
  const signature = await openpgp.sign({
    message: await openpgp.createMessage({ binary: data }),
    signingKeys: key,
    detached: true,
    format: 'binary',
    config: hash === undefined ? undefined : { preferredHashAlgorithm: hash, rejectHashAlgorithms: new Set(), rejectMessageHashAlgorithms: new Set() },
  });
  return Buffer.from(signature as Uint8Array);
}

const NEVRA_TAGS: Tag[] = [
  { tag: GEN.name, type: TYPE.string, value: 'hand-made' },
  { tag: GEN.version, type: TYPE.string, value: '2.5' },
  { tag: GEN.release, type: TYPE.string, value: '7.el9' },
  { tag: GEN.arch, type: TYPE.string, value: 'x86_64' },
];

async function buildRpm(options: BuildOptions): Promise<Buffer> {
  const payload = options.payload ?? Buffer.from('a cpio archive would go here, compressed\n');
  const digest = options.digest ?? 'payload';
  const genTags = [...(options.genTags ?? NEVRA_TAGS)];
  if (digest === 'payload') {
    genTags.push({ tag: GEN.payloadDigest, type: TYPE.stringArray, value: [sha256(payload)] });
    genTags.push({ tag: GEN.payloadDigestAlgo, type: TYPE.int32, value: [8] });
  }
  const gen = header(genTags, false);
  const sigTags: Tag[] = [
    { tag: SIG.sha256, type: TYPE.string, value: sha256(gen) },
    { tag: SIG.size, type: TYPE.int32, value: [gen.length + payload.length] },
  ];
  if (options.headerSignature) sigTags.push({ tag: SIG.rsa, type: TYPE.bin, value: await detachedSignature(options.key, gen, options.hash) });
  if (!options.unsigned) {
    let blob = await detachedSignature(options.key, Buffer.concat([gen, payload]), options.hash);
    if (options.mangleSignature) blob = options.mangleSignature(blob);
    sigTags.push({ tag: SIG.pgp, type: TYPE.bin, value: blob });
  }
  if (digest === 'md5') sigTags.push({ tag: SIG.md5, type: TYPE.bin, value: createHash('md5').update(gen).update(payload).digest() });
  return Buffer.concat([lead('hand-made-2.5-7.el9'), header(sigTags, true), gen, payload]);
}

let eccKey: { privateKey: openpgp.PrivateKey; publicKey: openpgp.PublicKey; armored: Buffer };
let rsaKey: { privateKey: openpgp.PrivateKey; publicKey: openpgp.PublicKey; armored: Buffer };

async function makeKey(options: { type: 'ecc' | 'rsa'; email: string }) {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: options.type,
    rsaBits: 2048,
    userIDs: [{ name: 'RPM Signer', email: options.email }],
    format: 'object',
  });
  return { privateKey, publicKey, armored: Buffer.from(publicKey.armor()) };
}

beforeAll(async () => {
  eccKey = await makeKey({ type: 'ecc', email: 'ecc-signer@example.org' });
  rsaKey = await makeKey({ type: 'rsa', email: 'rsa-signer@example.org' });
}, 60000);

/** What the canonical key must be: the key's packets with new-format headers (openpgp.js writes those), armored as Go does. */
const expectedCanonicalKey = (key: openpgp.PublicKey) => armorLikeGo('PGP PUBLIC KEY BLOCK', key.write());

function parseBody(body: Buffer) {
  return JSON.parse(body.toString()) as {
    apiVersion: string;
    kind: string;
    spec: { package: { hash: { algorithm: string; value: string }; headers: Record<string, string> }; publicKey: { content: string } };
  };
}

// ----------------------------------------------------------------------------------------

describe('rpm known answers (Rekor test data)', () => {
  it('test.rpm with its key gives Rekor’s canonical body, leaf hash and index keys', async () => {
    const entry = await rpm.canonicalize(spec(RPM));
    expect(entry.kind).toBe('rpm');
    expect(entry.apiVersion).toBe('0.0.1');
    expect(sha256(entry.canonicalBody)).toBe('0d3a06938c5ee2cc1983757f3e2275b4bd37d08958b02710a1e18900d1e44af6');
    expect(leafHash(entry.canonicalBody)).toBe('26247e3651badf251edc9a870842ca8c21f58a41ef7e7dd6b58344e3b1343188');
    expect(entry.indexKeys).toEqual([
      '1a42796482f695abf0742112e3253781d3a7918170b9a7eca2c76e0d7f280639',
      'rpm-test@rekor.dev',
      'sha256:f5214798b9d78fac428fad6d70cffce0eee6512c27a9faee9112a68e9b5519c6',
    ]);
    const body = parseBody(entry.canonicalBody);
    expect(body.spec.package.headers).toEqual({ Architecture: 'noarch', Epoch: '0', Name: 'test-package', Release: '1', Version: '1.0' });
    // The key file is already in new format: the canonical key is the file, byte for byte.
    expect(Buffer.from(body.spec.publicKey.content, 'base64').equals(KEY)).toBe(true);
  });

  it('accepts the matching hash and the key in binary form, with the same leaf', async () => {
    const binaryKey = Buffer.from((await openpgp.readKey({ armoredKey: KEY.toString() })).write());
    const withHash = await rpm.canonicalize(spec(RPM, binaryKey, { hash: { algorithm: 'sha256', value: sha256(RPM) } }));
    expect(leafHash(withHash.canonicalBody)).toBe('26247e3651badf251edc9a870842ca8c21f58a41ef7e7dd6b58344e3b1343188');
  });

  it('refuses the wrong key, a wrong or uppercase hash, a tampered package', async () => {
    expect(await refusal(spec(RPM, helmKey))).toBe('keyid 6b5c00fd2745ac5c not found');
    const wrong = 'ab'.repeat(32);
    expect(await refusal(spec(RPM, KEY, { hash: { algorithm: 'sha256', value: wrong } }))).toBe(`SHA mismatch: ${sha256(RPM)} != ${wrong}`);
    const upper = sha256(RPM).toUpperCase();
    expect(await refusal(spec(RPM, KEY, { hash: { algorithm: 'sha256', value: upper } }))).toBe(`SHA mismatch: ${sha256(RPM)} != ${upper}`);
    expect(await refusal(spec(RPM, KEY, { hash: { algorithm: 'sha256', value: 'abc' } }))).toBe('invalid value for hash');
    expect(await refusal(spec(RPM, KEY, { hash: { algorithm: 'sha512', value: wrong } }))).toBe('package.hash.algorithm in body should be one of [sha256]');

    const payload = Buffer.from(RPM);
    payload[payload.length - 1] ^= 1;
    expect(await refusal(spec(payload))).toBe('payload SHA-256 digest mismatch');
    const genHeader = Buffer.from(RPM);
    genHeader[1200] ^= 1;
    expect(await refusal(spec(genHeader))).toBe('SHA-256 mismatch in signature header');
    const notRpm = Buffer.from(RPM);
    notRpm[0] = 0;
    expect(await refusal(spec(notRpm))).toBe('file is not an RPM');
  });

  it('refuses every truncation of test.rpm with InvalidEntryError', async () => {
    const messages = new Set<string>();
    for (let n = 1; n < RPM.length; n++) {
      const message = await refusal(spec(RPM.subarray(0, n)));
      messages.add(message);
      if (n < 96) expect(message).toBe('error reading RPM lead: unexpected EOF');
    }
    // Rekor's answers for the truncation points (checked against its code).
    expect(await refusal(spec(RPM.subarray(0, 96)))).toBe('error reading RPM header: EOF');
    expect(await refusal(spec(RPM.subarray(0, 100)))).toBe('error reading RPM header: unexpected EOF');
    expect(await refusal(spec(RPM.subarray(0, 150)))).toBe('error reading RPM header table: unexpected EOF');
    expect(await refusal(spec(RPM.subarray(0, 500)))).toBe('error reading RPM header data: unexpected EOF');
    expect(messages).toContain('payload SHA-256 digest mismatch');
  }, 120000);

  it('refuses absurd tag counts, offsets and counts without reading out of bounds', async () => {
    const sigIndex = 96 + 16;
    const patch = (at: number, value: number) => {
      const copy = Buffer.from(RPM);
      copy.writeInt32BE(value, at);
      return copy;
    };
    // Index entry count and data size of the signature header.
    expect(await refusal(spec(patch(96 + 8, 0x7fffffff)))).toBe('error reading RPM header table: unexpected EOF');
    expect(await refusal(spec(patch(96 + 8, -1)))).toBe('error reading RPM header table: unexpected EOF');
    expect(await refusal(spec(patch(96 + 12, 0x7ffffff0)))).toBe('error reading RPM header data: unexpected EOF');
    // First index entry (tag 62): offset and count far outside the data, negative.
    expect(await refusal(spec(patch(sigIndex + 8, 0x7fffffff)))).toBe('RPM header tag 62 has an offset outside the header data');
    expect(await refusal(spec(patch(sigIndex + 8, -16)))).toBe('RPM header tag 62 has an offset outside the header data');
    expect(await refusal(spec(patch(sigIndex + 12, 0x7fffffff)))).toBe('RPM header tag 62 has a count that runs outside the header data');
    expect(await refusal(spec(patch(sigIndex + 12, -5)))).toBe('RPM header tag 62 has a count that runs outside the header data');
    // Second entry (268, the RSA signature): a type that makes its bytes a string without its NUL.
    expect(await refusal(spec(patch(sigIndex + 16 + 4, 6)))).toMatch(/^tag 268 is truncated$|^RPM header/);
  });

  it('refuses bad base64, URLs and missing parts with Rekor’s messages', async () => {
    expect(await refusal({ publicKey: { content: KEY.toString('base64') }, package: { content: 'AAA-' } })).toBe(
      'failed parsing base64 data for package content: illegal base64 data at input byte 3',
    );
    expect(await refusal({ publicKey: { content: 'Zm9v\nYmFy=' }, package: { content: RPM.toString('base64') } })).toBe(
      'failed parsing base64 data for publicKey content: illegal base64 data at input byte 9',
    );
    expect(await refusal({ publicKey: { content: KEY.toString('base64') } })).toBe('package in body is required');
    expect(await refusal({ package: { content: RPM.toString('base64') } })).toBe('publicKey in body is required');
    expect(await refusal('rpm')).toBe('unsupported input type string for DecodeEntry');
    expect(await refusal({ publicKey: { content: KEY.toString('base64') }, package: { url: 'https://example.com/x.rpm' } })).toBe(
      "'content' must be specified for package (remote fetch via 'url' is not supported: supply the content inline, base64-encoded)",
    );
    expect(
      await refusal({ publicKey: { content: KEY.toString('base64') }, package: { url: 'https://example.com/x.rpm', hash: { algorithm: 'sha256', value: sha256(RPM) } } }),
    ).toBe("entry not insertable into log: missing package content (remote fetch via 'url' is not supported: supply the content inline, base64-encoded)");
    expect(await refusal({ publicKey: { url: 'https://example.com/key' }, package: { content: RPM.toString('base64') } })).toBe(
      "publicKey.content in body is required (remote fetch via 'url' is not supported: supply the content inline, base64-encoded)",
    );
    expect(await refusal(spec(RPM, Buffer.from('not a key at all')))).toMatch(/^error reading binary PGP public key: /);
    expect(await refusal(spec(RPM, Buffer.from('short')))).toBe('unable to read PGP public key: EOF');
  });
});

describe('rpm packages built here and signed with openpgp.js', () => {
  it('verifies an EdDSA-signed package; canonical key is the new-format serialization', async () => {
    const pkg = await buildRpm({ key: eccKey.privateKey });
    const entry = await rpm.canonicalize(spec(pkg, eccKey.armored));
    const body = parseBody(entry.canonicalBody);
    const canonicalKey = expectedCanonicalKey(eccKey.publicKey);
    expect(body).toEqual({
      apiVersion: '0.0.1',
      kind: 'rpm',
      spec: {
        package: {
          hash: { algorithm: 'sha256', value: sha256(pkg) },
          headers: { Architecture: 'x86_64', Epoch: '0', Name: 'hand-made', Release: '7.el9', Version: '2.5' },
        },
        publicKey: { content: canonicalKey.toString('base64') },
      },
    });
    // RFC 8785: the keys sorted, no blanks.
    expect(entry.canonicalBody.toString()).toBe(
      `{"apiVersion":"0.0.1","kind":"rpm","spec":{"package":{"hash":{"algorithm":"sha256","value":"${sha256(pkg)}"},` +
        `"headers":{"Architecture":"x86_64","Epoch":"0","Name":"hand-made","Release":"7.el9","Version":"2.5"}},` +
        `"publicKey":{"content":"${canonicalKey.toString('base64')}"}}}`,
    );
    expect(entry.indexKeys).toEqual([sha256(canonicalKey), 'ecc-signer@example.org', `sha256:${sha256(pkg)}`]);
  });

  it('verifies RSA signatures over the header alone and over header and payload, SHA-1 included; MD5 digest and epoch shown', async () => {
    const pkg = await buildRpm({
      key: rsaKey.privateKey,
      headerSignature: true,
      digest: 'md5',
      genTags: [...NEVRA_TAGS, { tag: GEN.epoch, type: TYPE.int32, value: [3] }],
    });
    const entry = await rpm.canonicalize(spec(pkg, rsaKey.armored));
    const headers = parseBody(entry.canonicalBody).spec.package.headers;
    const md5 = createHash('md5').update(pkg.subarray(pkg.indexOf(Buffer.from([0x8e, 0xad, 0xe8, 0x01]), 200))).digest('hex');
    expect(headers).toEqual({ Architecture: 'x86_64', Epoch: '3', Name: 'hand-made', Release: '7.el9', Version: '2.5', RPMSIGTAG_MD5: md5 });
    expect(entry.indexKeys[1]).toBe('rsa-signer@example.org');

    const sha1 = await buildRpm({ key: rsaKey.privateKey, hash: openpgp.enums.hash.sha1 });
    await expect(rpm.canonicalize(spec(sha1, rsaKey.armored))).resolves.toBeDefined();
    const epoch64 = await buildRpm({ key: rsaKey.privateKey, genTags: [...NEVRA_TAGS, { tag: GEN.epoch, type: TYPE.int64, value: [2n ** 40n] }] });
    expect(parseBody((await rpm.canonicalize(spec(epoch64, rsaKey.armored))).canonicalBody).spec.package.headers.Epoch).toBe(String(2 ** 40));
  }, 30000);

  it('refuses the other key, a tampered payload, garbage after the signature, no signature', async () => {
    const pkg = await buildRpm({ key: eccKey.privateKey });
    // go-rpmutils prints the key id with %08x: at least 8 hex digits, no more zeros than that.
    const keyId = BigInt(`0x${eccKey.publicKey.getKeyID().toHex()}`).toString(16).padStart(8, '0');
    expect(await refusal(spec(pkg, rsaKey.armored))).toBe(`keyid ${keyId} not found`);

    const tampered = Buffer.from(pkg);
    tampered[tampered.length - 3] ^= 0x20;
    expect(await refusal(spec(tampered, eccKey.armored))).toBe('payload SHA-256 digest mismatch');

    const md5Tampered = Buffer.from(await buildRpm({ key: eccKey.privateKey, digest: 'md5' }));
    md5Tampered[md5Tampered.length - 3] ^= 0x20;
    expect(await refusal(spec(md5Tampered, eccKey.armored))).toBe('md5 digest mismatch');

    const garbage = await buildRpm({ key: eccKey.privateKey, mangleSignature: (b) => Buffer.concat([b, Buffer.from([0])]) });
    expect(await refusal(spec(garbage, eccKey.armored))).toBe('trailing garbage after PGP signature packet');

    const bad = await buildRpm({
      key: eccKey.privateKey,
      mangleSignature: (b) => {
        const copy = Buffer.from(b);
        copy[copy.length - 1] ^= 1;
        return copy;
      },
    });
    expect(await refusal(spec(bad, eccKey.armored))).toBe('openpgp: invalid signature: EdDSA verification failure');

    const rsaBad = await buildRpm({
      key: rsaKey.privateKey,
      mangleSignature: (b) => {
        const copy = Buffer.from(b);
        copy[copy.length - 1] ^= 1;
        return copy;
      },
    });
    expect(await refusal(spec(rsaBad, rsaKey.armored))).toBe('openpgp: invalid signature: RSA verification failure');

    expect(await refusal(spec(await buildRpm({ key: eccKey.privateKey, unsigned: true }), eccKey.armored))).toBe('no supported PGP signature found in RPM');
    expect(await refusal(spec(await buildRpm({ key: eccKey.privateKey, digest: 'none' }), eccKey.armored))).toBe('no usable payload digest found');
  }, 30000);

  it('refuses malformed general headers: an unterminated string, a missing NAME (Rekor: 500), an empty value list', async () => {
    const unterminated = await buildRpm({
      key: eccKey.privateKey,
      digest: 'md5',
      genTags: [...NEVRA_TAGS.slice(0, 3), { tag: GEN.arch, type: TYPE.string, value: 'x86_64', count: 3 }],
    });
    expect(await refusal(spec(unterminated, eccKey.armored))).toBe('tag 1022 is truncated');
    const noName = await buildRpm({ key: eccKey.privateKey, genTags: NEVRA_TAGS.slice(1) });
    expect(await refusal(spec(noName, eccKey.armored))).toBe('invalid RPM header: No such entry 1000');
    const emptyName = await buildRpm({ key: eccKey.privateKey, genTags: [{ tag: GEN.name, type: TYPE.stringArray, value: [] }, ...NEVRA_TAGS.slice(1)] });
    expect(await refusal(spec(emptyName, eccKey.armored))).toBe('invalid RPM header: RPM header tag 1000 holds no value');
    const intName = await buildRpm({ key: eccKey.privateKey, genTags: [{ tag: GEN.name, type: TYPE.int32, value: [1] }, ...NEVRA_TAGS.slice(1)] });
    expect(await refusal(spec(intName, eccKey.armored))).toBe('invalid RPM header: unsupported datatype for string: 4, tag: 1000');
  }, 30000);

  it('refuses every truncation of a hand-made package with InvalidEntryError', async () => {
    const pkg = await buildRpm({ key: eccKey.privateKey });
    for (let n = 1; n < pkg.length; n++) await refusal(spec(pkg.subarray(0, n), eccKey.armored));
  }, 60000);
});
