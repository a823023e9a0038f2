/**
 * Input limits applied before any route sees a request: how long a client may take to
 * send its request, and how deeply its JSON may nest. The body size limit is the JSON
 * parser's own (413). Every refusal is a Rekor-style JSON error.
 */
import type { RequestHandler } from 'express';
import { sendError } from './errors';

/**
 * The deepest nesting of arrays and objects in `json` (outside strings), scanning no
 * further than needed to exceed `max`. Linear, and never recursive, so a hostile body of
 * a million `[` costs a scan, not a stack.
 */
export function exceedsJsonDepth(json: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** For express.json's `verify`: refuses a body nested deeper than `max` with a 400. */
export function jsonDepthCheck(max: number): (req: unknown, res: unknown, body: Buffer) => void {
  return (_req, _res, body) => {
    if (exceedsJsonDepth(body, max)) {
      throw Object.assign(new Error(`request body nests deeper than ${max} levels; this log accepts at most ${max}`), {
        status: 400,
        type: 'entity.too.deep',
      });
    }
  };
}

/**
 * Starts a clock when a request arrives: if its body has not been read `ms` later, the
 * client gets 408 and the connection is closed. `bodyRead` (after the JSON parser) stops
 * the clock, so slow sequencing under load never counts against the client.
 */
export function requestDeadline(ms: number): { start: RequestHandler; bodyRead: RequestHandler } {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  const stop = (req: object) => {
    clearTimeout(timers.get(req));
    timers.delete(req);
  };
  return {
    start: (req, res, next) => {
      const timer = setTimeout(() => {
        timers.delete(req);
        if (res.headersSent) return void req.socket.destroy();
        res.setHeader('Connection', 'close');
        res.once('finish', () => req.socket.destroy());
        sendError(res, 408, `the request was not received within ${ms} ms; send the whole request at once`);
      }, ms);
      timers.set(req, timer);
      res.once('close', () => stop(req));
      next();
    },
    bodyRead: (req, _res, next) => {
      stop(req);
      next();
    },
  };
}
