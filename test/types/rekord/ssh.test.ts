/**
 * rekord's "ssh" format: known answers from Rekor's test data (test/fixtures/types/rekord/
 * ssh, see the README there; leaf hash and key-hash index key as Rekor's code produced
 * them), fresh SSHSIG signatures from the real `ssh-keygen -Y sign` (refused, as by Rekor,
 * when made with hashalg=sha256 or another namespace), a few signatures built here for key
 * types ssh-keygen cannot make without hardware (DSA, security keys), and malformed input,
 * which must only ever be refused with InvalidEntryError.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { InvalidEntryError } from '../../../src/errors';
import { sshFormat } from '../../../src/types/rekord/ssh';

const DIR = join(__dirname, '..', '..', 'fixtures', 'types', 'rekord', 'ssh');
const file = (name: string) => readFileSync(join(DIR, name));
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const SSH_KEYGEN = '/usr/bin/ssh-keygen';

function check(signature: Buffer, key: Buffer, data: Buffer) {
  const sig = sshFormat.parseSignature(signature);
  const pub = sshFormat.parsePublicKey(key);
  sshFormat.verify(sig, pub, data);
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

/** The bytes inside an armored SSHSIG. */
const unarmor = (text: Buffer): Buffer => Buffer.from(text.toString().replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');

/** Go's pem.EncodeToMemory: 64-column base64. */
const armor = (wire: Buffer): Buffer =>
  Buffer.from(`-----BEGIN SSH SIGNATURE-----\n${wire.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END SSH SIGNATURE-----\n`);

/** An authorized_keys line without its comment, as Go's MarshalAuthorizedKey writes it. */
const withoutComment = (line: Buffer | string): string => `${line.toString().trim().split(/\s+/).slice(0, 2).join(' ')}\n`;

const sshString = (value: Buffer | string): Buffer => {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** PROTOCOL.sshsig: what a signer signs for namespace "file" and SHA-512. */
const signedData = (data: Buffer): Buffer =>
  Buffer.concat([Buffer.from('SSHSIG'), sshString('file'), sshString(''), sshString('sha512'), sshString(createHash('sha512').update(data).digest())]);

function sshsig(publicKey: Buffer, format: string, blob: Buffer, rest = Buffer.alloc(0)): Buffer {
  const version = Buffer.from([0, 0, 0, 1]);
  const signature = Buffer.concat([sshString(format), sshString(blob), rest]);
  const wire = [sshString(publicKey), sshString('file'), sshString(''), sshString('sha512'), sshString(signature)];
  return armor(Buffer.concat([Buffer.from('SSHSIG'), version, ...wire]));
}

describe('ssh known answers (Rekor test data)', () => {
  const content = file('hello_world.txt');

  it('verifies hello_world.txt.sig with id_rsa.pub; canonical values give Rekor’s leaf hash and key index key', () => {
    const { sig, pub } = check(file('hello_world.txt.sig'), file('id_rsa.pub'), content);
    // Canonical key: type and key only; canonical signature: the same SSHSIG (already sha512) in 64 columns.
    expect(pub.canonical.toString()).toBe(withoutComment(file('id_rsa.pub')));
    expect(sig.canonical).toEqual(armor(unarmor(file('hello_world.txt.sig'))));
    expect(sha256(pub.canonical)).toBe('5b2faa56ef4b402330452e426bc1efd04e9dbcc0eda05d71f5f3c4749ed9ba8d');
    expect(sha256(content)).toBe('c339251fe5ddb4c9c6dfae10fae4106b9fd4995399a2e2a3ed12b6c7b26eb9a6');
    const body =
      `{"apiVersion":"0.0.1","kind":"rekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"${sha256(content)}"}},` +
      `"signature":{"content":"${sig.canonical.toString('base64')}","format":"ssh","publicKey":{"content":"${pub.canonical.toString('base64')}"}}}}`;
    expect(createHash('sha256').update(Buffer.from([0])).update(body).digest('hex')).toBe(
      'b29a8ae3f4eb543577b0c94b6636b681a5678165581e36bd7aaeffabc05cc0f7',
    );
  });

  it('indexes no email: the canonical key has no comment (Rekor indexes the canonicalized entry)', () => {
    const pub = sshFormat.parsePublicKey(file('id_rsa.pub'));
    expect(pub.comment).toBe('test@rekor.dev');
    expect(pub.subjects).toEqual([]);
  });

  it('refuses a changed artifact with Rekor’s message (crypto/rsa’s, for an RSA key)', () => {
    const flipped = Buffer.from(content);
    flipped[0]! ^= 0x20;
    expect(refusal(() => check(file('hello_world.txt.sig'), file('id_rsa.pub'), flipped))).toBe('crypto/rsa: verification error');
  });

  it.each([
    ['the artifact as the signature', () => sshFormat.parseSignature(content), 'unable to decode pem file'],
    ['a private key as the signature', () => sshFormat.parseSignature(file('id_rsa')), 'wrong pem block type: OPENSSH PRIVATE KEY. Expected SSH-SIGNATURE'],
    ['the artifact as the key', () => sshFormat.parsePublicKey(Buffer.from('garbage')), 'ssh: no key found'],
    // The armor line "-----BEGIN OPENSSH PRIVATE KEY-----" is tried as "<type> <base64>".
    [
      'a private key as the key',
      () => sshFormat.parsePublicKey(file('id_rsa')),
      'ssh: no key found; last parsing error for ignored line: illegal base64 data at input byte 4',
    ],
    [
      'a signature as the key',
      () => sshFormat.parsePublicKey(file('hello_world.txt.sig')),
      'ssh: no key found; last parsing error for ignored line: illegal base64 data at input byte 9',
    ],
    [
      'a key line with a broken blob',
      () => sshFormat.parsePublicKey(Buffer.from('ssh-rsa AAAA!!!!')),
      'ssh: no key found; last parsing error for ignored line: illegal base64 data at input byte 4',
    ],
    [
      'a key line whose type is not its blob’s',
      () => sshFormat.parsePublicKey(Buffer.from(`ssh-ed25519 ${file('id_rsa.pub').toString().split(' ')[1]}`)),
      'ssh: no key found; last parsing error for ignored line: ssh: authorized keys key type mismatch: human-readable type "ssh-ed25519", encoded type "ssh-rsa"',
    ],
  ])('refuses %s with Rekor’s message', (_, run, message) => {
    expect(refusal(run)).toBe(message);
  });

  it('reads at most 64 KiB of key, as Rekor (http.MaxBytesReader)', () => {
    const line = file('id_rsa.pub').toString().trim().split(' ').slice(0, 2).join(' ');
    const padded = (total: number) => Buffer.from(`${line} ${'c'.repeat(total - line.length - 1)}`);
    expect(sshFormat.parsePublicKey(padded(65536)).canonical.toString()).toBe(`${line}\n`);
    expect(refusal(() => sshFormat.parsePublicKey(padded(65537)))).toBe('http: request body too large');
  });

  it('takes the first key of an authorized_keys text, options and comments allowed', () => {
    const line = withoutComment(file('id_rsa.pub')).trim();
    for (const text of [`# keys\n\n${line} c\n`, `restrict,command="echo \\"a b\\"" ${line}`, `\t${line}\r\nssh-ed25519 AAAA\n`]) {
      expect(sshFormat.parsePublicKey(Buffer.from(text)).canonical.toString()).toBe(`${line}\n`);
    }
  });

  // Keys from Rekor's pkg/pki/ssh/ssh_test.go TestIdentitiesParsesAllKeyTypes.
  it.each([
    'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBLSsu/HNKiaALhQ26UDv+N0AFdMb26fMVrOKe866CGu6ajSf9HUOhJFdjhseihB2rTalMPr8MrcXNLufii4mL8u4l9fUQXFgwnM/ZpiVPSs6C+8i4u/ZDg7Nx2NXybNIgQ==',
    'ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBACB4WgRgGBRo6Uk+cRgg8tJPCbEtGURRWlUA7PDDerXR+P9O6mm3L99Etxsyh5XNYqXyaMNtH5c51ooMajrFwcayAHIhPPb8X3CsTwEfIUQ96aDyHQMotbRfnkn6uefeUTRrSNcqeAndUtVyAqBdqbsq2mgJYXHrz2NUKlPFYgauQi+WQ==',
    'sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBGRNqlFgED/pf4zXz8IzqA6CALNwYcwgd4MQDmIS1GOtn1SySFObiuyJaOlpqkV5FeEifhxfIC2ejKKtNyO4CysAAAAEc3NoOg== user@host',
    'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIJjzc2a20RjCvN/0ibH6UpGuN9F9hDvD7x182bOesNhHAAAABHNzaDo= user@host',
    'ssh-rsa-cert-v01@openssh.com AAAAHHNzaC1yc2EtY2VydC12MDFAb3BlbnNzaC5jb20AAAAgb1srW/W3ZDjYAO45xLYAwzHBDLsJ4Ux6ICFIkTjb1LEAAAADAQABAAAAYQCkoR51poH0wE8w72cqSB8Sszx+vAhzcMdCO0wqHTj7UNENHWEXGrU0E0UQekD7U+yhkhtoyjbPOVIP7hNa6aRk/ezdh/iUnCIt4Jt1v3Z1h1P+hA4QuYFMHNB+rmjPwAcAAAAAAAAAAAAAAAEAAAAEdGVzdAAAAAAAAAAAAAAAAP//////////AAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAAHcAAAAHc3NoLXJzYQAAAAMBAAEAAABhANFS2kaktpSGc+CcmEKPyw9mJC4nZKxHKTgLVZeaGbFZOvJTNzBspQHdy7Q1uKSfktxpgjZnksiu/tFF9ngyY2KFoc+U88ya95IZUycBGCUbBQ8+bhDtw/icdDGQD5WnUwAAAG8AAAAHc3NoLXJzYQAAAGC8Y9Z2LQKhIhxf52773XaWrXdxP0t3GBVo4A10vUWiYoAGepr6rQIoGGXFxT4B9Gp+nEBJjOwKDXPrAevow0T9ca8gZN+0ykbhSrXLE5Ao48rqr3zP4O1/9P7e6gp0gw8=',
  ])('parses Rekor’s test key %#, canonical value = type and key', (line) => {
    const pub = sshFormat.parsePublicKey(Buffer.from(line));
    expect(pub.canonical.toString()).toBe(withoutComment(line));
    expect(pub.subjects).toEqual([]);
  });

  it('re-encodes the key as Go marshals it: minimal mpints', () => {
    const blob = Buffer.from(file('id_rsa.pub').toString().split(' ')[1]!, 'base64');
    // ssh-rsa, e = 65537 with two extra leading zero bytes, then n as is.
    const eAt = 4 + 7;
    const e = blob.subarray(eAt + 4, eAt + 4 + blob.readUInt32BE(eAt));
    const padded = Buffer.concat([blob.subarray(0, eAt), sshString(Buffer.concat([Buffer.alloc(2), e])), blob.subarray(eAt + 4 + e.length)]);
    const pub = sshFormat.parsePublicKey(Buffer.from(`ssh-rsa ${padded.toString('base64')}`));
    expect(pub.canonical.toString()).toBe(withoutComment(file('id_rsa.pub')));
    expect(() => sshFormat.verify(sshFormat.parseSignature(file('hello_world.txt.sig')), pub, content)).not.toThrow();
  });
});

describe('fresh SSHSIG signatures from ssh-keygen', () => {
  let dir: string;
  const data = randomBytes(2048);
  const keys = [
    ['ed25519', ['-t', 'ed25519']],
    ['ecdsa P-256', ['-t', 'ecdsa', '-b', '256']],
    ['ecdsa P-384', ['-t', 'ecdsa', '-b', '384']],
    ['ecdsa P-521', ['-t', 'ecdsa', '-b', '521']],
    ['rsa', ['-t', 'rsa', '-b', '2048']],
  ] as const;
  const path = (name: string) => join(dir, name.replace(/\s/g, '-'));
  const keygen = (...args: string[]) => execFileSync(SSH_KEYGEN, args, { stdio: ['pipe', 'pipe', 'pipe'] });

  function signWith(name: string, namespace: string, hashalg: string): Buffer {
    keygen('-Y', 'sign', '-n', namespace, '-O', `hashalg=${hashalg}`, '-f', path(name), join(dir, 'data'));
    const signature = readFileSync(join(dir, 'data.sig'));
    rmSync(join(dir, 'data.sig'));
    return signature;
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'glasslog-sshsig-'));
    writeFileSync(join(dir, 'data'), data);
    for (const [name, args] of keys) keygen('-q', ...args, '-N', '', '-C', 'signer@example.org', '-f', path(name));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const publicKey = (name: string) => readFileSync(`${path(name)}.pub`);
  const wrongData = () => Buffer.concat([data.subarray(0, 10), Buffer.from([data[10]! ^ 1]), data.subarray(11)]);
  // x/crypto/ssh reports a bad RSA signature with crypto/rsa's error, the others with its own.
  const notVerified = (name: string) => (name === 'rsa' ? 'crypto/rsa: verification error' : 'ssh: signature did not verify');

  it.each(keys.map(([name]) => name))('%s: a sha512 "file" signature verifies; its canonical form is a valid SSHSIG', (name) => {
    const { sig, pub } = check(signWith(name, 'file', 'sha512'), publicKey(name), data);
    expect(pub.canonical.toString()).toBe(withoutComment(publicKey(name)));
    expect(pub.subjects).toEqual([]);
    // ssh-keygen itself accepts the re-armored, 64-column canonical signature.
    writeFileSync(join(dir, 'canonical.sig'), sig.canonical);
    expect(() => execFileSync(SSH_KEYGEN, ['-Y', 'check-novalidate', '-n', 'file', '-s', join(dir, 'canonical.sig')], { input: data, stdio: 'pipe' })).not.toThrow();
    expect(refusal(() => check(sig.canonical, publicKey(name), wrongData()))).toBe(notVerified(name));
  });

  it.each(keys.map(([name]) => name))('%s: a hashalg=sha256 signature is refused, as Rekor refuses it', (name) => {
    const signature = signWith(name, 'file', 'sha256');
    // Parsed fine, but Rekor verifies its canonical form, which claims sha512.
    const sig = sshFormat.parseSignature(signature);
    expect(unarmor(sig.canonical).includes(sshString('sha512'))).toBe(true);
    expect(refusal(() => check(signature, publicKey(name), data))).toBe(notVerified(name));
  });

  it('refuses a signature for another namespace', () => {
    expect(refusal(() => check(signWith('ed25519', 'git', 'sha512'), publicKey('ed25519'), data))).toBe('invalid signature namespace: git');
  });

  it('refuses a signature under another key', () => {
    const signature = signWith('ed25519', 'file', 'sha512');
    expect(refusal(() => check(signature, publicKey('ecdsa P-256'), data))).toBe('ssh: signature type ssh-ed25519 for key type ecdsa-sha2-nistp256');
    keygen('-q', '-t', 'ed25519', '-N', '', '-f', path('other'));
    expect(refusal(() => check(signature, publicKey('other'), data))).toBe('ssh: signature did not verify');
  });

  it('verifies with a certificate of the signing key (its key is used, the certificate is not checked)', () => {
    keygen('-q', '-t', 'ed25519', '-N', '', '-f', path('ca'));
    keygen('-q', '-s', path('ca'), '-I', 'signer', '-n', 'alice', '-O', 'force-command=ls', `${path('ed25519')}.pub`);
    const certificate = readFileSync(`${path('ed25519')}-cert.pub`);
    const { pub } = check(signWith('ed25519', 'file', 'sha512'), certificate, data);
    expect(pub.canonical.toString()).toBe(withoutComment(certificate));
  });
});

describe('signatures built here for other key types', () => {
  const data = Buffer.from('built here\n');

  it('verifies DSA (ssh-dss, SHA-1) signatures', () => {
    const { publicKey, privateKey } = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
    // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID, SEQUENCE { p, q, g } }, BIT STRING { INTEGER y } }.
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const integers: Buffer[] = [];
    for (let i = 0; i < der.length; ) {
      const tag = der[i++]!;
      let length = der[i++]!;
      if (length & 0x80) [length, i] = [der.subarray(i, i + (length & 0x7f)).readUIntBE(0, length & 0x7f), i + (length & 0x7f)];
      if (tag === 0x02) integers.push(der.subarray(i, i + length));
      i += tag === 0x30 ? 0 : tag === 0x03 ? 1 : length;
    }
    const wire = Buffer.concat([sshString('ssh-dss'), ...integers.map(sshString)]);
    const blob = sign('sha1', signedData(data), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const key = Buffer.from(`ssh-dss ${wire.toString('base64')}`);
    expect(() => check(sshsig(wire, 'ssh-dss', blob), key, data)).not.toThrow();
    expect(refusal(() => check(sshsig(wire, 'ssh-dss', blob), key, Buffer.from('other')))).toBe('ssh: signature did not verify');
  });

  it('verifies security-key (sk-ssh-ed25519) signatures and requires user presence', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const wire = Buffer.concat([sshString('sk-ssh-ed25519@openssh.com'), sshString(raw), sshString('ssh:')]);
    const key = Buffer.from(`sk-ssh-ed25519@openssh.com ${wire.toString('base64')} user@host`);
    const skSignature = (flags: number) => {
      const fields = Buffer.from([flags, 0, 0, 0, 42]);
      const sha = (b: Buffer | string) => createHash('sha256').update(b).digest();
      const signed = Buffer.concat([sha('ssh:'), fields, sha(signedData(data))]);
      return sshsig(wire, 'sk-ssh-ed25519@openssh.com', sign(null, signed, privateKey), fields);
    };
    expect(() => check(skSignature(0x01), key, data)).not.toThrow();
    expect(refusal(() => check(skSignature(0x00), key, data))).toBe('ssh: signature missing required user presence flag');
  });
});

describe('malformed ssh input', () => {
  const outcome = (run: () => unknown): 'ok' | 'refused' => {
    try {
      run();
      return 'ok';
    } catch (err) {
      if (err instanceof InvalidEntryError) return 'refused';
      throw err;
    }
  };
  const signature = file('hello_world.txt.sig');
  const key = file('id_rsa.pub');
  const content = file('hello_world.txt');
  const wire = unarmor(signature);
  const keyBlob = Buffer.from(key.toString().split(' ')[1]!, 'base64');

  it('answers every truncation of a valid signature and key, armored or on the wire, with a value or InvalidEntryError', () => {
    for (let n = 0; n <= signature.length; n += 3) outcome(() => check(signature.subarray(0, n), key, content));
    for (let n = 0; n <= wire.length; n++) expect(outcome(() => check(armor(wire.subarray(0, n)), key, content))).toBe(n === wire.length ? 'ok' : 'refused');
    for (let n = 0; n <= key.length; n += 3) outcome(() => check(signature, key.subarray(0, n), content));
    for (let n = 0; n <= keyBlob.length; n++) {
      expect(outcome(() => sshFormat.parsePublicKey(Buffer.from(`ssh-rsa ${keyBlob.subarray(0, n).toString('base64')}`)))).toBe(
        n === keyBlob.length ? 'ok' : 'refused',
      );
    }
  });

  it('answers corrupted and random bytes with a value or InvalidEntryError', () => {
    const flip = (bytes: Buffer, at: number, xor: number) => {
      const copy = Buffer.from(bytes);
      copy[at % copy.length]! ^= xor;
      return copy;
    };
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 300 }), (at, xor, random) => {
        outcome(() => check(flip(signature, at, xor), key, content));
        outcome(() => check(armor(flip(wire, at, xor)), key, content));
        outcome(() => check(signature, flip(key, at, xor), content));
        outcome(() => check(signature, Buffer.from(`ssh-rsa ${flip(keyBlob, at, xor).toString('base64')}`), content));
        outcome(() => sshFormat.parseSignature(armor(Buffer.from(random))));
        outcome(() => sshFormat.parseSignature(Buffer.from(random)));
        outcome(() => sshFormat.parsePublicKey(Buffer.from(`ssh-ed25519 ${Buffer.from(random).toString('base64')}`)));
      }),
      { numRuns: 300 },
    );
  });
});
