/**
 * A Helm provenance file as Rekor reads it (pkg/types/helm/provenance.go): a clearsigned
 * message (./clearsign.ts, as go-crypto's clearsign.Decode) whose plaintext is split on
 * "\n...\n"; the second part is YAML holding `files` (and optionally `images`), both maps
 * of strings, read as sigs.k8s.io/yaml v1.6.0 does (go-yaml v2 to JSON, numbers and
 * booleans coerced to strings where a string is expected, then encoding/json: field names
 * matched case-insensitively, the earliest type error reported in JSON key order). The
 * chart's hash is one value of `files`, "<algorithm>:<hash>".
 *
 * YAML here is the `yaml` package with the YAML 1.1 schema (as go-yaml v2), without its
 * sexagesimal numbers and timestamps (go-yaml v2 keeps those as strings). Its syntax error
 * messages are not go-yaml's.
 */
import * as YAML from 'yaml';
import { decodeClearsigned, type ClearsignedBlock } from './clearsign';

export class ProvenanceError extends Error {
  override readonly name = 'ProvenanceError';
}

export interface Provenance {
  block: ClearsignedBlock;
  /** `files` in document order; null when absent or null (Go's nil map). */
  files: Map<string, string> | null;
}

const MESSAGE_SEPARATOR = Buffer.from('\n...\n');

/** Provenance.Unmarshal */
export function parseProvenance(content: Buffer): Provenance {
  if (content.length === 0) throw new ProvenanceError('provenance file contains no content');
  const block = decodeClearsigned(content);
  if (!block) throw new ProvenanceError('unable to decode provenance file');
  const parts = splitBytes(block.plaintext, MESSAGE_SEPARATOR);
  if (parts.length < 2) throw new ProvenanceError('error occurred parsing message block: message block must have at least two parts');
  let files: Map<string, string> | null;
  try {
    files = parseSumCollection(yamlText(parts[1]!));
  } catch (err) {
    if (err instanceof ProvenanceError) {
      throw new ProvenanceError(`error occurred parsing message block: error occurred parsing SumCollection: ${err.message}`);
    }
    throw err;
  }
  return { block, files };
}

function splitBytes(data: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (;;) {
    const i = data.indexOf(separator, start);
    if (i < 0) break;
    parts.push(data.subarray(start, i));
    start = i + separator.length;
  }
  parts.push(data.subarray(start));
  return parts;
}

/**
 * go-yaml v2's reader checks: valid UTF-8, printable characters only (tab, line breaks,
 * U+0085 and the printable planes; a byte-order mark only at the start).
 */
function yamlText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new ProvenanceError('error converting YAML to JSON: yaml: invalid leading UTF-8 octet');
  }
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  if (/[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u.test(body)) {
    throw new ProvenanceError('error converting YAML to JSON: yaml: control characters are not allowed');
  }
  return text;
}

const YAML_OPTIONS = {
  version: '1.1' as const,
  uniqueKeys: false,
  prettyErrors: false,
  merge: true,
  customTags: (tags: YAML.Tags) =>
    tags.filter((t) => {
      const tag = t as { format?: string; tag?: string };
      return tag.format !== 'TIME' && tag.tag !== 'tag:yaml.org,2002:timestamp';
    }),
};

/** JSON's name for a value's type, as encoding/json's UnmarshalTypeError says it. */
function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/** encoding/json's field matching: exact, else case-insensitive (with its Unicode folds for "s"). */
function fieldOf(key: string): 'files' | 'images' | null {
  const folded = key.replace(/\u017f/g, 's').toLowerCase();
  if (folded === 'files') return 'files';
  if (folded === 'images') return 'images';
  return null;
}

const byGoKeyOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** A scalar where Go wants a string: numbers and booleans become their text (never a single "x:y"). */
function coerce(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  // A lone surrogate (a YAML "\ud800" escape) is U+FFFD once Go has it in UTF-8.
  if (typeof value === 'string') return value.replace(/\p{Cs}/gu, '\ufffd');
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

/**
 * yaml.Unmarshal(part, &SumCollection{}): the `files` map (document order), or null.
 * Throws ProvenanceError with the Go message after "error occurred parsing SumCollection: ".
 */
function parseSumCollection(text: string): Map<string, string> | null {
  // A lone carriage return breaks the line for go-yaml; the yaml package reads it as content.
  const docs = YAML.parseAllDocuments(text.replace(/\r(?!\n)/g, '\n'), YAML_OPTIONS);
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc) return null;
  const error = doc.errors[0];
  if (error) throw new ProvenanceError(`error converting YAML to JSON: yaml: ${error.message.split('\n')[0]}`);
  let top: unknown;
  try {
    top = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ProvenanceError(`error converting YAML to JSON: yaml: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (top === null || top === undefined) return null;
  const prefix = 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal';
  if (typeof top !== 'object' || Array.isArray(top) || top instanceof Date) {
    throw new ProvenanceError(`${prefix} ${jsonType(top)} into Go value of type helm.SumCollection`);
  }
  // JSON decoding visits keys in sorted order and reports the earliest type error, after
  // decoding everything else; the chart hash is taken in document order.
  const fields: Record<'files' | 'images', Map<string, string> | null> = { files: null, images: null };
  let firstError: string | null = null;
  const entries = Object.entries(top as Record<string, unknown>);
  for (const [key, value] of [...entries].sort((a, b) => byGoKeyOrder(a[0], b[0]))) {
    const field = fieldOf(key);
    if (!field) continue;
    if (value === null || value === undefined) {
      fields[field] = null;
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
      firstError ??= `${prefix} ${jsonType(value)} into Go struct field SumCollection.${field} of type map[string]string`;
      continue;
    }
    const map = fields[field] ?? new Map<string, string>();
    fields[field] = map;
    const members = Object.entries(value as Record<string, unknown>);
    for (const [name, member] of [...members].sort((a, b) => byGoKeyOrder(a[0], b[0]))) {
      const text = coerce(member);
      if (text === undefined) firstError ??= `${prefix} ${jsonType(member)} into Go struct field SumCollection.${field} of type string`;
      map.set(name, text ?? '');
    }
    // Document order for the caller.
    const ordered = new Map<string, string>();
    for (const [name] of members) ordered.set(name, map.get(name)!);
    for (const [name, v] of map) if (!ordered.has(name)) ordered.set(name, v);
    fields[field] = ordered;
  }
  if (firstError) throw new ProvenanceError(firstError);
  return fields.files;
}

/**
 * GetChartAlgorithmHash: the first `files` value split on ":" into exactly two parts. Go
 * takes "the first" from a map, i.e. at random when there are several; document order here.
 */
export function chartAlgorithmHash(provenance: Provenance): { algorithm: string; hash: string } {
  if (!provenance.files) throw new ProvenanceError('unable to locate chart hash');
  for (const value of provenance.files.values()) {
    const parts = value.split(':');
    if (parts.length !== 2) throw new ProvenanceError('invalid hash found in Provenance file');
    return { algorithm: parts[0]!, hash: parts[1]! };
  }
  throw new ProvenanceError('no checksums found');
}
