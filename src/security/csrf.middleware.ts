import { doubleCsrf } from 'csrf-csrf';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isApiPath, isSignedLinkPost, refuse, STATE_CHANGING } from './refuse.util';

const CSRF_FIELD = '_csrf';
/** The token a request issued, if its page asked for one (the page cache puts the next request's in its place). */
const issued = new WeakMap<Response, string>();

export function issuedCsrfToken(res: Response): string | undefined {
  return issued.get(res);
}
const CSRF_HEADER = 'x-csrf-token';

/**
 * CSRF protection with csrf-csrf's signed double-submit cookie (no server state, so anonymous visitors on the login
 * and registration forms are covered without creating sessions for them). The token is bound to the session id
 * once somebody is logged in; before that to the (HMAC-signed, random) cookie alone, which a foreign site can
 * neither read nor set.
 *
 * Which requests need a token:
 * - every state-changing request to a page (form posts: urlencoded or multipart, or anything else): field `_csrf`
 *   or header `X-CSRF-Token`;
 * - on /api only requests whose body is not JSON. A cross-site page can send JSON only after a CORS preflight,
 *   which this service never grants, so JSON needs no token; a bodiless request carries no input (and arrives
 *   cross-site without the SameSite=Lax session cookie). Forms, text/plain and multipart need the header or field.
 * The token field is removed from the body after the check, so validation never sees it.
 */
export function csrfProtection(secret: string, secureCookie: boolean): RequestHandler {
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => (req.user ? req.sessionID : ''),
    cookieName: secureCookie ? '__Host-kt.csrf' : 'kt.csrf',
    cookieOptions: { sameSite: 'strict', path: '/', secure: secureCookie, httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      return typeof field === 'string' ? field : req.headers[CSRF_HEADER];
    },
  });

  return (req: Request, res: Response, next: NextFunction) => {
    // Evaluated when a page renders (Express copies res.locals into the view data), so JSON answers set no cookie;
    // once per request: each call would sign a new token (and, without a CSRF cookie yet, set one more cookie).
    let token: string | undefined;
    Object.defineProperty(res.locals, 'csrfToken', {
      enumerable: true,
      configurable: true,
      get: () => {
        if (token === undefined) issued.set(res, (token = generateCsrfToken(req, res)));
        return token;
      },
    });
    if (!STATE_CHANGING.has(req.method) || !needsToken(req)) return next();
    if (!validateRequest(req)) {
      return refuse(
        req,
        res,
        403,
        'csrf_token_invalid',
        'Missing or invalid CSRF token (send JSON, or the X-CSRF-Token header)',
        'Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte laden Sie die Seite neu und senden Sie es erneut.',
      );
    }
    if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)[CSRF_FIELD];
    next();
  };
}

function needsToken(req: Request): boolean {
  if (isSignedLinkPost(req)) return false;
  if (!isApiPath(req)) return true;
  const empty = req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0';
  return !empty && !req.is(['application/json', 'application/*+json']);
}
