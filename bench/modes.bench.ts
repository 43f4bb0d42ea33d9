/**
 * A matching run as the office meets it, on the embedded default against the servers (baseline, same run):
 * the real launcher (dist/src/launcher.js) in each mode with the demo data, the office logged in over HTTP, then
 * RUNS runs of each kind one after another. A run's time is its row's finishedAt − startedAt: from the row the
 * request creates to the results being current (queue pickup included), without the client's polling.
 *
 * Usage: npm run build && npm run bench:modes   (BENCH_RUNS=n, default 15; needs PostgreSQL and Redis for the baseline)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

const LAUNCHER = resolve(__dirname, '../src/launcher.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KINDS = ['suggestions', 'tandem_round'] as const;

interface Started {
  proc: ChildProcess;
  url: string;
  output: () => string;
}

async function launch(env: NodeJS.ProcessEnv): Promise<Started> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [LAUNCHER], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      APP_URL: url,
      RESET_DEMO_PASSWORDS: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  for (let i = 0; i < 1200; i++) {
    if (proc.exitCode !== null) throw new Error(`launcher exited:\n${out}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { proc, url, output: () => out };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no healthy service:\n${out}`);
}

async function stop(s: Started): Promise<void> {
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await exited;
}

async function officeCookie(s: Started): Promise<string> {
  const password = /geschaeftsstelle@demo\.kleinstadt-tandem\.de \/ (Demo-[\w-]+)/.exec(s.output())?.[1];
  if (!password) throw new Error(`no demo office login in the output:\n${s.output()}`);
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'geschaeftsstelle@demo.kleinstadt-tandem.de', password }),
  });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

type Times = Record<(typeof KINDS)[number], number[]>;

/** One run of `kind`, ms from its row's start to its results being current. */
async function oneRun(s: Started, cookie: string, kind: (typeof KINDS)[number]): Promise<number> {
  const started = await fetch(`${s.url}/api/matching/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: s.url },
    body: JSON.stringify({ kind }),
  });
  if (started.status !== 202) throw new Error(`start ${kind}: ${started.status} ${await started.text()}`);
  const { runId } = (await started.json()) as { runId: string };
  for (;;) {
    const run = (await (await fetch(`${s.url}/api/matching/runs/${runId}`, { headers: { cookie } })).json()) as {
      status: string;
      startedAt: string;
      finishedAt: string | null;
    };
    if (run.status === 'failed') throw new Error(`run ${runId} failed`);
    if (run.status === 'done') return new Date(run.finishedAt!).getTime() - new Date(run.startedAt).getTime();
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Both services run side by side; runs alternate between them, so a change in the machine's load hits both. */
async function measure(services: Record<string, Started>): Promise<Record<string, Times>> {
  const cookies = Object.fromEntries(
    await Promise.all(Object.entries(services).map(async ([m, s]) => [m, await officeCookie(s)] as const)),
  );
  const times: Record<string, Times> = Object.fromEntries(Object.keys(services).map((m) => [m, { suggestions: [], tandem_round: [] }]));
  for (let i = 0; i < RUNS; i++) {
    for (const kind of KINDS) {
      for (const [mode, s] of Object.entries(services)) times[mode][kind].push(await oneRun(s, cookies[mode], kind));
    }
  }
  return times;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const database = `kt_bench_modes_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${database}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-bench-modes-'));
  let results: Record<string, Times> = {};
  const services: Record<string, Started> = {};
  try {
    services.servers = await launch({
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      QUEUE_PREFIX: database,
      SEED_DEMO: 'true',
      SMTP_URL: 'outbox',
    });
    services.embedded = await launch({ DATA_DIR: dataDir });
    results = await measure(services);
  } finally {
    for (const s of Object.values(services)) await stop(s);
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const rows = KINDS.map((kind) => {
    const s = median(results.servers[kind]);
    const e = median(results.embedded[kind]);
    return {
      kind,
      serversMs: s,
      embeddedMs: e,
      ratio: e / s,
      embeddedMaxMs: Math.max(...results.embedded[kind]),
      serversMaxMs: Math.max(...results.servers[kind]),
    };
  });
  console.log(`Matching runs through the launcher, demo data, ${RUNS} of each kind per mode (median; max)`);
  console.log('| kind | servers (baseline) | embedded | ratio |');
  console.log('|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.kind} | ${r.serversMs} ms (max ${r.serversMaxMs}) | ${r.embeddedMs} ms (max ${r.embeddedMaxMs}) | ${r.ratio.toFixed(2)} |`,
    );
  }
  console.log(JSON.stringify({ bench: 'modes', runs: RUNS, rows }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
