import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { MailService } from '../../src/mail/mail.service';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';
import { formToken } from '../utils/csrf';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';

const PASSWORD = 'Sicheres-Passwort-2024';
const OFFICE_PASSWORD = 'Geschaeftsstelle-Pw-99';

describe('registration → email → confirmation → profile → verification (real PostgreSQL, Redis, SMTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp('registration');
    await insertMunicipalities(t, TEST_TOWNS);
    await createOfficeUser(t.db, 'office@akademie.test', await hashPassword(OFFICE_PASSWORD, TEST_PASSWORD_HASH));
  });
  afterAll(() => t?.close());

  const tokenFrom = (text: string) => /bestaetigen\?token=([\w-]+)/.exec(text)?.[1];

  it('runs the whole flow for Olbernhau', async () => {
    const search = await request(t.url).get('/api/municipalities').query({ q: 'olbern' }).expect(200);
    expect(search.body[0]).toMatchObject({ ags: '14521450', name: 'Olbernhau', stateName: 'Sachsen', registered: false });

    const reg = await request(t.url)
      .post('/api/auth/register')
      .send({
        ags: '14521450',
        email: 'buergermeister@olbernhau.test',
        password: PASSWORD,
        displayName: 'Jörg Klaus',
        contactFunction: 'mayor',
        privacyAccepted: true,
      })
      .expect(201);
    expect(reg.body).toEqual({ status: 'pending', message: expect.any(String) });
    expect(reg.body.status).toBe('pending');

    const mail = await t.smtp.waitFor((m) => m.subject?.includes('bestätigen') ?? false);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('buergermeister@olbernhau.test');
    expect(mail.subject).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse für Kleinstadt-Tandem');
    expect(mail.text).toContain('Guten Tag,');
    expect(mail.text).not.toContain('Jörg Klaus');
    expect(mail.text).toContain('Olbernhau (Sachsen)');
    expect(mail.html).toContain('E-Mail-Adresse bestätigen');
    expect(mail.headers.get('x-kt-delivery-id')).toBeTruthy();
    const token = tokenFrom(mail.text!);
    expect(token).toBeTruthy();
    expect(mail.text).toContain(`${t.url}/bestaetigen?token=`);

    // Not confirmed yet: login refused.
    await request(t.url).post('/api/auth/login').send({ email: 'buergermeister@olbernhau.test', password: PASSWORD }).expect(403);

    await request(t.url).post('/api/auth/confirm').send({ token }).expect(200);
    const reused = await request(t.url).post('/api/auth/confirm').send({ token }).expect(410);
    expect(reused.body.message).toMatch(/already been used/);

    const mayor = request.agent(t.url);
    const login = await mayor.post('/api/auth/login').send({ email: 'buergermeister@olbernhau.test', password: PASSWORD }).expect(200);
    const cookie = login.headers['set-cookie'][0];
    expect(cookie).toMatch(/kt\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const townId = login.body.townId;

    const profile = {
      topics: ['leerstand', 'mobilitaet'],
      challenges: [{ topic: 'leerstand', text: 'Leerstehende Ladenlokale in der Freiberger Straße', urgency: 3 }],
      experiences: [{ topic: 'mobilitaet', tried: 'Bürgerbus für die Ortsteile', outcome: 'Gut angenommen' }],
      description: 'Bergstadt im Erzgebirge.',
      capacity: 2,
      visibility: { challenges: 'office' },
    };
    const saved = await mayor.put(`/api/towns/${townId}/profile`).send(profile).expect(200);
    expect(saved.body.topics.map((x: { slug: string }) => x.slug).sort()).toEqual(['leerstand', 'mobilitaet']);
    expect(saved.body.capacity).toBe(2);

    // Unverified: invisible to others (anonymous here), visible to itself.
    await request(t.url).get(`/api/towns/${townId}`).expect(404);

    const office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@akademie.test', password: OFFICE_PASSWORD }).expect(200);
    const pending = await office.get('/api/admin/registrations').expect(200);
    expect(pending.body).toMatchObject({ page: 1, pages: 1, total: 1 });
    expect(pending.body.items).toHaveLength(1);
    expect(pending.body.items[0]).toMatchObject({
      townId,
      ags: '14521450',
      directory: { name: 'Olbernhau', population: 10966 },
      competingTownIds: [],
    });
    expect(pending.body.items[0].contacts[0]).toMatchObject({ email: 'buergermeister@olbernhau.test', contactFunction: 'mayor' });

    // The mayor cannot verify their own town.
    await mayor.post(`/api/admin/towns/${townId}/verify`).send({}).expect(403);

    await office.post(`/api/admin/towns/${townId}/verify`).send({ reason: 'Rathaus telefonisch bestätigt' }).expect(200);
    const verifiedMail = await t.smtp.waitFor((m) => m.subject === 'Ihre Registrierung von Olbernhau wurde bestätigt');
    expect(verifiedMail.text).toContain('geprüft und bestätigt');
    await office.post(`/api/admin/towns/${townId}/verify`).send({}).expect(409);

    const audit = await office.get(`/api/admin/audit/towns/${townId}`).expect(200);
    expect(audit.body.map((a: { action: string }) => a.action)).toEqual(['town.registered', 'town.profile_updated', 'town.verified']);
    expect(audit.body[2]).toMatchObject({ reason: 'Rathaus telefonisch bestätigt' });
    expect(audit.body[2].actorId).toBeTruthy();

    // Verified: anonymous sees public fields only (network default hides the rest); challenges stay office-only.
    const publicView = await request(t.url).get(`/api/towns/${townId}`).expect(200);
    expect(publicView.body.name).toBe('Olbernhau');
    expect(publicView.body.challenges).toBeUndefined();
    expect(publicView.body.hiddenFields).toEqual(expect.arrayContaining(['description', 'topics', 'challenges', 'experiences']));
    const officeView = await office.get(`/api/towns/${townId}`).expect(200);
    expect(officeView.body.challenges).toHaveLength(1);

    // Exactly one email per promise, even if a job runs again.
    // The worker marks a row sent just after the SMTP server accepted it, so the row may trail the mail briefly.
    const statuses = await waitFor(
      async () => {
        const s: string[] = (await t.db.query(`SELECT status FROM mail_delivery ORDER BY created_at`)).rows.map((r) => r.status);
        return s.every((x) => x === 'sent') && s;
      },
      { what: 'every mail_delivery row to be marked sent' },
    );
    expect(statuses).toEqual(['sent', 'sent']);
  });

  it('sends no second email when a delivery job runs twice', async () => {
    const mail = t.worker.get(MailService);
    const before = t.smtp.mails.length;
    const { rows } = await t.db.query(`SELECT id FROM mail_delivery WHERE template = 'confirm-email'`);
    // deliver() resolves only after the SMTP server has accepted (and the catcher parsed) a mail it sends, so
    // the count right after it is the evidence: no waiting needed.
    await expect(mail.deliver(rows[0].id)).resolves.toBe('skipped');
    expect(t.smtp.mails.length).toBe(before);
  });

  it('loses no promised email when the queue was unreachable: the sweeper re-dispatches it', async () => {
    const mail = t.app.get(MailService);
    // A delivery promised in an earlier transaction whose job never reached the queue.
    const [row] = (
      await t.db.query(
        `INSERT INTO mail_delivery (dedupe_key, recipient, template, context, created_at)
       VALUES ('test:stranded', 'spaet@olbernhau.test', 'town-verified', $1, now() - interval '5 minutes') RETURNING id`,
        [JSON.stringify({ displayName: 'Frau Spät', townName: 'Olbernhau', profileUrl: `${t.url}/meine-kommune` })],
      )
    ).rows;
    await expect(mail.redispatchStranded()).resolves.toBeGreaterThanOrEqual(1);
    const m = await t.smtp.waitFor((x) => [x.to].flat().some((a) => a?.text === 'spaet@olbernhau.test'));
    expect(m.text).toContain('Guten Tag Frau Spät');
    await waitFor(async () => (await t.db.query(`SELECT status FROM mail_delivery WHERE id = $1`, [row.id])).rows[0].status === 'sent', {
      what: 'the re-dispatched delivery row to be marked sent',
    });
    await expect(mail.redispatchStranded()).resolves.toBe(0);
  });

  it('"Bestätigungsmail erneut senden": a new link for a waiting registration, the same answer for every address, limited per address and client', async () => {
    const email = 'bm@brunsbuettel.test';
    await request(t.url)
      .post('/api/auth/register')
      .send({ ags: '01051011', email, password: PASSWORD, displayName: 'Bea Meer', contactFunction: 'mayor', privacyAccepted: true })
      .expect(201);
    const toHer = (x: { to?: unknown }) => JSON.stringify(x.to ?? '').includes(email);
    const first = await t.smtp.waitFor((m) => toHer(m) && (m.subject?.includes('bestätigen') ?? false));
    const firstToken = tokenFrom(first.text!);

    const confirmMails = async () =>
      Object.fromEntries(
        (
          await t.db.query(`SELECT recipient, count(*)::int AS n FROM mail_delivery WHERE template = 'confirm-email' GROUP BY recipient`)
        ).rows.map((r: { recipient: string; n: number }) => [r.recipient, r.n]),
      ) as Record<string, number>;
    const before = await confirmMails();
    // One answer for a waiting registration, an unknown address and a confirmed account (no enumeration).
    const answers = [];
    for (const address of [email, 'niemand@nirgends.test', 'buergermeister@olbernhau.test'])
      answers.push((await request(t.url).post('/api/auth/confirm/resend').send({ email: address }).expect(202)).body);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const again = await t.smtp.waitFor((m) => toHer(m) && m !== first && (m.subject?.includes('bestätigen') ?? false));
    expect(again.subject).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse für Kleinstadt-Tandem');
    expect(again.text).toContain('Brunsbüttel (Schleswig-Holstein)');
    expect(again.text).not.toContain('Bea Meer');
    const newToken = tokenFrom(again.text!);
    expect(newToken).toBeTruthy();
    expect(newToken).not.toBe(firstToken);
    // Only the waiting registration got a mail, through the delivery rows like every other mail.
    expect(await confirmMails()).toEqual({ ...before, [email]: 2 });
    expect(before[email]).toBe(1);

    // The page says the same, whatever the address.
    const visitor = request.agent(t.url);
    const form = await visitor.get('/bestaetigung-erneut').expect(200);
    expect(form.text).toContain('Bestätigungsmail erneut senden');
    const csrf = await formToken(visitor, '/bestaetigung-erneut');
    const sent = await visitor.post('/bestaetigung-erneut').type('form').send({ _csrf: csrf, email: 'niemand@nirgends.test' }).expect(200);
    expect(sent.text).toContain('Falls zu dieser Adresse eine Registrierung auf die Bestätigung wartet');
    expect((await request(t.url).get('/anmelden').expect(200)).text).toContain('href="/bestaetigung-erneut"');

    // The new link confirms.
    await request(t.url).post('/api/auth/confirm').send({ token: newToken }).expect(200);

    // Limits: 3 per address and hour (from any client), 10 per client and hour (whatever the addresses).
    for (let i = 0; i < 3; i++) await request(t.url).post('/api/auth/confirm/resend').send({ email: 'limit@nirgends.test' }).expect(202);
    const limited = await request(t.url).post('/api/auth/confirm/resend').send({ email: 'limit@nirgends.test' }).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // This client has now asked 8 times (3 above, 1 on the page, 4 here): two more pass, the eleventh is refused.
    await request(t.url).post('/api/auth/confirm/resend').send({ email: 'a1@nirgends.test' }).expect(202);
    await request(t.url).post('/api/auth/confirm/resend').send({ email: 'a2@nirgends.test' }).expect(202);
    await request(t.url).post('/api/auth/confirm/resend').send({ email: 'a3@nirgends.test' }).expect(429);
  });
});
