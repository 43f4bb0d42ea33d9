import { ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { openDataSource, runMigrations } from '../src/database/data-source';
import { MailRenderer } from '../src/mail/mail-renderer';
import { buildContext } from '../src/matching/core/score.util';
import { suggestPartners } from '../src/matching/core/suggestions.util';
import { DEFAULT_WEIGHTS } from '../src/matching/core/weights';
import { withCommands } from '../src/commands/run-command';
import { DirectoryImportService } from '../src/municipalities/directory/directory-import.service';
import { parseDestatis, readWorkbook } from '../src/municipalities/directory/destatis-parser.util';
import { syntheticProfiles } from './synthetic-profiles';

// npm run bench:digest — the weekly digest for every small town (5,000–19,999 inhabitants) with two contacts each:
// trigger → fan-out → per-contact digest rows → mail jobs → a local SMTP server in another process; then a bare
// nodemailer pooled loop sends the same rendered messages to the same server. Prints a table and a last JSON line.
const XLSX = process.env.DESTATIS_XLSX ?? resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER = resolve(__dirname, '../src/worker.js');
const WORKERS = Math.max(1, Number(process.env.BENCH_WORKERS ?? 1));
const SINK = resolve(__dirname, 'smtp-sink.js');
const PERIOD = '2026-W49';
// BENCH_SCALE=n: a network n times today's (n × 4,560 recipients): every municipality of the directory as a verified
// town, the contacts spread evenly over them. The bare loop then sends a sample of BARE_SAMPLE of the same messages.
const SCALE = Math.max(1, Number(process.env.BENCH_SCALE ?? 1));
const BASE_RECIPIENTS = 4560;
const BARE_SAMPLE = 10_000;

const dbUrl = (name: string) => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
};

async function until(cond: () => Promise<boolean>, timeoutMs: number, label: string, everyMs = 25) {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out: ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function ask<T>(child: ChildProcess, cmd: string, key: string): Promise<T> {
  return new Promise((res) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        res(m as T);
      }
    };
    child.on('message', on);
    child.send({ cmd });
  });
}

async function seed(databaseUrl: string) {
  const all = parseDestatis(await readWorkbook(XLSX));
  const records = SCALE > 1 ? all : all.filter((r) => r.population >= 5000 && r.population < 20000);
  const profiles = syntheticProfiles(records, 42);
  // Contacts per town: two today; at scale the recipients spread over all towns (the first ones get one more).
  const recipients = SCALE > 1 ? SCALE * BASE_RECIPIENTS : 2 * records.length;
  const perTown = Math.floor(recipients / records.length);
  const extra = recipients % records.length;
  // The directory import as the import command runs it (a command context on the bench's database).
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL });
  await withCommands((c) => c.get(DirectoryImportService).import(records, 'bench'));
  const ds = await openDataSource(databaseUrl);
  try {
    await ds.transaction(async (m) => {
      // Every 20th town joined yesterday: news for towns on its topics ("Neu im Netzwerk").
      const towns: { id: string; ags: string }[] = await m.query(
        `INSERT INTO town (ags, status, decided_at, profile_updated_at)
         SELECT a, 'verified', now() - CASE WHEN i % 20 = 0 THEN interval '1 day' ELSE interval '30 days' END, now()
         FROM unnest($1::char(8)[]) WITH ORDINALITY AS u(a, i) RETURNING id, ags`,
        [profiles.map((p) => p.id)],
      );
      const idOf = new Map(towns.map((t) => [t.ags, t.id]));
      const col = <T>(rows: T[][], j: number) => rows.map((r) => r[j]);
      const topics = profiles.flatMap((p) => p.topics.map((t) => [idOf.get(p.id)!, t]));
      await m.query(`INSERT INTO town_topic (town_id, topic_slug) SELECT * FROM unnest($1::uuid[], $2::varchar[])`, [
        col(topics, 0),
        col(topics, 1),
      ]);
      const ch = profiles.flatMap((p) => p.challenges.map((c) => [idOf.get(p.id)!, c.topic, c.urgency] as [string, string, number]));
      await m.query(
        `INSERT INTO town_challenge (town_id, topic_slug, text, urgency) SELECT a, b, 'Herausforderung', c FROM unnest($1::uuid[], $2::varchar[], $3::smallint[]) AS u(a, b, c)`,
        [col(ch, 0), col(ch, 1), col(ch, 2)],
      );
      const ex = profiles.flatMap((p) => p.experiences.map((e) => [idOf.get(p.id)!, e.topic]));
      await m.query(
        `INSERT INTO town_experience (town_id, topic_slug, tried) SELECT a, b, 'Erprobt' FROM unnest($1::uuid[], $2::varchar[]) AS u(a, b)`,
        [col(ex, 0), col(ex, 1)],
      );
      const ids = towns.map((t) => t.id);
      await m.query(
        `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at, created_at)
         SELECT 'kontakt-' || n || '-' || k || '@stadt.test', 'x', 'town_contact', CASE k WHEN 1 THEN 'Frau Bürgermeisterin Jäger' ELSE 'Herr Größer' END,
                t, 'mayor', now(), now() - interval '60 days'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS u(t, n) CROSS JOIN LATERAL generate_series(1, $2 + CASE WHEN n <= $3 THEN 1 ELSE 0 END) AS k`,
        [ids, perTown, extra],
      );
      // The current suggestions, as the matching run stores them (top 10, exposure cap 20).
      const ctx = buildContext(
        profiles,
        DEFAULT_WEIGHTS,
        Object.fromEntries((await m.query(`SELECT slug, name FROM topic`)).map((r: { slug: string; name: string }) => [r.slug, r.name])),
      );
      const sugg = suggestPartners(ctx, profiles, { k: 10, exposureCap: 20 });
      const [run] = await m.query(
        `INSERT INTO matching_run (kind, status, trigger, weights, seed, is_current, finished_at) VALUES ('suggestions', 'done', 'bench', '{}', 1, true, now()) RETURNING id`,
      );
      for (let i = 0; i < sugg.suggestions.length; i += 5000) {
        const c = sugg.suggestions.slice(i, i + 5000);
        await m.query(
          `INSERT INTO matching_suggestion (run_id, town_id, partner_id, rank, score, components)
           SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::smallint[], $5::float8[], $6::jsonb[])`,
          [
            run.id,
            c.map((s) => idOf.get(s.townId)),
            c.map((s) => idOf.get(s.partnerId)),
            c.map((s) => s.rank),
            c.map((s) => s.score),
            c.map((s) => JSON.stringify(s.components)),
          ],
        );
      }
    });
    await ds.query('ANALYZE');
    return { towns: records.length, recipients };
  } finally {
    await ds.destroy();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
const cpuSeconds = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
};

const peakRssMb = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function main() {
  const dbName = `kt_bench_digest_${process.pid}`;
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const databaseUrl = dbUrl(dbName);
  const prefix = `kt_bench_${process.pid}`;
  const redis = new URL(REDIS_URL);
  const queue = new Queue('digest', {
    connection: { host: redis.hostname, port: Number(redis.port || 6379), maxRetriesPerRequest: null },
    prefix,
  });
  const sink = fork(SINK, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let workers: ChildProcess[] = [];
  const db = new Client({ connectionString: databaseUrl });
  try {
    const { port } = await new Promise<{ port: number }>((res) => sink.once('message', res as never));
    await runMigrations(databaseUrl);
    const t0 = performance.now();
    const { towns, recipients } = await seed(databaseUrl);
    console.log(
      `seeded ${towns} towns (${SCALE > 1 ? `all municipalities, scale ${SCALE}` : '5,000–19,999 inhabitants'}, synthetic profiles seed 42) with ${recipients} contacts in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await db.connect();

    // BENCH_WORKER_PROF=dir writes a V8 CPU profile of the worker there (to find where its time goes).
    // BENCH_WORKERS=n starts n worker processes (as an operator would scale the worker); the default is one.
    const prof = process.env.BENCH_WORKER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_PROF}`] : [];
    workers = Array.from({ length: WORKERS }, () =>
      spawn(process.execPath, [...prof, WORKER], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          SESSION_SECRET: 'bench-only-secret-bench-only-secret-0123456789',
          KT_MODE: 'servers',
          DATABASE_URL: databaseUrl,
          REDIS_URL,
          SMTP_URL: `smtp://127.0.0.1:${port}`,
          QUEUE_PREFIX: prefix,
          APP_URL: 'https://tandem.example',
          LOG_LEVEL: 'warn',
          // For an A/B run: DATABASE_PREPARED_STATEMENTS=false npm run bench:digest.
          DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS ?? 'true',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
    const workerCpu = () => workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0);
    await until(
      async () => (await queue.getJobSchedulers()).length > 0 && (await queue.getWorkersCount()) >= WORKERS,
      60_000,
      'workers ready (weekly scheduler upserted, every worker listening on the digest queue)',
    );

    // The run, from trigger to the last message accepted by the SMTP server.
    const pgPids = async () =>
      (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName])).rows.map(
        (r) => r.pid as number,
      );
    const cpu0 = {
      worker: workerCpu(),
      sink: cpuSeconds(sink.pid!),
      pg: (await pgPids()).map((p) => [p, cpuSeconds(p)] as const),
    };
    const start = Date.now();
    const [run] = (await db.query(`INSERT INTO digest_run (period, trigger) VALUES ($1, 'bench') RETURNING id`, [PERIOD])).rows;
    await queue.add('digest-run', { runId: run.id, period: PERIOD }, { jobId: `bench-run-${PERIOD}` });
    let expected = -1;
    await until(
      async () => {
        if (expected < 0) {
          const r = (
            await db.query(
              `SELECT r.status, r.recipients, count(d.id)::int AS decided, count(*) FILTER (WHERE d.outcome = 'mailed')::int AS mailed
          FROM digest_run r LEFT JOIN digest_recipient d ON d.run_id = r.id WHERE r.id = $1 GROUP BY r.id`,
              [run.id],
            )
          ).rows[0];
          if (r.status === 'fanned_out' && r.decided === r.recipients) expected = r.mailed;
        }
        if (expected < 0) return false;
        return (await ask<{ count: number }>(sink, 'stats', 'count')).count >= expected;
      },
      600_000,
      'all digests accepted by the SMTP server',
      // Once a second: the count reads every digest row of the run so far (at scale 10, polled every 25 ms, it cost
      // PostgreSQL 393 CPU-seconds beside the workers in one run). The run's end is the SMTP server's last accepted message.
      1000,
    );
    const { count, lastAt, distinct } = await ask<{ count: number; lastAt: number; distinct: number }>(sink, 'stats', 'count');
    const seconds = (lastAt - start) / 1000;
    const workerPeak = Math.max(...workers.map((w) => peakRssMb(w.pid!)));
    const pgBefore = new Map(cpu0.pg);
    const pgCpu = (await pgPids()).reduce((sum, p) => sum + cpuSeconds(p) - (pgBefore.get(p) ?? 0), 0);
    const cpu = { worker: workerCpu() - cpu0.worker, sink: cpuSeconds(sink.pid!) - cpu0.sink, pg: pgCpu };
    const phases = (
      await db.query(
        `SELECT extract(epoch FROM (SELECT max(created_at) FROM digest_recipient) - (SELECT started_at FROM digest_run WHERE id = $1))::float AS decided,
      extract(epoch FROM (SELECT min(created_at) FROM digest_recipient) - (SELECT started_at FROM digest_run WHERE id = $1))::float AS first_decided,
      extract(epoch FROM (SELECT fanned_out_at FROM digest_run WHERE id = $1) - (SELECT started_at FROM digest_run WHERE id = $1))::float AS fanned_out`,
        [run.id],
      )
    ).rows[0];
    console.log(
      `phases after the trigger: fan-out done ${phases.fanned_out.toFixed(2)} s, first digest row ${phases.first_decided.toFixed(2)} s, last digest row ${phases.decided.toFixed(2)} s, last message accepted ${seconds.toFixed(2)} s`,
    );
    const skipped = (await db.query(`SELECT count(*)::int AS n FROM digest_recipient WHERE outcome = 'skipped'`)).rows[0].n;
    const sentRows = (await db.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status = 'sent'`)).rows[0].n;
    await until(
      async () => (await db.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status = 'sent'`)).rows[0].n === count,
      60_000,
      'rows marked sent',
    );
    // Exactly once: every digest row mailed once, to as many distinct recipients as messages, nothing after the last.
    const settled = await ask<{ count: number; distinct: number }>(sink, 'stats', 'count');
    if (settled.count !== expected || settled.distinct !== expected) {
      throw new Error(`not exactly once: ${expected} digests, ${settled.count} messages to ${settled.distinct} distinct recipients`);
    }
    await Promise.all(
      workers.map((w) => {
        w.kill('SIGTERM');
        return new Promise((r) => w.once('exit', r));
      }),
    );
    workers = [];

    const sinkBare0 = cpuSeconds(sink.pid!);
    const self0 = process.cpuUsage();
    // The bare loop: the same messages, rendered beforehand, through one pooled nodemailer transport.
    const rows = (
      await db.query(
        `SELECT id, recipient, template, context, headers FROM mail_delivery WHERE template = 'digest' ORDER BY created_at LIMIT $1`,
        [BARE_SAMPLE],
      )
    ).rows;
    const renderer = new MailRenderer(undefined, 'https://tandem.example'); // the worker's APP_URL: same links, same bytes
    const messages = rows.map((r) => ({
      ...renderer.render(r.template, r.context),
      to: r.recipient,
      headers: r.headers,
      messageId: `<${r.id}@tandem.example>`,
    }));
    await ask(sink, 'reset', 'reset');
    const bare = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, maxConnections: 5, maxMessages: 1000 });
    const b0 = performance.now();
    await Promise.all(messages.map((m) => bare.sendMail({ from: 'Kleinstadt-Tandem <no-reply@kleinstadt-tandem.local>', ...m })));
    const bareSeconds = (performance.now() - b0) / 1000;
    bare.close();
    const bareCpu = {
      sink: cpuSeconds(sink.pid!) - sinkBare0,
      client: (process.cpuUsage(self0).user + process.cpuUsage(self0).system) / 1e6,
    };
    const bareCount = (await ask<{ count: number }>(sink, 'stats', 'count')).count;
    if (bareCount !== messages.length) throw new Error(`bare loop: ${bareCount} of ${messages.length} accepted`);

    const mps = count / seconds;
    const bareMps = messages.length / bareSeconds;
    console.log('');
    console.log('| measure | figure |');
    console.log('|---|---|');
    console.log(`| recipients | ${count + skipped} in ${towns} towns (${count} digests, ${skipped} skipped: nothing new) |`);
    console.log(`| exactly once | ${count} messages to ${distinct} distinct recipients, ${expected} digest rows mailed |`);
    console.log(
      `| full run, trigger → last message accepted | ${seconds.toFixed(2)} s (target ${SCALE > 1 ? '≤ 300 s with two workers' : '≤ 30 s'}) |`,
    );
    console.log(`| service throughput | ${mps.toFixed(0)} messages/s |`);
    console.log(
      `| bare nodemailer pooled loop, same messages, same server | ${messages.length} messages in ${bareSeconds.toFixed(2)} s, ${bareMps.toFixed(0)} messages/s |`,
    );
    console.log(`| ratio service / bare | ${(mps / bareMps).toFixed(2)} (target ≥ 0.6 with one worker) |`);
    console.log(`| worker processes | ${WORKERS} |`);
    console.log(`| worker peak RSS | ${workerPeak.toFixed(0)} MB${WORKERS > 1 ? ' (largest process)' : ''} |`);
    console.log(
      `| CPU seconds, service run | worker ${cpu.worker.toFixed(1)}, PostgreSQL backends ${cpu.pg.toFixed(1)}, SMTP server ${cpu.sink.toFixed(1)} (Redis not counted: shared) |`,
    );
    console.log(`| CPU seconds, bare loop | client ${bareCpu.client.toFixed(1)}, SMTP server ${bareCpu.sink.toFixed(1)} |`);
    console.log(`| rows marked sent at the end | ${sentRows} → ${count} |`);
    console.log(
      JSON.stringify({
        scale: SCALE,
        workers: WORKERS,
        messages: count,
        distinct_recipients: distinct,
        seconds: +seconds.toFixed(3),
        messages_per_second: +mps.toFixed(1),
        bare_messages_per_second: +bareMps.toFixed(1),
        ratio: +(mps / bareMps).toFixed(3),
        worker_peak_rss_mb: Math.round(workerPeak),
      }),
    );
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await db.end().catch(() => undefined);
    sink.send({ cmd: 'stop' });
    if (process.env.BENCH_KEEP_DB !== '1') await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    else console.log(`kept database ${dbName}`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
