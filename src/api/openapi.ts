/**
 * glasslog's OpenAPI 3.0 document, served at GET /api/v1/openapi.json. It describes the
 * Rekor v1 routes as glasslog answers them (shapes after Rekor's openapi.yaml, with the
 * types as actually sent: `body` and the SET are base64 strings) plus the health, metrics,
 * document and web explorer routes. test/api/openapi.test.ts checks every route's answers against it.
 */

const HEX64 = '^[0-9a-f]{64}$';
const UUID = '^([0-9a-f]{64}|[0-9a-f]{80})$';

const error = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });

const ENTRY_ERRORS = {
  400: errorResponse('The entry is malformed or does not verify'),
  409: errorResponse('An equivalent entry is already in the log (its URL in Location)'),
  413: errorResponse('The request body is too large'),
  422: errorResponse('The request does not have the shape the API requires'),
  503: errorResponse('The database is unavailable; retry later'),
};

const READ_ERRORS = {
  400: errorResponse('A parameter is out of range'),
  404: errorResponse('No such entry'),
  422: errorResponse('A parameter is missing or malformed'),
  503: errorResponse('The database is unavailable; retry later'),
};

const schemas = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    additionalProperties: false,
    properties: { code: { type: 'integer' }, message: { type: 'string', minLength: 1 } },
  },
  InclusionProof: {
    type: 'object',
    required: ['logIndex', 'rootHash', 'treeSize', 'hashes', 'checkpoint'],
    additionalProperties: false,
    properties: {
      logIndex: { type: 'integer', minimum: 0 },
      rootHash: { type: 'string', pattern: HEX64 },
      treeSize: { type: 'integer', minimum: 1 },
      hashes: { type: 'array', items: { type: 'string', pattern: HEX64 } },
      checkpoint: { type: 'string', description: 'The signed checkpoint (C2SP signed note) the proof leads to' },
    },
  },
  LogEntry: {
    type: 'object',
    description: 'One key, the entry UUID (80 hex: tree ID then leaf hash)',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: {
      type: 'object',
      required: ['body', 'integratedTime', 'logID', 'logIndex', 'verification'],
      additionalProperties: false,
      properties: {
        attestation: {
          type: 'object',
          required: ['data'],
          properties: { data: { type: 'string', format: 'byte' } },
          description: 'On reads only, for kinds that keep one (intoto, cose)',
        },
        body: { type: 'string', format: 'byte', description: 'The canonical entry (the leaf), base64' },
        integratedTime: { type: 'integer' },
        logID: { type: 'string', pattern: HEX64 },
        logIndex: { type: 'integer', minimum: 0 },
        verification: {
          type: 'object',
          required: ['inclusionProof', 'signedEntryTimestamp'],
          additionalProperties: false,
          properties: {
            inclusionProof: { $ref: '#/components/schemas/InclusionProof' },
            signedEntryTimestamp: { type: 'string', format: 'byte' },
          },
        },
      },
    },
  },
  LogInfo: {
    type: 'object',
    required: ['rootHash', 'treeSize', 'signedTreeHead', 'treeID'],
    additionalProperties: false,
    properties: {
      rootHash: { type: 'string', pattern: HEX64 },
      treeSize: { type: 'integer', minimum: 0 },
      signedTreeHead: { type: 'string' },
      treeID: { type: 'string', pattern: '^[0-9]+$' },
      inactiveShards: { type: 'array', items: { type: 'object' } },
    },
  },
  ConsistencyProof: {
    type: 'object',
    required: ['rootHash', 'hashes'],
    additionalProperties: false,
    properties: { rootHash: { type: 'string', pattern: HEX64 }, hashes: { type: 'array', items: { type: 'string', pattern: HEX64 } } },
  },
  ProposedEntry: {
    type: 'object',
    required: ['kind', 'apiVersion', 'spec'],
    properties: {
      kind: { type: 'string', enum: ['hashedrekord', 'rekord', 'dsse', 'intoto', 'cose', 'tuf', 'jar', 'alpine', 'rpm', 'helm'] },
      apiVersion: { type: 'string' },
      spec: { type: 'object', description: "The kind's spec; its JSON schema is under schemas/<kind>/" },
    },
  },
  SearchIndex: {
    type: 'object',
    properties: {
      email: { type: 'string' },
      subject: { type: 'string', maxLength: 512 },
      hash: { type: 'string' },
      publicKey: {
        type: 'object',
        required: ['format'],
        properties: { format: { type: 'string', enum: ['pgp', 'x509', 'minisign', 'ssh', 'tuf'] }, content: { type: 'string', format: 'byte' } },
      },
      operator: { type: 'string', enum: ['and', 'or'] },
    },
  },
  SearchLogQuery: {
    type: 'object',
    properties: {
      entryUUIDs: { type: 'array', maxItems: 10, items: { type: 'string', pattern: UUID } },
      logIndexes: { type: 'array', maxItems: 10, items: { type: 'integer', minimum: 0 } },
      entries: { type: 'array', maxItems: 10, items: { $ref: '#/components/schemas/ProposedEntry' } },
    },
  },
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'glasslog',
    description: "A transparency log speaking Sigstore Rekor's v1 API.",
    version: '1.0.0',
  },
  paths: {
    '/api/v1/log': {
      get: { summary: 'The active tree: size, root, signed checkpoint', responses: { 200: json('Log info', { $ref: '#/components/schemas/LogInfo' }), 503: errorResponse('The database is unavailable') } },
    },
    '/api/v1/log/publicKey': {
      get: {
        summary: "The log's public key (PEM)",
        responses: { 200: { description: 'PKIX public key, PEM', content: { 'application/x-pem-file': { schema: { type: 'string' } } } }, ...READ_ERRORS },
      },
    },
    '/api/v1/log/proof': {
      get: {
        summary: 'A consistency proof between two tree sizes',
        parameters: [
          { name: 'firstSize', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'lastSize', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } },
          { name: 'treeID', in: 'query', schema: { type: 'string' } },
        ],
        responses: { 200: json('The proof', { $ref: '#/components/schemas/ConsistencyProof' }), ...READ_ERRORS },
      },
    },
    '/api/v1/log/entries': {
      get: {
        summary: 'The entry at a log index',
        parameters: [{ name: 'logIndex', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } }],
        responses: { 200: json('The entry', { $ref: '#/components/schemas/LogEntry' }), ...READ_ERRORS },
      },
      post: {
        summary: 'Log a proposed entry',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ProposedEntry' } } } },
        responses: { 201: json('Logged (Location: its URL; ETag: its UUID)', { $ref: '#/components/schemas/LogEntry' }), ...ENTRY_ERRORS },
      },
    },
    '/api/v1/log/entries/{entryUUID}': {
      get: {
        summary: 'The entry with this UUID',
        parameters: [{ name: 'entryUUID', in: 'path', required: true, schema: { type: 'string', pattern: UUID } }],
        responses: { 200: json('The entry', { $ref: '#/components/schemas/LogEntry' }), ...READ_ERRORS },
      },
    },
    '/api/v1/log/entries/retrieve': {
      post: {
        summary: 'Entries by UUID, index or content',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchLogQuery' } } } },
        responses: { 200: json('Entries found', { type: 'array', items: { $ref: '#/components/schemas/LogEntry' } }), ...READ_ERRORS, ...ENTRY_ERRORS },
      },
    },
    '/api/v1/index/retrieve': {
      post: {
        summary: 'UUIDs of entries by digest, key, email or subject',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchIndex' } } } },
        responses: { 200: json('UUIDs', { type: 'array', items: { type: 'string', pattern: UUID } }), ...READ_ERRORS },
      },
    },
    '/api/v1/openapi.json': {
      get: { summary: 'This document', responses: { 200: json('OpenAPI 3.0 document', { type: 'object', required: ['openapi', 'paths'] }) } },
    },
    '/healthz': {
      get: { summary: 'The process is up', responses: { 200: json('Alive', { type: 'object' }) } },
    },
    '/readyz': {
      get: { summary: 'The database answers', responses: { 200: json('Ready', { type: 'object' }), 503: errorResponse('Not ready') } },
    },
    '/': {
      get: {
        summary: 'The web explorer: look up and verify an entry in the browser (?q= a UUID, log index, sha256:digest or email)',
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }],
        responses: { 200: { description: 'The explorer page', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/explorer/{file}': {
      get: {
        summary: "The explorer's style sheet and browser modules",
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: { description: 'A style sheet or ES module', content: { 'text/css': { schema: { type: 'string' } }, 'text/javascript': { schema: { type: 'string' } } } },
          404: errorResponse('No such file'),
        },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } } },
    },
  },
  components: { schemas },
};
