/**
 * intoto 0.0.1: a DSSE envelope (as a JSON string) and the one public key that signed it.
 * Mirrors sigstore/rekor pkg/types/intoto/v0.0.1/entry.go: one signature must verify with
 * the key (signatures naming another key id are skipped), the server computes both hashes,
 * and the canonical body keeps the hashes and the re-encoded key — not the envelope.
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
  parseEnvelopeJson,
  verifyEnvelopeWithKey,
} from '../dsse/envelope';
import { sshFingerprint } from '../pki/ssh-wire';
import { parseX509PublicKey } from '../pki/x509';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import { DEFAULT_MAX_ATTESTATION_SIZE, keptAttestation } from './attestation';

export const KIND = 'intoto';
export const API_VERSION = '0.0.1';

interface IntotoV001Spec {
  content: { envelope?: string };
  publicKey: string;
}

const validateSpec = compileSpecValidator({ path: 'intoto/v0.0.1/intoto_v0_0_1_schema.json' });

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function createIntotoV001(options: { maxAttestationSize?: number; maxSignatures?: number } = {}): EntryType {
  const maxAttestationSize = options.maxAttestationSize ?? DEFAULT_MAX_ATTESTATION_SIZE;
  const maxSignatures = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  return { kind: KIND, apiVersion: API_VERSION, canonicalize: async (spec) => canonicalize(spec, maxAttestationSize, maxSignatures) };
}

function canonicalize(proposed: unknown, maxAttestationSize: number, maxSignatures: number): CanonicalEntry {
  validateSpec(proposed);
  const spec = proposed as IntotoV001Spec;
  const keyBytes = spec.publicKey === '' ? null : decodeGoStdBase64(spec.publicKey);
  if (!keyBytes) throw new InvalidEntryError('missing public key in intoto v0.0.1 entry');
  const publicKey = parseX509PublicKey(keyBytes);
  const envelopeText = spec.content.envelope ?? '';
  if (envelopeText === '') throw new InvalidEntryError('entry not insertable into log: missing envelope content');

  const envelope = parseEnvelopeJson(envelopeText);
  checkSignatureCount(envelope.signatures.length, maxSignatures, 'signatures');
  // sigstore's DSSE adapter names the key by its SSH fingerprint; other key ids are skipped.
  verifyEnvelopeWithKey(envelope, publicKey.signingKey, sshFingerprint(publicKey.signingKey));
  // Rekor decodes the payload again, standard alphabet only.
  const payload = decodeGoStdBase64(envelope.payload);
  if (!payload) throw new InvalidEntryError('illegal base64 data in envelope payload');
  if (envelope.payload === '' || envelope.payloadType === '') {
    throw new InvalidEntryError('entry not insertable into log: invalid DSSE envelope');
  }

  const hash = sha256Hex(Buffer.from(envelopeText, 'utf8'));
  const payloadHash = sha256Hex(payload);
  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      content: { hash: { algorithm: 'sha256', value: hash }, payloadHash: { algorithm: 'sha256', value: payloadHash } },
      publicKey: publicKey.canonicalPem.toString('base64'),
    },
  });
  const indexKeys = [
    `sha256:${hash}`,
    `sha256:${sha256Hex(publicKey.canonicalPem)}`,
    ...publicKey.subjects,
    `sha256:${payloadHash}`,
    ...(envelope.payloadType === IN_TOTO_PAYLOAD_TYPE ? inTotoDigestKeys(payload) : []),
  ];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
    attestation: keptAttestation(envelope.payload, payload, maxAttestationSize),
  };
}
