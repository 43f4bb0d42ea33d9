import request from 'supertest';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

const NEW_PASSWORD = 'Ganz-Neues-Passwort-7';
const THIRD_PASSWORD = 'Drittes-Passwort-2025!';

describe.each(MODES)('password reset, change of password and of email address (%s mode, mails read from SMTP)', (mode) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp('account', { LOGIN_RATE_LIMIT: '200' }, { mode });
    await insertMunicipalities(t, TEST_TOWNS);
  });
  afterAll(() => t?.close());

  const mailTo = (email: string, match: (text: string) => boolean) =>
    t.smtp.waitFor((m) => [m.to].flat().some((a) => a?.text === email) && match(m.text ?? ''));
  const login = (email: string, password: string) => request(t.url).post('/api/auth/login').send({ email, password });
  const deliveriesTo = async (email: string) =>
    Number((await t.db.query(`SELECT count(*) FROM mail_delivery WHERE recipient = $1`, [email])).rows[0].count);

  it('resets a forgotten password by a single-use, short-lived link and ends every session', async () => {
    const { agent: laptop } = await registerConfirmAndLogin(t, TEST_TOWNS[0].ags, 'bm@olbernhau.test');
    const phone = request.agent(t.url);
    await phone.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: STRONG_PASSWORD }).expect(200);

    const known = await request(t.url).post('/api/auth/password-reset').send({ email: 'bm@olbernhau.test' }).expect(202);
    const unknown = await request(t.url).post('/api/auth/password-reset').send({ email: 'niemand@example.test' }).expect(202);
    expect(unknown.body).toEqual(known.body);
    const mail = await mailTo('bm@olbernhau.test', (x) => x.includes('passwort-neu?token='));
    expect(mail.subject).toBe('Neues Passwort für Kleinstadt-Tandem');
    expect(mail.text).toContain('30 Minuten gültig');
    expect(await deliveriesTo('niemand@example.test')).toBe(0);
    const token = /passwort-neu\?token=([\w-]+)/.exec(mail.text!)![1];

    const weak = await request(t.url).post('/api/auth/password-reset/confirm').send({ token, password: 'kurz' }).expect(400);
    expect(weak.body.error).toBe('weak_password');
    await request(t.url).post('/api/auth/password-reset/confirm').send({ token, password: NEW_PASSWORD }).expect(200);
    await request(t.url).post('/api/auth/password-reset/confirm').send({ token, password: THIRD_PASSWORD }).expect(400);

    await laptop.get('/api/auth/me').expect(401);
    await phone.get('/api/auth/me').expect(401);
    await login('bm@olbernhau.test', STRONG_PASSWORD).expect(401);
    await login('bm@olbernhau.test', NEW_PASSWORD).expect(200);
    const notice = await mailTo('bm@olbernhau.test', (x) => x.includes('wurde soeben geändert'));
    expect(notice.subject).toBe('Ihr Passwort für Kleinstadt-Tandem wurde geändert');
  });

  it('refuses an expired reset link, and a newer link revokes the older one', async () => {
    await request(t.url).post('/api/auth/password-reset').send({ email: 'bm@olbernhau.test' }).expect(202);
    await request(t.url).post('/api/auth/password-reset').send({ email: 'bm@olbernhau.test' }).expect(202);
    const resetLinks = () =>
      t.smtp
        .to('bm@olbernhau.test')
        .map((m) => /passwort-neu\?token=([\w-]+)/.exec(m.text ?? '')?.[1])
        .filter((x): x is string => !!x);
    const links = await waitFor(
      () => {
        const found = resetLinks();
        return found.length >= 3 ? found : undefined;
      },
      { timeoutMs: 15_000, what: 'three reset mails' },
    );
    expect(links).toHaveLength(3);
    const [, older, newer] = links;
    await request(t.url).post('/api/auth/password-reset/confirm').send({ token: older, password: THIRD_PASSWORD }).expect(400);
    await t.db.query(
      `UPDATE email_token SET expires_at = now() - interval '1 second' WHERE purpose = 'password-reset' AND used_at IS NULL`,
    );
    const expired = await request(t.url)
      .post('/api/auth/password-reset/confirm')
      .send({ token: newer, password: THIRD_PASSWORD })
      .expect(400);
    expect(expired.body.error).toBe('invalid_token');
    await login('bm@olbernhau.test', NEW_PASSWORD).expect(200);
  });

  it('changes the password with the current one; this session stays, the others end', async () => {
    const here = request.agent(t.url);
    await here.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: NEW_PASSWORD }).expect(200);
    const elsewhere = request.agent(t.url);
    await elsewhere.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: NEW_PASSWORD }).expect(200);

    const wrong = await here
      .post('/api/auth/password')
      .send({ currentPassword: 'Falsch-Passwort-1', newPassword: THIRD_PASSWORD })
      .expect(400);
    expect(wrong.body.error).toBe('wrong_password');
    await request(t.url).post('/api/auth/password').send({ currentPassword: NEW_PASSWORD, newPassword: THIRD_PASSWORD }).expect(401);
    await here.post('/api/auth/password').send({ currentPassword: NEW_PASSWORD, newPassword: THIRD_PASSWORD }).expect(200);
    await here.get('/api/auth/me').expect(200);
    await elsewhere.get('/api/auth/me').expect(401);
    await login('bm@olbernhau.test', THIRD_PASSWORD).expect(200);
  });

  it('changes the email address only after confirmation on the new address, with a notice to the old one', async () => {
    const me = request.agent(t.url);
    await me.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: THIRD_PASSWORD }).expect(200);
    await me.post('/api/auth/email').send({ currentPassword: 'Falsch-Passwort-1', newEmail: 'neu@olbernhau.test' }).expect(400);
    await me.post('/api/auth/email').send({ currentPassword: THIRD_PASSWORD, newEmail: 'neu@olbernhau.test' }).expect(202);

    const confirm = await mailTo('neu@olbernhau.test', (x) => x.includes('email-bestaetigen?token='));
    const notice = await mailTo('bm@olbernhau.test', (x) => x.includes('neue E-Mail-Adresse angegeben'));
    expect(notice.text).toContain('neu@olbernhau.test');
    // Nothing changed yet.
    await login('bm@olbernhau.test', THIRD_PASSWORD).expect(200);
    const token = /email-bestaetigen\?token=([\w-]+)/.exec(confirm.text!)![1];
    const page = await request(t.url).get(`/email-bestaetigen?token=${token}`).expect(200);
    expect(page.text).toContain('Neue Adresse bestätigen');
    await login('bm@olbernhau.test', THIRD_PASSWORD).expect(200);

    const done = await request(t.url).post('/api/auth/email/confirm').send({ token }).expect(200);
    expect(done.body).toEqual({ email: 'neu@olbernhau.test' });
    await request(t.url).post('/api/auth/email/confirm').send({ token }).expect(400);
    await me.get('/api/auth/me').expect(401);
    await login('bm@olbernhau.test', THIRD_PASSWORD).expect(401);
    const relogin = await login('neu@olbernhau.test', THIRD_PASSWORD).expect(200);
    expect(relogin.body.email).toBe('neu@olbernhau.test');
  });

  it('refuses a change to an address that meanwhile belongs to another account', async () => {
    const other = await registerConfirmAndLogin(t, TEST_TOWNS[1].ags, 'bm@brunsbuettel.test');
    await other.agent.post('/api/auth/email').send({ currentPassword: STRONG_PASSWORD, newEmail: 'spaeter@example.test' }).expect(202);
    const confirm = await mailTo('spaeter@example.test', (x) => x.includes('email-bestaetigen?token='));
    await registerConfirmAndLogin(t, TEST_TOWNS[2].ags, 'spaeter@example.test');
    const token = /email-bestaetigen\?token=([\w-]+)/.exec(confirm.text!)![1];
    const res = await request(t.url).post('/api/auth/email/confirm').send({ token }).expect(409);
    expect(res.body.error).toBe('email_unavailable');
    await login('bm@brunsbuettel.test', STRONG_PASSWORD).expect(200);
  });
});
