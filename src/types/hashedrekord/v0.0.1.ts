/**
 * hashedrekord 0.0.1: a signature over an artifact digest, with the public key or
 * certificate(s) that made it. Mirrors sigstore/rekor
 * pkg/types/hashedrekord/v0.0.1/entry.go — DecodeEntry + Validate (shape), validate
 * (cross-field checks and signature verification), Canonicalize (the leaf bytes) and
 * IndexKeys — plus the algorithm policy Rekor applies to this kind only
 * (pkg/api/entries.go checkEntryAlgorithms).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError, SignatureVerificationError } from '../../errors';
import { decodeGoStdBase64 } from '../base64';
import {
  DEFAULT_CLIENT_SIGNING_ALGORITHMS,
  describeKey,
  isAlgorithmPermitted,
  type SigningAlgorithm,
} from '../pki/algorithms';
import { verifyDigestSignature, DIGEST_LENGTH, type DigestAlgorithm } from '../pki/verify';
import { parseX509PublicKey } from '../pki/x509';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';

export const KIND = 'hashedrekord';
export const API_VERSION = '0.0.1';

/** The proposed spec once the schema has passed (every field optional, as upstream). */
interface HashedRekordV001Spec {
  signature: { content?: string; publicKey?: { content?: string } };
  data: { hash?: { algorithm: DigestAlgorithm; value: string } };
}

export interface HashedRekordOptions {
  /** Rekor's --client-signing-algorithms; defaults to Rekor's default list. */
  clientSigningAlgorithms?: readonly SigningAlgorithm[];
}

const validateSpec = compileSpecValidator({ path: 'hashedrekord/hashedrekord_schema.json' }, [
  {
    path: 'hashedrekord/v0.0.1/hashedrekord_v0_0_1_schema.json',
    // The URI hashedrekord_schema.json's "$ref": "v0.0.1/…" resolves to (upstream's $id differs).
    uri: 'http://rekor.sigstore.dev/types/hashedrekord/v0.0.1/hashedrekord_v0_0_1_schema.json',
  },
]);

export function createHashedRekordV001(options: HashedRekordOptions = {}): EntryType {
  const permitted = options.clientSigningAlgorithms ?? DEFAULT_CLIENT_SIGNING_ALGORITHMS;
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalize: async (spec: unknown) => canonicalize(spec, permitted),
  };
}

/** With Rekor's default algorithm policy. */
export const hashedRekordV001: EntryType = createHashedRekordV001();

function canonicalize(proposed: unknown, permitted: readonly SigningAlgorithm[]): CanonicalEntry {
  validateSpec(proposed);
  const spec = proposed as HashedRekordV001Spec;

  // Empty strings count as absent: Rekor's DecodeEntry skips them.
  const signature = decodeBytes(spec.signature.content, 'signature content');
  if (!signature) throw new InvalidEntryError('missing signature content');
  if (!spec.signature.publicKey) throw new InvalidEntryError('missing public key');
  const keyContent = decodeBytes(spec.signature.publicKey.content, 'public key content');
  if (!keyContent) throw new InvalidEntryError('missing publicKey content');
  const publicKey = parseX509PublicKey(keyContent);

  const hash = spec.data.hash;
  if (!hash) throw new InvalidEntryError('missing hash');
  // Rekor checks the length, then hex-decodes (either case), and stores the value as given.
  if (hash.value.length !== DIGEST_LENGTH[hash.algorithm] * 2) throw new InvalidEntryError('invalid value for hash');
  if (!/^[0-9a-fA-F]*$/.test(hash.value)) throw new InvalidEntryError('invalid value for hash: not hexadecimal');
  const digest = Buffer.from(hash.value, 'hex');

  try {
    publicKey.verifyChain();
    verifyDigestSignature(publicKey.signingKey, hash.algorithm, digest, signature);
  } catch (err) {
    if (err instanceof SignatureVerificationError) {
      throw new SignatureVerificationError(`verifying signature: ${err.message}`);
    }
    throw err;
  }

  // Rekor applies its algorithm policy after the entry has verified.
  if (!isAlgorithmPermitted(publicKey.signingKey.algorithm, hash.algorithm, permitted)) {
    const detail = `${describeKey(publicKey.signingKey.algorithm)} with ${hash.algorithm}`;
    throw new InvalidEntryError(`entry algorithms are not allowed (${detail})`);
  }

  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      data: { hash: { algorithm: hash.algorithm, value: hash.value } },
      signature: {
        content: signature.toString('base64'),
        publicKey: { content: publicKey.canonicalPem.toString('base64') },
      },
    },
  });
  const indexKeys = [
    createHash('sha256').update(publicKey.canonicalPem).digest('hex'),
    ...publicKey.subjects,
    `${hash.algorithm}:${hash.value}`,
  ];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((key) => key.toLowerCase()))],
  };
}

function decodeBytes(text: string | undefined, field: string): Buffer | null {
  if (text === undefined || text === '') return null;
  const bytes = decodeGoStdBase64(text);
  if (!bytes) throw new InvalidEntryError(`failed parsing base64 data for ${field}`);
  return bytes;
}
