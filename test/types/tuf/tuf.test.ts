/**
 * tuf 0.0.1: known answers produced by Rekor's own Go code (test/fixtures/types/tuf, see
 * its README), OLPC canonical JSON known answers, fresh metadata signed here with
 * node:crypto, and refusals. The entry type is called directly, not through the registry.
 */
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalJson } from '../../../src/crypto';
import { InvalidEntryError } from '../../../src/errors';
import type { EntryType } from '../../../src/types/registry';
import { JsonNumber, olpcCanonicalJson } from '../../../src/types/tuf/canonical-json';
import { createTufV001, tufV001 } from '../../../src/types/tuf/v0.0.1';

const DIR = join(__dirname, '..', '..', 'fixtures', 'types', 'tuf');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(DIR, name), 'utf8')) as T;

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const b64 = (s: Buffer | string): string => Buffer.from(s).toString('base64');
const at = (iso: string): EntryType => createTufV001({ now: () => new Date(iso) });
/** glasslog's index keys: Rekor's, lowercased and de-duplicated. */
const indexKeysOf = (keys: string[]): string[] => [...new Set(keys.map((k) => k.toLowerCase()))];

interface RekorAnswer {
  canonicalBody?: string;
  indexKeys?: string[];
  stage?: string;
  error?: string;
  inputValidationError?: boolean;
}

async function outcome(type: EntryType, spec: unknown): Promise<{ body: string; keys: string[] } | { error: unknown }> {
  try {
    const entry = await type.canonicalize(spec);
    return { body: entry.canonicalBody.toString('utf8'), keys: entry.indexKeys };
  } catch (error) {
    return { error };
  }
}

async function expectRekorAnswer(type: EntryType, spec: unknown, rekor: RekorAnswer): Promise<void> {
  const result = await outcome(type, spec);
  if (rekor.canonicalBody !== undefined) {
    expect(result).toEqual({ body: rekor.canonicalBody, keys: indexKeysOf(rekor.indexKeys!) });
    return;
  }
  expect('error' in result).toBe(true);
  const { error } = result as { error: Error };
  expect(error).toBeInstanceOf(InvalidEntryError);
  // Where go-tuf panics (Rekor: 500 with no message), glasslog refuses with its own words.
  if (rekor.stage !== 'panic') expect(error.message).toBe(rekor.error);
}

async function refused(type: EntryType, spec: unknown, message: string): Promise<void> {
  const result = await outcome(type, spec);
  expect(result).toEqual({ error: expect.any(InvalidEntryError) });
  expect(((result as { error: Error }).error).message).toBe(message);
}

describe('tuf 0.0.1 known answers (Rekor eee7d8d6)', () => {
  const expected = readJson<(RekorAnswer & { file: string })[]>('expected.json');
  // The fixtures expire 2099-01-01; "expired" 2020-01-01; Rekor's own ones 2021-12-18.
  const tuf = at('2026-01-01T00:00:00Z');

  it.each(expected.map((e) => [e.file.replace('cases/', ''), e] as const))('%s', async (file, answer) => {
    const proposed = readJson<{ spec: unknown }>(join('cases', file));
    await expectRekorAnswer(tuf, proposed.spec, answer);
  });

  it('has the fixture set it was written for', () => {
    expect(expected.filter((e) => e.canonicalBody !== undefined)).toHaveLength(5);
    expect(expected).toHaveLength(18);
  });

  describe("Rekor's own test metadata (expired 2021-12-18 13:28:12.99008 -0600)", () => {
    const proposed = readJson<{ spec: unknown }>('cases/tuf-rekor-fixture.json');
    const [noExpire] = readJson<(RekorAnswer & { file: string })[]>('expected-rekor-fixture-noexpire.json');

    it('gives Rekor’s body while the metadata was valid', async () => {
      const entry = await at('2021-12-01T00:00:00Z').canonicalize(proposed.spec);
      expect(entry.canonicalBody.toString('utf8')).toBe(noExpire!.canonicalBody);
      // Leaf hash, and the hashes Rekor's entry_test.go names (ArtifactHash and the root's).
      expect(sha256(Buffer.concat([Buffer.from([0]), entry.canonicalBody]))).toBe('aa9d83a8d8b7c467ca798fe0cd2df783e494a25720bac6f4f5b285b848c24710');
      expect(entry.indexKeys).toEqual([
        'c170ae288c93f56031639bac1ad085fc47918346f733b3d76b07a8124ebd24f9',
        'timestamp',
        '1',
        '9ece5504b7a2bcac84b899d573d71811341d70c852008a2f3007ba9a961cf7e6',
      ]);
    });

    it('compares expiry to the nanosecond, as go-tuf (expired iff expires <= now)', async () => {
      // 13:28:12.99008 -06:00 is 19:28:12.990080 UTC: still valid at .990, expired at .991.
      await expect(at('2021-12-18T19:28:12.990Z').canonicalize(proposed.spec)).resolves.toBeDefined();
      await refused(at('2021-12-18T19:28:12.991Z'), proposed.spec, 'expired at 2021-12-18 13:28:12.99008 -0600 -0600');
    });

    it('is refused with the real clock', async () => {
      await refused(tufV001, proposed.spec, 'expired at 2021-12-18 13:28:12.99008 -0600 -0600');
    });
  });
});

describe('tuf 0.0.1 edge cases answered by Rekor eee7d8d6', () => {
  const { now, cases } = readJson<{ now: string; cases: { name: string; note: string; spec: unknown; rekor: RekorAnswer }[] }>('rekor-edge-cases.json');
  const tuf = at(now);

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectRekorAnswer(tuf, c.spec, c.rekor);
  });

  it('covers accepted entries as well as refusals', () => {
    expect(cases.filter((c) => c.rekor.canonicalBody !== undefined).length).toBeGreaterThanOrEqual(15);
    expect(cases.length).toBeGreaterThanOrEqual(70);
  });
});

describe('OLPC canonical JSON (securesystemslib cjson)', () => {
  const text = (v: unknown): string => olpcCanonicalJson(v).toString('utf8');

  it('sorts members, drops whitespace, keeps arrays in order', () => {
    expect(text({ b: 1, a: [true, false, null, 'x'], c: { z: {}, y: [] } })).toBe('{"a":[true,false,null,"x"],"b":1,"c":{"y":[],"z":{}}}');
  });

  it('escapes only backslash and double quote; everything else is raw UTF-8', () => {
    const bytes = olpcCanonicalJson('a"b\\c\n\t\u0001\u2028<é😀\u007f');
    // " a \ " b \ \ c LF TAB 01 E2 80 A8 < C3 A9 F0 9F 98 80 7F "
    expect(bytes.toString('hex')).toBe('22615c22625c5c630a0901e280a83cc3a9f09f98807f22');
    expect(text({ 'k"\\': 'v' })).toBe('{"k\\"\\\\":"v"}');
  });

  it('orders member names by UTF-8 bytes, not UTF-16 code units (RFC 8785)', () => {
    const value = { '\uffff': 1, '😀': 2, '\ue000': 3, a: 4, B: 5, '': 6, é: 7 };
    expect(text(value)).toBe('{"":6,"B":5,"a":4,"é":7,"\ue000":3,"\uffff":1,"😀":2}');
    // RFC 8785 puts U+1F600 (surrogates D83D DE00) before U+E000.
    expect(canonicalJson(value).toString('utf8')).toBe('{"":6,"B":5,"a":4,"é":7,"😀":2,"\ue000":3,"\uffff":1}');
  });

  it('writes numbers as Go prints the float64, integers only', () => {
    expect(text([1.0, -0, 0, 42, -7, 2 ** 53, 2 ** 53 + 2, 4.35e17])).toBe('[1,-0,0,42,-7,9007199254740992,9007199254740994,435000000000000000]');
    // 2^63 − 1024 prints as 9223372036854775000 (shortest digits), still an int64.
    expect(text(2 ** 63 - 1024)).toBe('9223372036854775000');
  });

  it.each([
    ['a fraction', 1.5],
    ['2^63', 2 ** 63],
    ['-2^63 (prints as -9223372036854776000)', -(2 ** 63)],
    ['1e21 (prints as 1e+21)', 1e21],
    ['1e300', 1e300],
    ['a tiny fraction', 1e-7],
    ['NaN', NaN],
    ['Infinity', Infinity],
  ])('refuses %s', (_what, n) => {
    expect(() => olpcCanonicalJson({ n })).toThrow(InvalidEntryError);
  });

  it('takes json.Number literals only when they are decimal int64s', () => {
    expect(text([new JsonNumber('12'), new JsonNumber('-9223372036854775808')])).toBe('[12,-9223372036854775808]');
    for (const literal of ['1.0', '1e2', '9223372036854775808']) {
      expect(() => olpcCanonicalJson(new JsonNumber(literal))).toThrow(InvalidEntryError);
    }
  });

  it('nests up to 10000 levels without recursion, and no deeper', () => {
    const nest = (depth: number): unknown => {
      let v: unknown = 0;
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
      return v;
    };
    expect(olpcCanonicalJson(nest(10000)).length).toBeGreaterThan(20000);
    expect(() => olpcCanonicalJson(nest(10001))).toThrow(InvalidEntryError);
    expect(() => olpcCanonicalJson(nest(300000))).toThrow(InvalidEntryError);
  });

  it('refuses what is not JSON data', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const v of [undefined, 1n, () => 1, Symbol('s'), new Date(0), new Map(), [undefined], cycle]) {
      expect(() => olpcCanonicalJson(v)).toThrow(InvalidEntryError);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Fresh metadata, signed here.

/** An independent OLPC encoder for the simple documents below (ASCII names, integers). */
function cjson(v: unknown): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
  if (typeof v === 'string') return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  if (Array.isArray(v)) return `[${v.map(cjson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${cjson(k)}:${cjson(o[k])}`)
    .join(',')}}`;
}

interface TestKey {
  id: string;
  pub: { keytype: string; scheme: string; keyval: { public: string } };
  sign(message: Buffer): Buffer;
}

function testKey(type: 'ed25519' | 'ecdsa' | 'ecdsa-hex' | 'rsa'): TestKey {
  let pub: TestKey['pub'];
  let signWith: (m: Buffer) => Buffer;
  if (type === 'ed25519') {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    pub = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex') } };
    signWith = (m) => sign(null, m, privateKey);
  } else if (type === 'rsa') {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pub = { keytype: 'rsa', scheme: 'rsassa-pss-sha256', keyval: { public: publicKey.export({ type: 'spki', format: 'pem' }).toString() } };
    signWith = (m) => sign('sha256', m, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  } else {
    const { publicKey, privateKey }: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ format: 'der', type: 'spki' });
    const value = type === 'ecdsa' ? publicKey.export({ type: 'spki', format: 'pem' }).toString() : der.subarray(der.length - 65).toString('hex');
    pub = { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: value } };
    signWith = (m) => sign('sha256', m, privateKey); // DER (ASN.1) signature
  }
  return { id: sha256(cjson(pub)), pub, sign: signWith };
}

type Signed = Record<string, unknown>;
interface Doc {
  signatures: { keyid: string; sig: string }[];
  signed: Signed;
}

const signDoc = (signed: Signed, keys: TestKey[]): Doc => ({
  signatures: keys.map((k) => ({ keyid: k.id, sig: k.sign(Buffer.from(cjson(signed), 'utf8')).toString('hex') })),
  signed,
});

describe('tuf 0.0.1 with fresh metadata', () => {
  const rootKey = testKey('ed25519');
  const targetKeys = [testKey('ed25519'), testKey('ecdsa'), testKey('rsa')];
  const [edKey, ecKey, rsaKey] = targetKeys as [TestKey, TestKey, TestKey];
  const snapshotKey = testKey('ecdsa-hex');
  const expires = '2030-01-01T00:00:00Z';
  const rootSigned = (over: Signed = {}): Signed => ({
    _type: 'root',
    spec_version: '1.0.31',
    version: 3,
    expires,
    consistent_snapshot: true,
    keys: Object.fromEntries([rootKey, ...targetKeys, snapshotKey].map((k) => [k.id, k.pub])),
    roles: {
      root: { keyids: [rootKey.id], threshold: 1 },
      targets: { keyids: targetKeys.map((k) => k.id), threshold: 2 },
      snapshot: { keyids: [snapshotKey.id], threshold: 1 },
      timestamp: { keyids: [snapshotKey.id], threshold: 1 },
    },
    ...over,
  });
  const root = signDoc(rootSigned(), [rootKey]);
  const targetsSigned = (over: Signed = {}): Signed => ({
    _type: 'targets',
    spec_version: '1.0.31',
    version: 12,
    expires,
    targets: { 'artifact.tar.gz': { length: 1024, hashes: { sha256: 'ab'.repeat(32) }, custom: { note: 'a "quoted" \\ line\nnext' } } },
    ...over,
  });
  /** Two good signatures of three keys, and one that does not verify (the ECDSA key's over other bytes). */
  const withBadSignature = (signed: Signed, good: TestKey[] = [edKey, rsaKey]): Doc => {
    const doc = signDoc(signed, good);
    const bad = ecKey.sign(Buffer.from(cjson({ ...signed, version: 0 }), 'utf8')).toString('hex');
    return { ...doc, signatures: [doc.signatures[0]!, { keyid: ecKey.id, sig: bad }, ...doc.signatures.slice(1)] };
  };
  const spec = (metadata: unknown, rootContent: unknown = root) => ({ metadata: { content: metadata }, root: { content: rootContent } });
  const tuf = at('2026-01-01T00:00:00Z');

  it('accepts targets signed by 2 of 3 keys alongside a bad signature, and stores both documents canonically', async () => {
    const metadata = withBadSignature(targetsSigned());
    const entry = await tuf.canonicalize(spec(metadata));
    expect(entry.kind).toBe('tuf');
    expect(entry.apiVersion).toBe('0.0.1');
    expect(entry.attestation).toBeUndefined();
    // Independently: the contents are base64 of the RFC 8785 form of {signatures, signed}.
    const metadataJcs = canonicalJson(metadata);
    const rootJcs = canonicalJson(root);
    const expectedBody = canonicalJson({
      apiVersion: '0.0.1',
      kind: 'tuf',
      spec: { metadata: { content: b64(metadataJcs) }, root: { content: b64(rootJcs) }, spec_version: '1.0.31' },
    });
    expect(entry.canonicalBody.toString('utf8')).toBe(expectedBody.toString('utf8'));
    expect(entry.indexKeys).toEqual([sha256(metadataJcs), 'targets', '12', sha256(rootJcs)]);
  });

  it('stores the same body when the documents come as base64 text, whitespace and member order aside', async () => {
    const metadata = withBadSignature(targetsSigned());
    const fromObjects = await tuf.canonicalize(spec(metadata));
    const fromText = await tuf.canonicalize(spec(b64(JSON.stringify(metadata, null, 3)), b64(JSON.stringify({ signed: root.signed, signatures: root.signatures }))));
    expect(fromText.canonicalBody.equals(fromObjects.canonicalBody)).toBe(true);
  });

  it('keeps only {signed, signatures}, each signature as {keyid, sig} in lowercase hex', async () => {
    const doc = signDoc(targetsSigned(), [edKey, rsaKey]);
    const noisy = {
      ...doc,
      extra: 'dropped',
      signatures: doc.signatures.map((s) => ({ ...s, sig: s.sig.toUpperCase(), method: 'dropped' })),
    };
    const entry = await tuf.canonicalize(spec(noisy));
    const body = JSON.parse(entry.canonicalBody.toString('utf8')) as { spec: { metadata: { content: string } } };
    expect(JSON.parse(Buffer.from(body.spec.metadata.content, 'base64').toString('utf8'))).toEqual(doc);
  });

  it('takes legacy hex ECDSA keys, as Rekor does through go-tuf set_ecdsa', async () => {
    const snapshot = signDoc({ _type: 'snapshot', spec_version: '1.0.31', version: 4, expires, meta: { 'targets.json': { version: 12 } } }, [snapshotKey]);
    const entry = await tuf.canonicalize(spec(snapshot));
    expect(entry.indexKeys.slice(1, 3)).toEqual(['snapshot', '4']);
  });

  it('leaves spec_version out when the root has none', async () => {
    const { spec_version: _omitted, ...signed } = rootSigned();
    const bare = signDoc(signed, [rootKey]);
    const entry = await tuf.canonicalize(spec(signDoc(targetsSigned(), [edKey, rsaKey]), bare));
    expect(JSON.parse(entry.canonicalBody.toString('utf8')).spec).not.toHaveProperty('spec_version');
  });

  describe('refusals', () => {
    it('expired metadata', async () => {
      const metadata = signDoc(targetsSigned({ expires: '2025-12-31T23:59:59.5+02:00' }), [edKey, rsaKey]);
      await refused(tuf, spec(metadata), 'expired at 2025-12-31 23:59:59.5 +0200 +0200');
      // The same entry was fine before then.
      await expect(at('2025-12-31T21:59:59Z').canonicalize(spec(metadata))).resolves.toBeDefined();
    });

    it('an expired root', async () => {
      const oldRoot = signDoc(rootSigned({ expires: '2024-02-29T12:00:00Z' }), [rootKey]);
      await refused(tuf, spec(signDoc(targetsSigned(), [edKey, rsaKey]), oldRoot), 'expired at 2024-02-29 12:00:00 +0000 UTC');
    });

    it('threshold not met: one good signature and a bad one', async () => {
      await refused(tuf, spec(withBadSignature(targetsSigned(), [edKey])), 'tuf: valid signatures did not meet threshold');
    });

    it('threshold not met: the same signature twice', async () => {
      const doc = signDoc(targetsSigned(), [rsaKey]);
      await refused(tuf, spec({ ...doc, signatures: [doc.signatures[0], doc.signatures[0]] }), 'tuf: valid signatures did not meet threshold');
    });

    it('threshold not met: one key filed under a second ID counts once', async () => {
      const aliased = signDoc(rootSigned({ keys: { ...(rootSigned().keys as object), alias: rsaKey.pub }, roles: { ...(rootSigned().roles as object), targets: { keyids: [rsaKey.id, 'alias'], threshold: 2 } } }), [rootKey]);
      const doc = signDoc(targetsSigned(), [rsaKey]);
      const twice = { ...doc, signatures: [doc.signatures[0]!, { keyid: 'alias', sig: doc.signatures[0]!.sig }] };
      await refused(tuf, spec(twice, aliased), 'tuf: valid signatures did not meet threshold');
    });

    it('a role the root does not define', async () => {
      await refused(tuf, spec(signDoc(targetsSigned({ _type: 'mirror' }), [edKey, rsaKey])), 'tuf: unknown role "mirror"');
    });

    it('metadata signed by the keys of another role', async () => {
      // snapshot metadata signed by targets keys: the snapshot role's key did not sign.
      await refused(tuf, spec(signDoc(targetsSigned({ _type: 'snapshot' }), [edKey, rsaKey])), 'tuf: valid signatures did not meet threshold');
    });

    it('a root whose type is not root', async () => {
      const notRoot = signDoc(rootSigned({ _type: 'targets' }), [rootKey]);
      await refused(tuf, spec(signDoc(targetsSigned(), [edKey, rsaKey]), notRoot), 'tuf: meta file has wrong type');
    });

    it('a signed body changed after signing', async () => {
      const doc = signDoc(targetsSigned(), [edKey, rsaKey]);
      await refused(tuf, spec({ ...doc, signed: { ...doc.signed, version: 13 } }), 'tuf: valid signatures did not meet threshold');
      const tamperedRoot = { ...root, signed: { ...root.signed, version: 4 } };
      await refused(tuf, spec(doc, tamperedRoot), 'tuf: valid signatures did not meet threshold');
    });

    it('a fraction anywhere in the signed body (canonical JSON refuses it)', async () => {
      const signed = targetsSigned();
      const doc = signDoc(signed, [edKey, rsaKey]);
      await refused(tuf, spec({ ...doc, signed: { ...signed, targets: { x: { length: 1.5 } } } }), 'tuf: valid signatures did not meet threshold');
    });

    it('unsigned metadata', async () => {
      await refused(tuf, spec({ signatures: [], signed: targetsSigned() }), 'tuf: data has no signatures');
    });

    it('missing members, with go-swagger’s text', async () => {
      await refused(tuf, { metadata: { content: root } }, 'validation failure list:\nroot in body is required');
      await refused(tuf, { metadata: {}, root: { content: null } }, 'validation failure list:\nmetadata.metadata.content in body is required\nroot.root.content in body is required');
      await refused(tuf, 'x', 'unsupported input type string for DecodeEntry');
    });

    it('content that is not base64 (Rekor: 500; glasslog: 400)', async () => {
      await refused(tuf, spec('QUJD!'), 'base64 decoding TUF metadata content: illegal base64 data at input byte 4');
    });

    it('nesting deeper than Go decodes', async () => {
      let deep: unknown = 0;
      for (let i = 0; i < 200000; i++) deep = [deep];
      await refused(tuf, spec({ signatures: [], signed: { deep } }), "invalid character '[' exceeded max depth");
    });
  });

  it('never raises anything but InvalidEntryError for arbitrary JSON', async () => {
    const check = async (input: unknown): Promise<void> => {
      const result = await outcome(tuf, input);
      if ('error' in result) expect(result.error).toBeInstanceOf(InvalidEntryError);
    };
    await fc.assert(fc.asyncProperty(fc.jsonValue(), check), { numRuns: 200 });
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), (m, r) => check({ metadata: { content: m }, root: { content: r } })),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.uint8Array({ maxLength: 200 }), (text, bytes) =>
        check({ metadata: { content: b64(Buffer.from(bytes)) }, root: { content: text } }),
      ),
      { numRuns: 300 },
    );
    // Mutations of a valid document, as text.
    const text = JSON.stringify(signDoc(targetsSigned(), [edKey, rsaKey]));
    await fc.assert(
      fc.asyncProperty(fc.nat(text.length), fc.string({ maxLength: 3 }), (position, insert) =>
        check(spec(b64(text.slice(0, position) + insert + text.slice(position + 1)))),
      ),
      { numRuns: 300 },
    );
  });
});
