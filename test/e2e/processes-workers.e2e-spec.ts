import { Logger } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { Client } from 'pg';
import { upsertSchedules } from '../../src/queue/job-scheduler.util';
import { JOBS, QUEUES } from '../../src/queue/queue-names';
import { runState, seedTowns, SeededTown, waitForRunDone } from '../factories/digest.factory';
import { HeldSmtp } from '../utils/held-smtp';
import {
  connectionPortsOf,
  deleteQueueKeys,
  killHard,
  ServiceProcess,
  serversEnv,
  startWorker,
  stopAll,
  workersConnected,
} from '../utils/processes';
import { createTestDatabase } from '../utils/test-database';
import { TEST_REDIS_URL, TEST_RUN_ID } from '../utils/test-env';
import { waitFor } from '../utils/wait-for';

// Issue 29: three worker processes (dist/src/worker.js, as the start command's WORKER_CONCURRENCY=3 or compose's
// replicas run them) on one PostgreSQL and one Redis. Servers mode only: several processes are about those two.
// JOB_LOCK_SECONDS=10 lets a killed worker's jobs be taken over within seconds instead of a minute.
const SCHEDULERS: Record<string, string[]> = {
  [QUEUES.mail]: ['mail-sweep'],
  [QUEUES.matching]: ['nightly-matching'],
  [QUEUES.tandems]: ['tandem-reminders'],
  [QUEUES.digest]: ['digest-resume', 'weekly-digest'],
  [QUEUES.workshops]: ['workshop-reminders'],
  [QUEUES.accounts]: ['purge-expired-registrations'],
  [QUEUES.practices]: ['practice-follow-ups'],
  [QUEUES.events]: ['event-tasks'],
};

describe('three worker processes (servers mode)', () => {
  const prefix = `kt_test_${TEST_RUN_ID}_proc_workers`;
  const url = new URL(TEST_REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  let db: Client;
  let smtp: HeldSmtp;
  let towns: SeededTown[];
  let workers: ServiceProcess[] = [];
  const queues: Array<Queue | QueueEvents> = [];
  const queue = (name: string) => {
    const q = new Queue(name, { connection, prefix });
    queues.push(q);
    return q;
  };

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase('proc_workers');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    towns = await seedTowns(db, 15, { contactsPerTown: 2, verifiedAgo: '0 seconds' }); // everyone has news: new towns
    smtp = await new HeldSmtp().start();
    const env = serversEnv({
      databaseUrl,
      queuePrefix: prefix,
      smtpPort: smtp.port,
      extra: { JOB_LOCK_SECONDS: '10', MAIL_CLAIM_TIMEOUT_SECONDS: '5', APP_URL: 'http://127.0.0.1:3999' },
    });
    workers = [startWorker(env), startWorker(env), startWorker(env)];
    for (const q of [QUEUES.mail, QUEUES.mailBulk, QUEUES.digest]) await workersConnected(prefix, q, 3, workers);
  }, 120_000);

  afterAll(async () => {
    await stopAll(workers);
    await Promise.all(queues.map((q) => q.close()));
    await deleteQueueKeys(prefix);
    await db?.end();
    await smtp?.stop();
  }, 60_000);

  it('a job scheduler fires once per period, however many workers run and start', async () => {
    // Every worker upserts the service's schedulers at its start (after its workers connect): each exists once.
    const schedulersOf = async () =>
      Promise.all(
        Object.keys(SCHEDULERS).map(async (name) => ({ name, found: (await queue(name).getJobSchedulers()).map((s) => s.key).sort() })),
      );
    const expected = Object.entries(SCHEDULERS).map(([name, keys]) => ({ name, found: keys }));
    await waitFor(async () => (await schedulersOf()).every((q, i) => q.found.length >= expected[i].found.length), {
      timeoutMs: 30_000,
      what: 'every worker to have upserted its schedulers',
    });
    expect(await schedulersOf()).toEqual(expected);
    // A scheduler with a one-second period on the mail queue (its job, the sweep, is harmless), upserted three times as
    // three worker starts do; the three workers compete for its jobs.
    const mail = queue(QUEUES.mail);
    const events = new QueueEvents(QUEUES.mail, { connection, prefix });
    queues.push(events);
    await events.waitUntilReady();
    const active = new Map<string, number>();
    const completed = new Map<string, number>();
    const count = (m: Map<string, number>) => (e: { jobId: string }) => {
      if (e.jobId.startsWith('repeat:test-tick:')) m.set(e.jobId, (m.get(e.jobId) ?? 0) + 1);
    };
    events.on('active', count(active));
    events.on('completed', count(completed));
    const tick = { id: 'test-tick', repeat: { every: 1000 }, job: { name: JOBS.sweepMail, attempts: 1 } };
    const started = Date.now();
    for (let i = 0; i < 3; i++) await upsertSchedules(mail, [tick], new Logger('test'));
    await waitFor(() => completed.size >= 6, { timeoutMs: 30_000, intervalMs: 100, what: 'six firings of the one-second scheduler' });
    await mail.removeJobScheduler('test-tick');
    const elapsed = Date.now() - started;

    // Each firing is its period's time in the job id: one job per period, taken by one worker, once.
    const periods = [...completed.keys()].map((id) => Number(id.split(':')[2])).sort((a, b) => a - b);
    expect(new Set(periods).size).toBe(periods.length);
    for (let i = 1; i < periods.length; i++) {
      const step = periods[i] - periods[i - 1];
      expect(step > 0 && step % 1000 === 0).toBe(true); // a late pick-up may skip a period, never repeat one
    }
    expect(periods.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    expect([...completed.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...active.entries()].filter(([id, n]) => completed.has(id) && n !== 1)).toEqual([]);
    expect(await mail.getJobSchedulers()).toEqual([expect.objectContaining({ key: 'mail-sweep' })]);
  });

  it('a digest run with one of the three workers killed (SIGKILL) mid-run: every recipient gets exactly one digest', async () => {
    const period = '2026-W50';
    smtp.holdAfter = 8; // the first 8 digests are accepted; every later one waits unanswered in the DATA phase
    const run = await db.query(`INSERT INTO digest_run (period, trigger) VALUES ($1, 'test') RETURNING id`, [period]);
    await queue(QUEUES.digest).add(JOBS.digestRun, { runId: run.rows[0].id, period }, { jobId: 'processes-run', attempts: 6 });

    // Kill a worker that has a digest in flight, once the accepted ones are marked sent.
    let victim: ServiceProcess | undefined;
    let victimPorts = new Set<number>();
    await waitFor(
      async () => {
        const s = await runState(db, period);
        if (smtp.count !== 8 || s?.sent !== 8) return false;
        const held = smtp.heldPorts();
        for (const w of workers) {
          const ports = connectionPortsOf(w.pid, smtp.port);
          if (held.some((p) => ports.has(p))) [victim, victimPorts] = [w, ports];
        }
        return !!victim;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: '8 digests sent and marked, more in flight at a worker' },
    );
    await killHard(victim!);
    // The others' held digests are accepted now; the killed worker's never were (its connections are gone).
    const dropped = smtp.release((port) => !victimPorts.has(port));
    expect(dropped).toBeGreaterThan(0);

    const done = await waitForRunDone(db, period, 90_000);
    expect(done).toMatchObject({ recipients: 30, decided: 30, mailed: 30, sent: 30 });
    const perRecipient = towns.flatMap((t) => t.contacts).map((c) => smtp.accepted.get(c.email) ?? 0);
    expect(perRecipient.filter((n) => n !== 1)).toEqual([]);
    expect(smtp.count).toBe(30);
  }, 120_000);
});
