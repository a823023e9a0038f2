/**
 * DSSE envelopes (secure-systems-lab/dsse) as Rekor reads them, for the dsse and intoto
 * kinds: Go's `json.Unmarshal` into go-securesystemslib's `dsse.Envelope`, the PAE bytes,
 * and `EnvelopeVerifier.Verify` with one key and threshold 1 — the way Rekor calls it.
 */
import { InvalidEntryError } from '../../errors';
import { decodeGoStdBase64, decodeGoUrlBase64 } from '../base64';
import type { SubjectPublicKey } from '../pki/public-key';
import { verifyMessageSignature } from '../pki/verify';

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

/** The in-toto statement payload type (in_toto.PayloadType). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Go's name for a JSON value's type in "cannot unmarshal X into …" messages. */
function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value; // string, number, boolean
}

/**
 * Go's struct decoding: keys matched to field names exactly or case-insensitively, the
 * last match winning; unknown keys ignored; null leaves a field at its zero value.
 */
function goFields(obj: Record<string, unknown>, names: readonly string[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(obj)) {
    const name = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name !== undefined && value !== null) out.set(name, value);
  }
  return out;
}

function goString(value: unknown, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    throw new InvalidEntryError(`json: cannot unmarshal ${goJsonType(value)} into Go struct field ${field} of type string`);
  }
  return value;
}

/** `json.Unmarshal([]byte(text), &dsse.Envelope{})`, with Go's error texts for what goes wrong. */
export function parseEnvelopeJson(text: string): DsseEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const detail = text.trim() === '' ? 'unexpected end of JSON input' : `invalid character in JSON input (${(err as Error).message})`;
    throw new InvalidEntryError(detail);
  }
  if (parsed === null) return { payloadType: '', payload: '', signatures: [] };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidEntryError(`json: cannot unmarshal ${goJsonType(parsed)} into Go value of type dsse.Envelope`);
  }
  const fields = goFields(parsed as Record<string, unknown>, ['payloadType', 'payload', 'signatures']);
  const rawSignatures = fields.get('signatures');
  if (rawSignatures !== undefined && !Array.isArray(rawSignatures)) {
    throw new InvalidEntryError(
      `json: cannot unmarshal ${goJsonType(rawSignatures)} into Go struct field Envelope.signatures of type []dsse.Signature`,
    );
  }
  const signatures = ((rawSignatures as unknown[] | undefined) ?? []).map((item): DsseSignature => {
    if (item === null) return { keyid: '', sig: '' };
    if (typeof item !== 'object' || Array.isArray(item)) {
      throw new InvalidEntryError(
        `json: cannot unmarshal ${goJsonType(item)} into Go struct field Envelope.signatures of type dsse.Signature`,
      );
    }
    const f = goFields(item as Record<string, unknown>, ['keyid', 'sig']);
    return { keyid: goString(f.get('keyid'), 'Signature.signatures.keyid'), sig: goString(f.get('sig'), 'Signature.signatures.sig') };
  });
  return {
    payloadType: goString(fields.get('payloadType'), 'Envelope.payloadType'),
    payload: goString(fields.get('payload'), 'Envelope.payload'),
    signatures,
  };
}

/** Default for EntryTypeOptions.maxSignatures. */
export const DEFAULT_MAX_SIGNATURES = 16;

/** glasslog's limit on signatures or verifiers per envelope (EntryTypeOptions.maxSignatures). */
export function checkSignatureCount(count: number, max: number, what: 'signatures' | 'verifiers'): void {
  if (count > max) throw new InvalidEntryError(`too many ${what}: ${count}; this log accepts at most ${max} per envelope`);
}

/** go-securesystemslib b64Decode: standard alphabet, else URL-safe (both padded). */
export function decodeEnvelopeBase64(text: string): Buffer {
  const bytes = decodeGoStdBase64(text) ?? decodeGoUrlBase64(text);
  if (!bytes) throw new InvalidEntryError('unable to base64 decode payload (is payload in the right format?)');
  return bytes;
}

/** PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in decimal bytes. */
export function preAuthEncoding(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/**
 * `EnvelopeVerifier.Verify` with a single key and threshold 1: the payload is decoded, then
 * the signatures are tried in order and the first that verifies is accepted (a key counts
 * once). Every signature must at least be valid base64. With `keyId` (intoto 0.0.1, whose
 * verifier has one), a signature naming a different non-empty keyid is skipped.
 */
export function verifyEnvelopeWithKey(
  envelope: DsseEnvelope,
  key: SubjectPublicKey,
  keyId?: string,
): { accepted: DsseSignature; payload: Buffer } {
  if (envelope.signatures.length === 0) throw new InvalidEntryError('no signature found');
  const payload = decodeEnvelopeBase64(envelope.payload);
  const message = preAuthEncoding(envelope.payloadType, payload);
  let accepted: DsseSignature | undefined;
  for (const signature of envelope.signatures) {
    const sig = decodeEnvelopeBase64(signature.sig);
    if (accepted) continue;
    if (keyId && signature.keyid !== '' && signature.keyid !== keyId) continue;
    try {
      verifyMessageSignature(key, message, sig);
      accepted = signature;
    } catch {
      // A signature that does not verify is skipped, as upstream.
    }
  }
  if (!accepted) throw new InvalidEntryError('accepted signatures do not match threshold, Found: 0, Expected 1');
  return { accepted, payload };
}

/**
 * Index keys an in-toto statement yields: `<alg>:<digest>` of every subject, then of every
 * `predicate.materials` entry — each part skipped when it does not decode as Go's typed
 * structs would (a type mismatch anywhere in it).
 */
export function inTotoDigestKeys(payload: Buffer): string[] {
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return [];
  }
  if (!isObject(statement)) return [];
  const fields = goFields(statement, ['subject', 'predicate']);
  const keys = digestKeys(fields.get('subject'), 'name') ?? [];
  const predicate = fields.get('predicate');
  if (isObject(predicate)) keys.push(...(digestKeys(goFields(predicate, ['materials']).get('materials'), 'uri') ?? []));
  return keys;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `[{<nameField>: string, digest: {alg: hex}}]` → "alg:hex" keys; undefined when Go would fail to decode. */
function digestKeys(list: unknown, nameField: string): string[] | undefined {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  const keys: string[] = [];
  for (const item of list) {
    if (item === null) continue;
    if (!isObject(item)) return undefined;
    const f = goFields(item, [nameField, 'digest']);
    const name = f.get(nameField);
    if (name !== undefined && typeof name !== 'string') return undefined;
    const digest = f.get('digest');
    if (digest === undefined) continue;
    if (!isObject(digest)) return undefined;
    for (const [alg, value] of Object.entries(digest)) {
      // Go decodes a null map value as "", so Rekor indexes "<alg>:".
      if (value === null) {
        keys.push(`${alg}:`);
        continue;
      }
      if (typeof value !== 'string') return undefined;
      keys.push(`${alg}:${value}`);
    }
  }
  return keys;
}
