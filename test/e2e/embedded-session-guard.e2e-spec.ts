import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../src/queue/queue-names';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

// The embedded database has ONE session. A read beside an open transaction must fail at once and name its caller
// (never hang), and a statement that cannot get the session in time is refused as busy (503), changing nothing.
const WAIT_MS = 2000;

describe('embedded default: one session, a guard against reads beside a transaction, and a bounded wait', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await bootApp('embedded_guard', {}, { mode: 'embedded', sessionWaitMs: WAIT_MS });
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a read through the shared DataSource inside a transaction fails at once, naming the caller; nothing hangs', async () => {
    async function readBesideTheTransaction(): Promise<unknown> {
      return ds.query('SELECT count(*) FROM topic');
    }
    const started = Date.now();
    await expect(
      ds.transaction(async (m) => {
        await m.query('SELECT 1');
        return readBesideTheTransaction();
      }),
    ).rejects.toThrow(/outside the open transaction, from [^:]*readBesideTheTransaction/);
    // Well before the session wait limit: the guard answered, not the timeout.
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
    // The transaction was rolled back and the session is free again.
    await request(t.url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(200);
  });

  it('a job added inside a transaction fails the same way (the embedded queue lives in the same session)', async () => {
    const queue = t.worker.get<Queue>(getQueueToken(QUEUES.mail), { strict: false });
    async function enqueueBeforeCommit() {
      return queue.add('noop', {});
    }
    await expect(ds.transaction(() => enqueueBeforeCommit())).rejects.toThrow(
      /Queue\.add on mail outside the open transaction, from [^:]*enqueueBeforeCommit/,
    );
  });

  it('a statement that waits past the limit for the session gets a 503 (JSON and German page), runs not, and the wait is logged', async () => {
    // Another connection holds the session in an open transaction, as a long job elsewhere could.
    await t.db.query('BEGIN');
    await t.db.query('SELECT 1');
    try {
      const started = Date.now();
      // A directory search reads the database on every request (the topic list is kept for 2 s per process).
      const api = await request(t.url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 100);
      expect(api.headers['retry-after']).toBe('5');
      expect(api.body).toMatchObject({ statusCode: 503, error: 'database_busy' });

      const page = await request(t.url).get('/registrieren').query({ suche: 'Olbernhau' }).expect(503);
      expect(page.text).toContain('Der Dienst ist gerade stark ausgelastet');
      expect(page.text).toContain('Ihre Eingaben wurden nicht gespeichert');
    } finally {
      await t.db.query('ROLLBACK');
    }
    await waitFor(() => /waited \d+\.\d s for the session \(connection #\d+ held it in a transaction/.test(t.embedded!.output()), {
      timeoutMs: 5000,
      what: 'the refused wait in the embedded server log',
    });
    // The session is free again, and the refused connections are usable (pooled, not broken).
    for (let i = 0; i < 5; i++) await request(t.url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(200);
  });
});
