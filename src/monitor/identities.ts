/**
 * What one entry's canonical body says about its signers and artifacts, read generically
 * from the body JSON rather than kind by kind, so every kind Rekor defines is covered by
 * the same few rules (REKOR-WIRE.md; the canonical bodies of src/types/<kind>/):
 *
 *   keys     any `publicKey`, `verifier` or `verifiers` member: base64 key bytes, directly
 *            or as `{content}` (hashedrekord, rekord, alpine, jar, rpm, helm: publicKey.content;
 *            intoto 0.0.1, cose: publicKey; intoto 0.0.2: signatures[].publicKey; dsse:
 *            signatures[].verifier). rekord's sibling `format` says how to read them.
 *   digests  any `{algorithm, value}` object: data.hash, payloadHash, envelopeHash,
 *            archive.hash, package.hash, chart.hash, content.hash.
 *
 * A key that cannot be read is reported in `unreadable`, never thrown: the monitor must
 * keep going past an entry it does not understand.
 */
import { readVerifier, type VerifierIdentity } from './verifier-identity';

export interface DigestFound {
  field: string;
  algorithm: string;
  /** Lowercase hex. */
  value: string;
}

export interface EntryIdentities {
  kind: string;
  apiVersion: string;
  verifiers: VerifierIdentity[];
  digests: DigestFound[];
  unreadable: { field: string; reason: string }[];
}

/** Rekor's entry kinds (pkg/types); a body of any other kind is not read. */
export const KNOWN_KINDS = new Set(['alpine', 'cose', 'dsse', 'hashedrekord', 'helm', 'intoto', 'jar', 'rekord', 'rfc3161', 'rpm', 'tuf']);

const KEY_MEMBERS = new Set(['publicKey', 'verifier', 'verifiers']);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body's identities, or a reason it was skipped (not JSON, unknown kind). */
export async function entryIdentities(body: Buffer): Promise<EntryIdentities | { skipped: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { skipped: 'the body is not JSON' };
  }
  if (!isObject(parsed) || typeof parsed.kind !== 'string') return { skipped: 'the body names no kind' };
  if (!KNOWN_KINDS.has(parsed.kind)) return { skipped: `unknown kind ${JSON.stringify(parsed.kind)}` };
  const found: EntryIdentities = {
    kind: parsed.kind,
    apiVersion: typeof parsed.apiVersion === 'string' ? parsed.apiVersion : '',
    verifiers: [],
    digests: [],
    unreadable: [],
  };
  for (const key of keyFields(parsed.spec, 'spec')) {
    try {
      found.verifiers.push(await readVerifier(Buffer.from(key.base64, 'base64'), key.field, key.formatHint));
    } catch (e) {
      found.unreadable.push({ field: key.field, reason: (e as Error).message });
    }
  }
  found.digests = digestFields(parsed.spec, 'spec');
  return found;
}

interface KeyField {
  field: string;
  base64: string;
  formatHint?: string;
}

/** Every object in the JSON with its path, walked with an explicit stack (bodies come from the network). */
function* objects(root: unknown, rootPath: string): Generator<[Json, string]> {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`]);
    } else if (isObject(value)) {
      yield [value, path];
      for (const name of Object.keys(value).reverse()) stack.push([value[name], `${path}.${name}`]);
    }
  }
}

function keyFields(spec: unknown, path: string): KeyField[] {
  const keys: KeyField[] = [];
  for (const [object, objectPath] of objects(spec, path)) {
    const formatHint = typeof object.format === 'string' ? object.format : undefined;
    for (const member of Object.keys(object).filter((m) => KEY_MEMBERS.has(m))) {
      const value = object[member];
      const items = Array.isArray(value) ? value.map((v, i) => [v, `${objectPath}.${member}[${i}]`] as const) : [[value, `${objectPath}.${member}`] as const];
      for (const [item, field] of items) {
        if (typeof item === 'string') keys.push({ field, base64: item, formatHint });
        else if (isObject(item) && typeof item.content === 'string') keys.push({ field: `${field}.content`, base64: item.content, formatHint });
      }
    }
  }
  return keys;
}

function digestFields(spec: unknown, path: string): DigestFound[] {
  const digests: DigestFound[] = [];
  for (const [object, field] of objects(spec, path)) {
    const { algorithm, value } = object;
    if (typeof algorithm === 'string' && typeof value === 'string' && /^[0-9a-fA-F]+$/.test(value)) {
      digests.push({ field, algorithm, value: value.toLowerCase() });
    }
  }
  return digests;
}
