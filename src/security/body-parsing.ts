import { json, urlencoded, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { hasBadPercentEncoding } from './input-sanity.util';
import { refuse } from './refuse.util';

const BODY_LIMIT = '100kb';
const FORM_FIELD_LIMIT = 500;
const FORM_DEPTH_LIMIT = 5;

/**
 * The body parsers (ours, with limits), in the order they run: JSON, then forms. main.ts creates the app with
 * `bodyParser: false`, so Nest adds no pair of its own. Their errors become clear 4xx answers through
 * `bodyParserErrors`, never a 500.
 */
export function bodyParsers(): RequestHandler[] {
  return [json({ limit: BODY_LIMIT }), urlencoded(FORM_OPTIONS)];
}

// body-parser 2 (Express 5's) takes `depth`; its type definitions do not know it yet.
const FORM_OPTIONS: NonNullable<Parameters<typeof urlencoded>[0]> & { depth: number } = {
  extended: true,
  limit: BODY_LIMIT,
  parameterLimit: FORM_FIELD_LIMIT,
  depth: FORM_DEPTH_LIMIT,
  // qs keeps undecodable escapes as literal text; refuse them (mapped to 400 below, type entity.verify.failed).
  verify: (_req: unknown, _res: unknown, buf: Buffer) => {
    if (hasBadPercentEncoding(buf.toString('latin1'))) throw new Error('Malformed percent-encoding in the form body');
  },
};

interface ParserError {
  type?: string;
  status?: number;
}

const BY_TYPE: Record<string, [number, string, string]> = {
  'entity.too.large': [413, 'The request body is too large', 'Die übermittelten Daten sind zu umfangreich.'],
  'charset.unsupported': [415, 'Unsupported charset; send UTF-8', 'Die Zeichenkodierung der Anfrage wird nicht unterstützt.'],
  'encoding.unsupported': [415, 'Unsupported content encoding', 'Die Kodierung der Anfrage wird nicht unterstützt.'],
  'parameters.too.many': [400, `Too many form fields (at most ${FORM_FIELD_LIMIT})`, 'Das Formular enthält zu viele Felder.'],
  'querystring.parse.rangeError': [400, 'Form fields are nested too deeply', 'Das Formular ist ungültig aufgebaut.'],
  'entity.parse.failed': [400, 'The request body is not valid JSON', 'Die Anfrage ist ungültig.'],
  'entity.verify.failed': [400, 'Malformed percent-encoding in the form body', 'Das Formular enthält ungültig kodierte Zeichen.'],
  'request.size.invalid': [400, 'The request body does not match its Content-Length', 'Die Anfrage ist ungültig.'],
  'request.aborted': [400, 'The request was aborted', 'Die Anfrage wurde abgebrochen.'],
};

/** Express error middleware right after the parsers: maps body-parser's errors; passes anything else on. */
export function bodyParserErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const e = err as ParserError | null;
  if (!e || typeof e !== 'object' || typeof e.status !== 'number') return next(err);
  const fallback: [number, string, string] = [
    e.status >= 400 && e.status < 500 ? e.status : 400,
    'Malformed request body',
    'Die Anfrage ist ungültig.',
  ];
  const [status, message, messageDe] = (e.type && BY_TYPE[e.type]) || fallback;
  refuse(req, res, status, 'malformed_body', message, messageDe);
}
