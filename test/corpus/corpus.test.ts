/**
 * Replays the bad-input corpus (cases.json) against a glasslog process: every case gets a
 * 4xx JSON error {code, message} with the status Rekor gives, none a 5xx; the process
 * never exits; the tree never grows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { generateSigningKey } from '../../src/crypto';
import { backends, type Backend, type FreshDatabase } from '../helpers/backends';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { makeZip } from '../helpers/zip';

const HERE = __dirname;
/** Short, so the slow-drip case does not hold the suite up. */
const REQUEST_TIMEOUT_MS = 1500;

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  text?: string;
  base64?: string;
  headers?: Record<string, string>;
  generate?: {
    kind: 'deep-array' | 'deep-spec' | 'big-body' | 'slow-drip' | 'zip-bomb' | 'zip-huge-declared' | 'gzip-bomb' | 'tar-huge-declared';
    depth?: number;
    bytes?: number;
    bytesPerSecond?: number;
    seconds?: number;
  };
  expect: number;
  /** A pattern the error message must match, where the reason matters (e.g. a limit). */
  message?: string;
}

const corpus = JSON.parse(readFileSync(join(HERE, 'cases.json'), 'utf8')) as { cases: Case[] };

const fileBytes = (name: string) => readFileSync(join(HERE, name));

/** Expands the corpus's @-placeholders in string values (see cases.json's description). */
function expand(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('@b64:')) return Buffer.from(value.slice('@b64:'.length)).toString('base64');
    const m = /^@(pem|pem-truncated|pem-repeat):([^:]+)(?::(\d+))?$/.exec(value);
    if (!m) return value;
    const pem = fileBytes(m[2]!).toString('utf8');
    if (m[1] === 'pem') return Buffer.from(pem).toString('base64');
    if (m[1] === 'pem-repeat') return Buffer.from(pem.repeat(Number(m[3]))).toString('base64');
    // pem-truncated: the certificate's DER cut to 100 bytes, re-armored.
    const der = Buffer.from(pem.split('\n').filter((l) => !l.startsWith('-----') && l !== '').join(''), 'base64');
    const cut = der.subarray(0, 100).toString('base64');
    return Buffer.from(`-----BEGIN CERTIFICATE-----\n${cut}\n-----END CERTIFICATE-----\n`).toString('base64');
  }
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]));
  return value;
}

function bodyOf(c: Case): Buffer | undefined {
  if (c.text !== undefined) return Buffer.from(c.text);
  if (c.base64 !== undefined) return Buffer.from(c.base64, 'base64');
  if (c.body !== undefined) return Buffer.from(JSON.stringify(expand(c.body)));
  const g = c.generate;
  if (g?.kind === 'deep-array') return Buffer.from('['.repeat(g.depth!) + ']'.repeat(g.depth!));
  if (g?.kind === 'deep-spec') {
    const deep = '{"a":'.repeat(g.depth!) + '1' + '}'.repeat(g.depth!);
    return Buffer.from(`{"kind":"hashedrekord","apiVersion":"0.0.1","spec":${deep}}`);
  }
  if (g?.kind === 'big-body') return Buffer.from(JSON.stringify({ kind: 'hashedrekord', pad: 'x'.repeat(g.bytes!) }));
  if (g) return Buffer.from(JSON.stringify(archiveBomb(g.kind)));
  return undefined;
}

const MANIFEST = Buffer.from('Manifest-Version: 1.0\r\n\r\n');

/** Archives that expand far past their size: each must be refused by the archive limits. */
function archiveBomb(kind: string): unknown {
  const jar = (zip: Buffer) => ({ kind: 'jar', apiVersion: '0.0.1', spec: { archive: { content: zip.toString('base64') } } });
  const apk = (pkg: Buffer) => ({
    kind: 'alpine',
    apiVersion: '0.0.1',
    spec: { package: { content: pkg.toString('base64') }, publicKey: { content: fileBytes('files/odd-extensions.crt.pem').toString('base64') } },
  });
  switch (kind) {
    case 'zip-bomb':
      // The manifest itself: it is read before any signature is looked for.
      return jar(makeZip([{ name: 'META-INF/MANIFEST.MF', compressed: deflateRawSync(Buffer.alloc(80 << 20)), declaredSize: 100, crc: 0 }]));
    case 'zip-huge-declared':
      return jar(makeZip([{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }, { name: 'huge.bin', compressed: deflateRawSync(Buffer.alloc(10)), declaredSize: 0xfffffffe, crc: 0 }]));
    case 'gzip-bomb':
      return apk(gzipSync(Buffer.alloc(100 << 20)));
    case 'tar-huge-declared': {
      const header = Buffer.alloc(512);
      header.write('.SIGN.RSA.key.rsa.pub', 0);
      header.write('0000644\0', 100);
      header.write('77777777777\0', 124); // size: 8 GiB - 1, in octal
      header.write('ustar\0', 257);
      header.write('00', 263);
      header.fill(' ', 148, 156);
      let sum = 0;
      for (const b of header) sum += b;
      header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
      return apk(gzipSync(Buffer.concat([header, Buffer.alloc(1024)])));
    }
    default:
      throw new Error(`unknown generator ${kind}`);
  }
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(url: string, c: Case): Promise<Answer> {
  if (c.generate?.kind === 'slow-drip') return slowDrip(url, c.generate.bytesPerSecond!, c.generate.seconds!);
  const body = bodyOf(c);
  const res = await fetch(url + c.path, {
    method: c.method,
    headers: { 'content-type': 'application/json', ...(c.headers ?? {}) },
    body: c.method === 'GET' ? undefined : body,
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Headers at once, then a body of `rate * seconds` bytes a byte at a time. */
function slowDrip(url: string, rate: number, seconds: number): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const length = rate * seconds;
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => socket.destroy(), (seconds + 10) * 1000);
    socket.on('connect', () => {
      socket.write(`POST /api/v1/log/entries HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
      let sent = 0;
      timer = setInterval(() => {
        if (sent++ < length && !socket.destroyed) socket.write(' ');
      }, 1000 / rate);
    });
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(received);
      if (!m) return reject(new Error(`no HTTP answer to the slow drip: ${JSON.stringify(received)}`));
      const contentType = /content-type: *([^\r\n]*)/i.exec(m[2]!)?.[1] ?? '';
      resolve({ status: Number(m[1]), contentType, text: m[3]! });
    });
  });
}

it('holds at least 60 cases', () => {
  expect(corpus.cases.length).toBeGreaterThanOrEqual(60);
  expect(new Set(corpus.cases.map((c) => c.name)).size).toBe(corpus.cases.length);
});

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('the bad-input corpus against a glasslog process on %s', (_name, backend) => {
  let db: FreshDatabase;
  let server: ServerProcess;
  let exited = false;

  beforeAll(async () => {
    db = await backend.create();
    const keyFile = join(db.dataDir, 'key.pem');
    writeFileSync(keyFile, generateSigningKey('ecdsa-p256'));
    server = await spawnServer({
      databaseUrl: db.databaseUrl,
      dataDir: db.dataDir,
      keyFile,
      extraArgs: ['--request-timeout-ms', String(REQUEST_TIMEOUT_MS)],
    });
    server.proc.once('exit', () => (exited = true));
  }, 90_000);

  afterAll(async () => {
    await server?.kill();
    await db?.drop();
  });

  const treeSize = async () => ((await (await fetch(`${server.url}/api/v1/log`)).json()) as { treeSize: number }).treeSize;

  it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const before = await treeSize();
    const answer = await send(server.url, c);
    expect({ status: answer.status, text: answer.text.slice(0, 300) }).toMatchObject({ status: c.expect });
    expect(answer.contentType).toMatch(/^application\/json/);
    const json = JSON.parse(answer.text) as { code: number; message: string };
    expect(json).toEqual({ code: c.expect, message: expect.any(String) });
    expect(json.message.length).toBeGreaterThan(0);
    if (c.message) expect(json.message).toMatch(new RegExp(c.message, 'i'));
    expect(exited).toBe(false);
    expect(await treeSize()).toBe(before);
  }, 30_000);

  it('is still serving after the whole corpus', async () => {
    expect(exited).toBe(false);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await treeSize()).toBe(0);
  });
});
