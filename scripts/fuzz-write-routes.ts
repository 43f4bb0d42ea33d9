// Sends malformed and ill-typed requests to every route of a running instance and counts answers >= 500
// (issue 9: "a fuzz run of >= 10,000 malformed requests over all write routes gives 0 responses >= 500"; issue 24: every
// route, GET included, with route parameters that are no uuids, numbers out of range or fractional, arrays and objects
// where text is expected, as JSON and as forms).
//
//   npm run build && node dist/scripts/fuzz-write-routes.js --url http://localhost:3000 [--count 10000] [--seed 1]
//        [--email office@… --password …]   (optional: also fuzz as a signed-in user, so checks behind the login run)
//
// Two generators: malformedRequests (broken bodies, headers, encodings: 21 classes) over the write routes, and
// semanticRequests (well-formed requests with one ill-typed value each: path parameter, body field or query key) over
// every route, with real ids where the caller knows them so the handlers' own checks are reached. Routes: the API's
// from /api/docs-json (with their body fields and query keys) plus the page forms (PAGE_WRITE_ROUTES). The e2e test
// (test/e2e/fuzz-write-routes.e2e-spec.ts) runs both against the routes Express really has, with the form fields of
// the page templates. Prints one line per class and a last JSON line; exits 1 when any answer was >= 500.
import { request as httpRequest } from 'node:http';
import { mulberry32 } from '../src/matching/core/prng.util';

export interface Route {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
}

/** A route as declared (`:name` parameters), any method, with the body fields and query keys it is known to read. */
export interface RouteTemplate {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  fields?: string[];
  query?: string[];
  /** Values that pick the branch a form takes (a hidden `action`): used instead of the general plausible ones. */
  good?: Record<string, unknown>;
}

export interface RawRequest {
  cls: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  body: string;
}

/** The page forms (not in the OpenAPI document; keep in step with the page controllers); parameters as a fixed UUID. */
export const PAGE_WRITE_ROUTES: Route[] = [
  { method: 'post', path: '/anmelden' },
  { method: 'post', path: '/abmelden' },
  { method: 'post', path: '/registrieren' },
  { method: 'post', path: '/bestaetigen' },
  { method: 'post', path: '/meine-kommune' },
  { method: 'post', path: '/geschaeftsstelle/registrierungen/00000000-0000-4000-8000-000000000000/entscheidung' },
  { method: 'post', path: '/geschaeftsstelle/matching' },
  { method: 'post', path: '/geschaeftsstelle/matching/gewichte' },
  { method: 'post', path: '/tandems/anfragen/00000000-0000-4000-8000-000000000000' },
  { method: 'post', path: '/tandems/kein-interesse/00000000-0000-4000-8000-000000000000' },
  { method: 'post', path: '/tandems/00000000-0000-4000-8000-000000000000/schritt' },
  { method: 'post', path: '/geschaeftsstelle/tandems/vorschlaege' },
  { method: 'post', path: '/meine-kommune/pause' },
  { method: 'post', path: '/meine-kommune/kontakte' },
  { method: 'post', path: '/meine-kommune/kontakte/00000000-0000-4000-8000-000000000000/entfernen' },
  { method: 'post', path: '/einladung' },
  {
    method: 'post',
    path: '/geschaeftsstelle/kommunen/00000000-0000-4000-8000-000000000000/kontakte/00000000-0000-4000-8000-000000000000/hauptkontakt',
  },
  { method: 'post', path: '/passwort-vergessen' },
  { method: 'post', path: '/bestaetigung-erneut' },
  { method: 'post', path: '/passwort-neu' },
  { method: 'post', path: '/konto/passwort' },
  { method: 'post', path: '/konto/email' },
  { method: 'post', path: '/konto/loeschen' },
  { method: 'post', path: '/email-bestaetigen' },
];

// Field names the routes read; mutations put hostile values into them.
export const FIELDS = [
  'email',
  'password',
  'ags',
  'displayName',
  'contactFunction',
  'token',
  'reason',
  'decision',
  'action',
  'topics',
  'challenges',
  'experiences',
  'description',
  'capacity',
  'visibility',
  'kind',
  'theme',
  'complement',
  'next',
  'suche',
  'q',
  'challengeTopic',
  'challengeText',
  'experienceTried',
  'distancePreference',
  'nearKm',
];
const BASE: Record<string, unknown> = {
  email: 'fuzz@example.test',
  password: 'Fuzz-Passwort-2024',
  ags: '14521450',
  displayName: 'Fuzz Test',
  contactFunction: 'mayor',
  token: 'x'.repeat(43),
  reason: 'Begründung',
  decision: 'verify',
  topics: ['leerstand'],
  challenges: [],
  experiences: [],
  description: 'Kurz.',
  capacity: 1,
  kind: 'suggestions',
  theme: 'leerstand',
};
const HOSTILE_VALUES: unknown[] = [
  5,
  -1,
  1e308,
  true,
  null,
  [],
  {},
  ['a', 'b'],
  { $ne: 1 },
  { toString: 1 },
  'a\u0000b',
  '\ud800',
  'x'.repeat(5000),
  '',
  ' ',
  '%',
  '<script>',
  "' OR 1=1 --",
  '\u202e',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  [[[[[['deep']]]]]],
];
const ORIGINS = ['null', 'evil', 'http://x:99999', 'http://[::1', 'https://evil.example', 'file://', 'http://', ' ', 'http://a b'];
const BAD_PERCENT = ['%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%00', '%FF%FE'];
const PROTO_KEYS = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const json = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const form = (pairs: Array<[string, string]>) => Buffer.from(pairs.map(([k, v]) => `${k}=${v}`).join('&'));
const enc = encodeURIComponent;

type Gen = (r: () => number, route: Route) => Omit<RawRequest, 'cls' | 'method'> & { method?: string };
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const JSON_H = { 'content-type': 'application/json' };
const FORM_H = { 'content-type': 'application/x-www-form-urlencoded' };

/** One generator per class of malformed input (the six causes of the audit, and their neighbours). */
export const CLASSES: Record<string, Gen> = {
  'body-too-large': (r, route) => ({
    path: route.path,
    headers: pick(r, [JSON_H, FORM_H]),
    body: Buffer.from(r() < 0.5 ? JSON.stringify({ description: 'x'.repeat(200_000) }) : `description=${'x'.repeat(200_000)}`),
  }),
  'unknown-charset': (r, route) => ({
    path: route.path,
    headers: {
      'content-type': `${pick(r, ['application/json', 'application/x-www-form-urlencoded'])}; charset=${pick(r, ['koi8-x', 'utf-7', 'x-unknown', 'latin-9'])}`,
    },
    body: json(BASE),
  }),
  'unknown-encoding': (_r, route) => ({
    path: route.path,
    headers: { ...JSON_H, 'content-encoding': 'br, zstd, x-evil' },
    body: json(BASE),
  }),
  'too-many-fields': (r, route) => ({
    path: route.path,
    headers: FORM_H,
    body: form(Array.from({ length: 600 + Math.floor(r() * 2000) }, (_, i) => [`f${i}`, '1'])),
  }),
  'too-deep-fields': (r, route) => ({
    path: route.path,
    headers: FORM_H,
    body: form([[`${pick(r, FIELDS)}${'[a]'.repeat(6 + Math.floor(r() * 40))}`, '1']]),
  }),
  'malformed-origin': (r, route) => ({ path: route.path, headers: { ...JSON_H, origin: pick(r, ORIGINS) }, body: json(BASE) }),
  'nul-in-body': (r, route) => ({
    path: route.path,
    headers: pick(r, [JSON_H, FORM_H]),
    body: r() < 0.5 ? json({ ...BASE, [pick(r, FIELDS)]: 'a\u0000b' }) : form([[pick(r, FIELDS), 'a%00b']]),
  }),
  'nul-in-query': (r, route) => ({ path: `${route.path}?${pick(r, FIELDS)}=a%00b`, headers: JSON_H, body: json(BASE) }),
  'nul-in-path': (_r, route) => ({ path: `${route.path}%00`, headers: JSON_H, body: json(BASE) }),
  'type-confusion': (r, route) => ({
    path: route.path,
    headers: JSON_H,
    body: json({ ...BASE, [pick(r, FIELDS)]: pick(r, HOSTILE_VALUES) }),
  }),
  'json-scalar-body': (r, route) => ({
    path: route.path,
    headers: JSON_H,
    body: Buffer.from(pick(r, ['5', 'null', '"x"', 'true', '[]', '[1,2]', '{}'])),
  }),
  'repeated-keys': (r, route) => {
    const k = pick(r, FIELDS);
    return r() < 0.5
      ? { path: `${route.path}?${k}=a&${k}=b`, headers: JSON_H, body: json(BASE) }
      : {
          path: route.path,
          headers: FORM_H,
          body: form([
            [k, 'a'],
            [k, 'b'],
            [`${k}[]`, 'c'],
            [`${k}[x]`, 'd'],
          ]),
        };
  },
  'prototype-keys': (r, route) => {
    const k = pick(r, PROTO_KEYS);
    return r() < 0.5
      ? { path: route.path, headers: JSON_H, body: Buffer.from(`{"${k}":1,"email":"a@b.de","nested":{"${k}":{"x":1}}}`) }
      : {
          path: `${route.path}?${k}=1`,
          headers: FORM_H,
          body: form([
            [k, '1'],
            [`${k}[a]`, '2'],
          ]),
        };
  },
  'deep-nesting': (r, route) => {
    const n = pick(r, [50, 500, 5000, 20000]);
    return {
      path: route.path,
      headers: JSON_H,
      body: Buffer.from(r() < 0.5 ? '['.repeat(n) : `{"topics":${'['.repeat(n)}${']'.repeat(n)}}`),
    };
  },
  'lone-surrogate': (r, route) => ({
    path: route.path,
    headers: pick(r, [JSON_H, FORM_H]),
    body: r() < 0.5 ? Buffer.from(`{"${pick(r, FIELDS)}":"\\ud800","email":"\\udfff@x.de"}`) : form([[pick(r, FIELDS), '%ED%A0%80']]),
  }),
  'bad-percent-encoding': (r, route) => {
    const bad = pick(r, BAD_PERCENT);
    const where = Math.floor(r() * 3);
    if (where === 0) return { path: `${route.path}${bad}`, headers: JSON_H, body: json(BASE) };
    if (where === 1) return { path: `${route.path}?${pick(r, FIELDS)}=${bad}`, headers: JSON_H, body: json(BASE) };
    return {
      path: route.path,
      headers: FORM_H,
      body: form([
        [pick(r, FIELDS), bad],
        [bad, 'x'],
      ]),
    };
  },
  'invalid-utf8-bytes': (r, route) => ({
    path: route.path,
    headers: pick(r, [JSON_H, FORM_H]),
    body: Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  }),
  'broken-json': (r, route) => ({
    path: route.path,
    headers: JSON_H,
    body: Buffer.from(pick(r, ['{', '{"email":', '{"a":1,}', "{'a':1}", '\u0000', '{"a":NaN}', '{"a":1e999999}', ''])),
  }),
  'wrong-content-type': (r, route) => ({
    path: route.path,
    headers: {
      'content-type': pick(r, [
        'text/plain',
        'multipart/form-data; boundary=x',
        'multipart/form-data',
        'application/xml',
        'application/json-patch+json',
        '*/*',
        ';;;',
        'application/x-www-form-urlencoded; charset=',
      ]),
    },
    body: json(BASE),
  }),
  'long-values': (r, route) => ({
    path: route.path,
    headers: JSON_H,
    body: json({ ...BASE, [pick(r, FIELDS)]: 'ä'.repeat(1000 + Math.floor(r() * 20000)) }),
  }),
  'method-override': (r, route) => ({
    path: route.path,
    method: pick(r, ['POST', 'PUT', 'PATCH', 'DELETE']),
    headers: { ...JSON_H, 'x-http-method-override': 'GET' },
    body: json({ ...BASE, [pick(r, FIELDS)]: pick(r, HOSTILE_VALUES) }),
  }),
};

/** `count` malformed requests, reproducible from `seed`, cycling over classes and routes. */
export function* malformedRequests(routes: Route[], count: number, seed = 1): Generator<RawRequest> {
  const r = mulberry32(seed);
  const names = Object.keys(CLASSES);
  for (let i = 0; i < count; i++) {
    const cls = names[i % names.length];
    const route = routes[Math.floor(i / names.length) % routes.length];
    const g = CLASSES[cls](r, route);
    yield { cls, method: g.method ?? route.method.toUpperCase(), path: g.path, headers: g.headers, body: g.body };
  }
}

// ---- semantic: well-formed requests with one ill-typed value (issue 24) ----

/** Route parameter values that are no id of anything: not uuids, numbers out of range or fractional, odd text. */
export const BAD_PARAMS = [
  'abc',
  '1.5',
  '2147483648',
  '-1',
  '00000000-0000-0000-0000-00000000000g',
  '-'.repeat(36),
  'x'.repeat(300),
  '00000000-0000-4000-8000-000000000000',
];

/** Values of the wrong type or range for a field: fractions, beyond int/smallint, arrays and objects for text, … */
export const BAD_VALUES: unknown[] = [
  1.5,
  '1.5',
  2 ** 31,
  String(2 ** 31),
  -(2 ** 31) - 1,
  32768,
  '1e400',
  -1,
  0,
  'abc',
  '',
  [],
  ['a', 'b'],
  { a: 'b' },
  true,
  null,
  'not-a-uuid',
  '-'.repeat(36),
  'x'.repeat(3000),
  [{ a: 1 }],
];

/** Query values: fractions, out of range, text for numbers, and arrays/objects (`k[]=`, `k[a]=`). */
const BAD_QUERY = ['1.5', '2147483648', '-1', 'abc', '', '1e400', ['a', 'b'], { a: 'b' }, '-'.repeat(36), 'x'.repeat(2000)];

const SHORT_BAD_QUERY = BAD_QUERY.filter((v) => typeof v !== 'string' || v.length < 100);

/** Query keys the routes read (pages and API); the e2e test adds the ones it finds in the source. */
export const QUERY_KEYS = [
  'seite',
  'page',
  'limit',
  'offset',
  'q',
  'suche',
  'thema',
  'zustand',
  'state',
  'jahr',
  'erledigt',
  'token',
  'next',
  'u',
  's',
  'kommune',
  'land',
  'status',
];

/** Plausible values for fields, so that one bad field at a time is what a handler sees. */
export const GOOD_VALUES: Record<string, unknown> = {
  ...BASE,
  topic: 'leerstand',
  message: 'Guten Tag',
  answer: 'accept',
  groupNo: 1,
  durationMinutes: 120,
  format: 'online',
  startsAt: '2031-03-04T10:00',
  title: 'Werkstatt',
  onlineLink: 'https://konferenz.example/w',
  address: 'Marktplatz 1',
  presented: 'Vorgestellt',
  willTry: 'Ausprobieren',
  tried: 'Versucht',
  learnt: 'Gelernt',
  note: 'Notiz',
  text: 'Notiz',
  currentPassword: 'Fuzz-Passwort-2024',
  newPassword: 'Fuzz-Passwort-2025',
  newEmail: 'neu@example.test',
  privacyAccepted: true,
};

/** `k=v` pairs of a form or query string for any value: arrays repeat the key (`k[]` in a query), objects nest. */
export function encodePairs(key: string, v: unknown, query = false): Array<[string, string]> {
  if (v === null || v === undefined) return [[enc(key), '']];
  if (Array.isArray(v)) {
    if (!v.length) return [[`${enc(key)}[]`, '']];
    return v.flatMap((x, i) => encodePairs(query || typeof x === 'object' ? `${key}[${i}]` : key, x, query));
  }
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => encodePairs(`${key}[${k}]`, x, query));
  return [[enc(key), enc(typeof v === 'string' ? v : JSON.stringify(v))]];
}
const formOf = (body: Record<string, unknown>) =>
  Buffer.from(
    Object.entries(body)
      .flatMap(([k, v]) => encodePairs(k, v))
      .map(([k, v]) => `${k}=${v}`)
      .join('&'),
  );

export interface SemanticOptions {
  /** The real id for a route parameter (by path and name), so that the handler's checks after the lookup run. */
  idFor?: (path: string, param: string) => string;
  /** Ids for body fields that name entities (townId, partnerTownId, runId, …). */
  goodValues?: Record<string, unknown>;
  /** Body fields tried on a route without known fields. */
  defaultFields?: string[];
  queryKeys?: string[];
}

/**
 * Per route: one plausible request with real ids, every parameter with every BAD_PARAMS value, every known body field
 * with four BAD_VALUES (one for every field name when the route's are not known, two bodies of junk when it reads
 * none; JSON and form on API routes, form on page routes; rotating so every value is used), its own query keys with four bad values each, and on GET routes all
 * query keys at once, three times. Deterministic; the count depends on the routes only.
 */
export function* semanticRequests(routes: RouteTemplate[], opts: SemanticOptions = {}): Generator<RawRequest> {
  const idFor = opts.idFor ?? (() => '00000000-0000-4000-8000-000000000000');
  const good = { ...GOOD_VALUES, ...opts.goodValues };
  const keys = opts.queryKeys ?? QUERY_KEYS;
  let rot = 0;
  for (const route of routes) {
    const method = route.method.toUpperCase();
    const isApi = route.path.startsWith('/api/');
    const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const fill = (bad?: { param: string; value: string }) =>
      route.path.replace(/:(\w+)/g, (_m, p: string) => (bad?.param === p ? bad.value : enc(idFor(route.path, p))));
    // Fields unknown: every field any route reads, once each; known to be none: two bodies of junk in any field.
    const fields = route.fields ?? (method === 'GET' ? [] : (opts.defaultFields ?? FIELDS));
    const goodBody = Object.fromEntries(fields.map((f) => [f, route.good?.[f] ?? good[f] ?? 'x']));
    const bodyReq = (body: Record<string, unknown>, asForm: boolean) =>
      method === 'GET' ? { headers: {} } : asForm ? { headers: FORM_H, body: formOf(body) } : { headers: JSON_H, body: json(body) };
    yield { cls: 'real-ids', method, path: fill(), ...bodyReq(goodBody, !isApi) };
    for (const param of params)
      for (const value of BAD_PARAMS) yield { cls: 'bad-path-param', method, path: fill({ param, value }), ...bodyReq(goodBody, !isApi) };
    if (method !== 'GET') {
      const tries = route.fields ? 4 : 1;
      if (!fields.length)
        for (let k = 0; k < 2; k++) {
          const junk = Object.fromEntries(FIELDS.map((f, i) => [f, BAD_VALUES[(rot + i + k) % BAD_VALUES.length]]));
          yield { cls: 'bad-field', method, path: fill(), ...bodyReq(junk, !isApi || k === 1) };
        }
      for (const f of fields) {
        for (let k = 0; k < tries; k++) {
          const value = BAD_VALUES[rot++ % BAD_VALUES.length];
          yield { cls: 'bad-field', method, path: fill(), ...bodyReq({ ...goodBody, [f]: value }, !isApi || k % 2 === 1) };
        }
      }
    }
    const query = (pairs: Array<[string, unknown]>) =>
      `${fill()}?${pairs
        .flatMap(([q, v]) => encodePairs(q, v, true))
        .map(([a, b]) => `${a}=${b}`)
        .join('&')}`;
    // The route's own query keys one at a time; on GET routes also every key any route reads, all at once.
    for (const q of route.query ?? [])
      for (let k = 0; k < 4; k++)
        yield { cls: 'bad-query', method, path: query([[q, BAD_QUERY[rot++ % BAD_QUERY.length]]]), ...bodyReq(goodBody, !isApi) };
    if (method === 'GET')
      for (let k = 0; k < 3; k++)
        yield {
          cls: 'bad-query',
          method,
          path: query(keys.map((q, i) => [q, SHORT_BAD_QUERY[(rot + i + k) % SHORT_BAD_QUERY.length]])),
          headers: {},
        };
  }
}

/** One raw HTTP request (no client-side re-encoding of paths or bodies). */
export function sendRaw(baseUrl: string, req: Omit<RawRequest, 'cls'>, extraHeaders: Record<string, string> = {}): Promise<RawResponse> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...extraHeaders, ...req.headers };
    if (req.body) headers['content-length'] = req.body.length;
    const rq = httpRequest({ host: u.hostname, port: u.port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // The server may answer (413) and close before the whole body is sent: that is an answer, not an error.
    rq.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? resolve({ status: 0, body: err.code }) : reject(err),
    );
    rq.end(req.body);
  });
}

export interface FuzzIdentity {
  name: string;
  /** Cookie header (session and CSRF cookie) and the CSRF token to add to form bodies and the header. */
  cookie?: string;
  csrfToken?: string;
}

export interface FuzzResult {
  sent: number;
  byClass: Record<string, { sent: number; byStatus: Record<number, number> }>;
  serverErrors: Array<{ cls: string; method: string; path: string; status: number; body: string }>;
}

/** Sends `count` malformed requests with a few in flight at once; every answer >= 500 is kept with its request. */
export function fuzz(
  baseUrl: string,
  routes: Route[],
  count: number,
  opts: { seed?: number; identity?: FuzzIdentity; concurrency?: number } = {},
): Promise<FuzzResult> {
  return sendAll(baseUrl, malformedRequests(routes, count, opts.seed ?? 1), opts);
}

/** Sends every request of `it` with a few in flight at once; every answer >= 500 is kept with its request. */
export async function sendAll(
  baseUrl: string,
  it: Iterator<RawRequest>,
  opts: { identity?: FuzzIdentity; concurrency?: number } = {},
): Promise<FuzzResult> {
  const result: FuzzResult = { sent: 0, byClass: {}, serverErrors: [] };
  const id = opts.identity;
  const worker = async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      const req = next.value;
      let body = req.body;
      // With a token, form bodies pass the CSRF check and reach the handlers' own validation.
      if (id?.csrfToken && body && /urlencoded/.test(req.headers['content-type'] ?? ''))
        body = Buffer.concat([Buffer.from(`_csrf=${enc(id.csrfToken)}&`), body]);
      const extra: Record<string, string> = {};
      if (id?.cookie) extra.cookie = id.cookie;
      if (id?.csrfToken) extra['x-csrf-token'] = id.csrfToken;
      const res = await sendRaw(baseUrl, { ...req, body }, extra);
      result.sent++;
      const c = (result.byClass[req.cls] ??= { sent: 0, byStatus: {} });
      c.sent++;
      c.byStatus[res.status] = (c.byStatus[res.status] ?? 0) + 1;
      if (res.status >= 500)
        result.serverErrors.push({ cls: req.cls, method: req.method, path: req.path, status: res.status, body: res.body.slice(0, 300) });
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return result;
}

/** The API's write routes from the OpenAPI document, path parameters as a fixed UUID. */
export async function apiWriteRoutes(baseUrl: string): Promise<Route[]> {
  const doc = (await (await fetch(`${baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      if (ops[method]) out.push({ method, path: path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000') });
    }
  }
  return out;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/** Every API route from the OpenAPI document as a template (`:name` parameters), with its body fields and query keys. */
export async function apiRoutes(baseUrl: string): Promise<RouteTemplate[]> {
  const doc = (await (await fetch(`${baseUrl}/api/docs-json`)).json()) as OpenApiDoc;
  const out: RouteTemplate[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = ops[method];
      if (!op) continue;
      const ref = /"\$ref":"#\/components\/schemas\/(\w+)"/.exec(JSON.stringify(op.requestBody ?? {}))?.[1];
      out.push({
        method,
        path: path.replace(/\{(\w+)\}/g, ':$1'),
        fields: Object.keys((ref && doc.components?.schemas?.[ref]?.properties) || {}),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return out;
}

/** Logs in through the page form and returns the cookies and a CSRF token for the session. */
export async function signedInIdentity(baseUrl: string, email: string, password: string): Promise<FuzzIdentity> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const tokenOf = async (path: string) => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { cookie: cookie() }, redirect: 'manual' });
    keep(res);
    return /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? '';
  };
  const loginToken = await tokenOf('/anmelden');
  const res = await fetch(`${baseUrl}/anmelden`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: loginToken, email, password }).toString(),
  });
  keep(res);
  if (res.status !== 303) throw new Error(`Login as ${email} failed (${res.status})`);
  const csrfToken = await tokenOf('/'); // first: it updates the CSRF cookie that cookie() then reads
  return { name: email, cookie: cookie(), csrfToken };
}

export const LOGOUT = /\/(abmelden|api\/auth\/logout)$/;

function summary(label: string, r: FuzzResult): string {
  const lines = Object.entries(r.byClass).map(
    ([cls, c]) =>
      `${cls.padEnd(22)} ${String(c.sent).padStart(6)}  ${Object.entries(c.byStatus)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
  );
  return [`${label}: ${r.sent} requests, ${r.serverErrors.length} answers >= 500`, ...lines].join('\n');
}

async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i].replace(/^--/, ''), argv[i + 1]);
  const baseUrl = (args.get('url') ?? 'http://localhost:3000').replace(/\/$/, '');
  const count = Number(args.get('count') ?? 10_000);
  const seed = Number(args.get('seed') ?? 1);
  const routes = [...(await apiWriteRoutes(baseUrl)), ...PAGE_WRITE_ROUTES];
  const identities: Array<FuzzIdentity | undefined> = [undefined];
  if (args.get('email') && args.get('password'))
    identities.push(await signedInIdentity(baseUrl, args.get('email')!, args.get('password')!));
  const started = Date.now();
  let sent = 0;
  const errors: FuzzResult['serverErrors'] = [];
  for (const [i, identity] of identities.entries()) {
    // A signed-in identity does not fuzz the logout routes (it would fuzz the rest anonymously).
    const own = identity ? routes.filter((x) => !LOGOUT.test(x.path)) : routes;
    const r = await fuzz(baseUrl, own, Math.ceil(count / identities.length), { seed: seed + i, identity });
    console.log(summary(identity ? `signed in as ${identity.name}` : 'anonymous', r));
    sent += r.sent;
    errors.push(...r.serverErrors);
  }
  // Semantic pass over every API route (GET too) and the page forms, ids as the fixed UUID.
  const templates: RouteTemplate[] = [...(await apiRoutes(baseUrl)), ...PAGE_WRITE_ROUTES];
  for (const [i, identity] of identities.entries()) {
    const own = identity ? templates.filter((x) => !LOGOUT.test(x.path)) : templates;
    const r = await sendAll(baseUrl, semanticRequests(own), { identity });
    console.log(summary(`semantic, ${identity ? `signed in as ${identity.name}` : 'anonymous'} (${i})`, r));
    sent += r.sent;
    errors.push(...r.serverErrors);
  }
  for (const e of errors.slice(0, 20)) console.log(`>= 500: ${e.status} ${e.cls} ${e.method} ${e.path} ${e.body}`);
  console.log(JSON.stringify({ routes: routes.length, sent, serverErrors: errors.length, seconds: (Date.now() - started) / 1000 }));
  process.exitCode = errors.length ? 1 : 0;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
