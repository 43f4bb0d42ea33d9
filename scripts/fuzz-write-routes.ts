// Sends malformed requests to every state-changing route of a running instance and counts answers >= 500
// (issue 9: "a fuzz run of >= 10,000 malformed requests over all write routes gives 0 responses >= 500").
//
//   npm run build && node dist/scripts/fuzz-write-routes.js --url http://localhost:3000 [--count 10000] [--seed 1]
//        [--email office@… --password …]   (optional: also fuzz as a signed-in user, so checks behind the login run)
//
// Routes: the API's write routes from /api/docs-json plus the page forms (PAGE_WRITE_ROUTES). The e2e test
// (test/e2e/fuzz-write-routes.e2e-spec.ts) runs the same generator on a reduced count against the routes Express
// really has. Prints one line per class and a last JSON line; exits 1 when any answer was >= 500.
import { request as httpRequest } from 'node:http';
import { mulberry32 } from '../src/matching/core/prng.util';

export interface Route {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
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
const FIELDS = [
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

/** Sends the requests with a few in flight at once; every answer >= 500 is kept with its request. */
export async function fuzz(
  baseUrl: string,
  routes: Route[],
  count: number,
  opts: { seed?: number; identity?: FuzzIdentity; concurrency?: number } = {},
): Promise<FuzzResult> {
  const result: FuzzResult = { sent: 0, byClass: {}, serverErrors: [] };
  const it = malformedRequests(routes, count, opts.seed ?? 1);
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
