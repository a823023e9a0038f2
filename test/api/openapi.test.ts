/**
 * GET /api/v1/openapi.json, and the API matching it: answers of every route, success and
 * error alike, validate against the response schema the document gives for their path,
 * method, status and content type; and every route the app serves is in the document.
 */
import Ajv from 'ajv';
import { OPENAPI_DOCUMENT } from '../../src/api/openapi';
import { backends, type Backend } from '../helpers/backends';
import { startTestServer, type TestServer } from '../helpers/server';
import { dsseEntry, hashedRekord, inTotoStatement, intotoV001Entry, newKey, signEnvelope } from '../helpers/entries';

type Doc = typeof OPENAPI_DOCUMENT;
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
ajv.addSchema({ components: OPENAPI_DOCUMENT.components }, 'doc');

/** The documented response for a path template, method and status (or its content type). */
function documented(path: string, method: string, status: number) {
  const op = (OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>)[path]?.[method];
  return op?.responses[String(status)];
}

/** `$ref: '#/components/...'` resolved against the registered document. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/'));
}

async function expectDocumented(srv: TestServer, template: string, method: string, path: string, body?: unknown) {
  const res = await fetch(srv.url + path, {
    method: method.toUpperCase(),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = documented(template, method, res.status);
  if (!response) throw new Error(`${method} ${template} answered ${res.status}, which the document does not list`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
  const media = response.content?.[type];
  if (!media) throw new Error(`${method} ${template} ${res.status}: content type ${type} not documented`);
  const text = await res.text();
  const value = type === 'application/json' ? JSON.parse(text) : text;
  const validate = ajv.compile(rebase(media.schema));
  if (!validate(value)) throw new Error(`${method} ${template} ${res.status}: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 300)}`);
  return { status: res.status, value };
}

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('the OpenAPI document on %s', (_name, backend) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(backend);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('is served at /api/v1/openapi.json', async () => {
    const { value } = await expectDocumented(srv, '/api/v1/openapi.json', 'get', '/api/v1/openapi.json');
    expect(value).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)) as Doc);
  });

  it('matches every route, success and error answers alike', async () => {
    const entry = hashedRekord();
    const key = newKey('ecdsa-p256');
    const posted = await expectDocumented(srv, '/api/v1/log/entries', 'post', '/api/v1/log/entries', entry.proposed);
    expect(posted.status).toBe(201);
    const uuid = Object.keys(posted.value as object)[0]!;
    // An entry with an attestation, so the attestation field is checked too.
    await expectDocumented(srv, '/api/v1/log/entries', 'post', '/api/v1/log/entries', intotoV001Entry(signEnvelope(inTotoStatement(), [key]), key.publicKeyPem));
    const checks: [string, string, string, unknown?, number?][] = [
      ['/api/v1/log/entries', 'post', '/api/v1/log/entries', entry.proposed, 409],
      ['/api/v1/log/entries', 'post', '/api/v1/log/entries', { kind: 'nope', apiVersion: '0.0.1', spec: {} }, 422],
      ['/api/v1/log/entries', 'post', '/api/v1/log/entries', dsseEntry('{}', [key.publicKeyPem]), 400],
      ['/api/v1/log', 'get', '/api/v1/log', undefined, 200],
      ['/api/v1/log/publicKey', 'get', '/api/v1/log/publicKey', undefined, 200],
      ['/api/v1/log/proof', 'get', '/api/v1/log/proof?firstSize=1&lastSize=2', undefined, 200],
      ['/api/v1/log/proof', 'get', '/api/v1/log/proof?firstSize=2&lastSize=1', undefined, 400],
      ['/api/v1/log/proof', 'get', '/api/v1/log/proof', undefined, 422],
      ['/api/v1/log/entries', 'get', '/api/v1/log/entries?logIndex=0', undefined, 200],
      ['/api/v1/log/entries', 'get', '/api/v1/log/entries?logIndex=1', undefined, 200],
      ['/api/v1/log/entries', 'get', '/api/v1/log/entries?logIndex=99', undefined, 404],
      ['/api/v1/log/entries/{entryUUID}', 'get', `/api/v1/log/entries/${uuid}`, undefined, 200],
      ['/api/v1/log/entries/{entryUUID}', 'get', `/api/v1/log/entries/${'0'.repeat(64)}`, undefined, 404],
      ['/api/v1/log/entries/{entryUUID}', 'get', '/api/v1/log/entries/xyz', undefined, 422],
      ['/api/v1/log/entries/retrieve', 'post', '/api/v1/log/entries/retrieve', { entryUUIDs: [uuid], logIndexes: [1] }, 200],
      ['/api/v1/log/entries/retrieve', 'post', '/api/v1/log/entries/retrieve', { logIndexes: Array(11).fill(0) }, 422],
      ['/api/v1/index/retrieve', 'post', '/api/v1/index/retrieve', { hash: `sha256:${entry.digestHex}` }, 200],
      ['/api/v1/index/retrieve', 'post', '/api/v1/index/retrieve', { operator: 'xor', email: 'a@b.c' }, 422],
      ['/healthz', 'get', '/healthz', undefined, 200],
      ['/readyz', 'get', '/readyz', undefined, 200],
      ['/metrics', 'get', '/metrics', undefined, 200],
      ['/', 'get', '/?q=1', undefined, 200],
      ['/explorer/{file}', 'get', '/explorer/main.mjs', undefined, 200],
      ['/explorer/{file}', 'get', '/explorer/explorer.css', undefined, 200],
      ['/explorer/{file}', 'get', '/explorer/main.mjs.map', undefined, 404],
    ];
    for (const [template, method, path, body, status] of checks) {
      const got = await expectDocumented(srv, template, method, path, body);
      expect({ path, status: got.status }).toEqual({ path, status });
    }
  });

  it('documents every route the app serves', () => {
    const stack = collectRoutes(srv);
    const documentedRoutes = new Set(
      Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p.replace(/\{(\w+)\}/g, ':$1')}`)),
    );
    expect(stack.length).toBeGreaterThan(8);
    for (const route of stack) expect(documentedRoutes).toContain(route);
  });
});

/** "method path" of every route in the Express app behind the test server. */
function collectRoutes(srv: TestServer): string[] {
  const app = (srv.server.listeners('request')[0] as unknown as { router?: { stack: Layer[] }; _router?: { stack: Layer[] } });
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push(`${m} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app.router ?? app._router)!.stack);
  return out;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}
