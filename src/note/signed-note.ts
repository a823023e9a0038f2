/**
 * C2SP signed notes (https://c2sp.org/signed-note):
 *
 *   <text, ending in \n>\n— <name> <base64(4-byte key hint || signature)>\n[more lines…]
 *
 * Parsing is strict, as golang.org/x/mod/sumdb/note (which the spec codifies) and stricter
 * where the spec leaves room for malleability:
 * - valid UTF-8 (for strings: no unpaired surrogates), no control characters but \n;
 * - the text is everything up to and including the \n before the LAST blank line;
 * - one or more signature lines, each "— " + name + " " + base64 + "\n"; names non-empty,
 *   without Unicode white space or "+"; base64 standard, padded and canonical (the unused
 *   bits of the last character must be zero), decoding to at least 5 bytes;
 * - at most 100 signature lines.
 * Verification follows the spec: signatures from keys we were not asked about are ignored;
 * every signature line with the asked-for name and key hint must verify, and there must be
 * at least one.
 */
import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { type Signer, verifySignature } from '../crypto';

/** A note or checkpoint is malformed, or its signature does not verify. */
export class NoteError extends Error {
  override readonly name = 'NoteError';
}

export interface NoteSignature {
  name: string;
  /** 4 bytes: the key ID, big-endian. */
  keyHint: Buffer;
  signature: Buffer;
}

export interface Note {
  /** The signed text, including its final \n. */
  text: string;
  signatures: NoteSignature[];
}

/** golang.org/x/mod/sumdb/note's limit; C2SP requires accepting at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

const SIG_PREFIX = '\u2014 '; // em dash, space
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NAME_FORBIDDEN = /[\p{White_Space}+]/u;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes standard padded base64, refusing anything whose re-encoding differs (stray
 * characters, missing padding, non-zero trailing bits), so one byte string has one text.
 */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (!BASE64.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}

/** Throws unless `text` is UTF-8-encodable and free of control characters other than \n. */
function checkCharacters(text: string, what: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new NoteError(`${what} is not valid UTF-8 (unpaired surrogate)`);
  }
  const m = CONTROL.exec(text);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw new NoteError(`${what} contains control character U+${code} at offset ${m.index}`);
  }
}

/** True if `name` is a valid note key name (non-empty, no white space, no "+"). */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !NAME_FORBIDDEN.test(name) &&
    !CONTROL.test(name) &&
    !LONE_SURROGATE.test(name)
  );
}

function toText(note: string | Uint8Array): string {
  if (typeof note === 'string') return note;
  if (note instanceof Uint8Array) {
    try {
      return utf8.decode(note);
    } catch {
      throw new NoteError('note is not valid UTF-8');
    }
  }
  throw new NoteError('note must be a string or bytes');
}

/**
 * Parses a signed note without verifying anything. Accepts the note as a string or as its
 * UTF-8 bytes. Throws NoteError if it is malformed.
 */
export function parseNote(note: string | Uint8Array): Note {
  const s = toText(note);
  checkCharacters(s, 'note');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) {
    throw new NoteError('note has no blank line between text and signatures');
  }
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block.length === 0) {
    throw new NoteError('note has no signatures');
  }
  if (!block.endsWith('\n')) {
    throw new NoteError('note does not end with a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new NoteError(`note has ${lines.length} signatures, more than ${MAX_NOTE_SIGNATURES}`);
  }
  const signatures = lines.map((line, i): NoteSignature => {
    const where = `signature line ${i + 1}`;
    if (!line.startsWith(SIG_PREFIX)) {
      throw new NoteError(`${where} does not start with "\u2014 "`);
    }
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) {
      throw new NoteError(`${where} has no space between name and signature`);
    }
    const name = rest.slice(0, space);
    const b64 = rest.slice(space + 1);
    if (!isValidKeyName(name)) {
      throw new NoteError(`${where} has an invalid key name ${JSON.stringify(name)}`);
    }
    const bytes = decodeBase64Strict(b64);
    if (bytes === undefined) {
      throw new NoteError(`${where} signature is not canonical standard base64`);
    }
    if (bytes.length < 5) {
      throw new NoteError(`${where} signature is ${bytes.length} bytes, fewer than a key hint and a signature`);
    }
    return {
      name,
      keyHint: Buffer.from(bytes.subarray(0, 4)),
      signature: Buffer.from(bytes.subarray(4)),
    };
  });
  return { text, signatures };
}

function checkHint(keyHint: Uint8Array): void {
  if (!(keyHint instanceof Uint8Array) || keyHint.length !== 4) {
    throw new TypeError('key hint must be 4 bytes');
  }
}

/**
 * Signs `text` (which must end in \n) and returns the complete note:
 * text + "\n" + "— <name> <b64(hint||sig)>\n". ECDSA keys sign SHA-256 of the text (DER
 * signature); Ed25519 keys sign the text itself.
 */
export function signNote(text: string, name: string, keyHint: Uint8Array, signer: Signer): string {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new NoteError('note text must end with a newline');
  }
  checkCharacters(text, 'note text');
  if (!isValidKeyName(name)) {
    throw new NoteError(`invalid key name ${JSON.stringify(name)}: it must be non-empty, without spaces or "+"`);
  }
  checkHint(keyHint);
  const signature = signer.sign(Buffer.from(text, 'utf8'));
  const b64 = Buffer.concat([Buffer.from(keyHint), signature]).toString('base64');
  return `${text}\n${SIG_PREFIX}${name} ${b64}\n`;
}

/**
 * Parses `note` and verifies it against one known key, identified by `name` and `keyHint`.
 * Returns the parsed note. Throws NoteError if the note is malformed, has no signature line
 * with that name and hint, or any such line fails to verify (lines of other keys are
 * ignored, as C2SP requires). Throws Error if the public key itself is unusable.
 */
export function verifyNote(
  note: string | Uint8Array,
  name: string,
  keyHint: Uint8Array,
  publicKeyDer: Uint8Array,
): Note {
  checkHint(keyHint);
  const parsed = parseNote(note);
  const hint = Buffer.from(keyHint);
  const mine = parsed.signatures.filter((s) => s.name === name && s.keyHint.equals(hint));
  if (mine.length === 0) {
    throw new NoteError(`note has no signature by ${JSON.stringify(name)} with key hint ${hint.toString('hex')}`);
  }
  const message = Buffer.from(parsed.text, 'utf8');
  for (const s of mine) {
    if (!verifySignature(publicKeyDer, message, s.signature)) {
      throw new NoteError(`note signature by ${JSON.stringify(name)} does not verify`);
    }
  }
  return parsed;
}

/** Rekor v1 (and sigstore-js) key hint: the first 4 bytes of the log ID. */
export function rekorKeyHint(logId: Uint8Array): Buffer {
  if (!(logId instanceof Uint8Array) || logId.length < 4) {
    throw new TypeError('log ID must be at least 4 bytes');
  }
  return Buffer.from(logId.subarray(0, 4));
}

/**
 * C2SP signed-note key ID: SHA-256(name || 0x0A || signature type || public key)[:4].
 * Ed25519 (type 0x01) takes the 32-byte raw public key.
 */
export function c2spKeyHint(name: string, signatureType: number, publicKeyBytes: Uint8Array): Buffer {
  if (!isValidKeyName(name)) {
    throw new TypeError(`invalid key name ${JSON.stringify(name)}`);
  }
  if (!Number.isInteger(signatureType) || signatureType < 0 || signatureType > 255) {
    throw new TypeError('signature type must be a byte');
  }
  return createHash('sha256')
    .update(Buffer.from(name, 'utf8'))
    .update(Buffer.from([0x0a, signatureType]))
    .update(publicKeyBytes)
    .digest()
    .subarray(0, 4);
}
