/**
 * rekord's "minisign" format: known answers from Rekor's test data (test/fixtures/types/
 * rekord/minisign, see the README there; canonical values, leaf hashes and key-hash index
 * keys as Rekor's code produced them), fresh minisign and signify signatures made here with
 * node:crypto Ed25519 (legacy "Ed" and prehashed "ED" over an independent BLAKE2b-512), and
 * malformed input, which must only ever be refused with InvalidEntryError.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blake2b } from '@noble/hashes/blake2b';
import fc from 'fast-check';
import { InvalidEntryError } from '../../../src/errors';
import { minisignFormat } from '../../../src/types/rekord/minisign';

const DIR = join(__dirname, '..', '..', 'fixtures', 'types', 'rekord', 'minisign');
const file = (name: string) => readFileSync(join(DIR, name));
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const content = file('hello_world.txt');

/** The canonical body exactly as Rekor writes it (RFC 8785: keys sorted, no blanks). */
function canonicalBody(data: Buffer, signature: Buffer, key: Buffer): string {
  return (
    `{"apiVersion":"0.0.1","kind":"rekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"${sha256(data)}"}},` +
    `"signature":{"content":"${signature.toString('base64')}","format":"minisign","publicKey":{"content":"${key.toString('base64')}"}}}}`
  );
}
const leafHash = (body: string) => createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');

/** parse + verify as the rekord entry type runs them. */
function check(signature: Buffer, key: Buffer, data: Buffer) {
  const sig = minisignFormat.parseSignature(signature);
  const pub = minisignFormat.parsePublicKey(key);
  minisignFormat.verify(sig, pub, data);
  return { sig, pub };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidEntryError) return err.message;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('minisign known answers (Rekor test data)', () => {
  it.each([
    ['hello_world.txt.minisig', 'minisign.pub', 'f8d7066c978aaad47e8511656a5930afca3a7cd2de9f29dd227a5c2a11bcd2c6', '0f60040dac41a2a79009d34a53feb0dd03388259a618d731b033e4bc0b09aacf'],
    ['hello_world.txt.minisig', 'minisign_key_only.pub', 'f8d7066c978aaad47e8511656a5930afca3a7cd2de9f29dd227a5c2a11bcd2c6', '0f60040dac41a2a79009d34a53feb0dd03388259a618d731b033e4bc0b09aacf'],
    ['hello_world_hashed.txt.minisig', 'minisign_hashed.pub', 'cc9f93fddd8739b8d67fc78cd38745a50bf43747d769f58a3d5c8db655e572b4', 'e40593d95ec2c58d43c6c11cb5d1818275ee7fdd0f68aa3d0fe92098fbe5a27f'],
    ['hello_world.txt.signify', 'signify.pub', '610f7060629fd807b5461e9e634f79e28fc9668ede945da53b10c647c4dba331', 'c5324817c1baab2252dbafba92f53889ee4999f12e44dffa7824cf281774b5ba'],
  ])('%s with %s verifies; canonical values give Rekor’s leaf hash and key index key', (sigFile, keyFile, leaf, keyHash) => {
    const { sig, pub } = check(file(sigFile), file(keyFile), content);
    expect(sha256(pub.canonical)).toBe(keyHash);
    expect(leafHash(canonicalBody(content, sig.canonical, pub.canonical))).toBe(leaf);
    expect(pub.subjects).toEqual([]);
  });

  it('writes the canonical body Rekor writes for hello_world.txt.minisig + minisign.pub', () => {
    const { sig, pub } = check(file('hello_world.txt.minisig'), file('minisign.pub'), content);
    expect(canonicalBody(content, sig.canonical, pub.canonical)).toBe(
      '{"apiVersion":"0.0.1","kind":"rekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"c98c24b677eff44860afea6f493bbaec5bb1c4cbb209c6fc2bbb47f66ff2ad31"}},"signature":{"content":"dW50cnVzdGVkIGNvbW1lbnQ6ClJXUS9WSzRtRVpPU25Wc1AyYVZBY3dsQ0R1MFY1VlVxcUdlRTZtbmRIOXY3d1k0KytQclpkQjBIQlJ5VnB0NC9oMFZEelFJdkxlblBwbVRSU3gxNjA0QmFjNkpvejA4cGhnND0=","format":"minisign","publicKey":{"content":"UldRL1ZLNG1FWk9TblZGZjJOaEV0OVdWOHpFMVJjTjhtdEtlT083bVZqai9NQ0R2YjV0U1Y2UkQ="}}}}',
    );
    expect(sig.canonical.toString()).toBe(
      'untrusted comment:\nRWQ/VK4mEZOSnVsP2aVAcwlCDu0V5VUqqGeE6mndH9v7wY4++PrZdB0HBRyVpt4/h0VDzQIvLenPpmTRSx1604Bac6Joz08phg4=',
    );
    expect(pub.canonical.toString()).toBe('RWQ/VK4mEZOSnVFf2NhEt9WV8zE1RcN8mtKeOO7mVjj/MCDvb5tSV6RD');
  });

  it('keeps only the signature line: untrusted comment emptied, trusted comment and global signature dropped', () => {
    expect(minisignFormat.parseSignature(file('hello_world_hashed.txt.minisig')).canonical.toString()).toBe(
      'untrusted comment:\nRURIeCI9VBgUB9kPHyUwRtxZycb78g9wT6d+oRuXEKquv665OMM6CI64Z+hGcKiJg2ErfA50FCgmdiUw4EHErNMivjYajjO4EAQ=',
    );
    expect(minisignFormat.parseSignature(file('hello_world.txt.signify')).canonical.toString()).toBe(
      'untrusted comment:\nRWSZyj9wTc0QvMrf5en3xQSpQcAZCzNyW23BBPBPjQuFVek3KGzNtNCv60pob32eGBL9ZuuiG36GnvcOwFodj7l9dl1jbzNR6QE=',
    );
  });

  it('reads its own canonical signature back (as signify) to the same value', () => {
    for (const name of ['hello_world.txt.minisig', 'hello_world_hashed.txt.minisig', 'hello_world.txt.signify']) {
      const canonical = minisignFormat.parseSignature(file(name)).canonical;
      expect(minisignFormat.parseSignature(canonical).canonical).toEqual(canonical);
    }
  });

  it('takes the 32 raw key bytes Rekor once stored (algorithm "Ed", key id zero)', () => {
    const raw = Buffer.from(file('minisign_key_only.pub').toString().trim(), 'base64').subarray(10);
    const { pub } = check(file('hello_world.txt.minisig'), raw, content);
    expect(Buffer.from(pub.canonical.toString(), 'base64')).toEqual(Buffer.concat([Buffer.from('Ed'), Buffer.alloc(8), raw]));
  });

  it('refuses a signature under another key and a changed artifact with Rekor’s message', () => {
    expect(refusal(() => check(file('hello_world.txt.minisig'), file('signify.pub'), content))).toBe('failed to verify signature');
    const flipped = Buffer.from(content);
    flipped[3]! ^= 0x01;
    for (const [sig, key] of [
      ['hello_world.txt.minisig', 'minisign.pub'],
      ['hello_world_hashed.txt.minisig', 'minisign_hashed.pub'],
      ['hello_world.txt.signify', 'signify.pub'],
    ] as const) {
      expect(refusal(() => check(file(sig), file(key), flipped))).toBe('failed to verify signature');
    }
  });

  it.each([
    ['a signature file as the key', () => minisignFormat.parsePublicKey(file('hello_world.txt.minisig')), 'unable to read minisign public key: Invalid encoded public key'],
    ['the artifact as the key', () => minisignFormat.parsePublicKey(content), 'unable to read minisign public key: Invalid encoded public key'],
    ['a key file as the signature', () => minisignFormat.parseSignature(file('minisign.pub')), 'invalid signature provided: incorrect size 42 detected'],
    ['one line of text', () => minisignFormat.parseSignature(Buffer.from('garbage')), 'invalid signature provided: 1 lines detected'],
    ['five lines', () => minisignFormat.parseSignature(Buffer.from('a\nb\nc\nd\ne')), 'invalid signature provided: 5 lines detected'],
    ['bad base64', () => minisignFormat.parseSignature(Buffer.from('comment\nnot base64!')), 'invalid signature provided: base64 decoding failed'],
    ['unpadded base64', () => minisignFormat.parseSignature(Buffer.from('comment\nRWQ')), 'invalid signature provided: base64 decoding failed'],
  ])('refuses %s with Rekor’s message', (_, run, message) => {
    expect(refusal(run)).toBe(message);
  });
});

/** minisign's file formats, written as minisign writes them. */
function minisignKeyFile(algorithm: string, keyId: Buffer, publicKey: KeyObject): Buffer {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const line = Buffer.concat([Buffer.from(algorithm), keyId, raw]).toString('base64');
  return Buffer.from(`untrusted comment: minisign public key ${keyId.toString('hex').toUpperCase()}\n${line}\n`);
}

function minisignSignatureFile(algorithm: 'Ed' | 'ED', keyId: Buffer, privateKey: KeyObject, data: Buffer): Buffer {
  // The prehash is BLAKE2b-512 from @noble/hashes, independent of the implementation's node hash.
  const message = algorithm === 'ED' ? Buffer.from(blake2b(data, { dkLen: 64 })) : data;
  const signature = sign(null, message, privateKey);
  const trusted = 'trusted comment: timestamp:1700000000\tfile:artifact';
  const global = sign(null, Buffer.concat([signature, Buffer.from(trusted.slice('trusted comment: '.length))]), privateKey);
  const line = Buffer.concat([Buffer.from(algorithm), keyId, signature]).toString('base64');
  return Buffer.from(`untrusted comment: signature from minisign secret key\n${line}\n${trusted}\n${global.toString('base64')}\n`);
}

describe('fresh minisign and signify signatures (node:crypto Ed25519)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const keyId = randomBytes(8);
  const data = randomBytes(1000);

  it.each(['Ed', 'ED'] as const)('verifies a minisign "%s" signature, and not under another key', (algorithm) => {
    const signature = minisignSignatureFile(algorithm, keyId, privateKey, data);
    const { sig, pub } = check(signature, minisignKeyFile('Ed', keyId, publicKey), data);
    expect(Buffer.from(sig.canonical.toString().split('\n')[1]!, 'base64').subarray(0, 2).toString()).toBe(algorithm);
    expect(pub.canonical.toString()).toBe(minisignKeyFile('Ed', keyId, publicKey).toString().split('\n')[1]);
    expect(refusal(() => check(signature, minisignKeyFile('Ed', keyId, other.publicKey), data))).toBe('failed to verify signature');
    expect(refusal(() => check(signature, minisignKeyFile('Ed', keyId, publicKey), Buffer.concat([data, Buffer.from('x')])))).toBe(
      'failed to verify signature',
    );
  });

  it('does not mix the prehashed and the legacy message', () => {
    const prehashed = minisignSignatureFile('ED', keyId, privateKey, data).toString();
    const lines = prehashed.split('\n');
    const relabelled = Buffer.concat([Buffer.from('Ed'), Buffer.from(lines[1]!, 'base64').subarray(2)]).toString('base64');
    const asLegacy = Buffer.from([lines[0], relabelled, lines[2], lines[3], ''].join('\n'));
    expect(refusal(() => check(asLegacy, minisignKeyFile('Ed', keyId, publicKey), data))).toBe('failed to verify signature');
  });

  it('ignores the key id, the key algorithm and the trusted comment, as Rekor does', () => {
    const signature = minisignSignatureFile('Ed', keyId, privateKey, data);
    expect(() => check(signature, minisignKeyFile('XX', randomBytes(8), publicKey), data)).not.toThrow();
  });

  it('verifies a signify signature (two lines) and its bare key line', () => {
    const line = Buffer.concat([Buffer.from('Ed'), keyId, sign(null, data, privateKey)]).toString('base64');
    const signify = Buffer.from(`untrusted comment: verify with key.pub\n${line}\n`);
    const keyLine = minisignKeyFile('Ed', keyId, publicKey).toString().split('\n')[1]!;
    expect(() => check(signify, Buffer.from(keyLine), data)).not.toThrow();
    expect(() => check(signify, Buffer.from(`${keyLine}\n`), data)).not.toThrow();
    expect(refusal(() => check(signify, minisignKeyFile('Ed', keyId, other.publicKey), data))).toBe('failed to verify signature');
  });
});

describe('malformed minisign input', () => {
  const outcome = (run: () => unknown): 'ok' | 'refused' => {
    try {
      run();
      return 'ok';
    } catch (err) {
      if (err instanceof InvalidEntryError) return 'refused';
      throw err;
    }
  };

  it('answers every truncation of valid signatures and keys with a value or InvalidEntryError', () => {
    for (const name of ['hello_world.txt.minisig', 'hello_world_hashed.txt.minisig', 'hello_world.txt.signify']) {
      const bytes = file(name);
      for (let n = 0; n <= bytes.length; n++) outcome(() => minisignFormat.parseSignature(bytes.subarray(0, n)));
    }
    for (const name of ['minisign.pub', 'minisign_key_only.pub', 'signify.pub']) {
      const bytes = file(name);
      for (let n = 0; n <= bytes.length; n++) outcome(() => minisignFormat.parsePublicKey(bytes.subarray(0, n)));
    }
  });

  it('answers corrupted and random bytes with a value or InvalidEntryError', () => {
    const signature = file('hello_world.txt.minisig');
    const key = file('minisign.pub');
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 400 }), (at, xor, random) => {
        const sig = Buffer.from(signature);
        sig[at % sig.length]! ^= xor;
        const pub = Buffer.from(key);
        pub[at % pub.length]! ^= xor;
        outcome(() => check(sig, key, content));
        outcome(() => check(signature, pub, content));
        outcome(() => minisignFormat.parseSignature(Buffer.from(random)));
        outcome(() => minisignFormat.parsePublicKey(Buffer.from(random)));
      }),
      { numRuns: 500 },
    );
  });
});
