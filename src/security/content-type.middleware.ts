import type { NextFunction, Request, Response } from 'express';
import { isApiPath, isSignedLinkPost, refuse, STATE_CHANGING } from './refuse.util';

const API_TYPES = ['application/json', 'application/*+json', 'application/x-www-form-urlencoded'];
const PAGE_TYPES = ['application/x-www-form-urlencoded'];
/** RFC 8058 3.1: the one-click POST may come as a form in either encoding; only that route takes multipart. */
const ONE_CLICK_TYPES = [...PAGE_TYPES, 'multipart/form-data'];
/** "List-Unsubscribe=One-Click" in one multipart part is about 150 bytes; anything near this limit is not a one-click POST. */
export const ONE_CLICK_BODY_LIMIT = 4096;

/**
 * A state-changing request's body must be of a type the routes read: JSON or a form on the API, a form on the pages
 * (no page takes uploads). The one exception is RFC 8058's one-click unsubscribe POST, which may also come as
 * multipart/form-data: that small body is read here. Anything else is a 415 before any handler
 * reads a body that was never parsed. A request without a body gets an empty one, so handlers never see undefined.
 */
export function contentTypeCheck(req: Request, res: Response, next: NextFunction): void {
  if (!STATE_CHANGING.has(req.method)) return next();
  const empty = req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0';
  const oneClick = isSignedLinkPost(req);
  if (!empty && !req.is(isApiPath(req) ? API_TYPES : oneClick ? ONE_CLICK_TYPES : PAGE_TYPES)) {
    return refuse(
      req,
      res,
      415,
      'unsupported_media_type',
      isApiPath(req) ? 'Send the request body as application/json' : 'Forms must be sent as application/x-www-form-urlencoded',
      'Die Anfrage hat ein Format, das hier nicht angenommen wird.',
    );
  }
  if (!empty && oneClick && req.is('multipart/form-data')) return readOneClickMultipart(req, res, next);
  next();
}

/**
 * The one-click unsubscribe POST as multipart/form-data (RFC 8058 allows it; some mail providers send it so): read
 * the small body here (the form parsers do not read multipart) and hand its text fields on as req.body.
 */
function readOneClickMultipart(req: Request, res: Response, next: NextFunction): void {
  const tooLarge = () =>
    refuse(req, res, 413, 'malformed_body', 'The request body is too large', 'Die übermittelten Daten sind zu umfangreich.');
  if (Number(req.headers['content-length'] ?? 0) > ONE_CLICK_BODY_LIMIT) {
    req.resume();
    return tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on('data', (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > ONE_CLICK_BODY_LIMIT) {
      done = true;
      return tooLarge();
    }
    chunks.push(chunk);
  });
  req.on('error', () => {
    if (done) return;
    done = true;
    refuse(req, res, 400, 'malformed_body', 'The request was aborted', 'Die Anfrage wurde abgebrochen.');
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    const fields = multipartFields(Buffer.concat(chunks), String(req.headers['content-type'] ?? ''));
    if (!fields) return refuse(req, res, 400, 'malformed_body', 'Malformed multipart body', 'Die Anfrage ist ungültig.');
    req.body = fields;
    next();
  });
}

/**
 * The text fields of a multipart/form-data body (RFC 7578), or null when it is not one: a boundary, parts with a
 * Content-Disposition "form-data" name, the closing delimiter. File parts are left out (no route takes uploads).
 */
export function multipartFields(body: Buffer, contentType: string): Record<string, string> | null {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  if (!m) return null;
  const delimiter = `--${m[1] ?? m[2]}`;
  const text = body.toString('utf8');
  const first = text.indexOf(delimiter);
  const close = text.lastIndexOf(`\r\n${delimiter}--`);
  if (first < 0 || close < first) return null;
  const fields: Record<string, string> = {};
  for (const part of text.slice(first + delimiter.length, close).split(`\r\n${delimiter}`)) {
    if (!part.startsWith('\r\n')) return null;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return null;
    const headers = part.slice(2, headerEnd);
    const name = /^content-disposition:[ \t]*form-data[ \t]*;(?:[^\r\n]*;)?[ \t]*name="([^"\r\n]*)"/im.exec(headers)?.[1];
    if (name === undefined) return null;
    if (/;[ \t]*filename\*?=/i.test(headers)) continue;
    fields[name] = part.slice(headerEnd + 4);
  }
  return fields;
}

/** After the parsers: a state-changing request always has an object body. */
export function ensureBody(req: Request, _res: Response, next: NextFunction): void {
  if (STATE_CHANGING.has(req.method) && (req.body === undefined || req.body === null)) req.body = {};
  next();
}
