/**
 * rekord's "minisign" format: minisign and signify Ed25519 signatures. Mirrors
 * sigstore/rekor pkg/pki/minisign/minisign.go @ eee7d8d6 and the decoders of
 * jedisct1/go-minisign (2021-10-28) it calls, with their error texts.
 *
 * - Signature: minisign's four lines (untrusted comment; base64 of algorithm[2] ‖ key
 *   id[8] ‖ signature[64]; trusted comment; base64 of the 64-byte global signature), or
 *   else signify's two lines (comment; the same 74 bytes). Canonical value:
 *   "untrusted comment:\n" + base64 of the 74 bytes, no final newline.
 * - Key, tried in order: a minisign key file (base64 of algorithm[2] ‖ key id[8] ‖ key[32]
 *   after the first line), the base64 line alone, or 32 raw key bytes (a legacy form Rekor
 *   once stored; algorithm "Ed", key id zero). Canonical value: base64 of the 42 bytes.
 * - Verify: Ed25519 over the content, or over BLAKE2b-512(content) when the signature's
 *   algorithm is the prehashed "ED" (second byte 'D'). As upstream, the key id, the key's
 *   algorithm, the trusted comment and the global signature are not checked.
 * - Subjects: none.
 */
import { createHash } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import { decodeGoStdBase64 } from '../base64';
import { verifyEd25519 } from '../pki/verify';
import type { RekordFormat, RekordPublicKey, RekordSignature } from './format';

interface MinisignSignature extends RekordSignature {
  algorithm: Buffer;
  keyId: Buffer;
  signature: Buffer;
}

interface MinisignPublicKey extends RekordPublicKey {
  algorithm: Buffer;
  keyId: Buffer;
  publicKey: Buffer;
}

const SIGNATURE_LENGTH = 2 + 8 + 64;
const GLOBAL_SIGNATURE_LENGTH = 64;
const KEY_LENGTH = 2 + 8 + 32;
const LEGACY_KEY_LENGTH = 32;
/** The second algorithm byte of minisign's prehashed ("ED") signatures. */
const PREHASHED = 0x44;

function fail(message: string): never {
  throw new InvalidEntryError(message);
}

/** Go's strings.SplitN(s, sep, n) for n > 0. */
function splitN(text: string, separator: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let at: number; parts.length < n - 1 && (at = rest.indexOf(separator)) >= 0; ) {
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}

/** Base64 of exactly `length` bytes, as Go's StdEncoding reads it; undefined otherwise. */
function decodeExactly(text: string, length: number): Buffer | undefined {
  const bytes = decodeGoStdBase64(text);
  return bytes && bytes.length === length ? bytes : undefined;
}

/** go-minisign DecodeSignature: the 74 signature bytes of a four-line minisign signature. */
function decodeMinisignSignature(text: string): Buffer | undefined {
  const lines = splitN(text, '\n', 4);
  if (lines.length < 4) return undefined;
  const signature = decodeExactly(lines[1]!, SIGNATURE_LENGTH);
  if (!signature || !decodeExactly(lines[3]!, GLOBAL_SIGNATURE_LENGTH)) return undefined;
  return signature;
}

/** Upstream's signify fallback: exactly two lines once trailing newlines are trimmed. */
function decodeSignifySignature(text: string): Buffer {
  const lines = text.replace(/\n+$/, '').split('\n');
  if (lines.length !== 2) fail(`invalid signature provided: ${lines.length} lines detected`);
  const signature = decodeGoStdBase64(lines[1]!);
  if (!signature) fail('invalid signature provided: base64 decoding failed');
  if (signature.length !== SIGNATURE_LENGTH) fail(`invalid signature provided: incorrect size ${signature.length} detected`);
  return signature;
}

/** The 42 key bytes, trying the three forms upstream accepts, in its order. */
function decodePublicKey(bytes: Buffer): Buffer {
  // latin1: one character per byte, so lengths and splits are Go's byte-wise ones.
  const text = bytes.toString('latin1');
  const newline = text.indexOf('\n');
  const fromFile = newline >= 0 ? decodeExactly(text.slice(newline + 1), KEY_LENGTH) : undefined;
  const key = fromFile ?? decodeExactly(text, KEY_LENGTH);
  if (key) return key;
  if (bytes.length === LEGACY_KEY_LENGTH) return Buffer.concat([Buffer.from('Ed'), Buffer.alloc(8), bytes]);
  return fail('unable to read minisign public key: Invalid encoded public key');
}

/** Synchronous: parse and verify answer at once (the interface also allows promises). */
export const minisignFormat = {
  name: 'minisign',
  parseSignature(bytes) {
    const text = bytes.toString('latin1');
    const raw = decodeMinisignSignature(text) ?? decodeSignifySignature(text);
    return {
      algorithm: raw.subarray(0, 2),
      keyId: raw.subarray(2, 10),
      signature: raw.subarray(10),
      canonical: Buffer.from(`untrusted comment:\n${raw.toString('base64')}`),
    };
  },
  parsePublicKey(bytes) {
    const raw = decodePublicKey(bytes);
    return {
      algorithm: raw.subarray(0, 2),
      keyId: raw.subarray(2, 10),
      publicKey: raw.subarray(10),
      canonical: Buffer.from(raw.toString('base64')),
      subjects: [],
    };
  },
  verify(signature, key, content) {
    const message = signature.algorithm[1] === PREHASHED ? createHash('blake2b512').update(content).digest() : content;
    if (!verifyEd25519(key.publicKey, message, signature.signature)) fail('failed to verify signature');
  },
} satisfies RekordFormat<MinisignPublicKey, MinisignSignature>;
