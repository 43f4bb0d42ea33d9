import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import passport from 'passport';
import { Client } from 'pg';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import { WorkerModule } from '../../src/worker.module';
import { freePort } from './free-port';
import { createEmbeddedTestDb, type EmbeddedDb } from './embedded-db';
import { SmtpCatcher } from './smtp-catcher';
import { createTestDatabase } from './test-database';
import { TEST_PASSWORD_HASH_ENV, TEST_REDIS_URL, TEST_RUN_ID } from './test-env';
import { waitFor } from './wait-for';

export interface TestApp {
  url: string;
  app: NestExpressApplication;
  worker: INestApplicationContext;
  smtp: SmtpCatcher;
  db: Client;
  databaseUrl: string;
  mode: TestMode;
  /** Embedded mode: the PGlite server (its log holds refused waits). */
  embedded?: EmbeddedDb;
  close(): Promise<void>;
}

/** Both modes are the product: flow files run each test in both (`describe.each(MODES)`). */
export type TestMode = 'servers' | 'embedded';
export const MODES: TestMode[] = ['servers', 'embedded'];

export interface BootOptions {
  mode?: TestMode;
  /** Embedded: EMBEDDED_SESSION_WAIT_MS of the test's database. */
  sessionWaitMs?: number;
}

/**
 * Boots the real AppModule (HTTP) and WorkerModule (BullMQ) against a fresh database and an SMTP catcher: on the
 * servers (PostgreSQL, Redis), or on the embedded default (PGlite over its socket, BullMQ on PostgreSQL).
 */
export async function bootApp(name: string, env: Record<string, string> = {}, opts: BootOptions = {}): Promise<TestApp> {
  const mode = opts.mode ?? 'servers';
  forgetEarlierApps();
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
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error', 'warn'] });
  const { close: closeSetup } = setupApp(app);
  await app.listen(port, '127.0.0.1');
  const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  await worker.init();
  const db = new Client({ connectionString: databaseUrl });
  db.on('error', () => undefined); // tests that cut connections on purpose
  await db.connect();
  // The worker starts a first suggestions run on an empty installation; let it finish so tests start from rest.
  await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM matching_run WHERE status = 'running'`)).rows[0].n === 0, {
    timeoutMs: 60_000,
    what: `the first matching run of ${name} to finish`,
  });
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    worker,
    smtp,
    db,
    databaseUrl,
    mode,
    embedded,
    async close() {
      await worker.close();
      await app.close();
      await closeSetup();
      await db.end();
      await smtp.stop();
      if (embedded) await embedded.stop();
      else await deleteQueueKeys(process.env.QUEUE_PREFIX!);
    },
  };
}

/**
 * passport keeps its (de)serializers in one module-wide instance, and every app registers its SessionSerializer
 * there. A file that boots a second app (both modes, one after the other) would have each session read by the
 * first, closed app ("Driver not Connected"). One process runs one app in production; here each boot starts as a
 * fresh process would.
 */
function forgetEarlierApps(): void {
  const instance = passport as unknown as { _serializers: unknown[]; _deserializers: unknown[] };
  instance._serializers.length = 0;
  instance._deserializers.length = 0;
}

/** Each test file's BullMQ keys live under their own prefix and are removed when the file ends. */
async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
