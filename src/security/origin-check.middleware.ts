import type { NextFunction, Request, Response } from 'express';
import { refuse, STATE_CHANGING } from './refuse.util';

const DE = 'Diese Anfrage kam nicht von einer Seite von Kleinstadt-Tandem und wurde abgelehnt.';

/**
 * Defence in depth beside the CSRF token and SameSite=Lax: a state-changing request whose browser says it comes from
 * another origin is refused. `Origin: null` (sandboxed iframes, data: URLs) and unparsable origins are refused too;
 * a request without Origin (non-browser clients) passes on to the token check.
 */
export function originCheck(appUrl: string) {
  const own = new URL(appUrl).host;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      return refuse(req, res, 403, 'cross_site', 'Cross-site request refused', DE);
    }
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    const host = originHost(origin);
    if (host === null || (host !== own && host !== req.headers.host)) {
      return refuse(req, res, 403, 'cross_site', 'Cross-site request refused', DE);
    }
    next();
  };
}

/** The host[:port] of a serialized origin, or null when it is not one ("null", "evil", port 99999, a path …). */
function originHost(origin: string): string | null {
  if (!/^https?:\/\/[^/?#\s]+$/i.test(origin)) return null;
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
