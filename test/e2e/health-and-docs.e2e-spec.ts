import { Client } from 'pg';
import request from 'supertest';
import { MailService } from '../../src/mail/mail.service';
import { RedisRelay } from '../utils/redis-relay';
import { TEST_PG_ADMIN_URL } from '../utils/test-env';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

describe('health and OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp('health');
  });
  afterAll(() => t?.close());

  it('reports PostgreSQL, Redis and the mode', async () => {
    const res = await request(t.url).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.postgres.status).toBe('up');
    expect(res.body.details.redis.status).toBe('up');
    expect(res.body.details.mode).toMatchObject({ mode: 'servers', queueBackend: 'redis', mail: 'smtp' });
  });

  it('answers 503 when PostgreSQL is unreachable', async () => {
    // Close the database to new connections and cut the app's existing ones.
    const name = new URL(t.databaseUrl).pathname.slice(1);
    const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    try {
      const res = await request(t.url).get('/health').expect(503);
      expect(res.body.error.postgres.status).toBe('down');
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // And it recovers once the database is back.
    await t.db.end().catch(() => undefined);
    t.db = new Client({ connectionString: t.databaseUrl });
    t.db.on('error', () => undefined);
    await t.db.connect();
    await request(t.url).get('/health').expect(200);
  });

  it('serves the OpenAPI document with the documented routes', async () => {
    const res = await request(t.url).get('/api/docs-json').expect(200);
    expect(res.body.info.title).toBe('Kleinstadt-Tandem API');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/auth/confirm',
        '/api/auth/login',
        '/api/municipalities',
        '/api/towns/{id}/profile',
        '/api/admin/registrations',
        '/api/admin/towns/{id}/verify',
        '/api/admin/towns/{id}/reject',
        '/health',
      ]),
    );
    expect(Object.keys(res.body.paths).some((p) => p.startsWith('/meine-kommune'))).toBe(false);
    await request(t.url).get('/api/docs').expect(200).expect('content-type', /html/);
  });
});

describe('health when Redis goes away', () => {
  const relay = new RedisRelay();
  let t: TestApp;
  beforeAll(async () => {
    await relay.up();
    t = await bootApp('health_redis', { REDIS_URL: `redis://127.0.0.1:${relay.port}` });
  });
  afterAll(async () => {
    await t?.close();
    await relay.down().catch(() => undefined);
  });

  it('answers 503 naming Redis while it is unreachable, 200 once it is back, and the worker delivers again', async () => {
    await request(t.url).get('/health').expect(200);
    await relay.down();
    const res = await request(t.url).get('/health').expect(503);
    expect(res.body.error.redis.status).toBe('down');
    expect(res.body.info.postgres.status).toBe('up');
    await relay.up();
    await waitFor(async () => (await request(t.url).get('/health')).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: '/health to answer 200 again',
    });
    // A promise made during the outage (a row whose job could not be queued) is kept once Redis is back.
    await t.db.query(
      `INSERT INTO mail_delivery (dedupe_key, recipient, template, context, created_at)
       VALUES ('test:after-outage', 'nach@ausfall.test', 'town-verified', $1, now() - interval '5 minutes')`,
      [JSON.stringify({ displayName: 'Frau Spät', townName: 'Olbernhau', profileUrl: `${t.url}/meine-kommune` })],
    );
    await expect(t.app.get(MailService).redispatchStranded()).resolves.toBe(1);
    const mail = await t.smtp.waitFor((m) => [m.to].flat().some((a) => a?.text === 'nach@ausfall.test'));
    expect(mail.subject).toContain('Olbernhau');
  });
});
