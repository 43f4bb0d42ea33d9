import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';

// With the web process's session cache on (a minute here, so a stale entry could not hide behind its TTL), a
// logout or the end of a user's sessions takes effect in this process on the very next request.
describe('session cache: a logout or ended session takes effect at once', () => {
  let t: TestApp;
  const PASSWORD = 'Sicheres-Passwort-2024';
  const NEW_PASSWORD = 'Noch-Sichereres-Passwort-2025';

  const login = async (email: string, password = PASSWORD): Promise<string> => {
    const res = await request(t.url).post('/api/auth/login').send({ email, password }).expect(200);
    const cookie = res.headers['set-cookie'] as unknown as string[];
    return cookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('kt.sid='))!;
  };
  const me = (cookie: string) => request(t.url).get('/api/auth/me').set('Cookie', cookie);

  beforeAll(async () => {
    t = await bootApp('sessioncache', { SESSION_CACHE_MS: '60000' });
    const hash = await hashPassword(PASSWORD, TEST_PASSWORD_HASH);
    await createOfficeUser(t.db, 'logout@cache.test', hash);
    await createOfficeUser(t.db, 'password@cache.test', hash);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves repeated requests of a session from the cache (the session row is read once)', async () => {
    const cookie = await login('logout@cache.test');
    await me(cookie).expect(200);
    // The row changes behind the process's back: within the TTL the cached session still answers, which shows the
    // cache is in use (what the invalidation tests below rely on).
    await t.db.query(`UPDATE http_session SET sess = jsonb_set(sess::jsonb, '{passport,user}', '"nobody"')::json`);
    await me(cookie).expect(200);
    await request(t.url).post('/api/auth/logout').set('Cookie', cookie).expect(204);
  });

  it('a logged-out session answers 401 on the API and redirects to the login on a page, immediately', async () => {
    const cookie = await login('logout@cache.test');
    await me(cookie).expect(200);
    await request(t.url).get('/geschaeftsstelle/registrierungen').set('Cookie', cookie).expect(200);
    await request(t.url).post('/api/auth/logout').set('Cookie', cookie).expect(204);
    await me(cookie).expect(401);
    const page = await request(t.url).get('/geschaeftsstelle/registrierungen').set('Cookie', cookie);
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/anmelden/);
  });

  it('a password change ends the cached other sessions of that user at once', async () => {
    const other = await login('password@cache.test');
    const current = await login('password@cache.test');
    await me(other).expect(200);
    await me(current).expect(200);
    const changed = await request(t.url)
      .post('/api/auth/password')
      .set('Cookie', current)
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
      .expect(200);
    await me(other).expect(401);
    // The session that changed it carries on under a new id; the old id is gone too.
    await me(current).expect(401);
    const renewed = (changed.headers['set-cookie'] as unknown as string[])
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('kt.sid='))!;
    await me(renewed).expect(200);
  });
});
