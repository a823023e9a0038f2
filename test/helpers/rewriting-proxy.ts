/**
 * An HTTP proxy in front of a test server that may rewrite its JSON answers: a log that
 * lies, for testing that clients catch the lie. `rewrite` is read on every request, so one
 * proxy can play several lies in turn; undefined passes answers through unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Rewrite = (answer: { method: string; path: string; status: number; body: unknown }) => unknown;

export class RewritingProxy {
  rewrite?: Rewrite;
  url = '';
  readonly #server: http.Server;

  constructor(private readonly target: string) {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.#forward(req, Buffer.concat(chunks), res).catch((e: unknown) => res.writeHead(502).end(String(e)));
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const upstream = await fetch(this.target + req.url, {
      method: req.method,
      headers: { accept: 'application/json', 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: body.length > 0 ? body : undefined,
    });
    let text = await upstream.text();
    const type = upstream.headers.get('content-type') ?? 'text/plain';
    if (this.rewrite && type.includes('json')) {
      const answer = { method: req.method!, path: req.url!, status: upstream.status, body: JSON.parse(text) as unknown };
      text = JSON.stringify(this.rewrite(answer));
    }
    const headers: Record<string, string> = { 'content-type': type };
    const location = upstream.headers.get('location');
    if (location) headers.location = location;
    res.writeHead(upstream.status, headers).end(text);
  }
}
