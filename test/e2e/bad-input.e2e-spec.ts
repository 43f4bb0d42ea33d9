import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';

const count = async (t: TestApp, table: string) => Number((await t.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

describe('bad input and authorisation (API, English JSON, nothing stored)', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let b: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  const valid = {
    email: 'neu@example.test',
    password: STRONG_PASSWORD,
    displayName: 'Neue Person',
    contactFunction: 'mayor',
    privacyAccepted: true,
  };

  beforeAll(async () => {
    t = await bootApp('badinput', { LOGIN_RATE_LIMIT: '4' });
    await insertMunicipalities(t, TEST_TOWNS);
    a = await registerConfirmAndLogin(t, TEST_TOWNS[0].ags, 'a@olbernhau.test');
    b = await registerConfirmAndLogin(t, TEST_TOWNS[1].ags, 'b@brunsbuettel.test');
  });
  afterAll(() => t?.close());

  async function expectNothingStored(work: () => Promise<unknown>) {
    const before = [await count(t, 'town'), await count(t, 'user_account'), await count(t, 'mail_delivery')];
    await work();
    expect([await count(t, 'town'), await count(t, 'user_account'), await count(t, 'mail_delivery')]).toEqual(before);
  }

  it.each([
    ['unknown AGS', { ...valid, ags: '99999999' }, 404, /No municipality with AGS 99999999/],
    ['malformed AGS', { ...valid, ags: '12ab' }, 400, /8-digit/],
    ['malformed email', { ...valid, ags: TEST_TOWNS[2].ags, email: 'not-an-email' }, 400, /valid email/],
    ['weak password', { ...valid, ags: TEST_TOWNS[2].ags, password: 'password' }, 400, /at least 10 characters/],
    ['password of one kind', { ...valid, ags: TEST_TOWNS[2].ags, password: 'abcdefghijkl' }, 400, /three of/],
    ['over-long name', { ...valid, ags: TEST_TOWNS[2].ags, displayName: 'x'.repeat(81) }, 400, /2 to 80/],
    ['a link as name', { ...valid, ags: TEST_TOWNS[2].ags, displayName: 'Zahlung an https://evil.example' }, 400, /no addresses or links/],
    ['no consent to the privacy notice', { ...valid, ags: TEST_TOWNS[2].ags, privacyAccepted: false }, 400, /privacyAccepted must be true/],
    ['unknown field', { ...valid, ags: TEST_TOWNS[2].ags, role: 'admin' }, 400, /should not exist/],
  ])('registration with %s is refused', async (_name, body, status, message) => {
    await expectNothingStored(async () => {
      const res = await request(t.url).post('/api/auth/register').send(body).expect(status);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    });
  });

  it('refuses invalid, reused and expired confirmation links', async () => {
    await request(t.url)
      .post('/api/auth/confirm')
      .send({ token: 'x'.repeat(43) })
      .expect(400);
    await request(t.url).post('/api/auth/confirm').send({ token: a.token }).expect(410);
    await t.db.query(`UPDATE email_token SET used_at = NULL, expires_at = now() - interval '1 minute' WHERE user_id = $1`, [b.userId]);
    const res = await request(t.url).post('/api/auth/confirm').send({ token: b.token }).expect(410);
    expect(res.body.message).toMatch(/expired/);
  });

  const profile = {
    topics: ['leerstand'],
    challenges: [],
    experiences: [],
    description: 'Kurz.',
    capacity: 1,
  };

  it('a contact of town A cannot change town B', async () => {
    const res = await a.agent.put(`/api/towns/${b.townId}/profile`).send(profile).expect(403);
    expect(res.body.message).toMatch(/own town/);
    const topics = await t.db.query(`SELECT count(*) FROM town_topic WHERE town_id = $1`, [b.townId]);
    expect(Number(topics.rows[0].count)).toBe(0);
  });

  it('rejects unknown topics, out-of-range capacity and over-long text without changing the profile', async () => {
    await a.agent.put(`/api/towns/${a.townId}/profile`).send(profile).expect(200);
    const cases: Array<[object, RegExp]> = [
      [{ ...profile, topics: ['leerstand', 'raumfahrt'] }, /Unknown topic: raumfahrt/],
      [{ ...profile, challenges: [{ topic: 'nope', text: 'Etwas', urgency: 2 }] }, /Unknown topic: nope/],
      [{ ...profile, capacity: 9 }, /capacity/],
      [{ ...profile, description: 'x'.repeat(3001) }, /description/],
      [{ ...profile, challenges: [{ topic: 'leerstand', text: 'x'.repeat(501), urgency: 2 }] }, /text/],
      [{ ...profile, visibility: { topics: 'everyone' } }, /topics/],
    ];
    for (const [body, message] of cases) {
      const res = await a.agent.put(`/api/towns/${a.townId}/profile`).send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    const town = await a.agent.get(`/api/towns/${a.townId}`).expect(200);
    expect(town.body.topics.map((x: { slug: string }) => x.slug)).toEqual(['leerstand']);
    expect(town.body.description).toBe('Kurz.');
  });

  it('only the Geschäftsstelle verifies; anonymous callers are asked to log in', async () => {
    await request(t.url).get('/api/admin/registrations').expect(401);
    await a.agent.get('/api/admin/registrations').expect(403);
    await a.agent.post(`/api/admin/towns/${b.townId}/verify`).send({}).expect(403);
    await request(t.url).put(`/api/towns/${a.townId}/profile`).send(profile).expect(401);
    expect((await t.db.query(`SELECT status FROM town WHERE id = $1`, [b.townId])).rows[0].status).toBe('pending');
  });

  it('a rejection needs a reason, and an unverified town stays invisible to other towns', async () => {
    await createOfficeUser(t.db, 'office@akademie.test', await hashPassword('Office-Passwort-1', TEST_PASSWORD_HASH));
    const office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@akademie.test', password: 'Office-Passwort-1' }).expect(200);
    const res = await office.post(`/api/admin/towns/${b.townId}/reject`).send({ reason: ' ' }).expect(400);
    expect(res.body.message).toMatch(/reason/);
    await b.agent.get(`/api/towns/${a.townId}`).expect(404);
    await office.post(`/api/admin/towns/${b.townId}/reject`).send({ reason: 'Keine Rückmeldung aus dem Rathaus' }).expect(200);
    const mail = await t.smtp.waitFor((m) => m.subject === 'Ihre Registrierung von Brunsbüttel wurde nicht bestätigt');
    expect(mail.text).toContain('Begründung: Keine Rückmeldung aus dem Rathaus');
    const audit = await t.db.query(`SELECT action, reason, actor_id FROM audit_log WHERE subject_id = $1 AND action = 'town.rejected'`, [
      b.townId,
    ]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].actor_id).toBeTruthy();
  });

  it('rate-limits login attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await request(t.url).post('/api/auth/login').send({ email: 'a@olbernhau.test', password: 'Falsches-Passwort-1' });
      statuses.push(res.status);
    }
    // Earlier logins in this file count against the same per-IP budget of 4 per minute.
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThanOrEqual(0);
    expect(statuses.slice(0, first429).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
    // Even the right password is refused while limited.
    await request(t.url).post('/api/auth/login').send({ email: 'a@olbernhau.test', password: STRONG_PASSWORD }).expect(429);
  });
});
