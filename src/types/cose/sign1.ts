/**
 * COSE_Sign1 (RFC 9052) as go-cose v1.3.0 reads and verifies it for Rekor's cose kind:
 * `Sign1Message.UnmarshalCBOR` (tagged message, protected and unprotected headers, their
 * parameter rules, countersignatures) and `Verify` with the algorithm Rekor's verifier
 * takes from the key. Every refusal is an InvalidEntryError with go-cose's message. The CBOR
 * layer is ./cbor.ts; the entry (decoding, hashes, index keys) is ./v0.0.1.ts.
 */
import { constants, verify as cryptoVerify } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import type { X509PublicKey } from '../pki/x509';
import {
  MAJOR_ARRAY,
  MAJOR_BYTES,
  MAJOR_MAP,
  MAJOR_NINT,
  MAJOR_TEXT,
  MAJOR_UINT,
  arrayItemOffsets,
  checkWellFormed,
  decodeAny,
  encodeBytes,
  encodeHead,
  encodeText,
  goKeyIdentity,
  goQuote,
  goSharpV,
  goV,
  readHead,
  skipItem,
  stringContent,
  stripSelfDescribed,
  tagChainError,
  type GoValue,
} from './cbor';

function fail(message: string): never {
  throw new InvalidEntryError(message);
}

export const ALG_ES256 = -7n;
export const ALG_PS256 = -37n;

/** go-cose Algorithm.String(). */
export function algorithmName(alg: bigint): string {
  const names: Record<string, string> = {
    '-37': 'PS256',
    '-38': 'PS384',
    '-39': 'PS512',
    '-257': 'RS256',
    '-258': 'RS384',
    '-259': 'RS512',
    '-7': 'ES256',
    '-35': 'ES384',
    '-36': 'ES512',
    '-8': 'EdDSA',
    '0': 'Reserved',
  };
  return names[String(alg)] ?? `Algorithm(${alg})`;
}


interface HeaderEntry {
  label: bigint | string;
  value: GoValue;
}

/** A decoded header map, by label identity (`i<int>` / `s<text>`), in document order. */
type Header = Map<string, HeaderEntry>;

export const labelKey = (label: bigint): string => `i${label}`;

export interface Sign1 {
  /** The protected header's serialized map (the bstr contents, as sent). */
  protectedContents: Buffer;
  protected: Header;
  unprotected: Header;
  /** Null for a detached payload (CBOR null). */
  payload: Buffer | null;
  signature: Buffer;
}

const SIGN1_PREFIX = Buffer.from([0xd2, 0x84]);

/** go-cose `Sign1Message.UnmarshalCBOR`: COSE_Sign1_Tagged, exactly as go-cose accepts it. */
export function parseSign1(message: Buffer): Sign1 {
  if (message.length < 2 || !message.subarray(0, 2).equals(SIGN1_PREFIX)) fail('cbor: invalid COSE_Sign1_Tagged object');
  const body = message.subarray(1);
  checkWellFormed(body, { tagsAllowed: false });
  const [protectedOff, unprotectedOff, payloadOff, signatureOff] = arrayItemOffsets(body, 0).items as [number, number, number, number];
  const payload = byteString(body, payloadOff);
  const signature = byteString(body, signatureOff);
  if (payload === undefined || signature === undefined) fail('cbor: require bstr type');
  if (!signature || signature.length === 0) fail('empty signature');
  const headers = decodeHeaders(body, protectedOff, unprotectedOff);
  return { ...headers, payload, signature };
}

/** go-cose byteString ("bstr / nil"): null → null; another type → undefined (an error). */
function byteString(data: Buffer, off: number): Buffer | null | undefined {
  if (data[off] === 0xf6) return null;
  if (data[off]! >> 5 !== MAJOR_BYTES) return undefined;
  return stringContent(data, off);
}

/** Headers.UnmarshalFromRaw: both buckets, then the IV / Partial IV rule across them. */
function decodeHeaders(data: Buffer, protectedOff: number, unprotectedOff: number): Omit<Sign1, 'payload' | 'signature'> {
  const { contents: protectedContents, header: protectedHeader } = withPrefix('cbor: invalid protected header: ', () =>
    decodeProtected(data, protectedOff),
  );
  const unprotected = withPrefix('cbor: invalid unprotected header: ', () => decodeUnprotected(data, unprotectedOff));
  const has = (h: Header, label: bigint) => h.has(labelKey(label));
  if (has(protectedHeader, 5n) && has(unprotected, 6n)) {
    fail('IV (protected) and PartialIV (unprotected) parameters must not both be present');
  }
  if (has(protectedHeader, 6n) && has(unprotected, 5n)) {
    fail('IV (unprotected) and PartialIV (protected) parameters must not both be present');
  }
  return { protectedContents, protected: protectedHeader, unprotected };
}

function withPrefix<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof InvalidEntryError) throw new InvalidEntryError(prefix + err.message);
    throw err;
  }
}

/** ProtectedHeader.UnmarshalCBOR: a bstr holding nothing or a header map (tags allowed inside). */
function decodeProtected(data: Buffer, off: number): { contents: Buffer; header: Header } {
  if (data[off] === 0xf6) fail('cbor: nil protected header');
  if (data[off]! >> 5 !== MAJOR_BYTES) fail('cbor: require bstr type');
  const contents = stringContent(data, off);
  if (contents.length === 0) return { contents, header: new Map() };
  if (contents[0]! >> 5 !== MAJOR_MAP) fail('cbor: protected header: require map type');
  checkWellFormed(contents, { tagsAllowed: true });
  checkHeaderLabels(contents);
  const header = decodeHeaderValues(contents, () => undefined);
  withPrefix('protected header: ', () => validateHeaderParameters(header, true));
  return { contents, header };
}

/** UnprotectedHeader.UnmarshalCBOR: a header map; labels 7 and 11 hold countersignatures. */
function decodeUnprotected(data: Buffer, off: number): Header {
  if (data[off]! >> 5 !== MAJOR_MAP) fail('cbor: unprotected header: require map type');
  const raw = data.subarray(off, skipItem(data, off));
  checkHeaderLabels(raw);
  const header = decodeHeaderValues(raw, (label, valueOff) => {
    if (label !== 7n && label !== 11n) return undefined;
    if (!isCountersignatureOrList(raw, valueOff)) return 'invalid Countersignature object / list of objects';
    return null;
  });
  withPrefix('unprotected header: ', () => validateHeaderParameters(header, false));
  return header;
}

/**
 * validateHeaderLabelCBOR: decoding the map into map[headerLabelValidator]discarded — every
 * label an int64 or valid UTF-8 text, no duplicates; values only have their leading
 * built-in tags checked. Errors as fxamacker's parseMapToMap reports them (the first one,
 * unless a duplicate key comes after it).
 */
function checkHeaderLabels(map: Buffer): void {
  const head = readHead(map, 0);
  const count = Number(head.arg);
  const seen = new Set<string>();
  let error: string | undefined;
  let pos = head.end;
  for (let i = 0; i < count; i++) {
    const keyOff = stripSelfDescribed(map, pos);
    const keyEnd = skipItem(map, keyOff);
    const keyError = tagChainError(map, keyOff) ?? labelError(map, keyOff, keyEnd);
    if (keyError) {
      error ??= keyError;
      pos = skipItem(map, keyEnd);
      continue;
    }
    const label = decodeAny(map, keyOff, false).value;
    const valueOff = stripSelfDescribed(map, keyEnd);
    const valueError = tagChainError(map, valueOff);
    pos = skipItem(map, valueOff);
    if (valueError) {
      error ??= valueError;
      continue;
    }
    const identity = goKeyIdentity(label)!;
    if (seen.has(identity)) {
      fail(`cbor: found duplicate map key cose.headerLabelValidator{value:${goSharpV(label)}} at map element index ${i}`);
    }
    seen.add(identity);
  }
  if (error) fail(error);
}

/** headerLabelValidator.UnmarshalCBOR for the key at [off, end). */
function labelError(map: Buffer, off: number, end: number): string | undefined {
  const major = map[off]! >> 5;
  if (major !== MAJOR_UINT && major !== MAJOR_NINT && major !== MAJOR_TEXT) return 'cbor: header label: require int / tstr type';
  const decoded = decodeAny(map.subarray(off, end), 0, false);
  if (decoded.error) return decoded.error;
  if (decoded.value.type === 'big.Int') return 'cbor: header label: int key must not be higher than 1<<63 - 1';
  return undefined;
}

/**
 * Decode each value as Go `any` (first error in document order), `special` overriding the
 * decoding of some labels: it returns an error text, null for "decoded fine", or undefined
 * for "decode as any". (Go visits the unprotected values in map order, which is random; with
 * several bad values its message varies, ours is the first.)
 */
function decodeHeaderValues(map: Buffer, special: (label: bigint | string, valueOff: number) => string | null | undefined): Header {
  const head = readHead(map, 0);
  const header: Header = new Map();
  let error: string | undefined;
  let pos = head.end;
  for (let i = 0n; i < head.arg; i++) {
    const key = decodeAny(map, pos, true);
    const label = key.value.type === 'int64' ? key.value.value : (key.value as { value: string }).value;
    const valueOff = key.end;
    const specialResult = special(label, stripSelfDescribed(map, valueOff));
    if (specialResult !== undefined) {
      pos = skipItem(map, valueOff);
      if (specialResult !== null) error ??= specialResult;
      else header.set(goKeyIdentity(key.value)!, { label, value: { type: 'nil' } });
      continue;
    }
    const value = decodeAny(map, valueOff, true, label === 2n);
    pos = value.end;
    if (value.error) {
      error ??= value.error;
      continue;
    }
    header.set(goKeyIdentity(key.value)!, { label, value: value.value });
  }
  if (error) fail(error);
  return header;
}

/** unmarshalAsCountersignature: one COSE_Countersignature, or a list of them (nulls allowed). */
function isCountersignatureOrList(data: Buffer, off: number): boolean {
  if (isCountersignature(data, off)) return true;
  const initial = data[off]!;
  if (initial === 0xf6 || initial === 0xf7) return true; // a nil []*Countersignature
  if (initial >> 5 !== MAJOR_ARRAY) return false;
  return arrayItemOffsets(data, off).items.every((item) => data[item] === 0xf6 || data[item] === 0xf7 || isCountersignature(data, item));
}

/** Countersignature.UnmarshalCBOR (Signature.UnmarshalCBOR): [protected, unprotected, signature]. */
function isCountersignature(data: Buffer, off: number): boolean {
  if (data[off] !== 0x83) return false;
  const [protectedOff, unprotectedOff, signatureOff] = arrayItemOffsets(data, off).items as [number, number, number];
  const signature = byteString(data, signatureOff);
  if (!signature || signature.length === 0) return false;
  try {
    decodeHeaders(data, protectedOff, unprotectedOff);
    return true;
  } catch (err) {
    if (err instanceof InvalidEntryError) return false;
    throw err;
  }
}

const isInt = (v: GoValue): boolean => v.type === 'int64';
const isUint = (v: GoValue): boolean => v.type === 'int64' && v.value >= 0n;
const goTypeName = (v: GoValue): string => (v.type === 'nil' ? '<nil>' : v.type);

/** validateHeaderParameters (headers.go), visiting labels in document order. */
function validateHeaderParameters(header: Header, isProtected: boolean): void {
  for (const { label, value } of header.values()) {
    if (typeof label === 'string') continue;
    switch (label) {
      case 1n:
        if (!isInt(value) && value.type !== 'string') fail('header parameter: alg: require int / tstr type');
        break;
      case 2n:
        if (!isProtected) fail('header parameter: crit: not allowed');
        ensureCritical(value, header);
        break;
      case 16n:
        checkMediaType(value, 'type');
        break;
      case 3n:
        checkMediaType(value, 'content type');
        break;
      case 4n:
        if (value.type !== '[]uint8') fail('header parameter: kid: require bstr type');
        break;
      case 5n:
        if (value.type !== '[]uint8') fail('header parameter: IV: require bstr type');
        if (header.has(labelKey(6n))) fail('header parameter: IV and PartialIV: parameters must not both be present');
        break;
      case 6n:
        if (value.type !== '[]uint8') fail('header parameter: Partial IV: require bstr type');
        if (header.has(labelKey(5n))) fail('header parameter: IV and PartialIV: parameters must not both be present');
        break;
      case 7n:
        // Unprotected values under 7 and 11 were decoded as countersignatures already.
        if (isProtected) fail('header parameter: counter signature: not allowed');
        break;
      case 9n:
        if (isProtected) fail('header parameter: countersignature0: not allowed');
        if (value.type !== '[]uint8') fail('header parameter: countersignature0: require bstr type');
        break;
      case 11n:
        if (isProtected) fail('header parameter: Countersignature version 2: not allowed');
        break;
      case 12n:
        if (isProtected) fail('header parameter: Countersignature0 version 2: not allowed');
        if (value.type !== '[]uint8') fail('header parameter: Countersignature0 version 2: require bstr type');
        break;
      default:
        break;
    }
  }
}

function checkMediaType(value: GoValue, name: string): void {
  if (value.type !== 'string') {
    if (!isUint(value)) fail(`header parameter: ${name}: require tstr / uint type`);
    return;
  }
  const v = value.value;
  if (v.length === 0) fail(`header parameter: ${name}: require non-empty string`);
  if (v.startsWith(' ') || v.endsWith(' ')) fail(`header parameter: ${name}: require no leading/trailing whitespace`);
  if (v.split('/').length !== 2) fail(`header parameter: ${name}: require text of form type/subtype`);
}

function ensureCritical(value: GoValue, header: Header): void {
  const problem = (message: string): never => fail(`header parameter: crit: ${message}`);
  if (value.type !== '[]interface {}' || !value.items) return problem('invalid crit header');
  if (value.items.length === 0) problem('empty crit header');
  for (const label of value.items) {
    if (!isInt(label) && label.type !== 'string') problem(`require int / tstr type, got '${goTypeName(label)}': ${goV(label)}`);
    if (!header.has(goKeyIdentity(label)!)) problem(`missing critical header: ${goV(label)}`);
  }
}

/** Sign1Message.Verify with Rekor's verifier, after the `alg` rule (ensureVerificationAlgorithm). */
export function verifySign1(sign1: Sign1, aad: Buffer, parsed: X509PublicKey, verifierAlg: bigint): void {
  if (sign1.payload === null) fail('missing payload');
  const alg = sign1.protected.get(labelKey(1n))?.value;
  if (!alg) {
    if (aad.length === 0) fail('algorithm not found');
  } else if (alg.type === 'string') {
    fail(`Algorithm(${goQuote(alg.value)})`);
  } else if (alg.type === 'int64' && alg.value !== verifierAlg) {
    fail(`algorithm mismatch: verifier ${algorithmName(verifierAlg)}: header ${algorithmName(alg.value)}`);
  }

  // Sig_structure = ["Signature1", protected (minimal bstr head), external_aad, payload].
  const toBeSigned = Buffer.concat([
    encodeHead(MAJOR_ARRAY, 4),
    encodeText('Signature1'),
    encodeBytes(sign1.protectedContents),
    encodeBytes(aad),
    encodeBytes(sign1.payload),
  ]);
  const key = parsed.signingKey;
  let ok: boolean;
  if (verifierAlg === ALG_ES256) {
    // go-cose: r‖s of exactly twice the curve size; high S accepted.
    ok = sign1.signature.length === 64 && cryptoVerify('sha256', toBeSigned, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, sign1.signature);
  } else {
    // Go's rsa.VerifyPSS wants a signature exactly as long as the modulus (OpenSSL would take a shorter one).
    const modulusBytes = Math.ceil((key.algorithm as { modulusBits: number }).modulusBits / 8);
    ok =
      sign1.signature.length === modulusBytes &&
      cryptoVerify(
        'sha256',
        toBeSigned,
        { key: key.keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        sign1.signature,
      );
  }
  if (!ok) fail('verification error');
}

