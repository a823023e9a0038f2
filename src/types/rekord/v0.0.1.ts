/**
 * rekord 0.0.1: an artifact (inline), a detached signature over its bytes and the public
 * key, in one of four formats (x509, ssh, minisign, pgp: ./format.ts). Mirrors
 * sigstore/rekor pkg/types/rekord/v0.0.1/entry.go — DecodeEntry, validate, Insertable and
 * Canonicalize (fetchExternalEntities): the server hashes the content, checks a given hash
 * against it, verifies the signature, and keeps the hash, the canonical signature and the
 * canonical key; the artifact itself is not stored. Rekor fetches no URLs (since 2022) and
 * neither does glasslog: content must be inline.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import { decodeGoStdBase64 } from '../base64';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import type { RekordFormat, RekordFormatName } from './format';

export const KIND = 'rekord';
export const API_VERSION = '0.0.1';

interface RekordV001Spec {
  signature: { format: RekordFormatName; content: string; publicKey: { content: string } };
  data: { hash?: { algorithm: 'sha256'; value: string }; content?: string };
}

const validateSpec = compileSpecValidator({ path: 'rekord/v0.0.1/rekord_v0_0_1_schema.json' });

export function createRekordV001(formats: readonly RekordFormat[]): EntryType {
  const byName = new Map<string, RekordFormat>(formats.map((f) => [f.name, f]));
  return { kind: KIND, apiVersion: API_VERSION, canonicalize: (spec) => canonicalize(spec, byName) };
}

/** A `format: byte` field: Go's StdEncoding; an empty string counts as absent (DecodeEntry). */
function decode(text: string | undefined, field: string): Buffer | undefined {
  if (text === undefined || text === '') return undefined;
  const bytes = decodeGoStdBase64(text);
  if (!bytes) throw new InvalidEntryError(`failed parsing base64 data for ${field}`);
  return bytes;
}

async function canonicalize(proposed: unknown, formats: Map<string, RekordFormat>): Promise<CanonicalEntry> {
  // Rekor decodes signature, key, then data, before the schema check.
  const raw = proposed as Partial<RekordV001Spec> | null;
  const signatureBytes = decode(typeof raw?.signature?.content === 'string' ? raw.signature.content : undefined, 'signature content');
  const keyBytes = decode(
    typeof raw?.signature?.publicKey?.content === 'string' ? raw.signature.publicKey.content : undefined,
    'signature publicKey content',
  );
  const content = decode(typeof raw?.data?.content === 'string' ? raw.data.content : undefined, 'data content');
  validateSpec(proposed);
  const spec = proposed as RekordV001Spec;

  const given = spec.data.hash;
  if (given) {
    if (given.value.length !== 64 || !/^[0-9a-fA-F]*$/.test(given.value)) throw new InvalidEntryError('invalid value for hash');
  } else if (!content) {
    throw new InvalidEntryError("'content' must be specified for data");
  }
  if (!content) throw new InvalidEntryError('entry not insertable into log: missing data content');
  if (!signatureBytes) throw new InvalidEntryError('entry not insertable into log: missing signature content');
  if (!keyBytes) throw new InvalidEntryError('entry not insertable into log: missing publicKey content');

  const format = formats.get(spec.signature.format);
  if (!format) throw new InvalidEntryError(`signature format ${spec.signature.format} is not supported by this server`);

  const computed = createHash('sha256').update(content).digest('hex');
  // Compared as strings, exactly as upstream: an uppercase hash does not match.
  if (given && given.value !== computed) throw new InvalidEntryError(`SHA mismatch: ${computed} != ${given.value}`);
  const signature = await format.parseSignature(signatureBytes);
  const key = await format.parsePublicKey(keyBytes);
  await format.verify(signature, key, content);

  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      data: { hash: { algorithm: 'sha256', value: computed } },
      signature: {
        content: signature.canonical.toString('base64'),
        format: format.name,
        publicKey: { content: key.canonical.toString('base64') },
      },
    },
  });
  const indexKeys = [createHash('sha256').update(key.canonical).digest('hex'), ...key.subjects, `sha256:${computed}`];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
  };
}
