/**
 * A proxy in front of a glasslog server that rewrites every LogEntry it forwards (GET
 * /api/v1/log/entries…, POST /api/v1/log/entries/retrieve) with `tamper`: a log that lies,
 * for the explorer to catch. Everything else passes through unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A LogEntry's value (REKOR-WIRE §2), loosely typed: the tamperer may break its shape. */
export interface WireEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: {
    inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string };
    signedEntryTimestamp: string;
  };
}

export interface TamperProxy {
  url: string;
  /** Applied to each entry answered while set; undefined forwards answers as they are. */
  tamper: ((entry: WireEntry) => void) | undefined;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'content-length', 'content-encoding', 'transfer-encoding', 'keep-alive']);

export async function startTamperProxy(target: string): Promise<TamperProxy> {
  const proxy: TamperProxy = { url: '', tamper: undefined, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void forward(req, Buffer.concat(chunks)).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`proxy: ${err.message}`);
        },
      );
    });
  });

  async function forward(req: http.IncomingMessage, body: Buffer) {
    const upstream = await fetch(target + req.url, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const headers: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    });
    let text = await upstream.text();
    const tamper = proxy.tamper;
    if (tamper && upstream.ok && req.url?.startsWith('/api/v1/log/entries')) {
      const json = JSON.parse(text) as Record<string, WireEntry> | Record<string, WireEntry>[];
      for (const logEntry of Array.isArray(json) ? json : [json]) Object.values(logEntry).forEach(tamper);
      text = JSON.stringify(json);
    }
    return { status: upstream.status, headers, body: text };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections(); // the browser's keep-alive connections
    });
  return proxy;
}
