import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isApiPath, STATE_CHANGING } from './refuse.util';

/**
 * Several middleware functions as one Express layer, run only for the requests `applies` selects (issue 29): a plain
 * GET passes the body checks and parsers in one step instead of one router step each. An error goes on to the next
 * error handler, as from any middleware.
 */
export function onlyFor(applies: (req: Request) => boolean, handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!applies(req)) return next();
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) return next(err);
      const handler = handlers[i++];
      if (!handler) return next();
      try {
        void handler(req, res, step);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

/** What the body checks concern: a state-changing request, or any request that carries a body (type-is's test). */
export const changesStateOrHasBody = (req: Request): boolean =>
  STATE_CHANGING.has(req.method) ||
  req.headers['transfer-encoding'] !== undefined ||
  !['0', undefined].includes(req.headers['content-length']);

/** What cookies, the CSRF token and the page locals concern: every page, and API requests that change something. */
export const pageOrWrite = (req: Request): boolean => !isApiPath(req) || STATE_CHANGING.has(req.method);
