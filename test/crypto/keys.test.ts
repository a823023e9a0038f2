import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  type KeyType,
  generateSigningKey,
  loadSigner,
  logIdOf,
  signerFromPem,
  verifySignature,
} from '../../src/crypto';
import { keyFile, readKey, readKeyText } from '../fixtures/crypto/fixtures';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const withOpenssl = hasOpenssl ? it : it.skip;

const FIXTURE_KEYS: Array<{ type: KeyType; base: string }> = [
  { type: 'ecdsa-p256', base: 'ecdsa-p256' },
  { type: 'ed25519', base: 'ed25519' },
];

describe('log IDs', () => {
  it.each(FIXTURE_KEYS)(
    'the $type fixture key has the log ID openssl computes as SHA-256 of its public key DER',
    ({ base }) => {
      const opensslLogId = readKeyText(`${base}.logid.hex`).trim();
      const der = readKey(`${base}.pub.der`);
      expect(logIdOf(der).toString('hex')).toBe(opensslLogId);
      const signer = signerFromPem(readKeyText(`${base}.pkcs8.pem`));
      expect(signer.logId.toString('hex')).toBe(opensslLogId);
      expect(signer.logId).toHaveLength(32);
    },
  );

  it('the fixture log IDs are the ones written in the fixtures README', () => {
    expect(readKeyText('ecdsa-p256.logid.hex').trim()).toBe(
      '5a499b46ca0fc0bc76d31b486309b101c9879dd1e23c31d8a7009519ffce045d',
    );
    expect(readKeyText('ed25519.logid.hex').trim()).toBe(
      'b741a45d9259eb47cc18ea3bb0394a48c132b27a44d19fca826bdee71de01fc9',
    );
  });

  it("the public-good Rekor key's log ID is c0d23d6a…, the ID its checkpoints and entries carry", () => {
    const der = Buffer.from(
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==',
      'base64',
    );
    expect(logIdOf(der).toString('hex')).toBe('c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d');
  });
});

describe('signerFromPem', () => {
  it.each(FIXTURE_KEYS)('gives the $type key the same public key bytes and PEM as openssl', ({ type, base }) => {
    const signer = signerFromPem(readKeyText(`${base}.pkcs8.pem`));
    expect(signer.keyType).toBe(type);
    expect(signer.publicKeyDer.equals(readKey(`${base}.pub.der`))).toBe(true);
    expect(signer.publicKeyPem).toBe(readKeyText(`${base}.pub.pem`));
    expect(signer.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END PUBLIC KEY-----\n$/);
  });

  it('accepts a SEC1 "EC PRIVATE KEY" P-256 key as the same key as its PKCS#8 form', () => {
    const sec1 = readKeyText('ecdsa-p256.sec1.pem');
    expect(sec1).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    const signer = signerFromPem(sec1);
    expect(signer.keyType).toBe('ecdsa-p256');
    expect(signer.logId.equals(signerFromPem(readKeyText('ecdsa-p256.pkcs8.pem')).logId)).toBe(true);
  });

  it('accepts the output of `openssl ecparam -genkey` (EC PARAMETERS block before the key)', () => {
    const pem = readKeyText('ecdsa-p256.sec1.pem');
    const params = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    expect(signerFromPem(params + pem).keyType).toBe('ecdsa-p256');
  });

  it.each([
    ['an RSA key', () => readKeyText('rsa-2048.pkcs8.pem'), /rsa.*ECDSA P-256 and Ed25519 only/],
    ['a P-384 key', () => readKeyText('ecdsa-p384.pkcs8.pem'), /secp384r1.*ECDSA P-256 and Ed25519 only/],
    ['a public key', () => readKeyText('ed25519.pub.pem'), /"PUBLIC KEY".*expected/],
    [
      'an encrypted key',
      () =>
        crypto
          .createPrivateKey(readKeyText('ed25519.pkcs8.pem'))
          .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
          .toString(),
      /encrypted/,
    ],
    ['text that is not PEM', () => 'hello', /not PEM/],
    ['a corrupt PEM body', () => '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', /could not be parsed/],
    ['two keys', () => readKeyText('ed25519.pkcs8.pem') + readKeyText('ecdsa-p256.pkcs8.pem'), /more than one/],
  ])('refuses %s with a clear message', (_name, pem, message) => {
    expect(() => signerFromPem(pem())).toThrow(message);
  });

  it('does not expose the private key through properties, JSON or inspection', () => {
    const pem = readKeyText('ed25519.pkcs8.pem');
    const signer = signerFromPem(pem);
    const body = pem.split('\n')[1]!;
    expect(JSON.stringify(signer)).not.toContain(body);
    expect(require('node:util').inspect(signer, { showHidden: true, depth: 5 })).not.toContain('PRIVATE');
    expect(Object.values(signer).some((v) => v instanceof crypto.KeyObject)).toBe(false);
  });

  it('hands out copies of the public key and log ID, so callers cannot change them', () => {
    const signer = signerFromPem(readKeyText('ecdsa-p256.pkcs8.pem'));
    signer.logId.fill(0);
    signer.publicKeyDer.fill(0);
    expect(signer.logId.toString('hex')).toBe(readKeyText('ecdsa-p256.logid.hex').trim());
    expect(signer.publicKeyDer.equals(readKey('ecdsa-p256.pub.der'))).toBe(true);
  });
});

describe('generateSigningKey', () => {
  it.each<KeyType>(['ecdsa-p256', 'ed25519'])('makes a PKCS#8 %s key that signerFromPem loads', (type) => {
    const pem = generateSigningKey(type);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const signer = signerFromPem(pem);
    expect(signer.keyType).toBe(type);
    expect(signer.logId.equals(logIdOf(signer.publicKeyDer))).toBe(true);
  });

  it('makes a different key each time', () => {
    expect(generateSigningKey('ed25519')).not.toBe(generateSigningKey('ed25519'));
  });

  it('refuses an unknown key type', () => {
    expect(() => generateSigningKey('rsa' as KeyType)).toThrow(/unsupported key type/);
  });
});

describe('loadSigner', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-keys-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads a key file', () => {
    const signer = loadSigner(keyFile('ed25519.pkcs8.pem'));
    expect(signer.logId.toString('hex')).toBe(readKeyText('ed25519.logid.hex').trim());
  });

  it('tells the operator to run `glasslog keygen --out FILE` when the file does not exist', () => {
    const file = path.join(dir, 'missing.pem');
    expect(() => loadSigner(file)).toThrow(`create one with \`glasslog keygen --out ${file}\``);
  });

  it('names the file and what is wrong when the key is unusable', () => {
    const file = path.join(dir, 'rsa.pem');
    fs.copyFileSync(keyFile('rsa-2048.pkcs8.pem'), file);
    expect(() => loadSigner(file)).toThrow(new RegExp(`${file}.*ECDSA P-256 and Ed25519 only.*glasslog keygen`));
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadSigner(dir)).toThrow(new RegExp(`cannot read signing key file ${dir}`));
  });
});

describe('signing and verifying', () => {
  const message = Buffer.from('rekor.example - 1\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');

  it('ECDSA P-256 signatures are ASN.1 DER over SHA-256 of the message', () => {
    const signer = signerFromPem(readKeyText('ecdsa-p256.pkcs8.pem'));
    const sig = signer.sign(message);
    expect(sig[0]).toBe(0x30); // DER SEQUENCE
    expect(sig[1]).toBe(sig.length - 2);
    const pub = crypto.createPublicKey(readKeyText('ecdsa-p256.pub.pem'));
    expect(crypto.verify('sha256', message, pub, sig)).toBe(true);
    expect(verifySignature(signer.publicKeyDer, message, sig)).toBe(true);
  });

  it('Ed25519 signatures are pure Ed25519 over the message (64 bytes, deterministic)', () => {
    const signer = signerFromPem(readKeyText('ed25519.pkcs8.pem'));
    const sig = signer.sign(message);
    expect(sig).toHaveLength(64);
    expect(signer.sign(message).equals(sig)).toBe(true);
    expect(crypto.verify(null, message, crypto.createPublicKey(readKeyText('ed25519.pub.pem')), sig)).toBe(true);
    expect(verifySignature(signer.publicKeyDer, message, sig)).toBe(true);
  });

  it.each(FIXTURE_KEYS)('verifySignature rejects a signature by the $type key after any one byte of it or of the message changes', ({ base }) => {
    const signer = signerFromPem(readKeyText(`${base}.pkcs8.pem`));
    const sig = signer.sign(message);
    for (let i = 0; i < sig.length; i++) {
      const bad = Buffer.from(sig);
      bad[i]! ^= 0x01;
      expect(verifySignature(signer.publicKeyDer, message, bad)).toBe(false);
    }
    for (let i = 0; i < message.length; i++) {
      const bad = Buffer.from(message);
      bad[i]! ^= 0x20;
      expect(verifySignature(signer.publicKeyDer, bad, sig)).toBe(false);
    }
  });

  it.each(FIXTURE_KEYS)('verifySignature rejects truncated, extended and empty signatures by the $type key', ({ base }) => {
    const signer = signerFromPem(readKeyText(`${base}.pkcs8.pem`));
    const sig = signer.sign(message);
    expect(verifySignature(signer.publicKeyDer, message, sig.subarray(0, sig.length - 1))).toBe(false);
    expect(verifySignature(signer.publicKeyDer, message, Buffer.concat([sig, Buffer.from([0])]))).toBe(false);
    expect(verifySignature(signer.publicKeyDer, message, Buffer.alloc(0))).toBe(false);
  });

  it('verifySignature rejects a signature by another key', () => {
    const a = signerFromPem(generateSigningKey('ecdsa-p256'));
    const b = signerFromPem(generateSigningKey('ecdsa-p256'));
    expect(verifySignature(b.publicKeyDer, message, a.sign(message))).toBe(false);
  });

  it('verifySignature throws for a key type it does not support, and for bytes that are no key', () => {
    const rsaDer = crypto
      .createPublicKey(readKeyText('rsa-2048.pkcs8.pem'))
      .export({ type: 'spki', format: 'der' });
    expect(() => verifySignature(rsaDer, message, Buffer.alloc(256))).toThrow(/only ECDSA P-256 and Ed25519/);
    expect(() => verifySignature(Buffer.from('nope'), message, Buffer.alloc(64))).toThrow(/not a PKIX/);
  });

  describe('interoperates with the openssl command line', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glasslog-openssl-'));
      fs.writeFileSync(path.join(dir, 'msg'), message);
    });
    afterAll(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    withOpenssl('openssl dgst -sha256 -verify accepts our ECDSA signature', () => {
      const signer = signerFromPem(readKeyText('ecdsa-p256.pkcs8.pem'));
      fs.writeFileSync(path.join(dir, 'sig'), signer.sign(message));
      const r = spawnSync(
        'openssl',
        ['dgst', '-sha256', '-verify', keyFile('ecdsa-p256.pub.pem'), '-signature', path.join(dir, 'sig'), path.join(dir, 'msg')],
        { encoding: 'utf8' },
      );
      expect(r.stdout.trim()).toBe('Verified OK');
    });

    withOpenssl('we accept an ECDSA signature made by openssl dgst -sha256 -sign', () => {
      const r = spawnSync('openssl', ['dgst', '-sha256', '-sign', keyFile('ecdsa-p256.pkcs8.pem'), path.join(dir, 'msg')]);
      expect(r.status).toBe(0);
      expect(verifySignature(readKey('ecdsa-p256.pub.der'), message, r.stdout)).toBe(true);
    });

    withOpenssl('we accept an Ed25519 signature made by openssl pkeyutl -rawin', () => {
      const r = spawnSync('openssl', [
        'pkeyutl', '-sign', '-rawin', '-inkey', keyFile('ed25519.pkcs8.pem'), '-in', path.join(dir, 'msg'),
      ]);
      expect(r.status).toBe(0);
      expect(verifySignature(readKey('ed25519.pub.der'), message, r.stdout)).toBe(true);
      expect(r.stdout.equals(signerFromPem(readKeyText('ed25519.pkcs8.pem')).sign(message))).toBe(true);
    });
  });
});
