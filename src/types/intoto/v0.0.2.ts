/**
 * intoto 0.0.2: a DSSE envelope as an object, each signature with its own public key; the
 * payload and signatures are base64 of the DSSE base64 strings. Mirrors sigstore/rekor
 * pkg/types/intoto/v0.0.2/entry.go: every key listed must verify a signature and every
 * signature must be verified; the canonical body keeps the envelope without its payload,
 * the signatures and keys as sent (in order), the client's `hash`, and the payload hash
 * the server computed.
 *
 * One deliberate difference: a proposal without `content.hash` makes Rekor fail in
 * Canonicalize with a 500; glasslog refuses it with a 400 and the same message.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import { decodeGoStdBase64 } from '../base64';
import {
  checkSignatureCount,
  DEFAULT_MAX_SIGNATURES,
  inTotoDigestKeys,
  IN_TOTO_PAYLOAD_TYPE,
  verifyEnvelopeWithKey,
  type DsseEnvelope,
} from '../dsse/envelope';
import { parseX509PublicKey, type X509PublicKey } from '../pki/x509';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import { DEFAULT_MAX_ATTESTATION_SIZE, keptAttestation } from './attestation';

export const KIND = 'intoto';
export const API_VERSION = '0.0.2';

interface IntotoV002Spec {
  content: {
    envelope: {
      payload?: string;
      payloadType: string;
      signatures: { keyid?: string; sig: string; publicKey: string }[];
    };
    hash?: { algorithm: 'sha256'; value: string };
  };
}

const validateSpec = compileSpecValidator({ path: 'intoto/v0.0.2/intoto_v0_0_2_schema.json' });

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function createIntotoV002(options: { maxAttestationSize?: number; maxSignatures?: number } = {}): EntryType {
  const maxAttestationSize = options.maxAttestationSize ?? DEFAULT_MAX_ATTESTATION_SIZE;
  const maxSignatures = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  return { kind: KIND, apiVersion: API_VERSION, canonicalize: async (spec) => canonicalize(spec, maxAttestationSize, maxSignatures) };
}

/** A `format: byte` field (the schema has checked it is Go base64). */
function bytesOf(text: string, field: string): Buffer {
  const bytes = decodeGoStdBase64(text);
  if (!bytes) throw new InvalidEntryError(`failed parsing base64 data for ${field}`);
  return bytes;
}

function canonicalize(proposed: unknown, maxAttestationSize: number, maxSignatures: number): CanonicalEntry {
  validateSpec(proposed);
  const { envelope: sent, hash } = (proposed as IntotoV002Spec).content;
  const payloadB64 = bytesOf(sent.payload ?? '', 'payload').toString('latin1');
  if (payloadB64 === '') throw new InvalidEntryError('entry not insertable into log: missing envelope content');
  if (sent.payloadType === '') throw new InvalidEntryError('missing payload type in intoto v0.0.2 entry');

  checkSignatureCount(sent.signatures.length, maxSignatures, 'signatures');
  const signatures = sent.signatures.map((s) => ({
    keyid: s.keyid ?? '',
    sig: bytesOf(s.sig, 'signature'),
    publicKey: bytesOf(s.publicKey, 'public key'),
  }));
  const envelope: DsseEnvelope = {
    payloadType: sent.payloadType,
    payload: payloadB64,
    signatures: signatures.map((s) => ({ keyid: s.keyid, sig: s.sig.toString('latin1') })),
  };

  // Every key (no early stop) must verify one signature; key ids are not consulted.
  const uncovered = new Set(envelope.signatures.map((s) => s.sig));
  const keys: X509PublicKey[] = [];
  for (const { publicKey } of signatures) {
    let key: X509PublicKey;
    try {
      key = parseX509PublicKey(publicKey);
    } catch (err) {
      throw new InvalidEntryError(`could not parse public key as x509: ${(err as Error).message}`);
    }
    try {
      uncovered.delete(verifyEnvelopeWithKey(envelope, key.signingKey).accepted.sig);
    } catch (err) {
      throw new InvalidEntryError(`could not verify envelope: ${(err as Error).message}`);
    }
    keys.push(key);
  }
  if (uncovered.size > 0) throw new InvalidEntryError('all signatures must have a key that verifies it');

  const payload = decodeGoStdBase64(payloadB64);
  if (!payload) throw new InvalidEntryError('could not decode envelope payload: illegal base64 data');
  if (!hash) throw new InvalidEntryError('missing envelope digest');
  const payloadHash = sha256Hex(payload);

  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      content: {
        envelope: {
          payloadType: sent.payloadType,
          signatures: signatures.map((s) => ({
            ...(s.keyid !== '' ? { keyid: s.keyid } : {}),
            publicKey: s.publicKey.toString('base64'),
            sig: s.sig.toString('base64'),
          })),
        },
        hash: { algorithm: hash.algorithm, value: hash.value },
        payloadHash: { algorithm: 'sha256', value: payloadHash },
      },
    },
  });

  const indexKeys: string[] = [];
  for (const key of keys) indexKeys.push(`sha256:${sha256Hex(key.canonicalPem)}`, ...key.subjects);
  indexKeys.push(`sha256:${payloadHash}`);
  if (sent.payloadType === IN_TOTO_PAYLOAD_TYPE) indexKeys.push(...inTotoDigestKeys(payload));
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
    attestation: keptAttestation(payloadB64, payload, maxAttestationSize),
  };
}
