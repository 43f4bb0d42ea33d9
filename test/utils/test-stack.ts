import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { freePort } from './free-port';
import { deleteQueueKeys } from './processes';
import { createEmbeddedTestDb, type EmbeddedDb } from './embedded-db';
import { SmtpCatcher } from './smtp-catcher';
import { createTestDatabase } from './test-database';
import { TEST_PASSWORD_HASH_ENV, TEST_REDIS_URL, TEST_RUN_ID } from './test-env';
import { waitFor } from './wait-for';

/** Both modes are the product: flow files run each test in both (`describe.each(MODES)`). */
export type TestMode = 'servers' | 'embedded';
export const MODES: TestMode[] = ['servers', 'embedded'];

export interface BootOptions {
  mode?: TestMode;
  /** Embedded: EMBEDDED_SESSION_WAIT_MS of the test's database. */
  sessionWaitMs?: number;
}

/** What every booted test file stands on: a fresh database, an SMTP catcher and the environment the modules read. */
export interface TestStack {
  url: string;
  port: number;
  smtp: SmtpCatcher;
  databaseUrl: string;
  mode: TestMode;
  /** Embedded mode: the PGlite server (its log holds refused waits). */
  embedded?: EmbeddedDb;
}

/**
 * A fresh database (a clone of the run's migrated template, or a copy of the embedded template folder), an SMTP
 * catcher, and process.env pointing the app's and worker's modules at them; `env` overrides.
 */
export async function startTestStack(name: string, env: Record<string, string>, opts: BootOptions): Promise<TestStack> {
  const mode = opts.mode ?? 'servers';
  const embedded = mode === 'embedded' ? await createEmbeddedTestDb(opts.sessionWaitMs) : undefined;
  const databaseUrl = embedded?.url ?? (await createTestDatabase(name));
  const smtp = await new SmtpCatcher().start();
  const port = await freePort();
  if (embedded) delete process.env.REDIS_URL;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    KT_MODE: mode,
    DATABASE_URL: databaseUrl,
    ...(embedded ? {} : { REDIS_URL: TEST_REDIS_URL }),
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: `kt_test_${TEST_RUN_ID}_${name}`,
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    ...TEST_PASSWORD_HASH_ENV,
    ...env,
  });
  return { url: `http://127.0.0.1:${port}`, port, smtp, databaseUrl, mode, embedded };
}

/** A plain client on the test database, and (once the worker runs) its first suggestions run finished. */
export async function connectAndSettle(stack: TestStack, name: string): Promise<Client> {
  const db = new Client({ connectionString: stack.databaseUrl });
  db.on('error', () => undefined); // tests that cut connections on purpose
  await db.connect();
  // The worker starts a first suggestions run on an empty installation; let it finish so tests start from rest.
  await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM matching_run WHERE status = 'running'`)).rows[0].n === 0, {
    timeoutMs: 60_000,
    what: `the first matching run of ${name} to finish`,
  });
  return db;
}

/** The booted file's handles; close() closes the Nest contexts (closeContexts), then what startTestStack opened. */
export function bootedTest(stack: TestStack, worker: INestApplicationContext, db: Client, closeContexts: () => Promise<void>): BootedTest {
  const { url, smtp, databaseUrl, mode, embedded } = stack;
  return {
    url,
    worker,
    smtp,
    db,
    databaseUrl,
    mode,
    embedded,
    async close() {
      await closeContexts();
      await db.end();
      await smtp.stop();
      if (embedded) await embedded.stop();
      else await deleteQueueKeys(process.env.QUEUE_PREFIX!);
    },
  };
}

/** What a booted test file holds, with or without HTTP (bootApp, bootServices). */
export interface BootedTest {
  /** APP_URL: where the app listens (bootApp), or what links in mails point to (bootServices). */
  url: string;
  /** The worker's context: repositories, the mail pipeline, the reminder and digest services, the queues. */
  worker: INestApplicationContext;
  smtp: SmtpCatcher;
  db: Client;
  databaseUrl: string;
  mode: TestMode;
  /** Embedded mode: the PGlite server (its log holds refused waits). */
  embedded?: EmbeddedDb;
  close(): Promise<void>;
}
