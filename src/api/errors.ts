/**
 * The one place where errors become HTTP answers, in Rekor's shape:
 * `{"code": <status>, "message": "<text>"}`. Client mistakes are 4xx with a message that
 * says what was wrong; a database outage is 503; anything else is a bug, logged with the
 * request id and answered 500 without details.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import {
  BadRequestError,
  DuplicateEntryError,
  InvalidEntryError,
  NotFoundError,
  SignatureVerificationError,
  StoreUnavailableError,
  UnprocessableError,
} from '../errors';

export function sendError(res: Response, status: number, message: string): void {
  res.status(status).type('application/json').send(JSON.stringify({ code: status, message }));
}

/** Errors thrown by Express's body parser carry a status and a type. */
interface HttpParserError {
  status?: number;
  type?: string;
}

function classify(err: unknown): { status: number; message: string } | undefined {
  if (err instanceof InvalidEntryError || err instanceof SignatureVerificationError) {
    // Rekor: handleRekorAPIError(..., http.StatusBadRequest, err, fmt.Sprintf(validationError, err))
    return { status: 400, message: `error processing entry: ${err.message}` };
  }
  if (err instanceof BadRequestError) return { status: 400, message: err.message };
  if (err instanceof UnprocessableError) return { status: 422, message: err.message };
  if (err instanceof NotFoundError) return { status: 404, message: err.message };
  if (err instanceof StoreUnavailableError) return { status: 503, message: err.message };
  const parser = err as HttpParserError;
  if (parser?.type === 'entity.too.large') {
    return { status: 413, message: 'request body is larger than this server accepts' };
  }
  if (parser?.type === 'entity.parse.failed') return { status: 400, message: 'request body is not valid JSON' };
  if (parser?.type === 'entity.too.deep') return { status: 400, message: (err as Error).message };
  if (parser?.type === 'encoding.unsupported' || parser?.type === 'charset.unsupported') {
    return { status: 415, message: 'request body must be UTF-8 JSON' };
  }
  if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return { status: parser.status, message: (err as Error).message };
  }
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof DuplicateEntryError) {
      // Rekor answers 409 with the existing entry's URL in Location.
      res.location(`/api/v1/log/entries/${err.uuid}`);
      return sendError(res, 409, err.message);
    }
    const known = classify(err);
    if (known) {
      if (known.status === 503) logger.warn({ reqId: req.id, err }, 'database unavailable');
      return sendError(res, known.status, known.message);
    }
    logger.error({ reqId: req.id, err }, 'unexpected error handling request');
    sendError(res, 500, `internal error (request id ${String(req.id)})`);
  };
}
