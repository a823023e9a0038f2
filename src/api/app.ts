/**
 * The Express app: request ids, input limits (body size, JSON depth, time to send the
 * request), the Rekor v1 routes, health checks and the one error handler. It only
 * translates HTTP to calls on the Log and back.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Log } from '../log/log';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';
import type { Validator } from '../types/validator-pool';
import { errorHandler, sendError } from './errors';
import { jsonDepthCheck, requestDeadline } from './limits';
import { OPENAPI_DOCUMENT } from './openapi';
import { entryRoutes } from './routes/entries';
import { explorerRoutes } from './routes/explorer';
import { healthRoutes } from './routes/health';
import { logRoutes } from './routes/log';
import { searchRoutes } from './routes/search';

declare module 'http' {
  interface IncomingMessage {
    id?: string;
  }
}

export interface AppOptions {
  log: Log;
  store: Store;
  logger: Logger;
  /** Largest request body accepted, in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted in a body (400 beyond). */
  maxJsonDepth: number;
  /** Milliseconds a client has to send its whole request (408 beyond). */
  requestTimeoutMs: number;
  /** Turns a proposed entry into a canonical one (schema, signature, canonical body). */
  validator: Pick<Validator, 'canonicalize'>;
  /** Counted per request and served at GET /metrics. */
  metrics: Metrics;
}

export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    req.id = randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The route pattern, never the raw path: UUIDs must not become label values.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      opts.metrics.httpRequest(req.method, route, res.statusCode, ms / 1000);
      opts.logger.info({ reqId: req.id, method: req.method, path: req.path, status: res.statusCode, ms }, 'request');
    });
    next();
  });
  const deadline = requestDeadline(opts.requestTimeoutMs);
  app.use(deadline.start);
  // Any content type is read as JSON, as Rekor's go-openapi server does for its JSON API.
  app.use(express.json({ limit: opts.maxBodyBytes, type: () => true, strict: false, verify: jsonDepthCheck(opts.maxJsonDepth) }));
  app.use(deadline.bodyRead);

  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  app.use(healthRoutes(opts.store));
  app.use(logRoutes(opts.log));
  app.use(entryRoutes(opts.log, opts.validator));
  app.use(searchRoutes(opts.log));
  // The web explorer at / (src/explorer): it reads only the public API above.
  app.use(explorerRoutes());

  app.use((req, res) => sendError(res, 404, `path ${req.path} was not found`));
  app.use(errorHandler(opts.logger));
  return app;
}
