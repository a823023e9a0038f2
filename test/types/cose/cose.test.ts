/**
 * cose 0.0.1: known answers produced by Rekor's own Go code (test/fixtures/types/cose),
 * fresh COSE_Sign1 messages encoded here by hand and signed with node:crypto, Rekor's
 * refusals, and the CBOR reader's robustness on hostile input.
 */
import { constants, createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { InvalidEntryError } from '../../../src/errors';
import { checkWellFormed, decodeCbor } from '../../../src/types/cose/cbor';
import { parseSign1 } from '../../../src/types/cose/sign1';
import { createCoseV001, inTotoSubjectDigests } from '../../../src/types/cose/v0.0.1';
import { cpuMillis } from '../../helpers/cpu-time';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'types', 'cose');
const cose = createCoseV001();

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');

// --- a hand-rolled deterministic CBOR encoder for the messages built here -------------------

function head(major: number, n: number | bigint): Buffer {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 24n) return Buffer.from([m | Number(v)]);
  if (v < 0x100n) return Buffer.from([m | 24, Number(v)]);
  if (v < 0x10000n) return Buffer.from([m | 25, Number(v >> 8n), Number(v & 0xffn)]);
  if (v < 0x100000000n) {
    const b = Buffer.alloc(5);
    b[0] = m | 26;
    b.writeUInt32BE(Number(v), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = m | 27;
  b.writeBigUInt64BE(v, 1);
  return b;
}
const int = (n: number) => (n >= 0 ? head(0, n) : head(1, -1 - n));
const bstr = (b: Buffer) => Buffer.concat([head(2, b.length), b]);
const tstr = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([head(3, b.length), b]);
};
const arr = (items: Buffer[]) => Buffer.concat([head(4, items.length), ...items]);
const map = (pairs: Array<[Buffer, Buffer]>) => Buffer.concat([head(5, pairs.length), ...pairs.flat()]);

interface Sign1Options {
  protectedMap?: Buffer;
  unprotected?: Buffer;
  payload?: Buffer | null;
  aad?: Buffer;
  key: KeyObject;
  alg?: 'ES256' | 'PS256';
  tagged?: boolean;
}

/** COSE_Sign1_Tagged, signed over Sig_structure = ["Signature1", protected, aad, payload]. */
function sign1(o: Sign1Options): Buffer {
  const protectedMap = o.protectedMap ?? map([[int(1), int(o.alg === 'PS256' ? -37 : -7)]]);
  const payload = o.payload === undefined ? Buffer.from('hello') : o.payload;
  const toBeSigned = arr([tstr('Signature1'), bstr(protectedMap), bstr(o.aad ?? Buffer.alloc(0)), bstr(payload ?? Buffer.alloc(0))]);
  const signature =
    o.alg === 'PS256'
      ? sign('sha256', toBeSigned, { key: o.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
      : sign('sha256', toBeSigned, { key: o.key, dsaEncoding: 'ieee-p1363' });
  const body = arr([bstr(protectedMap), o.unprotected ?? map([]), payload === null ? Buffer.from([0xf6]) : bstr(payload), bstr(signature)]);
  return o.tagged === false ? body : Buffer.concat([Buffer.from([0xd2]), body]);
}

function newKey(type: 'p256' | 'p384' | 'rsa' | 'ed25519'): { privateKey: KeyObject; pem: string } {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: type === 'p256' ? 'P-256' : 'P-384' });
  return { privateKey: pair.privateKey, pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const spec = (message: Buffer, pem: string, data: Record<string, unknown> = {}) => ({ message: b64(message), publicKey: b64(pem), data });

async function refused(s: unknown, message: string): Promise<void> {
  let error: unknown;
  try {
    await cose.canonicalize(s);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(InvalidEntryError);
  expect((error as Error).message).toBe(message);
}

// --- known answers ---------------------------------------------------------------------------

interface Expected {
  file: string;
  stage?: string;
  error?: string;
  canonicalBody?: string;
  indexKeys?: string[];
  attestationKey?: string;
  attestationLen?: number;
}

describe('cose 0.0.1 known answers from Rekor', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Expected[];

  it('covers every fixture case', () => {
    expect(expected).toHaveLength(26);
  });

  for (const answer of expected) {
    const name = answer.file.replace(/^cases\/|\.json$/g, '');
    it(`${name}: ${answer.error ?? 'accepted'}`, async () => {
      const proposed = JSON.parse(readFileSync(join(FIXTURES, answer.file), 'utf8')) as { spec: { message?: string } };
      if (answer.error !== undefined) {
        expect(answer.stage).toBe('create(400)');
        await refused(proposed.spec, answer.error);
        return;
      }
      const entry = await cose.canonicalize(proposed.spec);
      expect(entry.kind).toBe('cose');
      expect(entry.apiVersion).toBe('0.0.1');
      expect(entry.canonicalBody.toString('utf8')).toBe(answer.canonicalBody);
      // Rekor's order; the log lowercases and deduplicates.
      expect(entry.indexKeys).toEqual([...new Set(answer.indexKeys!.map((k) => k.toLowerCase()))]);
      const message = Buffer.from(proposed.spec.message!, 'base64');
      expect(answer.attestationKey).toBe(`sha256:${sha256(message)}`);
      expect(entry.attestation?.length).toBe(answer.attestationLen);
      expect(entry.attestation?.equals(message)).toBe(true);
    });
  }
});

interface OracleCase {
  spec: unknown;
  error?: string;
  canonicalBody?: string;
  indexKeys?: string[];
  attestationLength?: number;
}

describe("cose 0.0.1 against Rekor's answers on edge cases and mutated messages", () => {
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'rekor-oracle.json'), 'utf8')) as OracleCase[];

  it('has accepted and refused cases', () => {
    expect(cases.filter((c) => c.error === undefined).length).toBeGreaterThan(40);
    expect(cases.filter((c) => c.error !== undefined).length).toBeGreaterThan(250);
  });

  it('gives the same canonical body, index keys, attestation or error text for every case', async () => {
    const mismatches: string[] = [];
    for (const [i, c] of cases.entries()) {
      try {
        const entry = await cose.canonicalize(c.spec);
        if (c.error !== undefined) mismatches.push(`#${i}: accepted, Rekor says ${c.error}`);
        else if (
          entry.canonicalBody.toString('utf8') !== c.canonicalBody ||
          JSON.stringify([...entry.indexKeys].sort()) !== JSON.stringify([...c.indexKeys!].sort()) ||
          (entry.attestation?.length ?? 0) !== c.attestationLength
        ) {
          mismatches.push(`#${i}: different entry`);
        }
      } catch (err) {
        if (!(err instanceof InvalidEntryError)) mismatches.push(`#${i}: threw ${String(err)}`);
        else if (err.message !== c.error) mismatches.push(`#${i}: "${err.message}", Rekor says "${c.error ?? 'accepted'}"`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

// --- fresh material ----------------------------------------------------------------------------

describe('cose 0.0.1 with fresh keys', () => {
  const p256 = newKey('p256');
  const rsa = newKey('rsa');

  function expectEntry(entry: Awaited<ReturnType<typeof cose.canonicalize>>, message: Buffer, payload: Buffer, pem: string): void {
    expect(entry.canonicalBody.toString('utf8')).toBe(
      '{"apiVersion":"0.0.1","kind":"cose","spec":{"data":{' +
        `"envelopeHash":{"algorithm":"sha256","value":"${sha256(message)}"},` +
        `"payloadHash":{"algorithm":"sha256","value":"${sha256(payload)}"}},` +
        `"publicKey":"${b64(pem)}"}}`,
    );
    expect(entry.indexKeys.slice(0, 3)).toEqual([sha256(pem), `sha256:${sha256(message)}`, `sha256:${sha256(payload)}`]);
    expect(entry.attestation?.equals(message)).toBe(true);
  }

  it('accepts an ES256 message without aad', async () => {
    const payload = Buffer.from('fresh payload');
    const message = sign1({ key: p256.privateKey, payload });
    const entry = await cose.canonicalize(spec(message, p256.pem));
    expectEntry(entry, message, payload, p256.pem);
    expect(entry.indexKeys).toHaveLength(3);
  });

  it('accepts an ES256 message with aad, which the body does not keep', async () => {
    const payload = Buffer.from('with aad');
    const aad = Buffer.from('external data');
    const message = sign1({ key: p256.privateKey, payload, aad });
    const entry = await cose.canonicalize(spec(message, p256.pem, { aad: b64(aad) }));
    expectEntry(entry, message, payload, p256.pem);
    expect(entry.canonicalBody.toString()).not.toContain(b64(aad));
  });

  it('accepts a message without alg when aad is given, and an empty payload', async () => {
    const aad = Buffer.from('x');
    const message = sign1({ key: p256.privateKey, protectedMap: Buffer.alloc(0), payload: Buffer.alloc(0), aad });
    // An empty protected header is the empty byte string.
    expect(message.subarray(0, 3)).toEqual(Buffer.from([0xd2, 0x84, 0x40]));
    const entry = await cose.canonicalize(spec(message, p256.pem, { aad: b64(aad) }));
    expectEntry(entry, message, Buffer.alloc(0), p256.pem);
  });

  it('accepts a PS256 message with an RSA key', async () => {
    const message = sign1({ key: rsa.privateKey, alg: 'PS256' });
    expectEntry(await cose.canonicalize(spec(message, rsa.pem)), message, Buffer.from('hello'), rsa.pem);
  });

  it('ignores client-supplied hashes and re-encodes the key as canonical PEM', async () => {
    const message = sign1({ key: p256.privateKey });
    const sloppyPem = `\n\n${p256.pem.replace(/\n/g, '\r\n')}   \n`;
    const entry = await cose.canonicalize(
      spec(message, sloppyPem, { payloadHash: { algorithm: 'sha256', value: 'bogus' }, envelopeHash: { algorithm: 'sha256', value: 'bogus' } }),
    );
    expectEntry(entry, message, Buffer.from('hello'), p256.pem);
  });

  it('indexes the subject digests of an in-toto payload named by its content type', async () => {
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: [
        { name: 'a', digest: { sha256: 'AB12' } },
        { name: 'b', digest: { sha512: 'cd34' } },
      ],
    };
    const payload = Buffer.from(JSON.stringify(statement));
    const protectedMap = map([
      [int(1), int(-7)],
      [int(3), tstr('application/vnd.in-toto+json')],
    ]);
    const message = sign1({ key: p256.privateKey, payload, protectedMap });
    const entry = await cose.canonicalize(spec(message, p256.pem));
    expect(entry.indexKeys.slice(3)).toEqual(['sha256:ab12', 'sha512:cd34']);
    // An integer content type (a CoAP content format) is not read.
    const other = sign1({ key: p256.privateKey, payload, protectedMap: map([[int(1), int(-7)], [int(3), int(50)]]) });
    expect((await cose.canonicalize(spec(other, p256.pem))).indexKeys).toHaveLength(3);
  });

  it('reads in-toto subjects as encoding/json does', () => {
    const keys = (text: string) => inTotoSubjectDigests(Buffer.from(text));
    expect(keys('{"subject":[{"digest":{"a":"b"}}]}')).toEqual(['a:b']);
    expect(keys('{"SUBJECT":[{"Digest":{"a":"b"}}]}')).toEqual(['a:b']);
    expect(keys('{"subject":[{"digest":{"a":null}}]}')).toEqual(['a:']);
    expect(keys('{"subject":[{"digest":{"a":1}}]}')).toEqual([]);
    expect(keys('{"subject":[{"digest":{"a":"b"}}],"subject":[null,{"digest":{"c":"d"}}]}')).toEqual(['a:b', 'c:d']);
    expect(keys('{"subject":[{"digest":{"a":"b"}}],"subject":[{"digest":{"c":"d"}}]}')).toEqual(['a:b', 'c:d']);
    expect(keys('{"subject":[{"digest":{"a":"b"}}]} trailing')).toEqual([]);
    expect(keys(`{"subject":[{"digest":{"a":"b"}}],"x":${'['.repeat(10000)}${']'.repeat(10000)}}`)).toEqual([]);
    expect(keys(`{"subject":[{"digest":{"a":"b"}}],"x":${'['.repeat(9999)}${']'.repeat(9999)}}`)).toEqual(['a:b']);
  });

  it('keeps the message as attestation up to the size limit only', async () => {
    const message = sign1({ key: p256.privateKey });
    const s = spec(message, p256.pem);
    expect((await createCoseV001({ maxAttestationSize: message.length }).canonicalize(s)).attestation?.equals(message)).toBe(true);
    expect((await createCoseV001({ maxAttestationSize: message.length - 1 }).canonicalize(s)).attestation).toBeUndefined();
    expect((await createCoseV001({ maxAttestationSize: 0 }).canonicalize(s)).attestation).toBeUndefined();
  });

  it('verifies the protected header bytes as sent, with a minimal length head', async () => {
    // A protected header with a non-minimal bstr head (0x59 0x00 0x03): Sig_structure re-minimises the head.
    const protectedMap = map([[int(1), int(-7)]]);
    const good = sign1({ key: p256.privateKey, protectedMap });
    const odd = Buffer.concat([good.subarray(0, 2), Buffer.from([0x59, 0x00, protectedMap.length]), good.subarray(3)]);
    const entry = await cose.canonicalize(spec(odd, p256.pem));
    expect(entry.canonicalBody.toString()).toContain(sha256(odd));
  });

  it('accepts a countersignature in the unprotected header without verifying it', async () => {
    const counter = arr([bstr(map([[int(1), int(-7)]])), map([]), bstr(Buffer.from([1, 2]))]);
    const message = sign1({ key: p256.privateKey, unprotected: map([[int(7), counter]]) });
    await expect(cose.canonicalize(spec(message, p256.pem))).resolves.toBeDefined();
  });
});

// --- refusals ----------------------------------------------------------------------------------

describe('cose 0.0.1 refusals', () => {
  const p256 = newKey('p256');
  const good = sign1({ key: p256.privateKey });

  it('refuses a signature by another key', async () => {
    await refused(spec(good, newKey('p256').pem), 'verification error');
  });

  it('refuses a tampered payload', async () => {
    const tampered = Buffer.from(good);
    tampered[tampered.indexOf(Buffer.from('hello'))] ^= 1;
    await refused(spec(tampered, p256.pem), 'verification error');
  });

  it('refuses missing or wrong aad', async () => {
    const message = sign1({ key: p256.privateKey, aad: Buffer.from('aad') });
    await refused(spec(message, p256.pem), 'verification error');
    await refused(spec(message, p256.pem, { aad: b64('other') }), 'verification error');
  });

  it('refuses an untagged message', async () => {
    await refused(spec(sign1({ key: p256.privateKey, tagged: false }), p256.pem), 'cbor: invalid COSE_Sign1_Tagged object');
  });

  it('refuses bad CBOR with fxamacker/cbor messages', async () => {
    await refused(spec(good.subarray(0, good.length - 1), p256.pem), 'unexpected EOF');
    await refused(spec(Buffer.concat([good, Buffer.from([0])]), p256.pem), `cbor: 1 bytes of extraneous data starting at index ${good.length - 1}`);
    const indefinite = Buffer.concat([good.subarray(0, 6), Buffer.from([0xbf, 0xff]), good.subarray(7)]);
    expect(good[6]).toBe(0xa0);
    await refused(spec(indefinite, p256.pem), "cbor: indefinite-length map isn't allowed");
    const tagged = Buffer.concat([good.subarray(0, 6), Buffer.from([0xa1, 0x04, 0xc1, 0x00]), good.subarray(7)]);
    await refused(spec(tagged, p256.pem), "cbor: CBOR tag isn't allowed");
    const duplicate = Buffer.concat([good.subarray(0, 6), Buffer.from([0xa2, 0x05, 0x40, 0x05, 0x40]), good.subarray(7)]);
    await refused(
      spec(duplicate, p256.pem),
      'cbor: invalid unprotected header: cbor: found duplicate map key cose.headerLabelValidator{value:5} at map element index 1',
    );
  });

  it('refuses unsupported key types before reading the message', async () => {
    await refused(spec(Buffer.from('not cbor'), newKey('ed25519').pem), 'unsupported algorithm type ed25519.PublicKey');
    await refused(spec(Buffer.from('not cbor'), newKey('p384').pem), 'unsupported elliptic curve P-384');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await refused(spec(good, small), 'RSA key must be at least 2048 bits long');
  });

  it('refuses an algorithm the key cannot verify, or none', async () => {
    const ps = sign1({ key: p256.privateKey, protectedMap: map([[int(1), int(-37)]]) });
    await refused(spec(ps, p256.pem), 'algorithm mismatch: verifier ES256: header PS256');
    await refused(spec(sign1({ key: p256.privateKey, protectedMap: Buffer.alloc(0) }), p256.pem), 'algorithm not found');
    await refused(spec(sign1({ key: p256.privateKey, protectedMap: map([[int(1), tstr('ES256')]]) }), p256.pem), 'Algorithm("ES256")');
  });

  it('refuses a detached payload, and a message without data', async () => {
    await refused(spec(sign1({ key: p256.privateKey, payload: null }), p256.pem), 'missing payload');
    await refused({ message: b64(good), publicKey: b64(p256.pem) }, 'cose object data cannot be nil');
  });

  it('refuses what the generated model refuses, with go-openapi texts', async () => {
    await refused({ message: b64(good), data: {} }, 'validation failure list:\npublicKey in body is required');
    await refused(
      { data: { payloadHash: {} } },
      'validation failure list:\ndata.data.payloadHash.data.payloadHash.algorithm in body is required\npublicKey in body is required',
    );
    await refused(
      { message: b64(good), publicKey: b64(p256.pem), data: { envelopeHash: { algorithm: 'sha512', value: 'x' } } },
      'validation failure list:\ndata.data.envelopeHash.data.envelopeHash.algorithm in body should be one of [sha256]',
    );
  });

  it("refuses bad base64 with Go's offsets, and a spec that is not an object", async () => {
    await refused({ message: '***', publicKey: b64(p256.pem), data: {} }, 'failed parsing base64 data for message: illegal base64 data at input byte 0');
    // Go reports the byte before a bad second padding character.
    await refused({ message: 'QQ=x', publicKey: b64(p256.pem), data: {} }, 'failed parsing base64 data for message: illegal base64 data at input byte 2');
    await refused({ message: b64(good), publicKey: 'AB', data: {} }, 'failed parsing base64 data for publicKey: illegal base64 data at input byte 0');
    await refused({ message: b64(good), publicKey: b64(p256.pem), data: { aad: 'QUJD=' } }, 'failed parsing base64 data for aad: illegal base64 data at input byte 4');
    await refused([], 'unsupported input type []interface {} for DecodeEntry');
    await refused('x', 'unsupported input type string for DecodeEntry');
  });

  it('refuses an entry without a message (only a stored entry has none)', async () => {
    await refused({ publicKey: b64(p256.pem), data: {} }, 'envelope hash should have been previously computed');
    await refused({ publicKey: b64(p256.pem), data: { envelopeHash: { algorithm: 'sha256', value: 'zz' } } }, "encoding/hex: invalid byte: U+007A 'z'");
    await refused({ publicKey: b64(p256.pem), data: { envelopeHash: { algorithm: 'sha256', value: 'abc' } } }, 'encoding/hex: odd length hex string');
    await refused(
      { message: '', publicKey: b64(p256.pem), data: { envelopeHash: { algorithm: 'sha256', value: sha256('x') } } },
      'entry not insertable into log: missing COSE Sign1 message',
    );
  });

  it('refuses malformed keys', async () => {
    await refused(spec(good, 'junk'), 'invalid public key: failure decoding PEM');
  });

  it('checks COSE header parameters as go-cose does', async () => {
    const withProtected = (pairs: Array<[Buffer, Buffer]>) => spec(sign1({ key: p256.privateKey, protectedMap: map(pairs) }), p256.pem);
    await refused(
      withProtected([
        [int(1), int(-7)],
        [int(2), arr([int(99)])],
      ]),
      'cbor: invalid protected header: protected header: header parameter: crit: missing critical header: 99',
    );
    await refused(
      withProtected([
        [int(1), int(-7)],
        [int(7), Buffer.from([0xf6])],
      ]),
      'cbor: invalid protected header: protected header: header parameter: counter signature: not allowed',
    );
    await refused(
      withProtected([
        [int(1), int(-7)],
        [int(3), tstr('no-slash')],
      ]),
      'cbor: invalid protected header: protected header: header parameter: content type: require text of form type/subtype',
    );
    await refused(
      withProtected([
        [int(1), int(-7)],
        [arr([]), int(0)],
      ]),
      'cbor: invalid protected header: cbor: header label: require int / tstr type',
    );
    const unprotected = map([[int(2), arr([int(1)])]]);
    await refused(
      spec(sign1({ key: p256.privateKey, unprotected }), p256.pem),
      'cbor: invalid unprotected header: unprotected header: header parameter: crit: not allowed',
    );
  });
});

// --- the CBOR reader on hostile input ----------------------------------------------------------

function onlyInvalidEntryErrors(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof InvalidEntryError)) throw err;
  }
}

describe('cose CBOR reader robustness', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const messages = [
    sign1({ key }),
    sign1({ key, aad: Buffer.from('a'), unprotected: map([[int(4), bstr(Buffer.from('kid'))], [tstr('x'), arr([int(1), map([])])]]) }),
    sign1({ key, protectedMap: map([[int(1), int(-7)], [int(100), Buffer.from('c074323032302d30312d30315430303a30303a30305a', 'hex')]]) }),
  ];

  it('gives InvalidEntryError for every truncation of a valid message', () => {
    for (const message of messages) {
      for (let n = 0; n < message.length; n++) {
        expect(() => parseSign1(message.subarray(0, n))).toThrow(InvalidEntryError);
      }
      expect(parseSign1(message).signature.length).toBe(64);
    }
  });

  it('only ever gives InvalidEntryError on random bytes and random mutations', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, prefixed) => {
        const input = prefixed ? Buffer.concat([Buffer.from([0xd2, 0x84]), bytes]) : Buffer.from(bytes);
        onlyInvalidEntryErrors(() => parseSign1(input));
        onlyInvalidEntryErrors(() => decodeCbor(input, { tagsAllowed: true }));
        onlyInvalidEntryErrors(() => decodeCbor(input, { tagsAllowed: false }));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...messages), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat({ max: 3 }), (message, at, byte, how) => {
        const i = at % message.length;
        const mutated =
          how === 0
            ? Buffer.concat([message.subarray(0, i), Buffer.from([byte]), message.subarray(i + 1)])
            : how === 1
              ? Buffer.concat([message.subarray(0, i), Buffer.from([byte]), message.subarray(i)])
              : how === 2
                ? Buffer.concat([message.subarray(0, i), message.subarray(i + 1)])
                : Buffer.concat([message, Buffer.from([byte])]);
        onlyInvalidEntryErrors(() => parseSign1(mutated));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses deep nesting without exhausting the stack', () => {
    const deep = Buffer.concat([Buffer.alloc(100000, 0x81), Buffer.from([0x00])]);
    expect(() => checkWellFormed(deep, { tagsAllowed: false })).toThrow('cbor: exceeded max nested level 32');
    const tags = Buffer.concat([Buffer.alloc(100000, 0xc5), Buffer.from([0x00])]);
    expect(() => decodeCbor(tags, { tagsAllowed: true })).toThrow('cbor: exceeded max nested level 32');
    // 32 levels are allowed, 33 are not.
    expect(() => decodeCbor(Buffer.concat([Buffer.alloc(32, 0x81), Buffer.from([0])]), { tagsAllowed: false })).not.toThrow();
    expect(() => decodeCbor(Buffer.concat([Buffer.alloc(33, 0x81), Buffer.from([0])]), { tagsAllowed: false })).toThrow(
      'cbor: exceeded max nested level 32',
    );
    // In a message: the outer array and the unprotected map count as two levels.
    const nested = (depth: number) => Buffer.concat([Buffer.alloc(depth, 0x81), Buffer.from([0])]);
    const inUnprotected = (depth: number) => sign1({ key, unprotected: map([[int(100), nested(depth)]]) });
    expect(() => parseSign1(inUnprotected(30))).not.toThrow();
    expect(() => parseSign1(inUnprotected(31))).toThrow('cbor: exceeded max nested level 32');
  });

  it('refuses lengths beyond the input before allocating anything', () => {
    const cases: Array<[string, string]> = [
      ['5b7fffffffffffffff', 'unexpected EOF'],
      ['5b8000000000000000', 'cbor: byte string length 9223372036854775808 is too large, causing integer overflow'],
      ['7bffffffffffffffff', 'cbor: UTF-8 text string length 18446744073709551615 is too large, causing integer overflow'],
      ['9bffffffffffffffff', 'cbor: array length 18446744073709551615 is too large, it would cause integer overflow'],
      ['9a00020001', 'cbor: exceeded max number of elements 131072 for CBOR array'],
      ['ba00020001', 'cbor: exceeded max number of key-value pairs 131072 for CBOR map'],
      ['9a00020000', 'unexpected EOF'],
      ['1c', 'cbor: invalid additional information 28 for type positive integer'],
      ['ff', 'cbor: unexpected "break" code'],
      ['f801', 'cbor: invalid simple value 1 for type primitives'],
      ['', 'EOF'],
    ];
    for (const [hex, message] of cases) {
      expect(() => decodeCbor(Buffer.from(hex, 'hex'), { tagsAllowed: true })).toThrow(message);
    }
  });

  it('decodes header values as Go does: int64 range, UTF-8, duplicate keys, built-in tags', () => {
    const fails = (hex: string, message: string) => expect(() => decodeCbor(Buffer.from(hex, 'hex'), { tagsAllowed: true })).toThrow(message);
    fails('1bffffffffffffffff', "cbor: cannot unmarshal positive integer into Go value of type int64 (18446744073709551615 overflows Go's int64)");
    fails('61ff', 'cbor: invalid UTF-8 string');
    fails('a2f93c00f6fb3ff0000000000000f6', 'cbor: found duplicate map key 1 at map element index 1');
    fails('a2616101616102', 'cbor: found duplicate map key "a" at map element index 1');
    fails('a18001', 'cbor: invalid map key type: []interface {}');
    fails('c001', 'cbor: tag number 0 must be followed by text string, got positive integer');
    fails('c06a323032302d31332d3031', 'cbor: cannot set 2020-13-01 for time.Time: parsing time "2020-13-01": month out of range');
    expect(decodeCbor(Buffer.from('3bffffffffffffffff', 'hex'), { tagsAllowed: true })).toEqual({ type: 'big.Int', value: -(2n ** 64n) });
    // NaN keys are never equal in Go.
    expect(() => decodeCbor(Buffer.from('a2f97e00f6f97e00f6', 'hex'), { tagsAllowed: true })).not.toThrow();
  });

  it('stays linear on a wide, large header', async () => {
    const wide = Buffer.concat([Buffer.from([0x9a, 0x00, 0x02, 0x00, 0x00]), Buffer.alloc(131072, 0x80)]);
    const pairs = Array.from({ length: 4 }, (_, i): [Buffer, Buffer] => [int(100 + i), wide]);
    const message = sign1({ key, unprotected: map(pairs) });
    const { ms } = await cpuMillis(() => expect(() => parseSign1(message)).not.toThrow());
    expect(ms).toBeLessThan(5000);
    expect(() => parseSign1(Buffer.concat([message.subarray(0, 100), randomBytes(10)]))).toThrow(InvalidEntryError);
  });
});
