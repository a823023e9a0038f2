/**
 * Fuzzing the entry API over HTTP with fast-check: proposed entries generated from each
 * kind's own JSON schema (schemas/), then mutated (values replaced by arbitrary JSON,
 * keys dropped or added, strings cut). Every answer must be a 4xx JSON error, never a
 * 5xx; the server must keep serving; the tree must never grow (no generated entry carries
 * a valid signature). `make test` runs FUZZ_RUNS (default 150) cases per kind; `make fuzz`
 * runs many more.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { backends, type Backend } from '../helpers/backends';
import { startTestServer, type TestServer } from '../helpers/server';
import { supportedKinds } from '../../src/types/registry';

const RUNS = Number(process.env.FUZZ_RUNS || 150);
const SCHEMAS = join(__dirname, '..', '..', 'schemas');

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function loadSchema(path: string): Schema {
  return JSON.parse(readFileSync(join(SCHEMAS, path), 'utf8')) as Schema;
}

/** Real keys and certificates, so that generated entries also reach signature checks. */
const REAL_PEMS = [
  join(__dirname, '..', 'fixtures', 'crypto', 'keys', 'ecdsa-p256.pub.pem'),
  join(__dirname, '..', 'fixtures', 'crypto', 'keys', 'ed25519.pub.pem'),
  join(__dirname, '..', 'corpus', 'files', 'odd-extensions.crt.pem'),
].map((f) => readFileSync(f).toString('base64'));

/** A real PEM, a PEM-ish or random base64 value, or any string, for `format: byte` fields. */
const byteField = fc.oneof(
  fc.constantFrom(...REAL_PEMS),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
  fc.constantFrom('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', '-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n', '{"payload":"","payloadType":"","signatures":[]}').map((t) =>
    Buffer.from(t).toString('base64'),
  ),
  fc.string({ maxLength: 40 }),
);

/** Values that follow `schema` (resolving relative $refs from `dir`), as a client might send. */
function fromSchema(schema: Schema, dir: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const path = join(dir, schema.$ref as string);
    return fromSchema(loadSchema(path.slice(SCHEMAS.length + 1)), dirname(path), depth);
  }
  if (schema.oneOf) return fc.oneof(...(schema.oneOf as Schema[]).map((s) => fromSchema({ ...schema, oneOf: undefined, ...s }, dir, depth)));
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (depth > 8) return fc.constant(null);
  switch (schema.type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) model[k] = fromSchema(v, dir, depth + 1);
      if (Object.keys(model).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      return fc.record(model, { requiredKeys: (schema.required as string[] | undefined)?.filter((k) => k in model) ?? [] });
    }
    case 'array':
      return fc.array(fromSchema((schema.items ?? {}) as Schema, dir, depth + 1), { minLength: 0, maxLength: 3 });
    case 'string':
      return schema.format === 'byte' ? byteField : fc.string({ maxLength: 64 });
    case 'integer':
      return fc.oneof(fc.integer(), fc.constant(2 ** 63));
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** One random change at a random place: replace a value, drop a key, add a key, cut a string. */
function mutate(value: unknown, picks: number[], replacement: unknown): unknown {
  if (picks.length === 0 || typeof value !== 'object' || value === null) {
    if (typeof value === 'string' && typeof replacement === 'number') return value.slice(0, Math.abs(replacement) % (value.length + 1));
    return replacement;
  }
  const [pick, ...rest] = picks as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const i = pick % value.length;
    return value.map((v, j) => (j === i ? mutate(v, rest, replacement) : v));
  }
  const keys = Object.keys(value);
  const obj = { ...(value as Record<string, unknown>) };
  if (keys.length === 0 || pick % 7 === 0) {
    obj[`x${pick}`] = replacement;
    return obj;
  }
  const key = keys[pick % keys.length]!;
  if (pick % 5 === 0) delete obj[key];
  else obj[key] = mutate(obj[key], rest, replacement);
  return obj;
}

function proposals(kind: string, version: string): fc.Arbitrary<unknown> {
  const dir = join(SCHEMAS, kind, `v${version}`);
  const file = `${kind}_v${version.replace(/\./g, '_')}_schema.json`;
  const spec = fromSchema(loadSchema(join(kind, `v${version}`, file)), dir);
  const entry = spec.map((s) => ({ kind, apiVersion: version, spec: s }));
  const mutated = fc
    .tuple(entry, fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }))
    .map(([e, picks, replacement]) => mutate(e, picks, replacement));
  return fc.oneof(entry, mutated);
}

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('fuzzing POST /api/v1/log/entries on %s', (_name, backend) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(backend);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  const kinds = supportedKinds().flatMap(({ kind, versions }) => versions.map((v) => [`${kind} ${v}`, kind, v] as const));

  it.each(kinds)('%s: every generated entry gets a 4xx JSON error and nothing is stored', async (_label, kind, version) => {
    await fc.assert(
      fc.asyncProperty(proposals(kind, version), async (proposed) => {
        const res = await fetch(`${srv.url}/api/v1/log/entries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(proposed),
        });
        const text = await res.text();
        if (res.status < 400 || res.status >= 500) throw new Error(`status ${res.status} for ${JSON.stringify(proposed).slice(0, 500)}: ${text}`);
        const json = JSON.parse(text) as { code: number; message: string };
        if (json.code !== res.status || typeof json.message !== 'string' || json.message === '') {
          throw new Error(`not a Rekor error body: ${text}`);
        }
      }),
      { numRuns: RUNS },
    );
    const info = (await (await fetch(`${srv.url}/api/v1/log`)).json()) as { treeSize: number };
    expect(info.treeSize).toBe(0);
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
  }, 600_000);
});
