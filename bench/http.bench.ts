import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { hashPassword } from '../src/auth/password.util';
import { appConfig } from '../src/config/app-config';
import { openDataSource, runMigrations } from '../src/database/data-source';
import { withCommands } from '../src/commands/run-command';
import { DirectoryImportService } from '../src/municipalities/directory/directory-import.service';
import { DirectoryRecord, parseDestatis, readWorkbook } from '../src/municipalities/directory/destatis-parser.util';
import { syntheticProfiles } from './synthetic-profiles';

// npm run bench:http — the web process as in production (node dist/src/main.js, servers mode) over the 2,280 small
// towns of the Destatis file, every route a mayor or the office uses under 100 connections, beside a bare Nest
// handler that returns the same JSON, measured in the same run. Prints a table and, last, one JSON line.
const XLSX = process.env.DESTATIS_XLSX ?? resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const MAYORS = 100; // Monday morning: many mayors at once, each with a session of their own
const OFFICE_STAFF = 5; // the Geschäftsstelle is a handful of people
const PENDING = 200;
const PASSWORD = 'Bench-Passwort-2024!';
const RUN = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const DATABASE = `kt_bench_http_${RUN}`;
const QUEUE_PREFIX = `kt_bench_http_${RUN}`;
const LOG_DIR = join(tmpdir(), `kt-bench-http-${RUN}`);

const dbUrl = (database: string) => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${database}`;
  return u.toString();
};

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

interface Seeded {
  mayors: { email: string; townId: string; tandemId: string | null }[];
  office: string[];
  tandems: boolean;
  /** Workshop ids, one per group (empty where the feature does not exist). */
  workshops: string[];
}

const WORKSHOPS = 400;
const WORKSHOP_STATES = ['invited', 'confirmed', 'held', 'documented', 'draft', 'cancelled'];
const TANDEM_STATES = [
  'requested',
  'accepted',
  'approved',
  'active',
  'concluded',
  'proposed',
  'declined',
  'withdrawn',
  'rejected',
  'expired',
  'cancelled',
];

/** 2,280 verified small towns with synthetic profiles and a contact each, 200 pending registrations, office staff. */
async function seed(ds: DataSource, records: DirectoryRecord[]): Promise<Seeded> {
  // The directory import as the import command runs it (a command context on the bench's database, set in main).
  await withCommands((c) => c.get(DirectoryImportService).import(records, 'bench'));
  const topics: { slug: string; name: string }[] = await ds.query(`SELECT slug, name FROM topic`);
  const topicName = new Map(topics.map((t) => [t.slug, t.name]));
  const small = records.filter((r) => r.population >= 5000 && r.population < 20000);
  const profiles = syntheticProfiles(small, 42).map((p) => ({
    ...p,
    topics: p.topics.filter((t) => topicName.has(t)),
    challenges: p.challenges.filter((c) => topicName.has(c.topic)),
    experiences: p.experiences.filter((e) => topicName.has(e.topic)),
  }));
  const hash = await hashPassword(PASSWORD, appConfig().passwordHash);
  return ds.transaction(async (m) => {
    const towns: { id: string; ags: string }[] = await m.query(
      `INSERT INTO town (ags, status, capacity, description, decided_at, profile_updated_at)
       SELECT a, 'verified', 1, 'Synthetisches Profil für den Lasttest.', now(), now() FROM unnest($1::char(8)[]) AS a RETURNING id, ags`,
      [profiles.map((p) => p.id)],
    );
    const idOf = new Map(towns.map((t) => [t.ags, t.id]));
    const flat = <T>(pick: (p: (typeof profiles)[number]) => T[]) =>
      profiles.flatMap((p) => pick(p).map((x) => [idOf.get(p.id)!, x] as const));
    const tt = flat((p) => p.topics);
    await m.query(`INSERT INTO town_topic (town_id, topic_slug) SELECT * FROM unnest($1::uuid[], $2::varchar[])`, [
      tt.map((x) => x[0]),
      tt.map((x) => x[1]),
    ]);
    const ch = flat((p) => p.challenges);
    await m.query(
      `INSERT INTO town_challenge (town_id, topic_slug, text, urgency) SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::smallint[])`,
      [
        ch.map((x) => x[0]),
        ch.map((x) => x[1].topic),
        ch.map((x) => `Wir suchen Wege im Handlungsfeld „${topicName.get(x[1].topic)}“.`),
        ch.map((x) => x[1].urgency),
      ],
    );
    const ex = flat((p) => p.experiences);
    await m.query(
      `INSERT INTO town_experience (town_id, topic_slug, tried, outcome) SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[])`,
      [
        ex.map((x) => x[0]),
        ex.map((x) => x[1].topic),
        ex.map((x) => `Ein erprobter Ansatz im Handlungsfeld „${topicName.get(x[1].topic)}“.`),
        ex.map(() => 'Gute Erfahrungen.'),
      ],
    );
    // Pending registrations: smaller places spread over the directory, each with the contact who registered it.
    const others = records.filter((r) => r.population < 5000);
    const pending = Array.from({ length: PENDING }, (_, i) => others[Math.floor((i * others.length) / PENDING)]);
    const pendingTowns: { id: string; ags: string }[] = await m.query(
      `INSERT INTO town (ags, created_at) SELECT a, now() - (n || ' minutes')::interval FROM unnest($1::char(8)[]) WITH ORDINALITY AS u(a, n) RETURNING id, ags`,
      [pending.map((r) => r.ags)],
    );
    const contacts = [...towns, ...pendingTowns];
    await m.query(
      `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
       SELECT 'kontakt-' || a || '@bench.invalid', $3, 'town_contact', 'Kontakt ' || a, t, 'mayor', now()
       FROM unnest($1::char(8)[], $2::uuid[]) AS u(a, t)`,
      [contacts.map((t) => t.ags), contacts.map((t) => t.id), hash],
    );
    const office = Array.from({ length: OFFICE_STAFF }, (_, i) => `geschaeftsstelle-${i + 1}@bench.invalid`);
    await m.query(
      `INSERT INTO user_account (email, password_hash, role, display_name, email_confirmed_at) SELECT e, $2, 'office', 'Geschäftsstelle', now() FROM unnest($1::varchar[]) AS e`,
      [office, hash],
    );
    // Tandems (where the feature exists): neighbouring towns paired, every state in turn, so each town has one.
    const tandems = Boolean((await m.query(`SELECT to_regclass('tandem') AS t`))[0].t);
    const tandemOf = new Map<string, string>();
    if (tandems) {
      const pairs = Array.from({ length: Math.floor(towns.length / 2) }, (_, i) => [
        towns[2 * i].id,
        towns[2 * i + 1].id,
        TANDEM_STATES[i % TANDEM_STATES.length],
      ]);
      const rows: { id: string; a: string; b: string }[] = await m.query(
        `INSERT INTO tandem (town_a, town_b, topic_slug, origin, state, request_message, accepted_a_at, accepted_b_at, result_tried, result_learnt)
         SELECT a, b, 'leerstand', CASE WHEN s = 'proposed' THEN 'office_proposal' ELSE 'request' END, s, 'Wir möchten uns zum Leerstand austauschen.',
                CASE WHEN s IN ('accepted', 'approved', 'active', 'concluded') THEN now() END, CASE WHEN s IN ('accepted', 'approved', 'active', 'concluded') THEN now() END,
                CASE WHEN s = 'concluded' THEN 'Ein gemeinsamer Workshop.' END, CASE WHEN s = 'concluded' THEN 'Früh beteiligen.' END
         FROM unnest($1::uuid[], $2::uuid[], $3::varchar[]) AS u(a, b, s) RETURNING id, town_a AS a, town_b AS b`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1]), pairs.map((p) => p[2])],
      );
      for (const r of rows) for (const t of [r.a, r.b]) tandemOf.set(t, r.id);
    }
    // Workshops (where the feature exists): groups of five towns from five different states, in every state of the
    // workshop lifecycle, with invitations answered as that state implies; most towns are invited to one.
    const workshopOf = new Map<string, string>();
    const workshops = Boolean((await m.query(`SELECT to_regclass('workshop') AS t`))[0].t);
    if (workshops) {
      const byState = new Map<string, string[]>();
      for (const t of towns) byState.set(t.ags.slice(0, 2), [...(byState.get(t.ags.slice(0, 2)) ?? []), t.id]);
      const groups: string[][] = [];
      for (;;) {
        const states = [...byState.values()].filter((l) => l.length).sort((a, b) => b.length - a.length);
        if (states.length < 5 || groups.length >= WORKSHOPS) break;
        groups.push(states.slice(0, 5).map((l) => l.pop()!));
      }
      const wsStates = groups.map((_, i) => WORKSHOP_STATES[i % WORKSHOP_STATES.length]);
      const ids: { id: string }[] = await m.query(
        `INSERT INTO workshop (theme_slug, title, starts_at, format, state, sequence, invitations_closed_at)
         SELECT 'leerstand', 'Werkstatt Leerstand ' || n, now() + ((CASE WHEN s IN ('held', 'documented') THEN -1 ELSE 1 END) * n || ' days')::interval,
                'online', s, 0, NULL
         FROM unnest($1::varchar[]) WITH ORDINALITY AS u(s, n) ORDER BY n RETURNING id`,
        [wsStates],
      );
      const inv = groups.flatMap((g, i) =>
        g.map((townId, k) => {
          const st = wsStates[i];
          const answer =
            st === 'draft' || (st === 'invited' && k % 2 === 0) ? 'invited' : st === 'cancelled' || k < 4 ? 'accepted' : 'declined';
          return [ids[i].id, townId, answer] as const;
        }),
      );
      await m.query(
        `INSERT INTO workshop_invitation (workshop_id, town_id, state, chosen_because)
         SELECT w, t, s, 'Erfahrung und Herausforderungen zum Thema Leerstand passen zur Gruppe.' FROM unnest($1::uuid[], $2::uuid[], $3::varchar[]) AS u(w, t, s)`,
        [inv.map((x) => x[0]), inv.map((x) => x[1]), inv.map((x) => x[2])],
      );
      for (const [w, t] of inv) workshopOf.set(t, w);
    }
    // Mayors spread over the whole list (not only the first AGS prefixes).
    const mayors = Array.from({ length: MAYORS }, (_, i) => towns[Math.floor((i * towns.length) / MAYORS)]).map((t) => ({
      email: `kontakt-${t.ags}@bench.invalid`,
      townId: t.id,
      tandemId: tandemOf.get(t.id) ?? null,
    }));
    return { mayors, office, tandems, workshops: [...new Set(workshopOf.values())] };
  });
}

function startNode(script: string, name: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  // Logs go to a pipe as under a container runtime (a file here would make every request's log line a
  // synchronous disk write on a shared disk); the last 256 kB are kept and written out when the process ends.
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail: Buffer[] = [];
  let size = 0;
  const keep = (chunk: Buffer) => {
    tail.push(chunk);
    size += chunk.length;
    while (size > 256 * 1024 && tail.length > 1) size -= tail.shift()!.length;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const logFile = join(LOG_DIR, `${name}.log`);
  child.on('exit', (code, signal) => {
    writeFileSync(logFile, Buffer.concat(tail));
    tail = [];
    if (!stopping.has(child)) console.error(`${name} exited early (${code ?? signal}); log: ${logFile}`);
  });
  return child;
}
const stopping = new Set<ChildProcess>();

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  stopping.add(child);
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function until<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function login(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('kt.sid='));
  if (!cookie) throw new Error('login set no session cookie');
  return cookie;
}

async function waitRun(base: string, cookie: string, runId: string): Promise<void> {
  await until(`run ${runId}`, 15 * 60_000, async () => {
    const r = (await (await fetch(`${base}/api/matching/runs/${runId}`, { headers: { cookie } })).json()) as {
      status: string;
      error?: string;
    };
    if (r.status === 'failed') throw new Error(`run ${runId} failed: ${r.error}`);
    return r.status === 'done';
  });
}

interface Route {
  name: string;
  /** The i-th request's path and session. */
  pick: (i: number) => { path: string; cookie?: string };
}
interface Measured {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

async function load(base: string, route: Route, seconds: number): Promise<Measured> {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    // Each request is the next person's (autocannon keeps no per-connection state), so all sessions take turns.
    requests: [
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>) => {
          const who = route.pick(next++);
          return { ...req, path: who.path, headers: who.cookie ? { cookie: who.cookie } : {} };
        },
      },
    ],
  });
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * autocannon closes its sockets at the end, but a slow server is still working off the requests it accepted:
 * wait until /health (one database query) answers quickly again, so no route is measured in another's backlog.
 */
async function drained(base: string): Promise<void> {
  await until('the server to drain its backlog', 10 * 60_000, async () => {
    const t = Date.now();
    await fetch(`${base}/health`);
    return Date.now() - t < 50;
  });
}

async function measure(base: string, route: Route): Promise<Measured> {
  await load(base, route, 1); // warm-up: JIT, connection pools, page caches
  await drained(base);
  const m = await load(base, route, SECONDS);
  await drained(base);
  return m;
}

async function clearQueueKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = nextCursor;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const peakRssMb = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

async function main() {
  const t0 = Date.now();
  mkdirSync(LOG_DIR, { recursive: true });
  await admin((c) => c.query(`CREATE DATABASE "${DATABASE}"`));
  const databaseUrl = dbUrl(DATABASE);
  const children: ChildProcess[] = [];
  try {
    await runMigrations(databaseUrl);
    const records = parseDestatis(await readWorkbook(XLSX));
    Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL });
    const ds = await openDataSource(databaseUrl);
    const seeded = await seed(ds, records).finally(() => ds.destroy());
    console.log(
      `seeded ${DATABASE}: ${records.length} municipalities, 2,280 verified small towns with synthetic profiles, ${PENDING} pending registrations${seeded.tandems ? ', 1,140 tandems in every state' : ''} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );

    const [webPort, barePort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${webPort}`;
    const env = {
      NODE_ENV: 'production',
      KT_MODE: 'servers',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX,
      PORT: String(webPort),
      HOST: '127.0.0.1',
      APP_URL: base,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      SMTP_URL: 'smtp://127.0.0.1:1',
      // The only setting that differs from production: 100 mayors log in from one address here.
      LOGIN_RATE_LIMIT: '1000',
    };
    // BENCH_PROFILE=1 writes a V8 CPU profile of the web process to the log directory when it stops.
    const web = startNode(
      resolve(__dirname, '../src/main.js'),
      'web',
      env,
      process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${LOG_DIR}`] : [],
    );
    children.push(web);
    // The worker computes the current suggestions run (it starts one on an empty installation), a tandem round
    // and a workshop proposal, and is stopped before the measurement so it does not share the CPU with it.
    const worker = startNode(resolve(__dirname, '../src/worker.js'), 'worker', env);
    children.push(worker);
    await until('the web process', 120_000, async () => (await fetch(`${base}/health`)).ok);
    const office = await Promise.all(seeded.office.map((e) => login(base, e)));
    const started: string[] = [];
    for (const body of [
      { path: 'runs', kind: 'tandem_round' },
      { path: 'workshops', theme: 'leerstand', seed: 7 },
    ]) {
      const { path, ...payload } = body;
      const r = await fetch(`${base}/api/matching/${path}`, {
        method: 'POST',
        headers: { cookie: office[0], 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      if (r.status !== 202) throw new Error(`start ${path}: ${r.status} ${await r.text()}`);
      started.push(((await r.json()) as { runId: string }).runId);
    }
    const probe = new Client({ connectionString: databaseUrl });
    await probe.connect();
    await until(
      'the suggestions run',
      15 * 60_000,
      async () => (await probe.query(`SELECT 1 FROM matching_run WHERE kind = 'suggestions' AND is_current`)).rowCount,
    );
    await probe.end();
    for (const id of started) await waitRun(base, office[0], id);
    await stop(worker);
    const mayors: string[] = [];
    for (let i = 0; i < seeded.mayors.length; i += 4) {
      mayors.push(...(await Promise.all(seeded.mayors.slice(i, i + 4).map((m) => login(base, m.email)))));
    }
    console.log(
      `runs done, ${mayors.length} mayors and ${office.length} office staff signed in (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );

    const sample = await fetch(`${base}/api/towns/${seeded.mayors[0].townId}/suggestions`, { headers: { cookie: mayors[0] } });
    const json = await sample.text();
    if (sample.status !== 200 || JSON.parse(json).suggestions.length === 0)
      throw new Error(`no suggestions to serve: ${sample.status} ${json.slice(0, 200)}`);
    const jsonFile = join(LOG_DIR, 'suggestions.json');
    writeFileSync(jsonFile, json);
    const bare = startNode(resolve(__dirname, 'bare-handler.server.js'), 'bare', {
      PORT: String(barePort),
      BARE_JSON_FILE: jsonFile,
      DATABASE_URL: databaseUrl,
    });
    children.push(bare);
    const bareBase = `http://127.0.0.1:${barePort}`;
    await until('the bare handler', 60_000, async () => (await fetch(`${bareBase}/bare`)).ok);

    const mayor = (path: (townId: string) => string) => (i: number) => ({
      path: path(seeded.mayors[i % mayors.length].townId),
      cookie: mayors[i % mayors.length],
    });
    const staff = (path: string) => (i: number) => ({ path, cookie: office[i % office.length] });
    const routes: Route[] = [
      { name: 'GET /api/towns/:id/suggestions', pick: mayor((id) => `/api/towns/${id}/suggestions`) },
      { name: 'GET /vorschlaege', pick: mayor(() => '/vorschlaege') },
      { name: 'GET /meine-kommune', pick: mayor(() => '/meine-kommune') },
      { name: 'GET /api/towns/:id', pick: mayor((id) => `/api/towns/${id}`) },
      { name: 'GET /geschaeftsstelle/registrierungen', pick: staff('/geschaeftsstelle/registrierungen') },
      { name: 'GET /api/admin/registrations', pick: staff('/api/admin/registrations') },
      { name: 'GET /geschaeftsstelle/matching', pick: staff('/geschaeftsstelle/matching') },
      ...(seeded.tandems
        ? [
            { name: 'GET /tandems', pick: mayor(() => '/tandems') },
            {
              name: 'GET /tandems/:id',
              pick: (i: number) => ({ path: `/tandems/${seeded.mayors[i % mayors.length].tandemId}`, cookie: mayors[i % mayors.length] }),
            },
            { name: 'GET /geschaeftsstelle/tandems', pick: staff('/geschaeftsstelle/tandems') },
            { name: 'GET /geschaeftsstelle/tandems/freigaben', pick: staff('/geschaeftsstelle/tandems/freigaben') },
          ]
        : []),
      ...(seeded.workshops.length
        ? [
            { name: 'GET /werkstaetten', pick: mayor(() => '/werkstaetten') },
            { name: 'GET /geschaeftsstelle/werkstaetten', pick: staff('/geschaeftsstelle/werkstaetten') },
            {
              // The editor of a workshop with a declined invitation: it shows ranked replacements.
              name: 'GET /geschaeftsstelle/werkstaetten/:id',
              pick: (i: number) => ({
                path: `/geschaeftsstelle/werkstaetten/${seeded.workshops[(i * WORKSHOP_STATES.length + 1) % seeded.workshops.length]}`,
                cookie: office[i % office.length],
              }),
            },
          ]
        : []),
    ];
    // BENCH_ROUTES (a regular expression) measures only the matching routes, for a profile of one of them.
    const only = process.env.BENCH_ROUTES ? new RegExp(process.env.BENCH_ROUTES) : null;
    if (only) routes.splice(0, routes.length, ...routes.filter((r) => only.test(r.name)));
    for (const r of routes) {
      const { path, cookie } = r.pick(0);
      const res = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });
      if (res.status !== 200) throw new Error(`${r.name} answers ${res.status} before the load`);
    }

    const bareRoute: Route = { name: 'bare Nest handler (same JSON)', pick: () => ({ path: '/bare' }) };
    // The bare handler is measured first and last; the routes are compared with the mean (the machine is shared).
    const bareFirst = await measure(bareBase, bareRoute);
    const bareDb = await measure(bareBase, { name: 'bare Nest handler + one SELECT 1', pick: () => ({ path: '/bare-db' }) });
    const measured: Record<string, Measured> = {};
    for (const r of routes) {
      measured[r.name] = await measure(base, r);
      process.stdout.write(`  ${r.name}: ${measured[r.name].rps} req/s\n`);
    }
    const bareLast = await measure(bareBase, bareRoute);
    const bareRps = (bareFirst.rps + bareLast.rps) / 2;
    const bareP99 = (bareFirst.p99_ms + bareLast.p99_ms) / 2;
    const webPeak = peakRssMb(web.pid!);

    const rows = [
      [
        `${bareRoute.name} (first / last)`,
        `${bareFirst.rps} / ${bareLast.rps}`,
        `${bareFirst.p50_ms} / ${bareLast.p50_ms}`,
        `${bareFirst.p99_ms} / ${bareLast.p99_ms}`,
        `${bareFirst.errors + bareLast.errors}`,
        '1.00',
      ],
      [
        'bare Nest handler + one SELECT 1 (reference)',
        String(bareDb.rps),
        String(bareDb.p50_ms),
        String(bareDb.p99_ms),
        String(bareDb.errors),
        (bareDb.rps / bareRps).toFixed(2),
      ],
      ...routes.map((r) => {
        const m = measured[r.name];
        return [r.name, String(m.rps), String(m.p50_ms), String(m.p99_ms), String(m.errors), (m.rps / bareRps).toFixed(2)];
      }),
    ];
    const head = ['route', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'ratio'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    console.log(
      `\n${CONNECTIONS} connections, ${SECONDS} s per route after 1 s warm-up; ${MAYORS} mayor sessions, ${OFFICE_STAFF} office sessions`,
    );
    console.log(line(head));
    console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    console.log(`web process peak RSS: ${webPeak} MB`);

    const out = Object.fromEntries(
      routes.map((r) => [r.name, { ...measured[r.name], ratio: +(measured[r.name].rps / bareRps).toFixed(3) }]),
    );
    const all = Object.values(out);
    console.log(
      JSON.stringify({
        routes: out,
        bare_rps: Math.round(bareRps),
        bare_db_rps: bareDb.rps,
        bare_db_ratio: +(bareDb.rps / bareRps).toFixed(3),
        worst_ratio: Math.min(...all.map((m) => m.ratio)),
        worst_p99_ms: Math.max(...all.map((m) => m.p99_ms)),
        bare_p99_ms: bareP99,
        web_peak_rss_mb: webPeak,
      }),
    );
  } finally {
    for (const c of children.reverse()) await stop(c);
    await clearQueueKeys().catch(() => undefined);
    if (!process.env.BENCH_KEEP_DB)
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`)).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
