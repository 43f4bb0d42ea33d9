import request from 'supertest';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { eventually } from '../factories/tandems.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

const [OLBERNHAU, BRUNSBUETTEL] = TEST_TOWNS;
const LIMIT = 3; // ADDRESS_MAIL_RATE_LIMIT's default

// Issue 24: reset and confirmation mails are limited per recipient address, not only per client. TRUST_PROXY names
// loopback, so each X-Forwarded-For below is a different client address to the app (its per-client limit of 20 an
// hour never bites: every client asks once).
describe.each(MODES)('mails per recipient address and hour, whatever client asks (%s mode)', (mode) => {
  let t: TestApp;
  let mayor: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let client = 0;
  const nextClient = () => `198.51.100.${++client}`;

  beforeAll(async () => {
    t = await bootApp('address_mail_limit', { TRUST_PROXY: 'loopback' }, { mode });
    await insertMunicipalities(t, TEST_TOWNS);
    mayor = await registerConfirmAndLogin(t, OLBERNHAU.ags, 'bm@olbernhau.test', 'Jörg Klaus');
    await registerConfirmAndLogin(t, BRUNSBUETTEL.ags, 'bm@brunsbuettel.test');
  });
  afterAll(() => t?.close());

  /** Every delivery the answers promised has reached the SMTP catcher (deliveries are recorded before the answer). */
  async function settled() {
    await eventually('every recorded mail delivered', async () => {
      const [r] = (await t.db.query(`SELECT count(*) FILTER (WHERE status <> 'sent')::int AS open, count(*)::int AS n FROM mail_delivery`))
        .rows;
      return r.open === 0 && t.smtp.mails.length >= r.n ? true : undefined;
    });
  }
  const resetMailsTo = (email: string) => t.smtp.to(email).filter((m) => (m.text ?? '').includes('/passwort-neu?token='));

  it('25 reset requests for one address from 25 client addresses: the same answer each time, at most the limit of mails', async () => {
    const answers: Array<[number, unknown]> = [];
    for (let i = 0; i < 25; i++) {
      const res = await request(t.url)
        .post('/api/auth/password-reset')
        .set('X-Forwarded-For', nextClient())
        .send({ email: i % 2 ? 'BM@olbernhau.test' : 'bm@olbernhau.test' });
      answers.push([res.status, res.body]);
    }
    // An address without an account answers alike (no enumeration through the limit either).
    const unknown = await request(t.url)
      .post('/api/auth/password-reset')
      .set('X-Forwarded-For', nextClient())
      .send({ email: 'x@nirgends.test' });
    expect(new Set([...answers, [unknown.status, unknown.body]].map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify([202, { message: 'If an account exists for this address, we sent a link to it.' }])]),
    );
    // The app did see 26 clients (so its per-client limit is not what held the mails back).
    const clients = (await t.db.query(`SELECT count(*)::int AS n FROM rate_limit_counter WHERE key LIKE 'registration:ip:198.51.100.%'`))
      .rows[0].n;
    expect(clients).toBe(26);

    // The page form shares the counter: one more request, from yet another client, sends nothing either.
    const page = request.agent(t.url);
    const token = await formToken(page, '/passwort-vergessen');
    const form = await page
      .post('/passwort-vergessen')
      .set('X-Forwarded-For', nextClient())
      .type('form')
      .send({ _csrf: token, email: 'bm@olbernhau.test' })
      .expect(201);
    expect(form.text).toContain('Falls für diese Adresse ein Konto besteht, haben wir Ihnen einen Link');

    await settled();
    expect(resetMailsTo('bm@olbernhau.test')).toHaveLength(LIMIT);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE template = 'password-reset'`)).rows[0].n).toBe(LIMIT);
    // The counter keeps no address, only its hash.
    expect((await t.db.query(`SELECT count(*)::int AS n FROM rate_limit_counter WHERE key ILIKE '%olbernhau%'`)).rows[0].n).toBe(0);

    // Another address is not affected by the first one's limit.
    await request(t.url)
      .post('/api/auth/password-reset')
      .set('X-Forwarded-For', nextClient())
      .send({ email: 'bm@brunsbuettel.test' })
      .expect(202);
    await t.smtp.waitFor(
      (m) => [m.to].flat().some((x) => x?.text === 'bm@brunsbuettel.test') && (m.text ?? '').includes('/passwort-neu?token='),
    );
  });

  it('email-change confirmations to one new address: the same answer each time, at most the limit of mails', async () => {
    const answers = new Set<string>();
    for (let i = 0; i < LIMIT + 3; i++) {
      const res = await mayor.agent.post('/api/auth/email').send({ currentPassword: STRONG_PASSWORD, newEmail: 'ziel@postfach.test' });
      answers.add(JSON.stringify([res.status, res.body]));
    }
    expect([...answers]).toEqual([JSON.stringify([202, { message: 'Please confirm via the link sent to the new address.' }])]);
    await settled();
    expect(t.smtp.to('ziel@postfach.test')).toHaveLength(LIMIT);
  });
});
