import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
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

// npm run bench:http — the web side as operators run it (node dist/src/launcher.js, servers mode, WEB_CONCURRENCY web
// processes sharing one port through node:cluster) over the 2,280 small towns of the Destatis file, every route a mayor
// or the office uses under 100 connections, beside a bare Nest handler that returns the same JSON, run under
// node:cluster with as many processes and measured in the same run. BENCH_PROCESSES=1,2 chooses the process counts
// (default 1 and the number of cores). Prints a scaling table and, last, one JSON line.
const XLSX = process.env.DESTATIS_XLSX ?? resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const CORES = availableParallelism();
const PROCESSES = [...new Set((process.env.BENCH_PROCESSES ?? `1,${CORES}`).split(',').map((n) => Number(n.trim())))].filter(
  (n) => Number.isInteger(n) && n > 0,
);
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

/** How often a process (or its cluster workers, which share its stdout) has said `text` so far. */
function heard(child: ChildProcess, text: string): () => number {
  let count = 0;
  let carry = '';
  const scan = (chunk: Buffer) => {
    const s = carry + chunk.toString('utf8');
    for (let i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + text.length)) count++;
    carry = s.slice(Math.max(0, s.length - text.length + 1));
  };
  child.stdout?.on('data', scan);
  child.stderr?.on('data', scan);
  return () => count;
}

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
  /**
   * p99 of the answers after each connection's first: autocannon opens its connections as a measurement starts, and a
   * busy Node process accepts one new connection per turn of its event loop, so the first answers wait for the accept.
   */
  p99_open_ms: number;
  errors: number;
}

async function load(base: string, route: Route, seconds: number): Promise<Measured> {
  let next = 0;
  const later: number[] = [];
  const result = await autocannon({
    setupClient: (client) => {
      let first = true;
      client.on('response', (_status, _bytes, ms) => {
        if (!first) later.push(ms);
        first = false;
      });
    },
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
    p99_open_ms: percentile(later, 0.99),
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const percentile = (values: number[], q: number): number => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
};

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
/** The highest peak RSS among a launcher's web processes (its children), NaN where /proc does not say. */
const childrenPeakRssMb = (pid: number) => {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return Math.max(...kids.map(peakRssMb));
  } catch {
    return NaN;
  }
};

interface Count {
  bareFirst: Measured;
  bareLast: Measured;
  bareDb: Measured;
  /** The mean of the bare handler's first and last measurement. */
  bareRps: number;
  bareP99: number;
  routes: Record<string, Measured>;
  webPeakRssMb: number;
}

/**
 * One process count: the bare handler under node:cluster and the launcher (WEB_CONCURRENCY=n, WORKER_CONCURRENCY=0:
 * the runs are done, a worker would only share the CPU) both with n processes; every process listening before the
 * load starts, and one warm-up round over all routes. The bare handler is measured first and last, the routes are compared
 * with the mean (the machine is shared).
 */
async function measureCount(
  n: number,
  c: {
    env: Record<string, string>;
    webPort: number;
    barePort: number;
    jsonFile: string;
    databaseUrl: string;
    routes: Route[];
    bareRoute: Route;
    bareDbRoute: Route;
  },
): Promise<Count> {
  const base = `http://127.0.0.1:${c.webPort}`;
  const bareBase = `http://127.0.0.1:${c.barePort}`;
  const bare = startNode(resolve(__dirname, 'bare-handler.server.js'), `bare-${n}`, {
    PORT: String(c.barePort),
    BARE_JSON_FILE: c.jsonFile,
    DATABASE_URL: c.databaseUrl,
    BARE_PROCESSES: String(n),
  });
  const bareUp = heard(bare, 'bare handler listening');
  // BENCH_PROFILE=1 writes a V8 CPU profile of each web process to the log directory when it stops (the launcher
  // passes its node options on to its cluster workers).
  const web = startNode(
    resolve(__dirname, '../src/launcher.js'),
    `web-${n}`,
    { ...c.env, WEB_CONCURRENCY: String(n), WORKER_CONCURRENCY: '0' },
    process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${LOG_DIR}`] : [],
  );
  const webUp = heard(web, 'Kleinstadt-Tandem web listening on');
  try {
    await until(`${n} bare handler processes`, 60_000, async () => bareUp() >= n && (await fetch(`${bareBase}/bare`)).ok);
    await until(`${n} web processes`, 120_000, async () => webUp() >= n && (await fetch(`${base}/health`)).ok);
    for (const r of c.routes) {
      const { path, cookie } = r.pick(0);
      const res = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });
      if (res.status !== 200) throw new Error(`${r.name} answers ${res.status} before the load`);
    }
    console.log(`${n} web process${n > 1 ? 'es' : ''} (launcher, WEB_CONCURRENCY=${n}) and ${n} bare handler process${n > 1 ? 'es' : ''}:`);
    // One warm-up round over every route first: each of n processes compiles its code and fills its own caches (a
    // town's kept suggestions, sessions) from 1/n of the traffic, so the route measured first was measured cold (with
    // two processes the suggestions API did 535 req/s cold, then 840 and 791; with one, 658, 708, 642).
    for (const r of [c.bareRoute, c.bareDbRoute]) await load(bareBase, r, 1);
    for (const r of c.routes) await load(base, r, 1);
    await drained(base);
    const bareFirst = await measure(bareBase, c.bareRoute);
    const bareDb = await measure(bareBase, c.bareDbRoute);
    const routes: Record<string, Measured> = {};
    for (const r of c.routes) {
      routes[r.name] = await measure(base, r);
      process.stdout.write(`  ${r.name}: ${routes[r.name].rps} req/s\n`);
    }
    const bareLast = await measure(bareBase, c.bareRoute);
    process.stdout.write(`  bare handler: ${bareFirst.rps} / ${bareLast.rps} req/s\n`);
    return {
      bareFirst,
      bareLast,
      bareDb,
      bareRps: (bareFirst.rps + bareLast.rps) / 2,
      bareP99: (bareFirst.p99_ms + bareLast.p99_ms) / 2,
      routes,
      webPeakRssMb: childrenPeakRssMb(web.pid!),
    };
  } finally {
    await stop(web);
    await stop(bare);
  }
}

const fixed = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** The scaling table (per count: req/s, p99, ratio to the bare handler at that count; each count over the first) and the JSON line. */
function report(routes: Route[], counts: Record<number, Count>): void {
  const ns = PROCESSES;
  const first = counts[ns[0]];
  const later = ns.slice(1);
  const head = [
    'route',
    ...ns.flatMap((n) => [`${n}p req/s`, `${n}p p99 ms`, `${n}p ÷ bare`]),
    ...later.map((n) => `${n}p / ${ns[0]}p`),
    'errors',
  ];
  const bareRow = [
    'bare Nest handler (first / last)',
    ...ns.flatMap((n) => [
      `${counts[n].bareFirst.rps} / ${counts[n].bareLast.rps}`,
      `${counts[n].bareFirst.p99_ms} / ${counts[n].bareLast.p99_ms}`,
      '1.00',
    ]),
    ...later.map((n) => fixed(counts[n].bareRps / first.bareRps)),
    String(ns.reduce((e, n) => e + counts[n].bareFirst.errors + counts[n].bareLast.errors, 0)),
  ];
  const bareDbRow = [
    'bare Nest handler + one SELECT 1 (reference)',
    ...ns.flatMap((n) => [String(counts[n].bareDb.rps), String(counts[n].bareDb.p99_ms), fixed(counts[n].bareDb.rps / counts[n].bareRps)]),
    ...later.map((n) => fixed(counts[n].bareDb.rps / first.bareDb.rps)),
    String(ns.reduce((e, n) => e + counts[n].bareDb.errors, 0)),
  ];
  const routeRows = routes.map((r) => [
    r.name,
    ...ns.flatMap((n) => {
      const m = counts[n].routes[r.name];
      return [String(m.rps), String(m.p99_ms), fixed(m.rps / counts[n].bareRps)];
    }),
    ...later.map((n) => fixed(counts[n].routes[r.name].rps / first.routes[r.name].rps)),
    String(ns.reduce((e, n) => e + counts[n].routes[r.name].errors, 0)),
  ]);
  const rows = [bareRow, bareDbRow, ...routeRows];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(
    `\n${CONNECTIONS} connections, ${SECONDS} s per route after 1 s warm-up; ${MAYORS} mayor sessions, ${OFFICE_STAFF} office sessions; ` +
      `np = n web processes (launcher) against n bare handler processes (node:cluster); N = ${CORES} core${CORES > 1 ? 's' : ''}` +
      (ns.includes(CORES) ? ` (the ${CORES}p columns are N)` : ''),
  );
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(`web processes' peak RSS (the highest of them): ${ns.map((n) => `${n}p ${counts[n].webPeakRssMb} MB`).join(', ')}`);
  // p99 without each connection's first answer (Measured.p99_open_ms), against 5× the bare handler's on the same count.
  const openHead = ["p99 ms after each connection's first answer", ...ns.flatMap((n) => [`${n}p`, `${n}p ÷ bare`])];
  const bareOpen = (n: number) => (counts[n].bareFirst.p99_open_ms + counts[n].bareLast.p99_open_ms) / 2;
  const openRows = [
    ['bare Nest handler (mean of first and last)', ...ns.flatMap((n) => [String(bareOpen(n)), '1.00'])],
    ...routes.map((r) => [
      r.name,
      ...ns.flatMap((n) => [String(counts[n].routes[r.name].p99_open_ms), fixed(counts[n].routes[r.name].p99_open_ms / bareOpen(n))]),
    ]),
  ];
  const openWidths = openHead.map((h, i) => Math.max(h.length, ...openRows.map((r) => r[i].length)));
  const openLine = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(openWidths[i]) : c.padStart(openWidths[i]))).join(' | ')} |`;
  console.log('');
  console.log(openLine(openHead));
  console.log(`|${openWidths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of openRows) console.log(openLine(r));

  const perCount = (n: number) => {
    const c = counts[n];
    const out = Object.fromEntries(
      routes.map((r) => [r.name, { ...c.routes[r.name], ratio: +(c.routes[r.name].rps / c.bareRps).toFixed(3) }]),
    );
    const all = Object.values(out);
    return {
      routes: out,
      bare_rps: Math.round(c.bareRps),
      bare_p99_ms: c.bareP99,
      bare_p99_open_ms: (c.bareFirst.p99_open_ms + c.bareLast.p99_open_ms) / 2,
      bare_db_rps: c.bareDb.rps,
      bare_db_ratio: +(c.bareDb.rps / c.bareRps).toFixed(3),
      worst_ratio: Math.min(...all.map((m) => m.ratio)),
      worst_p99_ms: Math.max(...all.map((m) => m.p99_ms)),
      worst_p99_open_ms: Math.max(...all.map((m) => m.p99_open_ms)),
      web_peak_rss_mb: c.webPeakRssMb,
    };
  };
  const byProcesses = Object.fromEntries(ns.map((n) => [String(n), perCount(n)]));
  // Each later count over the first, per route and for the bare handler (the service's scaling beside the bare one's).
  const scaling = Object.fromEntries(
    later.map((n) => [
      `${n}/${ns[0]}`,
      {
        bare: +(counts[n].bareRps / first.bareRps).toFixed(3),
        routes: Object.fromEntries(routes.map((r) => [r.name, +(counts[n].routes[r.name].rps / first.routes[r.name].rps).toFixed(3)])),
      },
    ]),
  );
  // The first count's figures stay at the top level (as before this table had more than one count).
  console.log(JSON.stringify({ ...byProcesses[String(ns[0])], processes: ns, cores: CORES, by_processes: byProcesses, scaling }));
}

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
    // The setup web process (one node dist/src/main.js) serves only the runs and the logins (sessions live in
    // PostgreSQL, so they stay valid); the measurement runs against the launcher, started once per process count.
    const web = startNode(resolve(__dirname, '../src/main.js'), 'web-setup', env);
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
    await stop(web);

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
    const bareRoute: Route = { name: 'bare Nest handler (same JSON)', pick: () => ({ path: '/bare' }) };
    const bareDbRoute: Route = { name: 'bare Nest handler + one SELECT 1', pick: () => ({ path: '/bare-db' }) };
    const counts: Record<number, Count> = {};
    for (const n of PROCESSES) {
      counts[n] = await measureCount(n, { env, webPort, barePort, jsonFile, databaseUrl, routes, bareRoute, bareDbRoute });
    }
    report(routes, counts);
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
