import type { NextFunction, Request, Response } from 'express';

/** Answers for a signed-in user and every API answer stay out of shared and browser caches. */
export function noStoreForPrivate(req: Request, res: Response, next: NextFunction): void {
  if (req.user || req.path.startsWith('/api')) res.setHeader('Cache-Control', 'no-store');
  next();
}
