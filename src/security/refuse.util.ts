import type { Request, Response } from 'express';

// Answers a refused request before (or beside) Nest's exception filter: English JSON for the API,
// the German error page for pages. Used by the plain Express middleware in this folder.
export function refuse(req: Request, res: Response, status: number, code: string, message: string, messageDe: string): void {
  if (res.headersSent) return;
  res.setHeader('Cache-Control', 'no-store');
  if (isApiPath(req)) {
    res.status(status).json({ statusCode: status, error: code, message });
    return;
  }
  res.status(status).render('error', { title: 'Fehler', status, message: messageDe, user: req.user }, (err, html) => {
    // The page itself failed (should not happen): still a clear answer, never a 500.
    if (err) res.status(status).type('text/plain; charset=utf-8').send(messageDe);
    else res.send(html);
  });
}

export const isApiPath = (req: Request) => req.path.startsWith('/api') || req.path === '/health';

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * POSTs authorised by a signed link instead of a session (the digest's and the address book's one-click unsubscribe,
 * issue 25): RFC 8058 one-click unsubscribe is posted by mail
 * providers' servers (no session, no CSRF token, no Origin header), so the CSRF check lets it through. A browser
 * posting it from a foreign origin is still refused by the origin check.
 */
const SIGNED_LINK_PATHS = new Set(['/abbestellen', '/keine-weiteren-mails']);
export const isSignedLinkPost = (req: Request) => req.method === 'POST' && SIGNED_LINK_PATHS.has(req.path);
