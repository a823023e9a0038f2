/**
 * helm 0.0.1: a Helm chart's provenance file (inline; the chart itself is never sent) and
 * the OpenPGP public key that signed it. Mirrors sigstore/rekor
 * pkg/types/helm/v0.0.1/entry.go — DecodeEntry (the map fast path), the generated model's
 * Validate, validate(), Insertable, Canonicalize (fetchExternalEntities: pgp.NewPublicKey,
 * Provenance.Unmarshal, pgp.NewSignature over the clearsign block's signature bytes,
 * Signature.Verify over the signed text as of the signature's creation time) and
 * IndexKeys — with pkg/types/helm/provenance.go in ./provenance.ts. The canonical entry
 * keeps the chart hash named in the provenance, the signature (re-armored from its raw
 * bytes) and the canonical key; `chart.hash` and `provenance.signature` from the client
 * are checked for shape and ignored, as upstream.
 *
 * Rekor fetches no URLs (since 2022) and neither does glasslog: a provenance given by
 * `url` is refused with 400.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto';
import { InvalidEntryError } from '../../errors';
import type { CanonicalEntry, EntryType } from '../registry';
import { compileSpecValidator } from '../schema';
import { asObject, decodeContent, requireSpecObject, withUrlHint } from '../decode-entry';
import { PgpKeyError, readPgpPublicKey } from '../pki/pgp/keyring';
import type { decodeArmor } from '../pki/pgp/packets';
import { readPgpSignature, verifyPgpSignature, type PgpSignature } from '../pki/pgp/signature';
import { chartAlgorithmHash, parseProvenance, ProvenanceError } from './provenance';

export const KIND = 'helm';
export const API_VERSION = '0.0.1';

const validateModel = compileSpecValidator({ path: 'helm/v0.0.1/helm_v0_0_1_schema.json' });

export function createHelmV001(): EntryType {
  return { kind: KIND, apiVersion: API_VERSION, canonicalize };
}

interface HelmModel {
  publicKey?: { content?: string };
  chart?: {
    hash?: { algorithm?: string; value?: string };
    provenance?: { signature?: { content?: string }; content?: string };
  };
}

interface Decoded {
  model: HelmModel;
  key?: Buffer;
  signatureContent?: Buffer;
  provenance?: Buffer;
}

/** DecodeEntry: only members of the expected shape are taken; base64 decoded in upstream's order. */
function decodeEntry(spec: unknown): Decoded {
  const raw = requireSpecObject(spec);
  const model: HelmModel = {};
  const out: Decoded = { model };
  const publicKey = asObject(raw.publicKey);
  if (publicKey) {
    model.publicKey = {};
    out.key = decodeContent(publicKey.content, 'publicKey content');
    if (out.key) model.publicKey.content = publicKey.content as string;
  }
  const chart = asObject(raw.chart);
  if (chart) {
    model.chart = {};
    const hash = asObject(chart.hash);
    if (hash) {
      model.chart.hash = {};
      if (typeof hash.algorithm === 'string') model.chart.hash.algorithm = hash.algorithm;
      if (typeof hash.value === 'string') model.chart.hash.value = hash.value;
    }
    const provenance = asObject(chart.provenance);
    if (provenance) {
      model.chart.provenance = {};
      const signature = asObject(provenance.signature);
      if (signature) {
        model.chart.provenance.signature = {};
        out.signatureContent = decodeContent(signature.content, 'provenance signature content');
        if (out.signatureContent) model.chart.provenance.signature.content = signature.content as string;
      }
      out.provenance = decodeContent(provenance.content, 'provenance content');
      if (out.provenance) model.chart.provenance.content = provenance.content as string;
    }
  }
  return out;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function canonicalize(spec: unknown): Promise<CanonicalEntry> {
  const { model, key, provenance: content } = decodeEntry(spec);
  const raw = asObject(spec);
  const rawProvenance = asObject(asObject(raw?.chart)?.provenance);
  try {
    validateModel(model);
  } catch (err) {
    if (err instanceof InvalidEntryError) throw new InvalidEntryError(withUrlHint(err.message, asObject(raw?.publicKey)));
    throw err;
  }
  // validate()
  if (!key) throw new InvalidEntryError("'content' must be specified for publicKey");
  const provenanceModel = model.chart!.provenance!;
  if (!provenanceModel.signature?.content && !content) {
    throw new InvalidEntryError(withUrlHint("'content' must be specified for provenance", rawProvenance));
  }
  // Insertable()
  if (!content) throw new InvalidEntryError(withUrlHint('entry not insertable into log: missing provenance content', rawProvenance));

  let publicKey;
  try {
    publicKey = await readPgpPublicKey(key);
  } catch (err) {
    if (err instanceof PgpKeyError) throw new InvalidEntryError(err.message);
    throw err;
  }

  let provenance;
  try {
    provenance = parseProvenance(content);
  } catch (err) {
    if (err instanceof ProvenanceError) throw new InvalidEntryError(err.message);
    throw err;
  }

  const signature = readSignature(provenance.block.armoredSignature);
  await verifyPgpSignature(signature, publicKey, provenance.block.bytes);

  // Upstream reads the chart hash in Canonicalize, outside its InputValidationError
  // wrapping, so a provenance without a usable `files` entry gets a 500 there ("unable to
  // locate chart hash", "no checksums found", "invalid hash found in Provenance file").
  // The fault is the client's provenance file: 400 here, with the same message.
  let chart;
  try {
    chart = chartAlgorithmHash(provenance);
  } catch (err) {
    if (err instanceof ProvenanceError) throw new InvalidEntryError(message(err));
    throw err;
  }

  const canonicalBody = canonicalJson({
    apiVersion: API_VERSION,
    kind: KIND,
    spec: {
      chart: {
        hash: { algorithm: chart.algorithm, value: chart.hash },
        provenance: { signature: { content: signature.canonical.toString('base64') } },
      },
      publicKey: { content: publicKey.canonical.toString('base64') },
    },
  });
  const indexKeys = [createHash('sha256').update(publicKey.canonical).digest('hex'), ...publicKey.subjects, `${chart.algorithm}:${chart.hash}`];
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    canonicalBody,
    indexKeys: [...new Set(indexKeys.map((k) => k.toLowerCase()))],
  };
}

/** pgp.NewSignature over the clearsign block's armored signature body. */
function readSignature(armor: NonNullable<ReturnType<typeof decodeArmor>>): PgpSignature {
  if (armor.bodyError) throw new InvalidEntryError(`unable to read PGP signature: ${armor.bodyError.message}`);
  return readPgpSignature(armor.body);
}
