import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { DigestsService } from '../../src/digests/digests.service';
import { pollUntil, runState, seedTowns, SeededTown, waitForRunDone } from '../factories/digest.factory';
import { embeddedPostgresBackend } from '../../src/queue/embedded-backend';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { createEmbeddedTestDb, type EmbeddedDb } from '../utils/embedded-db';
import { RedisRelay } from '../utils/redis-relay';
import { SmtpCatcher } from '../utils/smtp-catcher';
import { createTestDatabase } from '../utils/test-database';
import { TEST_REDIS_URL, TEST_RUN_ID } from '../utils/test-env';

// "Exactly one digest per due contact" under a killed worker, an SMTP outage and a Redis outage, counted by real SMTP servers.

const digestsPerRecipient = (towns: SeededTown[], count: (email: string) => number) =>
  towns.flatMap((t) => t.contacts).map((c) => count(c.email));

/** An SMTP server that counts accepted digests per recipient and can hold every new message unanswered (not accepted). */
class GatedSmtp {
  accepted = new Map<string, number>();
  held = 0;
  holdAfter = Infinity;
  private total = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      stream.resume();
      stream.on('end', () => {
        if (this.total >= this.holdAfter) {
          this.held++; // never answered: the client is killed while waiting, so the message is not delivered
          return;
        }
        this.total++;
        for (const rcpt of session.envelope.rcptTo) this.accepted.set(rcpt.address, (this.accepted.get(rcpt.address) ?? 0) + 1);
        callback();
      });
    },
  });
  port = 0;
  async start(): Promise<this> {
    // The killed worker's held connections end with ECONNRESET: expected here, not a test failure.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }
  get count() {
    return this.total;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// The worker runs as its own process (as under the launcher, embedded too) and is killed; the test queues the run from
// outside, through Redis or through BullMQ's PostgreSQL backend on the embedded database.
describe.each(MODES)('digest: worker killed with SIGKILL in the middle of a run (%s mode)', (mode) => {
  const WORKER = join(__dirname, '../../dist/src/worker.js');
  const prefix = `kt_test_${TEST_RUN_ID}_digest_kill`;
  let databaseUrl: string;
  let embedded: EmbeddedDb | undefined;
  let db: Client;
  let smtp: GatedSmtp;
  let queue: Queue;
  let child: ChildProcess | undefined;
  let towns: SeededTown[];

  const startWorker = () => {
    const url = new URL(TEST_REDIS_URL);
    child = spawn(process.execPath, [WORKER], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        KT_MODE: mode,
        DATABASE_URL: databaseUrl,
        ...(mode === 'servers' ? { REDIS_URL: `redis://${url.host}` } : {}),
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        QUEUE_PREFIX: prefix,
        APP_URL: 'http://127.0.0.1:3999',
        LOG_LEVEL: 'warn',
        // The killed worker's jobs run again once their locks expire, and their deliveries once the claims do: both far
        // below the defaults (30 s, 600 s), so the recovery is what the test waits for, not the clock.
        JOB_LOCK_SECONDS: '5',
        MAIL_CLAIM_TIMEOUT_SECONDS: '5',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  };

  beforeAll(async () => {
    embedded = mode === 'embedded' ? await createEmbeddedTestDb() : undefined;
    databaseUrl = embedded?.url ?? (await createTestDatabase('digest_kill'));
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    towns = await seedTowns(db, 30, { contactsPerTown: 2, verifiedAgo: '0 seconds' }); // everyone has news: new towns on shared topics
    smtp = await new GatedSmtp().start();
    const url = new URL(TEST_REDIS_URL);
    queue = embedded
      ? new Queue('digest', { connection: { connectionString: databaseUrl, migrate: true }, prefix }, embeddedPostgresBackend as never)
      : new Queue('digest', { connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null }, prefix });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    if (!embedded) await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await db?.end();
    await smtp?.stop();
    await embedded?.stop();
  });

  it('every due contact ends with exactly one digest after a restart', async () => {
    smtp.holdAfter = 20; // the first 20 digests are accepted, then every send hangs in the SMTP DATA phase
    startWorker();
    const run = await db.query(`INSERT INTO digest_run (period, trigger) VALUES ('2026-W49', 'test') RETURNING id`);
    await queue.add('digest-run', { runId: run.rows[0].id, period: '2026-W49' }, { jobId: 'kill-test-run', attempts: 6 });

    // Kill while sends are in flight, and only once the accepted ones are marked sent (outside the documented
    // window between "server accepted" and "row marked sent", which no design closes).
    await pollUntil(
      async () => {
        const s = await runState(db, '2026-W49');
        return smtp.count === 20 && smtp.held > 0 && s?.sent === 20;
      },
      90_000,
      '20 digests accepted and marked sent, more in flight',
    );
    expect((await runState(db, '2026-W49'))!.sent).toBe(20); // 40 digests still to go when the worker dies
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    smtp.holdAfter = Infinity;
    startWorker();
    const done = await waitForRunDone(db, '2026-W49', 240_000);
    expect(done).toMatchObject({ recipients: 60, decided: 60, mailed: 60, sent: 60 });
    const counts = digestsPerRecipient(towns, (e) => smtp.accepted.get(e) ?? 0);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(smtp.count).toBe(60);
  }, 300_000);
});

describe.each(MODES)('digest: SMTP server refusing connections for a while (%s mode)', (mode) => {
  let t: TestApp;
  let towns: SeededTown[];
  beforeAll(async () => {
    t = await bootApp('digest_smtp', {}, { mode });
    towns = await seedTowns(t.db, 10, { verifiedAgo: '0 seconds' });
  });
  afterAll(() => t?.close());

  it('retries deliver once it is back; nothing lost, nothing twice', async () => {
    const port = t.smtp.port;
    await t.smtp.stop();
    await t.worker.get(DigestsService).startRun('2026-W49', 'office');
    // Every digest is promised and has failed at least once against the closed port.
    await pollUntil(
      async () => {
        const r = await t.db.query(
          `SELECT count(*)::int AS n FROM mail_delivery WHERE template = 'digest' AND status = 'failed' AND attempts >= 1`,
        );
        return r.rows[0].n === 10;
      },
      60_000,
      'all 10 digests failed once while SMTP refuses',
    );
    expect(await runState(t.db, '2026-W49')).toMatchObject({ mailed: 10, sent: 0 });
    t.smtp = await new SmtpCatcher().start(port);
    await waitForRunDone(t.db, '2026-W49', 180_000);
    const counts = digestsPerRecipient(towns, (e) => t.smtp.to(e).length);
    expect(counts).toEqual(new Array(10).fill(1));
  }, 240_000);
});

// Servers only: this is about Redis going away (the embedded mode has no Redis; its queue lives in the database).
describe('digest: Redis restarted in the middle of a run', () => {
  const relay = new RedisRelay();
  let t: TestApp;
  let towns: SeededTown[];
  beforeAll(async () => {
    await relay.up();
    t = await bootApp('digest_redis', { REDIS_URL: `redis://127.0.0.1:${relay.port}` });
    towns = await seedTowns(t.db, 30, { contactsPerTown: 2, verifiedAgo: '0 seconds' });
  });
  // Closing BullMQ after its connections went through an outage can take long on a loaded machine (two suites at once
  // once exceeded 60 s here); the guarantees are asserted in the test itself.
  afterAll(async () => {
    await t?.close();
    await relay.down().catch(() => undefined);
  }, 180_000);

  it('completes after Redis is back; nothing lost, nothing twice', async () => {
    await t.worker.get(DigestsService).startRun('2026-W49', 'office');
    await pollUntil(() => Promise.resolve(t.smtp.mails.length >= 5), 60_000, 'first digests sent');
    await relay.down();
    const during = t.smtp.mails.length;
    // Redis stays away for a few seconds while web and worker keep trying (ioredis queues their commands).
    await new Promise((r) => setTimeout(r, 3_000)); // the outage's length, not evidence of anything
    await relay.up();
    const done = await waitForRunDone(t.db, '2026-W49', 240_000);
    expect(done).toMatchObject({ recipients: 60, decided: 60, mailed: 60, sent: 60 });
    expect(during).toBeLessThan(60);
    const counts = digestsPerRecipient(towns, (e) => t.smtp.to(e).length);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(t.smtp.mails.length).toBe(60);
  }, 300_000);
});
