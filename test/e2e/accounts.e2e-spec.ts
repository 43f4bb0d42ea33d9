import { Logger } from '@nestjs/common';
import request from 'supertest';
import { ExpiredRegistrationsCronJob } from '../../src/accounts/expired-registrations.cron.job';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

const [OLBERNHAU, BRUNSBUETTEL, RUETHEN] = TEST_TOWNS;
const SEELOW = { ags: '12064448', name: 'Seelow', stateCode: '12', stateName: 'Brandenburg', population: 5378, postcode: '15306' };
const OFFICE_PASSWORD = 'Geschaeftsstelle-Pw-99';

describe('registration without squatting or enumeration; rejected registrants are out (real PostgreSQL, Redis, SMTP)', () => {
  let t: TestApp;
  let office: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    t = await bootApp('accounts');
    await insertMunicipalities(t, [...TEST_TOWNS, SEELOW]);
    await createOfficeUser(t.db, 'office@akademie.test', await hashPassword(OFFICE_PASSWORD, TEST_PASSWORD_HASH));
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@akademie.test', password: OFFICE_PASSWORD }).expect(200);
  });
  afterAll(() => t?.close());

  const register = (ags: string, email: string, displayName = 'Anna Beispiel') =>
    request(t.url)
      .post('/api/auth/register')
      .send({ ags, email, password: STRONG_PASSWORD, displayName, contactFunction: 'mayor', privacyAccepted: true });
  const mailTo = (email: string, match: (text: string) => boolean) =>
    t.smtp.waitFor((m) => [m.to].flat().some((a) => a?.text === email) && match(m.text ?? ''));
  const confirmLink = async (email: string) =>
    /\/bestaetigen\?token=([\w-]+)/.exec((await mailTo(email, (x) => x.includes('/bestaetigen?token='))).text!)![1];
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params)).rows[0].count);
  const pendingFor = async (ags: string) =>
    (
      (await office.get('/api/admin/registrations?limit=200').expect(200)).body.items as Array<{
        ags: string;
        townId: string;
        contacts: { email: string }[];
        competingTownIds: string[];
      }>
    ).filter((r) => r.ags === ags);
  const login = (email: string) => request(t.url).post('/api/auth/login').send({ email, password: STRONG_PASSWORD });

  it('answers a registration with a known email exactly like a new one; the owner learns it by mail', async () => {
    await registerConfirmAndLogin(t, RUETHEN.ags, 'bm@ruethen.test');
    const towns = await count(`SELECT count(*) FROM town`);
    const users = await count(`SELECT count(*) FROM user_account`);

    const fresh = await register(BRUNSBUETTEL.ags, 'neu@brunsbuettel.test').expect(201);
    const known = await register(BRUNSBUETTEL.ags, 'BM@ruethen.test', 'Jemand Anderes').expect(201);
    expect(known.body).toEqual(fresh.body);
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(fresh.headers).sort());

    const notice = await mailTo('BM@ruethen.test', (x) => x.includes('bereits ein Konto'));
    expect(notice.subject).toBe('Sie haben bereits ein Konto bei Kleinstadt-Tandem');
    expect(notice.text).toContain(`${t.url}/anmelden`);
    expect(notice.text).not.toContain('Jemand Anderes');
    expect(notice.text).toContain(`Impressum: ${t.url}/impressum`);
    expect(await count(`SELECT count(*) FROM town`)).toBe(towns + 1);
    expect(await count(`SELECT count(*) FROM user_account`)).toBe(users + 1);
  });

  it('puts no typed display name into a mail to an unconfirmed address', async () => {
    await register(RUETHEN.ags, 'opfer@example.test', 'Ihr Konto ist gesperrt').expect(201);
    const mail = await mailTo('opfer@example.test', (x) => x.includes('/bestaetigen?token='));
    expect(mail.text).not.toContain('gesperrt');
    expect(mail.html).not.toContain('gesperrt');
  });

  it('a pending application does not block the town: a second person applies, the office sees both and verifies one', async () => {
    // Today: the first, unconfirmed registration blocks Olbernhau for good ("bereits registriert").
    await register(OLBERNHAU.ags, 'squatter@example.test', 'A'.repeat(80)).expect(201);
    const search = await request(t.url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(200);
    expect(search.body[0]).toMatchObject({ ags: OLBERNHAU.ags, registered: false });
    const real = await registerConfirmAndLogin(t, OLBERNHAU.ags, 'bm@olbernhau.test', 'Jörg Klaus');
    const rival = await registerConfirmAndLogin(t, OLBERNHAU.ags, 'stv@olbernhau.test', 'Petra Rival');

    const apps = await pendingFor(OLBERNHAU.ags);
    expect(apps.map((a) => a.contacts[0].email).sort()).toEqual(['bm@olbernhau.test', 'squatter@example.test', 'stv@olbernhau.test']);
    const realApp = apps.find((a) => a.townId === real.townId)!;
    expect(realApp.competingTownIds).toHaveLength(2);

    await office.post(`/api/admin/towns/${real.townId}/verify`).send({ reason: 'Rathaus telefonisch bestätigt' }).expect(200);
    expect(await pendingFor(OLBERNHAU.ags)).toEqual([]);
    const statuses = await t.db.query(
      `SELECT t.status, u.email FROM town t JOIN user_account u ON u.town_id = t.id WHERE t.ags = $1 ORDER BY u.email`,
      [OLBERNHAU.ags],
    );
    expect(statuses.rows).toEqual([
      { status: 'verified', email: 'bm@olbernhau.test' },
      { status: 'rejected', email: 'squatter@example.test' },
      { status: 'rejected', email: 'stv@olbernhau.test' },
    ]);
    const lost = await mailTo('stv@olbernhau.test', (x) => x.includes('nicht bestätigen'));
    expect(lost.subject).toContain('Olbernhau');
    expect(lost.text).toContain('eine andere Registrierung bestätigt');
    expect(lost.text).toContain('Guten Tag Petra Rival');
    const squatterMail = await mailTo('squatter@example.test', (x) => x.includes('nicht bestätigen'));
    expect(squatterMail.text).not.toContain('AAAA');

    // The loser is out at once: the session ends, login and profile edits are refused.
    await rival.agent.get('/api/auth/me').expect(401);
    await rival.agent
      .put(`/api/towns/${rival.townId}/profile`)
      .send({ topics: [], challenges: [], experiences: [], description: 'x', capacity: 1 })
      .expect(401);
    const refused = await login('stv@olbernhau.test').expect(403);
    expect(refused.body.error).toBe('registration_rejected');
    await login('bm@olbernhau.test').expect(200);

    // Now the town is taken, and says so before any password hashing.
    const taken = await register(OLBERNHAU.ags, 'spaet@olbernhau.test').expect(409);
    expect(taken.body.error).toBe('town_already_registered');
  });

  it('an unconfirmed application expires with its link: it leaves the office list and the address can register again', async () => {
    await register(BRUNSBUETTEL.ags, 'vergessen@brunsbuettel.test').expect(201);
    const token = await confirmLink('vergessen@brunsbuettel.test');
    expect((await pendingFor(BRUNSBUETTEL.ags)).map((a) => a.contacts[0].email)).toContain('vergessen@brunsbuettel.test');

    await t.db.query(`UPDATE email_token SET expires_at = now() - interval '1 minute'
      WHERE user_id = (SELECT id FROM user_account WHERE email = 'vergessen@brunsbuettel.test')`);
    expect((await pendingFor(BRUNSBUETTEL.ags)).map((a) => a.contacts[0].email)).not.toContain('vergessen@brunsbuettel.test');
    const expired = await request(t.url).post('/api/auth/confirm').send({ token }).expect(410);
    expect(expired.body.error).toBe('token_expired');

    const before = t.smtp.to('vergessen@brunsbuettel.test').length;
    await register(BRUNSBUETTEL.ags, 'vergessen@brunsbuettel.test').expect(201);
    await waitFor(() => t.smtp.to('vergessen@brunsbuettel.test').length > before, {
      timeoutMs: 15_000,
      what: 'the second confirmation mail',
    });
    const latest = t.smtp.to('vergessen@brunsbuettel.test').at(-1)!;
    expect(latest.text).toContain('bestaetigen?token=');
    expect(latest.text).not.toContain(token);
    expect(await count(`SELECT count(*) FROM user_account WHERE email = 'vergessen@brunsbuettel.test'`)).toBe(1);
  });

  it('the worker deletes expired unconfirmed applications hourly, and nothing else', async () => {
    await register(BRUNSBUETTEL.ags, 'nie-bestaetigt@example.test').expect(201);
    await register(BRUNSBUETTEL.ags, 'noch-gueltig@example.test').expect(201);
    await t.db.query(`UPDATE email_token SET expires_at = now() - interval '1 minute'
      WHERE user_id = (SELECT id FROM user_account WHERE email = 'nie-bestaetigt@example.test')`);
    const towns = Number((await t.db.query(`SELECT count(*) FROM town`)).rows[0].count);
    const job = t.worker.get(ExpiredRegistrationsCronJob);
    const logged = jest.spyOn(Logger.prototype, 'log');
    try {
      // The true count (TypeORM answers a DELETE with [rows, affected], which once made every run say "Deleted 2").
      expect(await job.purge()).toBe(1);
      expect(await job.purge()).toBe(0);
      const said = logged.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith('Deleted'));
      expect(said).toEqual(['Deleted 1 unconfirmed registration whose link had expired']);
    } finally {
      logged.mockRestore();
    }
    const left = (
      await t.db.query(`SELECT email FROM user_account WHERE email IN ('nie-bestaetigt@example.test', 'noch-gueltig@example.test')`)
    ).rows;
    expect(left).toEqual([{ email: 'noch-gueltig@example.test' }]);
    expect(Number((await t.db.query(`SELECT count(*) FROM town`)).rows[0].count)).toBe(towns - 1);
  });

  it('a rejected registrant is out: the old confirmation link fails, no login, and the town is free again', async () => {
    await register(BRUNSBUETTEL.ags, 'abgelehnt@example.test').expect(201);
    const token = await confirmLink('abgelehnt@example.test');
    const [app] = (await pendingFor(BRUNSBUETTEL.ags)).filter((a) => a.contacts[0].email === 'abgelehnt@example.test');
    await office.post(`/api/admin/towns/${app.townId}/reject`).send({ reason: 'Keine Verbindung zum Rathaus erkennbar' }).expect(200);

    // Today: "Die Geschäftsstelle prüft nun …" and a working login.
    const res = await request(t.url).post('/api/auth/confirm').send({ token }).expect(410);
    expect(res.body.error).toBe('registration_rejected');
    await login('abgelehnt@example.test').expect(403);

    // Today: "bereits registriert" for good.
    const other = await registerConfirmAndLogin(t, BRUNSBUETTEL.ags, 'bm@brunsbuettel.test');
    await office.post(`/api/admin/towns/${other.townId}/verify`).send({}).expect(200);
  });

  it('a town pauses suggestions and requests (the opted_out flag matching reads), sees it on its page, and resumes', async () => {
    const town = await registerConfirmAndLogin(t, RUETHEN.ags, 'pause@ruethen.test');
    await office.post(`/api/admin/towns/${town.townId}/verify`).send({}).expect(200);
    expect((await town.agent.get(`/api/towns/${town.townId}`).expect(200)).body.paused).toBe(false);

    const paused = await town.agent.put(`/api/towns/${town.townId}/pause`).send({ paused: true }).expect(200);
    expect(paused.body.paused).toBe(true);
    expect((await t.db.query(`SELECT opted_out FROM town WHERE id = $1`, [town.townId])).rows[0].opted_out).toBe(true);
    const page = await town.agent.get('/meine-kommune').expect(200);
    expect(page.text).toContain('Pausiert.');
    expect(page.text).toContain('Fortsetzen');

    // Another town cannot pause it; nonsense is a 400 and changes nothing.
    const other = await registerConfirmAndLogin(t, SEELOW.ags, 'fremd@example.test');
    await other.agent.put(`/api/towns/${town.townId}/pause`).send({ paused: false }).expect(403);
    await town.agent.put(`/api/towns/${town.townId}/pause`).send({ paused: 'vielleicht' }).expect(400);
    expect((await t.db.query(`SELECT opted_out FROM town WHERE id = $1`, [town.townId])).rows[0].opted_out).toBe(true);

    await town.agent.put(`/api/towns/${town.townId}/pause`).send({ paused: false }).expect(200);
    expect((await town.agent.get('/meine-kommune').expect(200)).text).not.toContain('Pausiert.');
    const trail = await office.get(`/api/admin/audit/towns/${town.townId}`).expect(200);
    expect(trail.body.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['town.paused', 'town.resumed']));
  });
});
