import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';
import { listWriteRoutes } from '../utils/write-routes';

const OFFICE = { email: 'office@akademie.test', password: 'Office-Passwort-123' };
const OTHER = { email: 'kollegin@akademie.test', password: 'Kollegin-Passwort-9' };
let ipCounter = 0;
const freshIp = () => `198.51.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

describe('login rate limit, CSRF tokens and Origin checks (issue 9: items 1, 3, 4)', () => {
  describe('without a trusted proxy (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootApp('sec_login', { TRUST_PROXY: 'false', LOGIN_RATE_LIMIT: '10', LOGIN_ACCOUNT_RATE_LIMIT: '20' });
      await insertMunicipalities(t, TEST_TOWNS);
      await createOfficeUser(t.db, OFFICE.email, await hashPassword(OFFICE.password, TEST_PASSWORD_HASH));
      await createOfficeUser(t.db, OTHER.email, await hashPassword(OTHER.password, TEST_PASSWORD_HASH));
    });
    afterAll(() => t?.close());
    // Each test starts with this minute's budgets unused (earlier tests' logins count against them).
    beforeEach(() => t.db.query(`DELETE FROM rate_limit_counter`));

    it('login form without a token → 403 with a German page; with the token it logs in; the token is not kept in the body', async () => {
      const res = await request(t.url).post('/anmelden').type('form').send({ email: OFFICE.email, password: OFFICE.password }).expect(403);
      expect(res.text).toContain('Das Formular ist abgelaufen oder stammt nicht von dieser Seite');
      expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^kt\.sid=/)]));

      const forged = request.agent(t.url);
      await formToken(forged);
      await forged
        .post('/anmelden')
        .type('form')
        .send({ _csrf: 'a'.repeat(64) + '.' + 'b'.repeat(64), email: OFFICE.email, password: OFFICE.password })
        .expect(403);

      const agent = request.agent(t.url);
      const token = await formToken(agent);
      await agent
        .post('/anmelden')
        .type('form')
        .send({ _csrf: token, email: OFFICE.email, password: OFFICE.password })
        .expect(303)
        .expect('location', '/geschaeftsstelle/registrierungen');
      // After login the token is bound to the new session: the old one no longer works, a fresh one does.
      await agent.post('/abmelden').type('form').send({ _csrf: token }).expect(403);
      const fresh = await formToken(agent, '/geschaeftsstelle/registrierungen');
      await agent.post('/abmelden').type('form').send({ _csrf: fresh }).expect(303);

      // A form-encoded API call needs the token too (header); _csrf in the body is removed before validation.
      await request(t.url).post('/api/auth/login').type('form').send({ email: OFFICE.email, password: OFFICE.password }).expect(403);
      const api = request.agent(t.url);
      const apiToken = await formToken(api);
      await api
        .post('/api/auth/login')
        .type('form')
        .set('X-CSRF-Token', apiToken)
        .send({ _csrf: apiToken, email: OFFICE.email, password: OFFICE.password })
        .expect(200);
      // JSON needs no token (a cross-site page cannot send it without a CORS preflight).
      await request(t.url).post('/api/auth/login').send({ email: OFFICE.email, password: OFFICE.password }).expect(200);
    });

    it('Origin: null, malformed and foreign origins are refused with 403 on every state-changing route', async () => {
      const routes = listWriteRoutes(t.app);
      expect(routes.length).toBeGreaterThanOrEqual(14);
      const office = request.agent(t.url);
      await office.post('/api/auth/login').send({ email: OFFICE.email, password: OFFICE.password }).expect(200);
      const answers: string[] = [];
      for (const r of routes) {
        for (const origin of ['null', 'evil', 'http://127.0.0.1:99999', 'https://evil.example']) {
          const res = await office[r.method](r.path).set('Origin', origin).send({});
          if (res.status !== 403) answers.push(`${r.method} ${r.path} Origin ${origin}: ${res.status}`);
        }
        const page = await request(t.url)[r.method](r.path).set('Origin', 'null').type('form').send({ x: '1' });
        if (page.status !== 403) answers.push(`${r.method} ${r.path} (form) Origin null: ${page.status}`);
      }
      expect(answers).toEqual([]);
      // Our own origin passes the check.
      await request(t.url)
        .post('/api/auth/login')
        .set('Origin', t.url)
        .send({ email: OFFICE.email, password: OFFICE.password })
        .expect(200);
    });

    it('credentials come from the body only: a password in the query string logs nobody in', async () => {
      const q = `email=${encodeURIComponent(OFFICE.email)}&password=${encodeURIComponent(OFFICE.password)}`;
      const agent = request.agent(t.url);
      const res = await agent.post(`/api/auth/login?${q}`);
      expect([400, 401]).toContain(res.status);
      expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^kt\.sid=/)]));
      await agent.get('/api/auth/me').expect(401);
      // Also with an empty JSON body, and with an empty email field in the body.
      await agent.post(`/api/auth/login?${q}`).send({}).expect(400);
      await agent.post(`/api/auth/login?${q}`).send({ email: '', password: '' }).expect(400);
      await agent.get('/api/auth/me').expect(401);
      // Non-string credentials are a 400, not a 500.
      for (const body of [
        { email: 5, password: 'x' },
        { email: OFFICE.email, password: ['a'] },
        { email: { $ne: 1 }, password: 'x' },
      ]) {
        await request(t.url).post('/api/auth/login').send(body).expect(400);
      }
    });

    it('100 wrong passwords with a fresh X-Forwarded-For each are limited, and then the right password is refused too', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) {
        const res = await request(t.url)
          .post('/api/auth/login')
          .set('X-Forwarded-For', freshIp())
          .send({ email: OFFICE.email, password: `Falsch-${i}-Passwort` });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual(Array(90).fill(429));
      const right = await request(t.url).post('/api/auth/login').set('X-Forwarded-For', freshIp()).send(OFFICE).expect(429);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
      expect(right.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^kt\.sid=/)]));
      // The page login is limited the same way, with a German message.
      const agent = request.agent(t.url);
      const token = await formToken(agent);
      const page = await agent
        .post('/anmelden')
        .type('form')
        .send({ _csrf: token, ...OFFICE })
        .expect(429);
      expect(page.text).toContain('Zu viele Anmeldeversuche');
      // /health is never limited.
      for (let i = 0; i < 15; i++) await request(t.url).get('/health').expect(200);
    });

    it('the counters live in PostgreSQL: two web processes share one budget', async () => {
      const second = await startSecondWeb();
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          const url = i % 2 ? second.url : t.url;
          statuses.push((await request(url).post('/api/auth/login').send({ email: OTHER.email, password: 'Falsches-Passwort-1' })).status);
        }
        expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
        expect(statuses.slice(10)).toEqual([429, 429]);
      } finally {
        await second.close();
      }
    });
  });

  describe('behind a trusted proxy (TRUST_PROXY=1)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootApp('sec_proxy', { TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '10', LOGIN_ACCOUNT_RATE_LIMIT: '20' });
      await createOfficeUser(t.db, OFFICE.email, await hashPassword(OFFICE.password, TEST_PASSWORD_HASH));
      await createOfficeUser(t.db, OTHER.email, await hashPassword(OTHER.password, TEST_PASSWORD_HASH));
    });
    afterAll(async () => {
      await t?.close();
      process.env.TRUST_PROXY = 'false';
    });

    it('the client address comes from the proxy, and a guess spread over many addresses is still limited per account', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await request(t.url)
          .post('/api/auth/login')
          .set('X-Forwarded-For', freshIp())
          .send({ email: OFFICE.email, password: `Falsch-${i}-Passwort` });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(statuses.slice(20)).toEqual(Array(10).fill(429));
      await request(t.url).post('/api/auth/login').set('X-Forwarded-For', freshIp()).send(OFFICE).expect(429);
      // Another account from a fresh address is not affected.
      await request(t.url).post('/api/auth/login').set('X-Forwarded-For', freshIp()).send(OTHER).expect(200);
      // One address is limited per minute whatever account it tries.
      const ip = freshIp();
      const perIp: number[] = [];
      for (let i = 0; i < 11; i++) {
        perIp.push(
          (
            await request(t.url)
              .post('/api/auth/login')
              .set('X-Forwarded-For', ip)
              .send({ email: `x${i}@example.test`, password: 'Falsches-Passwort-1' })
          ).status,
        );
      }
      expect(perIp).toEqual([...Array(10).fill(401), 429]);
    });
  });
});

/** A second web process on the same database and Redis (the env bootApp set), as a second replica would be. */
async function startSecondWeb(): Promise<{ url: string; close: () => Promise<void> }> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error', 'warn'], bodyParser: false });
  const { close } = setupApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await close();
    },
  };
}
