import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { changesStateOrHasBody, onlyFor, pageOrWrite } from '../../../src/security/request-lanes';

const req = (method: string, path: string, headers: Record<string, string> = {}) => ({ method, path, headers }) as unknown as Request;
const res = {} as Response;

function run(handler: RequestHandler, r: Request): Promise<unknown> {
  return new Promise((resolve) => void handler(r, res, ((err?: unknown) => resolve(err ?? 'next')) as NextFunction));
}

describe('request lanes: middleware groups run as one layer, only for the requests they concern (issue 29)', () => {
  const seen: string[] = [];
  const mark =
    (name: string, fail = false): RequestHandler =>
    (_req, _res, next) => {
      seen.push(name);
      next(fail ? new Error(name) : undefined);
    };
  beforeEach(() => (seen.length = 0));

  it('runs the handlers in order and then goes on; a request it does not concern skips them all', async () => {
    const group = onlyFor((r) => r.method === 'POST', [mark('a'), mark('b'), mark('c')]);
    expect(await run(group, req('POST', '/x'))).toBe('next');
    expect(seen).toEqual(['a', 'b', 'c']);
    seen.length = 0;
    expect(await run(group, req('GET', '/x'))).toBe('next');
    expect(seen).toEqual([]);
  });

  it('an error stops the group and goes on to the error handlers; a throwing handler too', async () => {
    const group = onlyFor(() => true, [mark('a'), mark('b', true), mark('c')]);
    expect(await run(group, req('POST', '/x'))).toEqual(new Error('b'));
    expect(seen).toEqual(['a', 'b']);
    const throwing = onlyFor(
      () => true,
      [
        () => {
          throw new Error('boom');
        },
        mark('after'),
      ],
    );
    expect(await run(throwing, req('POST', '/x'))).toEqual(new Error('boom'));
    expect(seen).toEqual(['a', 'b']);
  });

  it('body checks: writes and anything with a body; plain reads pass', () => {
    expect(changesStateOrHasBody(req('GET', '/vorschlaege'))).toBe(false);
    expect(changesStateOrHasBody(req('GET', '/x', { 'content-length': '0' }))).toBe(false);
    expect(changesStateOrHasBody(req('GET', '/x', { 'content-length': '12' }))).toBe(true);
    expect(changesStateOrHasBody(req('GET', '/x', { 'transfer-encoding': 'chunked' }))).toBe(true);
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(changesStateOrHasBody(req(m, '/api/x'))).toBe(true);
  });

  it('cookies, CSRF and page locals: every page and every write, not API reads', () => {
    expect(pageOrWrite(req('GET', '/vorschlaege'))).toBe(true);
    expect(pageOrWrite(req('POST', '/api/tandems'))).toBe(true);
    expect(pageOrWrite(req('GET', '/api/towns/1/suggestions'))).toBe(false);
    expect(pageOrWrite(req('GET', '/health'))).toBe(false);
  });
});
