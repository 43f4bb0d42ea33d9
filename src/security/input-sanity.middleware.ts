import type { NextFunction, Request, Response } from 'express';
import { findInputProblem, hasBadPercentEncoding, pathProblem, queryProblem } from './input-sanity.util';
import { refuse } from './refuse.util';

const MESSAGES: Record<string, [string, string]> = {
  nul: ['Input must not contain NUL characters', 'Die Eingabe enthält unzulässige Zeichen.'],
  surrogate: ['Input must be well-formed Unicode', 'Die Eingabe enthält unzulässige Zeichen.'],
  encoding: ['Malformed percent-encoding in the URL', 'Die Adresse ist ungültig kodiert.'],
  depth: ['Input is nested too deeply', 'Die Anfrage ist ungültig aufgebaut.'],
  size: ['Input has too many elements', 'Die Anfrage enthält zu viele Angaben.'],
  key: ['Input contains a reserved field name', 'Die Anfrage enthält ein unzulässiges Feld.'],
  repeated: [
    'Each query parameter may appear once, as plain text',
    'Die Adresse enthält einen Suchparameter mehrfach oder in unzulässiger Form.',
  ],
};

/** One global check on every request's path, query and parsed body, before any route or database sees them. */
export function inputSanity(req: Request, res: Response, next: NextFunction): void {
  const q = req.originalUrl.indexOf('?');
  const rawPath = q < 0 ? req.originalUrl : req.originalUrl.slice(0, q);
  let problem: string | null = pathProblem(rawPath);
  // The query parser silently turns undecodable escapes into U+FFFD; say so instead.
  if (!problem && q >= 0 && hasBadPercentEncoding(req.originalUrl.slice(q + 1))) problem = 'encoding';
  if (!problem) {
    try {
      problem = queryProblem(req.query);
    } catch {
      problem = 'encoding';
    }
  }
  problem ??= findInputProblem(req.body);
  if (!problem) return next();
  const [message, messageDe] = MESSAGES[problem];
  refuse(req, res, 400, 'malformed_input', message, messageDe);
}
