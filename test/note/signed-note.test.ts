import { type Signer, generateSigningKey, signerFromPem } from '../../src/crypto';
import {
  MAX_NOTE_SIGNATURES,
  NoteError,
  c2spKeyHint,
  parseNote,
  rekorKeyHint,
  signNote,
  verifyNote,
} from '../../src/note';
import { publicLogs, readKeyText } from '../fixtures/crypto/fixtures';

const ecdsa = signerFromPem(readKeyText('ecdsa-p256.pkcs8.pem'));
const ed25519 = signerFromPem(readKeyText('ed25519.pkcs8.pem'));
const SIGNERS: Array<[string, Signer]> = [
  ['ECDSA P-256', ecdsa],
  ['Ed25519', ed25519],
];

const TEXT = 'glasslog.example - 42\n7\nuPUVDwmqq5p3zT8f0gMfS5GBK0WIOCs5jBoAFsgcGhg=\n';
const SIG = 'AAAAAQE='; // hint 00000001, one signature byte

/** Raw 32-byte Ed25519 public key from a PKIX DER. */
const rawEd25519 = (der: Uint8Array): Buffer => Buffer.from(der).subarray(-32);

/** PKCS#8 PEM for an Ed25519 seed (RFC 8410). */
function ed25519Pem(seed: Buffer): string {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const b64 = der.toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

function expectNoteError(f: () => unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(NoteError);
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('the golang.org/x/mod/sumdb/note documented example (PeterNeumann)', () => {
  // From the package documentation: skey "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV…",
  // vkey "PeterNeumann+c74f20a3+ARpc2Q…" (base64 of 0x01 || key).
  const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
  const pub = Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64').subarray(1);
  const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const want =
    text +
    '\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
  const signer = signerFromPem(ed25519Pem(seed));

  it('has the C2SP key ID c74f20a3 = SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
    expect(rawEd25519(signer.publicKeyDer).equals(pub)).toBe(true);
    expect(c2spKeyHint('PeterNeumann', 0x01, pub).toString('hex')).toBe('c74f20a3');
  });

  it('signNote produces the documented note byte for byte', () => {
    expect(signNote(text, 'PeterNeumann', c2spKeyHint('PeterNeumann', 1, pub), signer)).toBe(want);
  });

  it('verifyNote accepts the documented note and rejects "cryptographY"', () => {
    const hint = Buffer.from('c74f20a3', 'hex');
    expect(verifyNote(want, 'PeterNeumann', hint, signer.publicKeyDer).text).toBe(text);
    expectNoteError(() => verifyNote(want.replace('cryptography', 'cryptographY'), 'PeterNeumann', hint, signer.publicKeyDer), /does not verify/);
  });
});

describe('key hints', () => {
  it('rekorKeyHint is the first four bytes of the log ID', () => {
    const logId = Buffer.from('c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d', 'hex');
    expect(rekorKeyHint(logId).toString('hex')).toBe('c0d23d6a');
    expect(() => rekorKeyHint(Buffer.alloc(3))).toThrow(TypeError);
  });

  it("c2spKeyHint matches the staging Rekor v2 logs' key IDs (their checkpoints' hints)", () => {
    const logs = publicLogs();
    for (const name of ['log2025-alpha1.rekor.sigstage.dev', 'log2025-alpha3.rekor.sigstage.dev']) {
      const tlog = logs.tlogs[name]!;
      const raw = rawEd25519(Buffer.from(tlog.publicKey.rawBytes, 'base64'));
      const logId = Buffer.from(tlog.logId.keyId, 'base64');
      expect(c2spKeyHint(name, 0x01, raw).equals(logId.subarray(0, 4))).toBe(true);
    }
  });

  it('c2spKeyHint refuses invalid names and signature types', () => {
    expect(() => c2spKeyHint('a b', 1, Buffer.alloc(32))).toThrow(TypeError);
    expect(() => c2spKeyHint('a', 256, Buffer.alloc(32))).toThrow(TypeError);
  });
});

describe.each(SIGNERS)('notes signed with an %s key', (_name, signer) => {
  const name = 'glasslog.example';
  const hint = rekorKeyHint(signer.logId);
  const note = signNote(TEXT, name, hint, signer);

  it('have the form text, blank line, "— name base64(hint || signature)"', () => {
    const m = /^([\s\S]*\n)\n\u2014 (\S+) ([A-Za-z0-9+/=]+)\n$/.exec(note);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(TEXT);
    expect(m![2]).toBe(name);
    const bytes = Buffer.from(m![3]!, 'base64');
    expect(bytes.subarray(0, 4).equals(hint)).toBe(true);
  });

  it('parse back into their text and one signature', () => {
    const parsed = parseNote(note);
    expect(parsed.text).toBe(TEXT);
    expect(parsed.signatures).toHaveLength(1);
    expect(parsed.signatures[0]!.name).toBe(name);
    expect(parsed.signatures[0]!.keyHint.equals(hint)).toBe(true);
  });

  it('verify, given as a string or as UTF-8 bytes', () => {
    expect(verifyNote(note, name, hint, signer.publicKeyDer).text).toBe(TEXT);
    expect(verifyNote(Buffer.from(note, 'utf8'), name, hint, signer.publicKeyDer).text).toBe(TEXT);
  });

  it('can carry non-ASCII text and blank lines inside the text', () => {
    const text = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
    const n = signNote(text, name, hint, signer);
    expect(verifyNote(n, name, hint, signer.publicKeyDer).text).toBe(text);
  });

  it('are rejected after any one byte of the note changes (text, separator, name, hint, signature)', () => {
    const bytes = Buffer.from(note, 'utf8');
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x40]) {
        const bad = Buffer.from(bytes);
        bad[i]! ^= mask;
        expectNoteError(() => verifyNote(bad, name, hint, signer.publicKeyDer));
      }
    }
  });

  it('are rejected after any one byte of the decoded hint || signature changes', () => {
    const line = note.slice(TEXT.length + 1);
    const b64 = line.slice(line.lastIndexOf(' ') + 1, -1);
    const raw = Buffer.from(b64, 'base64');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      const tampered = note.replace(b64, bad.toString('base64'));
      expectNoteError(() => verifyNote(tampered, name, hint, signer.publicKeyDer), i < 4 ? /no signature by/ : /does not verify/);
    }
  });

  it('are rejected when any character of the signer name changes', () => {
    for (let i = 0; i < name.length; i++) {
      const other = name.slice(0, i) + (name[i] === 'x' ? 'y' : 'x') + name.slice(i + 1);
      const tampered = note.replace(`\u2014 ${name} `, `\u2014 ${other} `);
      expectNoteError(() => verifyNote(tampered, name, hint, signer.publicKeyDer), /no signature by/);
      expectNoteError(() => verifyNote(note, other, hint, signer.publicKeyDer), /no signature by/);
    }
  });

  it('are rejected for another key hint or another key', () => {
    expectNoteError(() => verifyNote(note, name, Buffer.from('00000000', 'hex'), signer.publicKeyDer), /no signature by/);
    const other = signerFromPem(generateSigningKey(signer.keyType));
    expectNoteError(() => verifyNote(note, name, hint, other.publicKeyDer), /does not verify/);
  });

  it('still verify when other keys have added signature lines (C2SP: ignore unknown keys)', () => {
    const cosigned = `${note}\u2014 witness.example/w1 ${Buffer.alloc(72, 7).toString('base64')}\n\u2014 ${name} ${Buffer.concat([Buffer.from('ffffffff', 'hex'), Buffer.alloc(64)]).toString('base64')}\n`;
    expect(parseNote(cosigned).signatures).toHaveLength(3);
    expect(verifyNote(cosigned, name, hint, signer.publicKeyDer).text).toBe(TEXT);
  });

  it('are rejected when a second line with the same name and hint does not verify', () => {
    const bad = `${note}\u2014 ${name} ${Buffer.concat([hint, Buffer.alloc(64, 1)]).toString('base64')}\n`;
    expectNoteError(() => verifyNote(bad, name, hint, signer.publicKeyDer), /does not verify/);
  });
});

describe('signNote', () => {
  it.each([
    ['text without a final newline', 'a\nb', 'k', /end with a newline/],
    ['empty text', '', 'k', /end with a newline/],
    ['text with a carriage return', 'a\r\n', 'k', /control character U\+000d/],
    ['text with a tab', 'a\tb\n', 'k', /control character/],
    ['text with an unpaired surrogate', 'a\ud800\n', 'k', /not valid UTF-8/],
    ['an empty name', 'a\n', '', /invalid key name/],
    ['a name with a space', 'a\n', 'a b', /invalid key name/],
    ['a name with a plus', 'a\n', 'a+b', /invalid key name/],
    ['a name with a no-break space', 'a\n', 'a\u00a0b', /invalid key name/],
  ])('refuses %s', (_what, text, name, message) => {
    expectNoteError(() => signNote(text, name, Buffer.alloc(4), ed25519), message);
  });

  it('refuses a key hint that is not 4 bytes', () => {
    expect(() => signNote('a\n', 'k', Buffer.alloc(3), ed25519)).toThrow(TypeError);
    expect(() => signNote('a\n', 'k', Buffer.alloc(32), ed25519)).toThrow(TypeError);
  });
});

describe('parseNote', () => {
  it('splits text from signatures at the last blank line', () => {
    const note = `a\n\nb\n\n\u2014 k ${SIG}\n`;
    expect(parseNote(note).text).toBe('a\n\nb\n');
  });

  it('reads signature-like lines before the last blank line as text, as C2SP says', () => {
    const parsed = parseNote(`a\n\n\u2014 k ${SIG}\n\n\u2014 j ${SIG}\n`);
    expect(parsed.text).toBe(`a\n\n\u2014 k ${SIG}\n`);
    expect(parsed.signatures.map((s) => s.name)).toEqual(['j']);
  });

  it('accepts 100 signatures, and the 16 C2SP says every verifier must', () => {
    for (const n of [16, MAX_NOTE_SIGNATURES]) {
      const note = `a\n\n${`\u2014 k ${SIG}\n`.repeat(n)}`;
      expect(parseNote(note).signatures).toHaveLength(n);
    }
  });

  it('keeps the raw signature bytes after the 4-byte hint', () => {
    const sig = parseNote(`a\n\n\u2014 k ${Buffer.from('0102030405060708', 'hex').toString('base64')}\n`).signatures[0]!;
    expect(sig.keyHint.toString('hex')).toBe('01020304');
    expect(sig.signature.toString('hex')).toBe('05060708');
  });

  it('accepts names that are URLs without a scheme, and non-ASCII names', () => {
    expect(parseNote(`a\n\n\u2014 example.com/log/1 ${SIG}\n`).signatures[0]!.name).toBe('example.com/log/1');
    expect(parseNote(`a\n\n\u2014 δοκιμή ${SIG}\n`).signatures[0]!.name).toBe('δοκιμή');
  });

  const bytes = (...parts: Array<string | number[]>): Buffer =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

  it.each<[string, string | Buffer, RegExp]>([
    ['a note without a blank line', `a\n\u2014 k ${SIG}\n`, /no blank line/],
    ['a note with no signatures', 'a\n\n', /no signatures/],
    ['an empty note', '', /no blank line/],
    ['a note whose last signature line has no newline', `a\n\n\u2014 k ${SIG}`, /does not end with a newline/],
    ['a note with CRLF line ends', `a\r\n\r\n\u2014 k ${SIG}\r\n`, /control character/],
    ['a note with a NUL', `a\u0000\n\n\u2014 k ${SIG}\n`, /control character/],
    ['a note with a tab', `a\tb\n\n\u2014 k ${SIG}\n`, /control character/],
    ['a signature line with a hyphen instead of an em dash', `a\n\n- k ${SIG}\n`, /does not start with/],
    ['a signature line with an en dash', `a\n\n\u2013 k ${SIG}\n`, /does not start with/],
    ['a signature line with no space after the dash', `a\n\n\u2014k ${SIG}\n`, /does not start with/],
    ['a signature line with two spaces after the dash', `a\n\n\u2014  k ${SIG}\n`, /invalid key name ""/],
    ['a signature line with no signature', 'a\n\n\u2014 k\n', /no space/],
    ['a signature line with an empty signature', 'a\n\n\u2014 k \n', /0 bytes, fewer than/],
    ['a name with a plus', `a\n\n\u2014 k+1 ${SIG}\n`, /invalid key name/],
    ['a name with an ideographic space', `a\n\n\u2014 k\u3000x ${SIG}\n`, /invalid key name/],
    ['a name with a next-line character', `a\n\n\u2014 k\u0085x ${SIG}\n`, /invalid key name/],
    ['a signature with characters outside base64', `a\n\n\u2014 k AAAA*QE=\n`, /base64/],
    ['a signature in URL-safe base64', `a\n\n\u2014 k AAAAAQE_\n`, /base64/],
    ['a signature without padding', 'a\n\n\u2014 k AAAAAQE\n', /base64/],
    ['a signature with non-zero padding bits', 'a\n\n\u2014 k AAAAAQF=\n', /base64/],
    ['a signature with a trailing space', `a\n\n\u2014 k ${SIG} \n`, /base64/],
    ['a signature of only a key hint', 'a\n\n\u2014 k AAAAAQ==\n', /fewer than/],
    ['101 signatures', `a\n\n${`\u2014 k ${SIG}\n`.repeat(101)}`, /more than 100/],
    ['bytes that are not UTF-8 (0xff)', bytes('a', [0xff], `\n\n\u2014 k ${SIG}\n`), /not valid UTF-8/],
    ['an overlong UTF-8 encoding', bytes('a', [0xc0, 0x8a], `\n\n\u2014 k ${SIG}\n`), /not valid UTF-8/],
    ['an encoded surrogate (CESU-8)', bytes('a', [0xed, 0xa0, 0x80], `\n\n\u2014 k ${SIG}\n`), /not valid UTF-8/],
    ['a truncated em dash', bytes('a\n\n', [0xe2, 0x80], ` k ${SIG}\n`), /not valid UTF-8/],
    ['a string with an unpaired surrogate', `a\ud83d\n\n\u2014 k ${SIG}\n`, /not valid UTF-8/],
  ])('rejects %s', (_what, note, message) => {
    expectNoteError(() => parseNote(note), message);
  });

  it('rejects input that is neither a string nor bytes', () => {
    expectNoteError(() => parseNote(42 as unknown as string));
  });
});
