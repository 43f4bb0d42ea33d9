import type { NextFunction, Request, RequestHandler, Response } from 'express';
// PostgreSQL's lock_not_available: the embedded database answers it when a statement waited longer than
// EMBEDDED_SESSION_WAIT_MS for its one session; the statement never ran, so the client may simply try again.
import { BUSY_SQLSTATE } from '../embedded/session-query-queue';

const RETRY_AFTER_SECONDS = 5;
export const BUSY_MESSAGE_DE =
  'Der Dienst ist gerade stark ausgelastet. Bitte versuchen Sie es in einigen Sekunden erneut; Ihre Eingaben wurden nicht gespeichert.';

/** A pg error, or TypeORM's QueryFailedError around one, saying the database was busy. */
export function isDatabaseBusy(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  return !!e && (e.code === BUSY_SQLSTATE || e.driverError?.code === BUSY_SQLSTATE);
}

/** 503 with Retry-After: English JSON for the API and health, the German error page otherwise. */
export function respondBusy(req: Request, res: Response): void {
  if (res.headersSent) return;
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(503);
  if (req.path.startsWith('/api') || req.path === '/health') {
    res.json({
      statusCode: 503,
      error: 'database_busy',
      message: 'The database is busy; nothing was changed. Try again in a few seconds.',
    });
  } else {
    res.render('error', { title: 'Fehler', status: 503, message: BUSY_MESSAGE_DE, user: req.user });
  }
}

/** Middleware outside Nest's filters (the session store) answers busy the same way instead of Express's bare 500. */
export function busyAware(handler: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    handler(req, res, (err?: unknown) => (isDatabaseBusy(err) ? respondBusy(req, res) : next(err)));
}
