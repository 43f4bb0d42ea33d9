import type { NextFunction, Request, Response } from 'express';
import { isApiPath, refuse, STATE_CHANGING } from './refuse.util';

const API_TYPES = ['application/json', 'application/*+json', 'application/x-www-form-urlencoded'];
const PAGE_TYPES = ['application/x-www-form-urlencoded'];

/**
 * A state-changing request's body must be of a type the routes read: JSON or a form on the API, a form on the pages
 * (no page takes uploads; multipart would need its own parser first). Anything else is a 415 before any handler
 * reads a body that was never parsed. A request without a body gets an empty one, so handlers never see undefined.
 */
export function contentTypeCheck(req: Request, res: Response, next: NextFunction): void {
  if (!STATE_CHANGING.has(req.method)) return next();
  const empty = req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0';
  if (!empty && !req.is(isApiPath(req) ? API_TYPES : PAGE_TYPES)) {
    return refuse(
      req,
      res,
      415,
      'unsupported_media_type',
      isApiPath(req) ? 'Send the request body as application/json' : 'Forms must be sent as application/x-www-form-urlencoded',
      'Die Anfrage hat ein Format, das hier nicht angenommen wird.',
    );
  }
  next();
}

/** After the parsers: a state-changing request always has an object body. */
export function ensureBody(req: Request, _res: Response, next: NextFunction): void {
  if (STATE_CHANGING.has(req.method) && (req.body === undefined || req.body === null)) req.body = {};
  next();
}
