import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { VerificationError } from '@sigstore/verify';
import {
  type SetFields,
  type Signer,
  canonicalJson,
  setPayload,
  signEntryTimestamp,
  signerFromPem,
  verifyEntryTimestamp,
  verifySignature,
} from '../../src/crypto';
import { keyFile, publicLogs, readKeyText } from '../fixtures/crypto/fixtures';
import { tlogAuthorities, toTransparencyLogEntry, verifyTLogSET } from '../fixtures/crypto/sigstore-js';
import type { TLogEntryWithInclusionPromise } from '../fixtures/crypto/sigstore-js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const withOpenssl = hasOpenssl ? it : it.skip;

const ecdsa = signerFromPem(readKeyText('ecdsa-p256.pkcs8.pem'));
const ed25519 = signerFromPem(readKeyText('ed25519.pkcs8.pem'));
const SIGNERS: Array<[string, Signer]> = [
  ['ECDSA P-256', ecdsa],
  ['Ed25519', ed25519],
];

/** A hashedrekord canonical body, as the log stores it. */
const BODY = canonicalJson({
  apiVersion: '0.0.1',
  kind: 'hashedrekord',
  spec: {
    data: { hash: { algorithm: 'sha256', value: 'a'.repeat(64) } },
    signature: { content: 'MEUCIQ==', publicKey: { content: 'LS0tLS1CRUdJTg==' } },
  },
});

function fieldsFor(signer: Signer, overrides: Partial<SetFields> = {}): SetFields {
  return {
    body: BODY.toString('base64'),
    integratedTime: 1700000000,
    logID: signer.logId.toString('hex'),
    logIndex: 42,
    ...overrides,
  };
}

describe('setPayload', () => {
  it('is exactly {"body":…,"integratedTime":…,"logID":…,"logIndex":…} for fixed inputs', () => {
    const payload = setPayload({
      logIndex: 1234567,
      logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
      integratedTime: 1689177043,
      body: 'eyJhcGlWZXJzaW9uIjoiMC4wLjEifQ==',
    });
    expect(payload.toString('utf8')).toBe(
      '{"body":"eyJhcGlWZXJzaW9uIjoiMC4wLjEifQ==","integratedTime":1689177043,' +
        '"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d","logIndex":1234567}',
    );
  });

  it('signs only the four fields, whatever else the object carries', () => {
    const f = fieldsFor(ecdsa);
    const withExtra = { ...f, uuid: 'x', verification: {} } as SetFields;
    expect(setPayload(withExtra).equals(setPayload(f))).toBe(true);
  });

  it.each<[string, Partial<SetFields>]>([
    ['an uppercase logID', { logID: 'C0D23D6AD406973F9559F3BA2D1CA01F84147D8FFC5B8445C224F98B9591801D' }],
    ['a short logID', { logID: 'c0d23d6a' }],
    ['a base64 logID', { logID: 'wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=' }],
    ['a negative logIndex', { logIndex: -1 }],
    ['a fractional integratedTime', { integratedTime: 1.5 }],
    ['an integratedTime in milliseconds beyond 2^53', { integratedTime: 2 ** 53 }],
    ['a body that is not base64', { body: 'not base64!' }],
    ['an unpadded base64 body', { body: 'eyJ9' + 'YQ' }],
    ['a URL-safe base64 body', { body: 'ab-_' }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => setPayload(fieldsFor(ecdsa, overrides))).toThrow(TypeError);
  });
});

describe('signed entry timestamps from the public-good Rekor log', () => {
  const logs = publicLogs();
  const { tlogEntry } = logs.entries.rekorV1WithSetAndTimestampLine;
  const rekorKey = Buffer.from(logs.tlogs['rekor.sigstore.dev']!.publicKey.rawBytes, 'base64');
  const realFields: SetFields = {
    body: Buffer.from(tlogEntry.canonicalizedBody, 'base64').toString('base64'),
    integratedTime: Number(tlogEntry.integratedTime),
    logID: Buffer.from(tlogEntry.logId.keyId, 'base64').toString('hex'),
    logIndex: Number(tlogEntry.logIndex),
  };
  const realSet = Buffer.from(tlogEntry.inclusionPromise!.signedEntryTimestamp, 'base64');

  it('verify with the public key (so our payload bytes are the ones Rekor signs)', () => {
    expect(realFields.logID).toBe('c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d');
    expect(verifyEntryTimestamp(rekorKey, realFields, realSet)).toBe(true);
  });

  it.each<[string, Partial<SetFields>]>([
    ['logIndex', { logIndex: realFields.logIndex + 1 }],
    ['integratedTime', { integratedTime: realFields.integratedTime - 1 }],
    ['body', { body: Buffer.from(Buffer.from(realFields.body, 'base64').toString('utf8').replace('dsse', 'DSSE')).toString('base64') }],
  ])('do not verify once %s changes', (_name, overrides) => {
    expect(verifyEntryTimestamp(rekorKey, { ...realFields, ...overrides }, realSet)).toBe(false);
  });
});

describe.each(SIGNERS)('signed entry timestamps by an %s key', (_name, signer) => {
  const f = fieldsFor(signer);

  it('verify', () => {
    const set = signEntryTimestamp(signer, f);
    expect(verifyEntryTimestamp(signer.publicKeyDer, f, set)).toBe(true);
  });

  it('are a signature over the canonical payload bytes', () => {
    const set = signEntryTimestamp(signer, f);
    expect(verifySignature(signer.publicKeyDer, setPayload(f), set)).toBe(true);
  });

  it('do not verify after any one byte of the SET changes', () => {
    const set = signEntryTimestamp(signer, f);
    for (let i = 0; i < set.length; i++) {
      const bad = Buffer.from(set);
      bad[i]! ^= 0x80;
      expect(verifyEntryTimestamp(signer.publicKeyDer, f, bad)).toBe(false);
    }
  });

  it('do not verify for other field values', () => {
    const set = signEntryTimestamp(signer, f);
    expect(verifyEntryTimestamp(signer.publicKeyDer, { ...f, logIndex: 43 }, set)).toBe(false);
    expect(verifyEntryTimestamp(signer.publicKeyDer, { ...f, integratedTime: 1700000001 }, set)).toBe(false);
    expect(verifyEntryTimestamp(signer.publicKeyDer, { ...f, body: 'e30=' }, set)).toBe(false);
  });

  it('do not verify with another key, nor when logID names another key', () => {
    const other = signer === ecdsa ? ed25519 : ecdsa;
    const set = signEntryTimestamp(signer, f);
    expect(verifyEntryTimestamp(other.publicKeyDer, f, set)).toBe(false);
    expect(verifyEntryTimestamp(other.publicKeyDer, { ...f, logID: other.logId.toString('hex') }, set)).toBe(false);
  });

  it("cannot be made for a logID that is not the signer's", () => {
    expect(() => signEntryTimestamp(signer, { ...f, logID: 'ab'.repeat(32) })).toThrow(/not the signer's log ID/);
  });
});

describe('signed entry timestamps and the openssl command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-set-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  withOpenssl('openssl verifies an ECDSA SET over the payload bytes with SHA-256', () => {
    const f = fieldsFor(ecdsa);
    fs.writeFileSync(path.join(dir, 'payload'), setPayload(f));
    fs.writeFileSync(path.join(dir, 'set'), signEntryTimestamp(ecdsa, f));
    const r = spawnSync(
      'openssl',
      ['dgst', '-sha256', '-verify', keyFile('ecdsa-p256.pub.pem'), '-signature', path.join(dir, 'set'), path.join(dir, 'payload')],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('Verified OK');
  });

  withOpenssl('openssl verifies an Ed25519 SET as pure Ed25519 over the payload bytes', () => {
    const f = fieldsFor(ed25519);
    fs.writeFileSync(path.join(dir, 'payload'), setPayload(f));
    fs.writeFileSync(path.join(dir, 'set'), signEntryTimestamp(ed25519, f));
    const r = spawnSync(
      'openssl',
      ['pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', keyFile('ed25519.pub.pem'), '-in', path.join(dir, 'payload'), '-sigfile', path.join(dir, 'set')],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('Signature Verified Successfully');
  });
});

describe("sigstore-js's own SET verification (@sigstore/verify verifyTLogSET)", () => {
  const BASE_URL = 'https://glasslog.example.test';

  function entryFor(f: SetFields, set: Buffer): TLogEntryWithInclusionPromise {
    return toTransparencyLogEntry({
      body: f.body,
      integratedTime: f.integratedTime,
      logID: f.logID,
      logIndex: f.logIndex,
      verification: { signedEntryTimestamp: set.toString('base64') },
    }) as TLogEntryWithInclusionPromise;
  }

  function authorities(signer: Signer, validFor?: { start: string; end?: string }) {
    return tlogAuthorities([
      {
        baseUrl: BASE_URL,
        publicKeyDer: signer.publicKeyDer,
        keyDetails: signer.keyType === 'ed25519' ? 'PKIX_ED25519' : 'PKIX_ECDSA_P256_SHA_256',
        logId: signer.logId,
        validFor,
      },
    ]);
  }

  it.each(SIGNERS)('accepts our SET signed with an %s key', (_name, signer) => {
    const f = fieldsFor(signer);
    const set = signEntryTimestamp(signer, f);
    expect(() => verifyTLogSET(entryFor(f, set), authorities(signer))).not.toThrow();
  });

  it.each(SIGNERS)('rejects our %s SET when the entry it is attached to differs', (_name, signer) => {
    const f = fieldsFor(signer);
    const set = signEntryTimestamp(signer, f);
    const entry = entryFor({ ...f, logIndex: f.logIndex + 1 }, set);
    expect(() => verifyTLogSET(entry, authorities(signer))).toThrow(VerificationError);
  });

  it("rejects a SET when integratedTime is outside the trusted key's validFor window", () => {
    const f = fieldsFor(ecdsa); // 2023-11-14
    const set = signEntryTimestamp(ecdsa, f);
    expect(() => verifyTLogSET(entryFor(f, set), authorities(ecdsa, { start: '2024-01-01T00:00:00Z' }))).toThrow(
      /inclusion promise could not be verified/,
    );
  });

  it('accepts the real public-good SET, so this harness is a fair judge', () => {
    const logs = publicLogs();
    const { tlogEntry } = logs.entries.rekorV1WithSetAndTimestampLine;
    const key = logs.tlogs['rekor.sigstore.dev']!;
    const auth = tlogAuthorities([
      {
        baseUrl: key.baseUrl,
        publicKeyDer: Buffer.from(key.publicKey.rawBytes, 'base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        logId: Buffer.from(key.logId.keyId, 'base64'),
        validFor: { start: key.publicKey.validFor!.start! },
      },
    ]);
    const entry = toTransparencyLogEntry({
      body: tlogEntry.canonicalizedBody,
      integratedTime: Number(tlogEntry.integratedTime),
      logID: Buffer.from(tlogEntry.logId.keyId, 'base64').toString('hex'),
      logIndex: Number(tlogEntry.logIndex),
      verification: { signedEntryTimestamp: tlogEntry.inclusionPromise!.signedEntryTimestamp },
    }) as TLogEntryWithInclusionPromise;
    expect(() => verifyTLogSET(entry, auth)).not.toThrow();
  });
});
