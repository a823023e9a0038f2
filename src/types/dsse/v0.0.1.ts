/**
 * dsse 0.0.1: a DSSE envelope (sent as a JSON string) and the keys or certificates that
 * signed it. Mirrors sigstore/rekor pkg/types/dsse/v0.0.1/entry.go: Unmarshal (every
 * signature must verify with one of the verifiers, and every verifier tried must verify
 * one), Canonicalize (the two hashes and the sorted signatures with their canonical keys;
 * the envelope itself is not kept) and IndexKeys. Rekor stores no attestation for dsse.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import { decodeGoStdBase64 } from '../base64';
import { parseX509PublicKey, type X509PublicKey } from '../pki/x509';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import {
  checkSignatureCount,
  DEFAULT_MAX_SIGNATURES,
  inTotoDigestKeys,
  IN_TOTO_PAYLOAD_TYPE,
  parseEnvelopeJson,
  verifyEnvelopeWithKey,
  type DsseEnvelope,
} from './envelope';

export const KIND = 'dsse';
export const API_VERSION = '0.0.1';

interface DsseV001Spec {
  proposedContent?: { envelope: string; verifiers: string[] };
  signatures?: unknown[];
  envelopeHash?: unknown;
  payloadHash?: unknown;
}

const validateSpec = compileSpecValidator({ path: 'dsse/v0.0.1/dsse_v0_0_1_schema.json' });

export function createDsseV001(options: { maxSignatures?: number } = {}): EntryType {
  const maxSignatures = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  return { kind: KIND, apiVersion: API_VERSION, canonicalize: async (spec: unknown) => canonicalize(spec, maxSignatures) };
}

const sha256Hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

function canonicalize(proposed: unknown, maxSignatures: number): CanonicalEntry {
  validateSpec(proposed);
  const spec = proposed as DsseV001Spec;
  if (!spec.proposedContent) {
    // The canonical form (hashes and signatures only) passes Rekor's Unmarshal but can never be inserted.
    throw new InvalidEntryError('entry not insertable into log: missing proposed content');
  }
  if (spec.signatures !== undefined || spec.envelopeHash !== undefined || spec.payloadHash !== undefined) {
    throw new InvalidEntryError('either proposedContent or envelopeHash, payloadHash, and signatures must be present but not both');
  }
  const { envelope: envelopeText } = spec.proposedContent;
  checkSignatureCount(spec.proposedContent.verifiers.length, maxSignatures, 'verifiers');
  // Rekor's DecodeEntry skips empty verifier strings.
  const verifiers = spec.proposedContent.verifiers
    .filter((v) => v !== '')
    .map((v) => {
      const bytes = decodeGoStdBase64(v);
      if (!bytes) throw new InvalidEntryError('failed parsing base64 data for verifier');
      return bytes;
    });
  if (verifiers.length === 0) throw new InvalidEntryError('entry not insertable into log: missing proposed verifiers');
  if (envelopeText === '') throw new InvalidEntryError('entry not insertable into log: missing proposed DSSE envelope');

  const envelope = parseEnvelopeJson(envelopeText);
  if (envelope.signatures.length === 0) throw new InvalidEntryError('DSSE envelope must contain 1 or more signatures');
  checkSignatureCount(envelope.signatures.length, maxSignatures, 'signatures');
  const { verifierBySig, payload } = verifyEnvelope(verifiers, envelope);

  // Sorted by the signature string (Go's sort.Strings: byte order), one item per distinct signature.
  const sigs = [...verifierBySig.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const signatures = sigs.map((sig) => ({ signature: sig, verifier: verifierBySig.get(sig)!.canonicalPem.toString('base64') }));
  const payloadHash = sha256Hex(payload);
  const envelopeHash = sha256Hex(Buffer.from(envelopeText, 'utf8'));

  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      envelopeHash: { algorithm: 'sha256', value: envelopeHash },
      payloadHash: { algorithm: 'sha256', value: payloadHash },
      signatures,
    },
  });

  const indexKeys: string[] = [];
  for (const sig of sigs) {
    const key = verifierBySig.get(sig)!;
    indexKeys.push(`sha256:${sha256Hex(key.canonicalPem)}`, ...key.subjects);
  }
  indexKeys.push(`sha256:${payloadHash}`, `sha256:${envelopeHash}`);
  if (envelope.payloadType === IN_TOTO_PAYLOAD_TYPE) indexKeys.push(...inTotoDigestKeys(payload));

  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
  };
}

/**
 * Rekor's verifyEnvelope: each verifier in turn (stopping once every signature is
 * covered) must verify one signature; in the end every signature must have a verifier.
 */
function verifyEnvelope(verifiers: Buffer[], envelope: DsseEnvelope): { verifierBySig: Map<string, X509PublicKey>; payload: Buffer } {
  const uncovered = new Set(envelope.signatures.map((s) => s.sig));
  const verifierBySig = new Map<string, X509PublicKey>();
  let payload: Buffer | undefined;
  for (const bytes of verifiers) {
    if (uncovered.size === 0) break;
    let key: X509PublicKey;
    try {
      key = parseX509PublicKey(bytes);
    } catch (err) {
      throw new InvalidEntryError(`could not parse public key as x509: ${(err as Error).message}`);
    }
    let result: ReturnType<typeof verifyEnvelopeWithKey>;
    try {
      result = verifyEnvelopeWithKey(envelope, key.signingKey);
    } catch (err) {
      throw new InvalidEntryError(`could not verify envelope: ${(err as Error).message}`);
    }
    payload = result.payload;
    uncovered.delete(result.accepted.sig);
    verifierBySig.set(result.accepted.sig, key);
  }
  if (uncovered.size > 0 || !payload) throw new InvalidEntryError('all signatures must have a key that verifies it');
  return { verifierBySig, payload };
}
