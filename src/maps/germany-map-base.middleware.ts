import { NextFunction, Request, Response } from 'express';
import { germanyMapBaseAt } from './germany-map.util';

/**
 * Answers the base map's address (the Länder a page's map draws as an <image>) before sessions and the rest of the
 * pipeline, as static files are. The address carries the drawing's hash, so the answer may be kept for a year.
 * Anything else under the prefix (an old hash, another width) falls through to the 404.
 */
export function germanyMapBase(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return next();
  const svg = germanyMapBaseAt(req.originalUrl.split('?')[0]);
  if (svg === null) return next();
  res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
  res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  res.send(svg);
}
