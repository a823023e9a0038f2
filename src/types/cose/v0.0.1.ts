/**
 * cose 0.0.1: a COSE_Sign1 message (RFC 9052) and the public key or certificate that signed
 * it. Mirrors sigstore/rekor pkg/types/cose/v0.0.1/entry.go at eee7d8d6 — DecodeEntry, the
 * generated model's Validate, Unmarshal/validate (x509 key → ES256 or PS256 verifier,
 * go-cose v1.3.0 `Sign1Message.UnmarshalCBOR` and `Verify`), Insertable, Canonicalize
 * (the two hashes and the canonical key; the message and aad are not kept), IndexKeys and
 * AttestationKeyValue (the whole message, when it is at most the attestation size limit).
 *
 * Every refusal is an InvalidEntryError carrying Rekor's message (Rekor answers all of them
 * with 400 "error processing entry: <message>"). Rekor's only 500 for this kind would come
 * from Canonicalize failing after Unmarshal succeeded, which cannot happen: every check is
 * made in Unmarshal, and the keys that pass it always re-encode. COSE_Sign1 parsing and
 * verification are ./sign1.ts, the CBOR layer ./cbor.ts.
 *
 * Known, deliberate differences (messages only, never acceptance): where several header
 * parameters are invalid Go reports whichever its random map order meets first, we report
 * the first in the message; `%v` of a map with keys of mixed types in a `crit` error is
 * ordered by type name (Go orders by type address).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import { DEFAULT_MAX_ATTESTATION_SIZE } from '../intoto/attestation';
import { parseX509PublicKey, type X509PublicKey } from '../pki/x509';
import type { CanonicalEntry, EntryType } from '../registry';
import { goTypeName } from '../decode-entry';
import { compileSpecValidator } from '../schema';
import { ALG_ES256, ALG_PS256, labelKey, parseSign1, verifySign1 } from './sign1';

export const KIND = 'cose';
export const API_VERSION = '0.0.1';

/** in_toto.PayloadType: the content type whose payload Rekor reads subject digests from. */
const IN_TOTO_CONTENT_TYPE = 'application/vnd.in-toto+json';

const validateSchema = compileSpecValidator({ path: 'cose/v0.0.1/cose_v0_0_1_schema.json' });

export function createCoseV001(options: { maxAttestationSize?: number } = {}): EntryType {
  const maxAttestationSize = options.maxAttestationSize ?? DEFAULT_MAX_ATTESTATION_SIZE;
  return { kind: KIND, apiVersion: API_VERSION, canonicalize: async (spec) => canonicalize(spec, maxAttestationSize) };
}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

function fail(message: string): never {
  throw new InvalidEntryError(message);
}

// ---------------------------------------------------------------------------------------
// The proposed spec, as DecodeEntry and the generated model see it
// ---------------------------------------------------------------------------------------

interface HashModel {
  algorithm?: string;
  value?: string;
}

interface CoseModel {
  /** Empty when absent (DecodeEntry skips a non-string or empty `message`). */
  message: Buffer;
  publicKey?: { text: string; bytes: Buffer };
  data?: { aad: Buffer; aadText?: string; payloadHash?: HashModel; envelopeHash?: HashModel };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property (JSON.parse makes `__proto__` an own property, never the prototype). */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** DecodeEntry (entry.go): strings are taken only when non-empty; base64 is Go's StdEncoding. */
function decodeEntry(input: unknown): CoseModel {
  if (!isObject(input)) fail(`unsupported input type ${goTypeName(input, 'json.Number')} for DecodeEntry`);
  const model: CoseModel = { message: Buffer.alloc(0) };
  const message = own(input, 'message');
  if (typeof message === 'string' && message !== '') model.message = goBase64(message, 'message');
  const publicKey = own(input, 'publicKey');
  if (typeof publicKey === 'string' && publicKey !== '') {
    model.publicKey = { text: publicKey, bytes: goBase64(publicKey, 'publicKey') };
  }
  const data = own(input, 'data');
  if (isObject(data)) {
    model.data = { aad: Buffer.alloc(0) };
    const hash = (value: unknown): HashModel | undefined => {
      if (!isObject(value)) return undefined;
      const algorithm = own(value, 'algorithm');
      const hashValue = own(value, 'value');
      return {
        ...(typeof algorithm === 'string' ? { algorithm } : {}),
        ...(typeof hashValue === 'string' ? { value: hashValue } : {}),
      };
    };
    model.data.payloadHash = hash(own(data, 'payloadHash'));
    model.data.envelopeHash = hash(own(data, 'envelopeHash'));
    const aad = own(data, 'aad');
    if (typeof aad === 'string' && aad !== '') {
      model.data.aad = goBase64(aad, 'aad');
      model.data.aadText = aad;
    }
  }
  return model;
}

const BASE64_DECODE = (() => {
  const table = new Int16Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Go's `base64.StdEncoding.Decode` (encoding/base64 decodeQuantum): padding required, CR
 * and LF skipped, trailing bits ignored; on failure Rekor's
 * "failed parsing base64 data for <field>: illegal base64 data at input byte <n>".
 */
export function goBase64(text: string, field: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(Math.floor(src.length / 4) * 3 + 3);
  let n = 0;
  const corrupt = (offset: number): never =>
    fail(`failed parsing base64 data for ${field}: illegal base64 data at input byte ${offset}`);
  const isNewline = (c: number): boolean => c === 0x0a || c === 0x0d;
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingGarbage = -1;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out.subarray(0, n);
        corrupt(si - j);
      }
      const c = src[si]!;
      si++;
      const v = BASE64_DECODE[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d) corrupt(si - 1);
      // Padding: this is the last quantum.
      if (j === 0 || j === 1) corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si]!)) si++;
        if (si === src.length) corrupt(src.length);
        if (src[si] !== 0x3d) corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si]!)) si++;
      if (si < src.length) trailingGarbage = si;
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out[n++] = bytes[k]!;
    if (trailingGarbage >= 0) corrupt(trailingGarbage);
  }
  return out.subarray(0, n);
}

/** Go's strconv.IsPrint for a Latin-1 rune. */
const isPrintLatin1 = (b: number): boolean => (b >= 0x20 && b <= 0x7e) || (b >= 0xa1 && b <= 0xff && b !== 0xad);

/** Go's `hex.DecodeString`, with its error texts. */
function goHexDecode(text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  const invalid = (b: number): never => {
    const code = `U+${b.toString(16).toUpperCase().padStart(4, '0')}`;
    return fail(`encoding/hex: invalid byte: ${isPrintLatin1(b) ? `${code} '${String.fromCharCode(b)}'` : code}`);
  };
  const nibble = (b: number): number => {
    if (b >= 0x30 && b <= 0x39) return b - 0x30;
    if (b >= 0x61 && b <= 0x66) return b - 0x57;
    if (b >= 0x41 && b <= 0x46) return b - 0x37;
    return -1;
  };
  const out = Buffer.alloc(src.length >> 1);
  let j = 1;
  for (; j < src.length; j += 2) {
    const a = nibble(src[j - 1]!);
    const b = nibble(src[j]!);
    if (a < 0) invalid(src[j - 1]!);
    if (b < 0) invalid(src[j]!);
    out[(j - 1) >> 1] = (a << 4) | b;
  }
  if (src.length % 2 === 1) {
    if (nibble(src[j - 1]!) < 0) invalid(src[j - 1]!);
    fail('encoding/hex: odd length hex string');
  }
  return out;
}

/**
 * The generated model's Validate (models/cose_v001_schema.go) with go-openapi's composite
 * error text. Of the `data` errors only the first survives (go-openapi's errors.As picks
 * the first Validation inside the nested composite), with go-swagger's doubled prefix.
 */
function validateModel(model: CoseModel): void {
  const problems: string[] = [];
  if (model.data) {
    const hashProblem = (name: string, hash: HashModel | undefined): string | undefined => {
      if (!hash) return undefined;
      const path = `data.${name}`;
      let inner: string | undefined;
      if (hash.algorithm === undefined) inner = `${path}.algorithm in body is required`;
      else if (hash.algorithm !== 'sha256') inner = `${path}.algorithm in body should be one of [sha256]`;
      else if (hash.value === undefined) inner = `${path}.value in body is required`;
      return inner === undefined ? undefined : `data.${path}.${inner}`;
    };
    const dataProblem = hashProblem('envelopeHash', model.data.envelopeHash) ?? hashProblem('payloadHash', model.data.payloadHash);
    if (dataProblem) problems.push(dataProblem);
  }
  if (!model.publicKey) problems.push('publicKey in body is required');
  if (problems.length > 0) fail(`validation failure list:\n${problems.join('\n')}`);

  // The same constraints from Rekor's schema file, on what DecodeEntry kept (a backstop:
  // it cannot fail once the checks above pass).
  const data = model.data;
  validateSchema({
    publicKey: model.publicKey!.text,
    ...(data
      ? {
          data: {
            ...(data.payloadHash ? { payloadHash: data.payloadHash } : {}),
            ...(data.envelopeHash ? { envelopeHash: data.envelopeHash } : {}),
            ...(data.aadText !== undefined ? { aad: data.aadText } : {}),
          },
        }
      : {}),
  });
}

// ---------------------------------------------------------------------------------------
// Keys: getPublicKey and gocose.NewVerifier
// ---------------------------------------------------------------------------------------

interface ParsedKey {
  key?: X509PublicKey;
  /** Go's type name of a key Go's x509 parses but this project's parser refuses (DSA, X25519). */
  goTypeOnly?: string;
}

const DSA_OID = Buffer.from('06072a8648ce380401', 'hex');
const X25519_OID = Buffer.from('06032b656e', 'hex');

/**
 * x509.NewPublicKey. Go's x509 also parses DSA and X25519 keys, which Rekor refuses only
 * later ("unsupported algorithm type *dsa.PublicKey"); the project's parser refuses them at
 * once, so that refusal is deferred to the same step here.
 */
function parseKey(bytes: Buffer): ParsedKey {
  try {
    return { key: parseX509PublicKey(bytes) };
  } catch (err) {
    if (err instanceof InvalidEntryError && err.message === 'unsupported public key type') {
      const der = Buffer.from(bytes.toString('latin1').replace(/-----[^-]*-----|\s/g, ''), 'base64');
      if (der.includes(DSA_OID)) return { goTypeOnly: '*dsa.PublicKey' };
      if (der.includes(X25519_OID)) return { goTypeOnly: '*ecdh.PublicKey' };
    }
    throw err;
  }
}

/** getPublicKey (entry.go) then gocose.NewVerifier: the COSE algorithm this key verifies. */
function verifierAlgorithm(parsed: ParsedKey): bigint {
  if (!parsed.key) fail(`unsupported algorithm type ${parsed.goTypeOnly}`);
  const algorithm = parsed.key.signingKey.algorithm;
  switch (algorithm.type) {
    case 'rsa':
      // RFC 8230 §6.1, enforced by gocose.NewVerifier.
      if (algorithm.modulusBits < 2048) fail('RSA key must be at least 2048 bits long');
      return ALG_PS256;
    case 'ecdsa':
      if (algorithm.curve !== 'P-256') fail(`unsupported elliptic curve ${algorithm.curve}`);
      return ALG_ES256;
    default:
      return fail('unsupported algorithm type ed25519.PublicKey');
  }
}

// ---------------------------------------------------------------------------------------
// The entry
// ---------------------------------------------------------------------------------------

function canonicalize(proposed: unknown, maxAttestationSize: number): CanonicalEntry {
  // Unmarshal: DecodeEntry, the model's Validate, x509.NewPublicKey, the envelope hash.
  const model = decodeEntry(proposed);
  validateModel(model);
  const parsedKey = parseKey(model.publicKey!.bytes);
  if (model.message.length === 0) {
    const envelopeHash = model.data?.envelopeHash?.value;
    if (envelopeHash === undefined) fail('envelope hash should have been previously computed');
    goHexDecode(envelopeHash);
    // validate() is skipped without a message; Insertable then refuses the entry.
    fail('entry not insertable into log: missing COSE Sign1 message');
  }
  const message = model.message;

  // validate(): the key's algorithm (before the message is parsed), the message, data, Verify.
  const verifierAlg = verifierAlgorithm(parsedKey);
  const key = parsedKey.key!;
  const sign1 = parseSign1(message);
  if (!model.data) fail('cose object data cannot be nil');
  verifySign1(sign1, model.data.aad, key, verifierAlg);
  const payload = sign1.payload!;

  const envelopeHash = sha256(message).toString('hex');
  const payloadHash = sha256(payload).toString('hex');
  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      data: {
        envelopeHash: { algorithm: 'sha256', value: envelopeHash },
        payloadHash: { algorithm: 'sha256', value: payloadHash },
      },
      publicKey: key.canonicalPem.toString('base64'),
    },
  });

  const indexKeys = [sha256(key.canonicalPem).toString('hex'), ...key.subjects, `sha256:${envelopeHash}`, `sha256:${payloadHash}`];
  const contentType = sign1.protected.get(labelKey(3n))?.value;
  if (contentType?.type === 'string' && contentType.value === IN_TOTO_CONTENT_TYPE) {
    indexKeys.push(...inTotoSubjectDigests(payload));
  }

  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
    // AttestationKeyValue: the whole COSE message, unless larger than the limit.
    attestation: message.length <= maxAttestationSize ? Buffer.from(message) : undefined,
  };
}

/**
 * getIntotoStatement (entry.go): `json.Unmarshal` into {Subject []{Digest map[string]string}}
 * with encoding/json's rules — field names matched case-insensitively, every occurrence of a
 * repeated key applied in turn, a repeated `subject` decoding into the same slice (elements
 * reused, maps added to), null leaving a struct alone and storing "" in a map, any type
 * mismatch discarding everything. Keys are `<alg>:<digest>` of every subject digest.
 */
export function inTotoSubjectDigests(payload: Buffer): string[] {
  const statement = parseGoJson(payload.toString('utf8'));
  if (statement === undefined || statement === null) return [];
  if (!(statement instanceof JsonObject)) return [];
  let subjects: Array<Map<string, string> | null> | null = null;
  let mismatch = false;
  for (const [field, list] of statement.entries) {
    if (!goFoldEqual(field, 'subject')) continue;
    if (list === null) {
      subjects = null;
      continue;
    }
    if (!Array.isArray(list)) {
      mismatch = true;
      continue;
    }
    // Decoding into an existing slice reuses its elements.
    const next: Array<Map<string, string> | null> = subjects ?? [];
    for (let i = 0; i < list.length; i++) {
      if (i >= next.length) next.push(null);
      const item = list[i];
      if (item === null) continue;
      if (!(item instanceof JsonObject)) {
        mismatch = true;
        continue;
      }
      for (const [name, digest] of item.entries) {
        if (!goFoldEqual(name, 'digest')) continue;
        if (digest === null) {
          next[i] = null;
        } else if (!(digest instanceof JsonObject)) {
          mismatch = true;
        } else {
          // Decoding into an existing map adds to it; a null value stores "".
          const set = next[i] ?? new Map<string, string>();
          for (const [alg, value] of digest.entries) {
            if (value === null) set.set(alg, '');
            else if (typeof value === 'string') set.set(alg, value);
            else mismatch = true;
          }
          next[i] = set;
        }
      }
    }
    next.length = list.length;
    subjects = next;
  }
  if (mismatch || !subjects) return [];
  return subjects.flatMap((digests) => (digests ? [...digests].map(([alg, value]) => `${alg}:${value}`) : []));
}

/** encoding/json's case-insensitive field match (simple Unicode folding). */
function goFoldEqual(a: string, b: string): boolean {
  const fold = (s: string) => [...s].map((c) => c.toUpperCase().toLowerCase()).join('');
  return fold(a) === fold(b);
}

/** A JSON object with every member in order, duplicates included. */
class JsonObject {
  readonly entries: Array<[string, JsonValue]> = [];
}
type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** encoding/json's nesting limit. */
const MAX_JSON_DEPTH = 10000;

/**
 * A JSON text as encoding/json reads it (RFC 8259; lone surrogate escapes become U+FFFD;
 * more than 10000 levels refused), or undefined where Go reports an error. Iterative, so
 * deep input cannot exhaust the stack. Numbers are only checked, their values not needed.
 */
function parseGoJson(text: string): JsonValue | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const parseString = (): string | undefined => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) return undefined;
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return out;
      }
      if (c < 0x20) return undefined;
      if (c !== 0x5c) {
        out += text[i++];
        continue;
      }
      const e = text[i + 1];
      i += 2;
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        continue;
      }
      if (e !== 'u') return undefined;
      const hex = (at: number) => (/^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4)) ? parseInt(text.slice(at, at + 4), 16) : -1);
      const u = hex(i);
      if (u < 0) return undefined;
      i += 4;
      if (u >= 0xd800 && u < 0xdc00 && text[i] === '\\' && text[i + 1] === 'u') {
        const low = hex(i + 2);
        if (low >= 0xdc00 && low < 0xe000) {
          out += String.fromCharCode(u, low);
          i += 6;
          continue;
        }
      }
      out += u >= 0xd800 && u < 0xe000 ? '\ufffd' : String.fromCharCode(u);
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseScalar = (): JsonValue | undefined => {
    const c = text[i];
    if (c === '"') return parseString();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return undefined;
    i += m[0].length;
    return 0;
  };

  // Containers under construction; for an object, the key awaiting its value.
  const stack: Array<{ value: JsonValue[] | JsonObject; key?: string }> = [];
  let result: JsonValue | undefined;
  for (;;) {
    ws();
    let value: JsonValue | undefined;
    if (text[i] === '{' || text[i] === '[') {
      if (stack.length >= MAX_JSON_DEPTH) return undefined;
      const container = text[i] === '{' ? new JsonObject() : [];
      i++;
      ws();
      if ((text[i] === '}' && container instanceof JsonObject) || (text[i] === ']' && Array.isArray(container))) {
        i++;
        value = container;
      } else {
        stack.push({ value: container });
        if (container instanceof JsonObject) {
          if (text[i] !== '"') return undefined;
          const key = parseString();
          if (key === undefined) return undefined;
          ws();
          if (text[i] !== ':') return undefined;
          i++;
          stack[stack.length - 1]!.key = key;
        }
        continue;
      }
    } else {
      value = parseScalar();
      if (value === undefined) return undefined;
    }
    // Attach `value` to its parent, closing every container that ends here.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        result = value;
        break;
      }
      if (top.value instanceof JsonObject) top.value.entries.push([top.key!, value]);
      else top.value.push(value);
      ws();
      const close = top.value instanceof JsonObject ? '}' : ']';
      if (text[i] === ',') {
        i++;
        if (top.value instanceof JsonObject) {
          ws();
          if (text[i] !== '"') return undefined;
          const key = parseString();
          if (key === undefined) return undefined;
          ws();
          if (text[i] !== ':') return undefined;
          i++;
          top.key = key;
        }
        break;
      }
      if (text[i] !== close) return undefined;
      i++;
      stack.pop();
      value = top.value;
    }
    if (result !== undefined) break;
  }
  ws();
  return i === text.length ? result : undefined;
}
