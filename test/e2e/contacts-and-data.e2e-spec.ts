import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

const [OLBERNHAU, BRUNSBUETTEL, RUETHEN] = TEST_TOWNS;
const OFFICE_PASSWORD = 'Geschaeftsstelle-Pw-99';
const DEPUTY_PASSWORD = 'Stellvertretung-Pw-42';

describe.each(MODES)('several contacts per town, handover by the office, and the contact’s data rights (DSGVO; %s mode)', (mode) => {
  let t: TestApp;
  let office: ReturnType<typeof request.agent>;
  let mayor: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let deputy: ReturnType<typeof request.agent>;
  let deputyId: string;
  let newAddressAnswer: { status: number; body: unknown };

  beforeAll(async () => {
    t = await bootApp('contacts', { LOGIN_RATE_LIMIT: '200' }, { mode });
    await insertMunicipalities(t, TEST_TOWNS);
    await createOfficeUser(t.db, 'office@akademie.test', await hashPassword(OFFICE_PASSWORD, TEST_PASSWORD_HASH));
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@akademie.test', password: OFFICE_PASSWORD }).expect(200);
    mayor = await registerConfirmAndLogin(t, OLBERNHAU.ags, 'bm@olbernhau.test', 'Jörg Klaus');
    await office.post(`/api/admin/towns/${mayor.townId}/verify`).send({}).expect(200);
  });
  afterAll(() => t?.close());

  const mailTo = (email: string, match: (text: string) => boolean) =>
    t.smtp.waitFor((m) => [m.to].flat().some((a) => a?.text === email) && match(m.text ?? ''));
  const login = (email: string, password: string) => request(t.url).post('/api/auth/login').send({ email, password });

  it('a verified contact invites a colleague, who sets a password by the link and acts for the same town', async () => {
    const invited = await mayor.agent
      .post(`/api/towns/${mayor.townId}/contacts`)
      .send({ email: 'stv@olbernhau.test', displayName: 'Petra Neu', contactFunction: 'deputy' })
      .expect(202);
    newAddressAnswer = { status: invited.status, body: invited.body };
    const mail = await mailTo('stv@olbernhau.test', (x) => x.includes('einladung?token='));
    expect(mail.subject).toBe('Einladung zu Kleinstadt-Tandem für Olbernhau');
    expect(mail.text).toContain('Jörg Klaus lädt Sie ein');
    const token = /einladung\?token=([\w-]+)/.exec(mail.text!)![1];
    const page = await request(t.url).get(`/einladung?token=${token}`).expect(200);
    expect(page.text).toContain('Guten Tag Petra Neu');

    await login('stv@olbernhau.test', DEPUTY_PASSWORD).expect(401);
    await request(t.url).post('/api/auth/invitation/accept').send({ token, password: 'zu-schwach', privacyAccepted: true }).expect(400);
    // The privacy consent a registering mayor gives, the invited colleague gives too (issue 25): without it, nothing
    // changes and the link stays valid; the page shows the form again with the reason.
    const consent = async () =>
      (await t.db.query(`SELECT privacy_accepted_at FROM user_account WHERE lower(email) = 'stv@olbernhau.test'`)).rows[0]
        .privacy_accepted_at as Date | null;
    const refused = await request(t.url).post('/api/auth/invitation/accept').send({ token, password: DEPUTY_PASSWORD }).expect(400);
    expect(JSON.stringify(refused.body)).toMatch(/privacyAccepted must be true/);
    await request(t.url).post('/api/auth/invitation/accept').send({ token, password: DEPUTY_PASSWORD, privacyAccepted: false }).expect(400);
    expect(page.text).toContain('name="privacyAccepted"');
    const visitor = request.agent(t.url);
    const csrf = await formToken(visitor, `/einladung?token=${token}`);
    const pageRefused = await visitor.post('/einladung').type('form').send({ _csrf: csrf, token, password: DEPUTY_PASSWORD }).expect(400);
    expect(pageRefused.text).toContain('Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.');
    expect(pageRefused.text).toContain('name="privacyAccepted"');
    await login('stv@olbernhau.test', DEPUTY_PASSWORD).expect(401);
    expect(await consent()).toBeNull();
    await request(t.url).post('/api/auth/invitation/accept').send({ token, password: DEPUTY_PASSWORD, privacyAccepted: true }).expect(200);
    expect(await consent()).toBeInstanceOf(Date);
    await request(t.url).post('/api/auth/invitation/accept').send({ token, password: DEPUTY_PASSWORD, privacyAccepted: true }).expect(400);
    deputy = request.agent(t.url);
    const me = await deputy.post('/api/auth/login').send({ email: 'stv@olbernhau.test', password: DEPUTY_PASSWORD }).expect(200);
    expect(me.body.townId).toBe(mayor.townId);
    deputyId = me.body.id;
    await deputy
      .put(`/api/towns/${mayor.townId}/profile`)
      .send({ topics: ['leerstand'], challenges: [], experiences: [], description: 'Bergstadt.', capacity: 1 })
      .expect(200);

    const list = await deputy.get(`/api/towns/${mayor.townId}/contacts`).expect(200);
    expect(list.body.map((c: { email: string; mainContact: boolean; active: boolean }) => [c.email, c.mainContact, c.active])).toEqual([
      ['bm@olbernhau.test', true, true],
      ['stv@olbernhau.test', false, true],
    ]);
  });

  it('refuses invitations from pending towns and listing another town; a known address gets the same answer as a new one', async () => {
    const pending = await registerConfirmAndLogin(t, BRUNSBUETTEL.ags, 'bm@brunsbuettel.test');
    const fromPending = await pending.agent
      .post(`/api/towns/${pending.townId}/contacts`)
      .send({ email: 'x@brunsbuettel.test', displayName: 'Max Muster', contactFunction: 'staff' })
      .expect(409);
    expect(fromPending.body.error).toBe('town_not_verified');
    // An address with an account: the inviter cannot tell (same status and body as the new address above) ...
    const accountsBefore = (await t.db.query(`SELECT count(*)::int AS n FROM user_account`)).rows[0].n;
    const known = await mayor.agent
      .post(`/api/towns/${mayor.townId}/contacts`)
      .send({ email: 'BM@brunsbuettel.test', displayName: 'Max Muster', contactFunction: 'staff' });
    expect({ status: known.status, body: known.body }).toEqual(newAddressAnswer);
    expect(newAddressAnswer).toEqual({ status: 202, body: { invited: true } });
    // ... the page form answers as for a new address too (to the confirmation) ...
    const token = await formToken(mayor.agent, '/meine-kommune/kontakte');
    const page = await mayor.agent
      .post('/meine-kommune/kontakte')
      .type('form')
      .send({ _csrf: token, email: 'bm@brunsbuettel.test', displayName: 'Max Muster', contactFunction: 'staff' });
    expect([page.status, page.headers.location]).toEqual([303, '/meine-kommune/kontakte?erledigt=eingeladen']);
    // ... no account is made, and the holder learns of it by mail (once a day per inviting town), in German, with what to do.
    expect((await t.db.query(`SELECT count(*)::int AS n FROM user_account`)).rows[0].n).toBe(accountsBefore);
    const notice = await mailTo('bm@brunsbuettel.test', (x) => x.includes('Einladung'));
    expect(notice.subject).toBe('Einladung für Olbernhau: Sie haben bereits ein Konto bei Kleinstadt-Tandem');
    expect(notice.text).toContain('Jörg Klaus hat soeben versucht, Sie mit dieser E-Mail-Adresse als weitere Ansprechperson für Olbernhau');
    expect(notice.text).toContain('wenden Sie sich bitte an die Geschäftsstelle');
    expect(notice.text).not.toContain('einladung?token=');
    expect(notice.text).not.toContain('Max Muster');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE template = 'invitation-account-exists'`)).rows[0].n).toBe(
      1,
    );
    await pending.agent.get(`/api/towns/${mayor.townId}/contacts`).expect(403);
    await pending.agent
      .post(`/api/towns/${mayor.townId}/contacts`)
      .send({ email: 'y@example.test', displayName: 'Max Muster', contactFunction: 'staff' })
      .expect(403);
  });

  it('the office hands the main contact to the successor; the last contact cannot be removed', async () => {
    await mayor.agent.put(`/api/admin/towns/${mayor.townId}/main-contact`).send({ userId: deputyId }).expect(403);
    await office.put(`/api/admin/towns/${mayor.townId}/main-contact`).send({ userId: deputyId }).expect(200);
    const notice = await mailTo('stv@olbernhau.test', (x) => x.includes('Hauptansprechperson'));
    expect(notice.subject).toBe('Sie sind jetzt Hauptansprechperson für Olbernhau');

    // The former mayor leaves office: the successor removes the old account; the town and its history stay.
    await deputy.delete(`/api/towns/${mayor.townId}/contacts/${mayor.userId}`).expect(204);
    await mayor.agent.get('/api/auth/me').expect(401);
    await login('bm@olbernhau.test', STRONG_PASSWORD).expect(401);
    const former = (await t.db.query(`SELECT email, display_name, town_id FROM user_account WHERE id = $1`, [mayor.userId])).rows[0];
    expect(former).toMatchObject({ display_name: 'ehemaliger Kontakt', town_id: null });
    expect(former.email).not.toContain('olbernhau');
    expect(Number((await t.db.query(`SELECT count(*) FROM mail_delivery WHERE recipient ILIKE 'bm@olbernhau.test'`)).rows[0].count)).toBe(
      0,
    );
    const trail = await office.get(`/api/admin/audit/towns/${mayor.townId}`).expect(200);
    expect(trail.body.filter((a: { actorId: string }) => a.actorId === mayor.userId).map((a: { action: string }) => a.action)).toContain(
      'town.registered',
    );
    expect((await t.db.query(`SELECT status FROM town WHERE id = $1`, [mayor.townId])).rows[0].status).toBe('verified');

    const last = await office.delete(`/api/towns/${mayor.townId}/contacts/${deputyId}`).expect(409);
    expect(last.body.error).toBe('last_contact');
    const self = await deputy.post('/api/account/delete').send({ currentPassword: DEPUTY_PASSWORD }).expect(409);
    expect(self.body.error).toBe('last_contact');
    await deputy.get('/api/auth/me').expect(200);
  });

  it('downloads everything stored about the contact and the town as JSON, without live link tokens', async () => {
    const res = await deputy.get('/api/account/export').expect(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.body.account).toMatchObject({ email: 'stv@olbernhau.test', displayName: 'Petra Neu', mainContact: true });
    expect(res.body.town).toMatchObject({
      name: 'Olbernhau',
      status: 'verified',
      description: 'Bergstadt.',
      topics: [{ topic: 'Leerstand' }],
    });
    expect(res.body.otherContactsOfTown).toEqual([]);
    expect(res.body.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['contact.invited', 'contact.joined', 'contact.main_changed', 'town.verified']),
    );
    expect(res.body.mails.map((m: { template: string }) => m.template)).toEqual(
      expect.arrayContaining(['contact-invitation', 'main-contact']),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/token=|password_hash|passwordHash/);
    await request(t.url).get('/api/account/export').expect(401);
  });

  it('a contact deletes their account: anonymised, no login; a pending application of one person goes entirely', async () => {
    await deputy
      .post(`/api/towns/${mayor.townId}/contacts`)
      .send({ email: 'staff@olbernhau.test', displayName: 'Kai Plan', contactFunction: 'staff' })
      .expect(202);
    const token = /einladung\?token=([\w-]+)/.exec((await mailTo('staff@olbernhau.test', (x) => x.includes('einladung?token='))).text!)![1];
    await request(t.url).post('/api/auth/invitation/accept').send({ token, password: DEPUTY_PASSWORD, privacyAccepted: true }).expect(200);
    const staff = request.agent(t.url);
    const me = await staff.post('/api/auth/login').send({ email: 'staff@olbernhau.test', password: DEPUTY_PASSWORD }).expect(200);
    await staff.post('/api/account/delete').send({ currentPassword: 'Falsch-Passwort-1' }).expect(400);
    await staff.post('/api/account/delete').send({ currentPassword: DEPUTY_PASSWORD }).expect(200);
    await staff.get('/api/auth/me').expect(401);
    await login('staff@olbernhau.test', DEPUTY_PASSWORD).expect(401);
    expect(
      (await t.db.query(`SELECT display_name, deleted_at IS NOT NULL AS deleted FROM user_account WHERE id = $1`, [me.body.id])).rows[0],
    ).toEqual({ display_name: 'ehemaliger Kontakt', deleted: true });
    expect((await deputy.get(`/api/towns/${mayor.townId}/contacts`).expect(200)).body).toHaveLength(1);

    const applicant = await registerConfirmAndLogin(t, RUETHEN.ags, 'bm@ruethen.test');
    await applicant.agent.post('/api/account/delete').send({ currentPassword: STRONG_PASSWORD }).expect(200);
    expect(Number((await t.db.query(`SELECT count(*) FROM town WHERE id = $1`, [applicant.townId])).rows[0].count)).toBe(0);
    await office.post(`/api/admin/towns/${applicant.townId}/verify`).send({}).expect(404);
  });
});
