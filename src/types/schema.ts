/**
 * JSON Schema validation of proposed entry specs with Rekor's own schema files (copied
 * into schemas/, see schemas/LICENSE-rekor). One Ajv instance; each kind registers its
 * files by the URI its parent schema's `$ref` resolves to, so refs resolve as upstream.
 *
 * `format: "byte"` follows Go's base64.StdEncoding, which is what Rekor actually applies
 * to those fields (src/types/base64.ts). Error messages follow go-swagger's wording
 * ("data.hash.algorithm in body should be one of [sha256 sha384 sha512]").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidEntryError } from '../errors';
import { isGoStdBase64 } from './base64';

/** schemas/ at the repository root: two levels up from both src/types and dist/types. */
export const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');

// Upstream's files put `required` in oneOf branches without restating the properties there.
const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });
ajv.addFormat('byte', { type: 'string', validate: isGoStdBase64 });

export interface SchemaFile {
  /** Path below schemas/. */
  path: string;
  /** The absolute URI by which another schema `$ref`s this file (defaults to its `$id`). */
  uri?: string;
}

function readSchema(file: SchemaFile): { $id?: string } {
  const path = join(SCHEMAS_DIR, file.path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // A deployment that ships dist/ must ship schemas/ beside it.
    throw new Error(`cannot read entry schema ${path}: is schemas/ installed next to dist/?`, { cause: err });
  }
  return JSON.parse(text) as { $id?: string };
}

/** Compile `root` with `referenced` registered for its $refs; returns a throwing validator. */
export function compileSpecValidator(root: SchemaFile, referenced: SchemaFile[] = []): (spec: unknown) => void {
  for (const file of referenced) {
    const schema = readSchema(file);
    const key = file.uri ?? schema.$id;
    if (key && !ajv.getSchema(key)) ajv.addSchema(schema, key);
  }
  const validate: ValidateFunction = ajv.compile(withoutRequiredOnlyOneOf(readSchema(root)));
  return (spec: unknown): void => {
    if (!validate(spec)) throw new InvalidEntryError(describe(validate.errors?.[0]));
  };
}

/**
 * go-swagger's generated models validate no `oneOf` whose branches only list required
 * properties (rekord's data: hash | content; dsse: proposedContent | the computed fields):
 * each kind's code enforces what it needs (e.g. rekord accepts content and hash together).
 * Dropped here so that ajv judges the spec as Rekor does; the files stay untouched.
 */
function withoutRequiredOnlyOneOf<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withoutRequiredOnlyOneOf) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    const requiredOnly =
      key === 'oneOf' && Array.isArray(value) && value.every((b) => typeof b === 'object' && b !== null && Object.keys(b).join() === 'required');
    if (!requiredOnly) out[key] = withoutRequiredOnlyOneOf(value);
  }
  return out as T;
}

/** go-swagger style: "<field path> in body <problem>". */
function describe(error: ErrorObject | undefined): string {
  if (!error) return 'spec does not match its schema';
  const path = error.instancePath.slice(1).replace(/\//g, '.');
  const field = (name: string): string => (path ? `${path}.${name}` : name);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${field(String(params.missingProperty))} in body is required`;
    case 'enum':
      return `${path} in body should be one of [${(params.allowedValues as unknown[]).join(' ')}]`;
    case 'type':
      return `${path || 'spec'} in body must be of type ${String(params.type)}`;
    case 'format':
      return params.format === 'byte'
        ? `${path} in body must be of type byte: failed parsing base64 data`
        : `${path} in body must be of type ${String(params.format)}`;
    default:
      return `${path || 'spec'} in body ${error.message ?? 'is invalid'}`;
  }
}
