import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TownRecipientsRepository } from '../../src/accounts/address-book/town-recipients.repository';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { STRONG_PASSWORD } from '../factories/accounts.factory';
import { computeMatching, eventually } from '../factories/tandems.factory';
import { calendarOf, computeWorkshops, recipientsOf } from '../factories/workshops.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';
import { SOME_UUID } from '../utils/write-routes';

type Agent = ReturnType<typeof request.agent>;
interface Town {
  id: string;
  name: string;
}
const SOURCE_PETRA = 'Website der Gemeinde, Seite Rathaus, abgerufen am 12.11.2026';
const SOURCE_WILLI = 'Telefonat mit dem Hauptamt am 3.12.2026';
const DAY = 86_400_000;
const berlinLocal = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10) + 'T10:00';

const header = (mail: ParsedMail, key: string) =>
  mail.headerLines.filter((h) => h.key === key).map((h) => h.line.replace(/\r?\n[ \t]+/g, ' ').replace(/: +/, ': '));
const linkIn = (text: string, path: string) => new RegExp(`https?://[^\\s]+${path}[^\\s]*`).exec(text)?.[0] ?? null;

// Issue 25, reach: the office's address book lets proposals and workshop invitations reach towns without an account.
describe.each(MODES)('the office reaches towns without an account (%s mode, real SMTP)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  /** A town of the workshop group and of a round pair, without an account; its partner h has none either. */
  let g: Town;
  let h: Town;
  /** Another town of the group without an account. */
  let g2: Town;
  /** A second round pair of towns without accounts, for the page's "nobody" case. */
  let pair2: [Town, Town];
  let runId: string;
  let petraId: string;
  let willi: { id: string; email: string };

  const mailsTo = (email: string) => t.smtp.mails.filter((m) => recipientsOf(m).some((r) => r.toLowerCase() === email.toLowerCase()));
  /** Every promised mail sent, then the catcher's mails to `email`. */
  async function settledMailsTo(email: string) {
    await eventually('all mail deliveries sent', async () => {
      const [r] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status <> 'sent'`);
      const [s] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery`);
      return r.n === 0 && t.smtp.mails.length >= s.n ? true : undefined;
    });
    return mailsTo(email);
  }
  const bookRows = async () => (await ds.query(`SELECT count(*)::int AS n FROM town_contact_person`))[0].n as number;
  const townName = async (id: string) =>
    (await ds.query(`SELECT m.name FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = $1`, [id]))[0].name as string;

  beforeAll(async () => {
    t = await bootApp('address_book', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    await computeMatching(t, ['suggestions', 'tandem_round']);
    runId = await computeWorkshops(t, 'leerstand');

    const withAccount = new Set<string>(
      (await ds.query(`SELECT DISTINCT town_id FROM user_account WHERE town_id IS NOT NULL`)).map((r: { town_id: string }) => r.town_id),
    );
    const [grp] = await ds.query(`SELECT town_ids AS "townIds" FROM workshop_proposal WHERE run_id = $1 AND group_no = 1`, [runId]);
    const group: string[] = grp.townIds.filter((id: string) => !withAccount.has(id));
    const pairs: { a: string; b: string }[] = (
      await ds.query(
        `SELECT p.town_a AS a, p.town_b AS b FROM tandem_round_pair p JOIN matching_run r ON r.id = p.run_id WHERE r.is_current AND r.kind = 'tandem_round'`,
      )
    ).filter((p: { a: string; b: string }) => !withAccount.has(p.a) && !withAccount.has(p.b));
    const first = pairs.find((p) => group.includes(p.a) || group.includes(p.b));
    if (!first) throw new Error('No round pair with a workshop-group town without an account');
    const [gId, hId] = group.includes(first.a) ? [first.a, first.b] : [first.b, first.a];
    const g2Id = group.find((id) => id !== gId && id !== hId);
    const second = pairs.find((p) => ![gId, hId, g2Id].includes(p.a) && ![gId, hId, g2Id].includes(p.b));
    if (!g2Id || !second) throw new Error('The demo network is too small for this test');
    g = { id: gId, name: await townName(gId) };
    h = { id: hId, name: await townName(hId) };
    g2 = { id: g2Id, name: await townName(g2Id) };
    pair2 = [
      { id: second.a, name: await townName(second.a) },
      { id: second.b, name: await townName(second.b) },
    ];
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('bad input (invalid address, no source, unknown or foreign town or entry) is a clear 400/404 and changes nothing', async () => {
    const valid = { displayName: 'Otto Ordnung', contactFunction: 'staff', email: 'otto@ordnung.test', source: SOURCE_WILLI };
    const bad = await office
      .post(`/api/admin/towns/${g.id}/address-book`)
      .send({ ...valid, email: 'kein-at-zeichen' })
      .expect(400);
    expect(bad.body).toMatchObject({ error: 'invalid_email', message: 'email must be a valid email address' });
    const noSource = await office
      .post(`/api/admin/towns/${g.id}/address-book`)
      .send({ ...valid, source: '  ' })
      .expect(400);
    expect(noSource.body.message).toMatch(/^source is required: where the address comes from/);
    const missing = await office.post(`/api/admin/towns/${g.id}/address-book`).send({ email: 'x@y.test' }).expect(400);
    expect(missing.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['contactFunction', 'displayName', 'source']);
    await office
      .post(`/api/admin/towns/${g.id}/address-book`)
      .send({ ...valid, contactFunction: 'kaiser' })
      .expect(400);
    await office
      .post(`/api/admin/towns/${g.id}/address-book`)
      .send({ ...valid, phone: '<script>' })
      .expect(400);
    expect((await office.post(`/api/admin/towns/${SOME_UUID}/address-book`).send(valid).expect(404)).body.message).toBe('Town not found');
    await office.post(`/api/admin/towns/kaputt/address-book`).send(valid).expect(400);
    await office.get(`/api/admin/towns/${SOME_UUID}/address-book`).expect(404);
    expect(await bookRows()).toBe(0);

    // An entry of one town is not reachable through another town's address.
    const entry = (await office.post(`/api/admin/towns/${h.id}/address-book`).send(valid).expect(201)).body;
    expect(entry).toMatchObject({
      displayName: 'Otto Ordnung',
      contactFunction: 'staff',
      functionLabel: 'Verwaltung',
      source: SOURCE_WILLI,
    });
    await office.put(`/api/admin/towns/${g.id}/address-book/${entry.id}`).send(valid).expect(404);
    await office.delete(`/api/admin/towns/${g.id}/address-book/${entry.id}`).expect(404);
    await office.post(`/api/admin/towns/${g.id}/address-book/${entry.id}/invite`).expect(404);
    // The same address again in the same town (other case): 409, one row.
    const dup = await office
      .post(`/api/admin/towns/${h.id}/address-book`)
      .send({ ...valid, email: 'OTTO@Ordnung.test' })
      .expect(409);
    expect(dup.body.error).toBe('address_book_email_taken');
    // A change with bad input changes nothing; a good one changes the entry; removal removes it. Each good step audited.
    await office
      .put(`/api/admin/towns/${h.id}/address-book/${entry.id}`)
      .send({ ...valid, email: 'falsch' })
      .expect(400);
    const changed = (
      await office
        .put(`/api/admin/towns/${h.id}/address-book/${entry.id}`)
        .send({ ...valid, phone: '+49 3346 123' })
        .expect(200)
    ).body;
    expect(changed).toMatchObject({ email: 'otto@ordnung.test', phone: '+49 3346 123' });
    await office.delete(`/api/admin/towns/${h.id}/address-book/${entry.id}`).expect(204);
    expect(await bookRows()).toBe(0);
    const audit = await ds.query(`SELECT action FROM audit_log WHERE subject_id = $1 AND action LIKE 'contact.address%' ORDER BY id`, [
      h.id,
    ]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      'contact.address_added',
      'contact.address_updated',
      'contact.address_removed',
    ]);

    // The page form: German messages, what was typed stays, nothing is stored.
    const token = await formToken(office, `/geschaeftsstelle/kommunen/${g.id}`);
    const page = await office
      .post(`/geschaeftsstelle/kommunen/${g.id}/adressbuch`)
      .type('form')
      .send({ _csrf: token, displayName: 'Otto Ordnung', contactFunction: 'staff', email: 'kaputt', source: '' })
      .expect(400);
    expect(page.text).toContain('Bitte geben Sie eine gültige E-Mail-Adresse an.');
    expect(page.text).toContain('Bitte geben Sie an, woher die Adresse stammt');
    expect(page.text).toContain('value="Otto Ordnung"');
    expect(await bookRows()).toBe(0);
  });

  it('a proposal reaches the address-book contact of a town without an account (German, reply to the office, one-click link); the API and the page name who got it and who had nobody', async () => {
    // Petra through the office's page form; Willi through the API.
    const token = await formToken(office, `/geschaeftsstelle/kommunen/${g.id}`);
    const added = await office
      .post(`/geschaeftsstelle/kommunen/${g.id}/adressbuch`)
      .type('form')
      .send({
        _csrf: token,
        displayName: 'Petra Post',
        contactFunction: 'mayor',
        email: 'Petra.Post@reach.test',
        phone: '',
        source: SOURCE_PETRA,
      })
      .expect(303);
    expect(added.headers.location).toBe(`/geschaeftsstelle/kommunen/${g.id}?adressbuch=aufgenommen#adressbuch-h`);
    const townPage = (await office.get(added.headers.location.replace(/#.*/, '')).expect(200)).text;
    expect(townPage).toContain('Die Person wurde ins Adressbuch aufgenommen.');
    expect(townPage).toContain(`Quelle: ${SOURCE_PETRA}`);
    expect(townPage).toContain('erhalten zurzeit: Petra Post (Bürgermeisterin / Bürgermeister, aus dem Adressbuch, ohne Konto)');
    const list = (await office.get(`/api/admin/towns/${g.id}/address-book`).expect(200)).body;
    expect(list).toMatchObject({
      townId: g.id,
      townName: g.name,
      entries: [expect.objectContaining({ displayName: 'Petra Post', email: 'Petra.Post@reach.test' })],
    });
    petraId = list.entries[0].id;
    const w = await office
      .post(`/api/admin/towns/${g2.id}/address-book`)
      .send({ displayName: 'Willi Werkstatt', contactFunction: 'staff', email: 'willi@reach.test', source: SOURCE_WILLI })
      .expect(201);
    willi = { id: w.body.id, email: 'willi@reach.test' };
    // A town nobody can be written to says so plainly on its page.
    expect((await office.get(`/geschaeftsstelle/kommunen/${h.id}`).expect(200)).text).toContain(
      `Für ${h.name} ist niemand hinterlegt, der die Mail erhält.`,
    );

    const proposed = (await office.post('/api/tandems/proposals').send({ townA: g.id, townB: h.id }).expect(201)).body;
    expect(proposed.recipients).toEqual([
      {
        townId: g.id,
        townName: g.name,
        name: 'Petra Post',
        function: 'mayor',
        functionLabel: 'Bürgermeisterin / Bürgermeister',
        kind: 'address_book',
      },
    ]);
    expect(proposed.unreachableTowns).toEqual([{ townId: h.id, townName: h.name }]);

    const [mail] = await settledMailsTo('petra.post@reach.test');
    expect(mail.subject).toBe(`Vorschlag der Geschäftsstelle: ein Tandem für ${g.name} mit ${h.name}`);
    expect(mail.text).toContain(`die Geschäftsstelle der Kleinstadtakademie schlägt ${g.name} ein Tandem mit ${h.name} vor`);
    expect(mail.text).toContain(`${g.name} hat im Kleinstadt-Tandem noch kein Konto.`);
    expect(mail.text).toContain(`Ihre Adresse stammt aus dieser Quelle: ${SOURCE_PETRA}`);
    expect(mail.text).toContain('Antworten Sie einfach auf diese E-Mail; sie erreicht die Geschäftsstelle.');
    expect(mail.text).toContain('bitten Sie um ein Konto für Ihre Kommune');
    expect(mail.replyTo?.text).toBeTruthy();
    const unsubscribe = linkIn(mail.text!, '/keine-weiteren-mails')!;
    expect(unsubscribe).toMatch(new RegExp(`/keine-weiteren-mails\\?k=${petraId}&s=[\\w-]+$`));
    expect(header(mail, 'list-unsubscribe')).toEqual([`List-Unsubscribe: <${unsubscribe}>`]);
    expect(header(mail, 'list-unsubscribe-post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);

    // The office's tandem page of that proposal names her, and the town that had nobody.
    const detail = (await office.get(`/tandems/${proposed.id}`).expect(200)).text;
    expect(detail).toContain(`Petra Post (Bürgermeisterin / Bürgermeister, ${g.name}; aus dem Adressbuch, noch ohne Konto)`);
    expect(detail).toContain(`Für ${h.name} ist niemand hinterlegt, der die Mail erhält – bitte`);

    // The page's proposal of another pair: nobody in either town, said plainly with the way to fix it.
    const roundToken = await formToken(office, '/geschaeftsstelle/matching');
    const sent = await office
      .post('/geschaeftsstelle/tandems/vorschlaege')
      .type('form')
      .send({ _csrf: roundToken, townA: pair2[0].id, townB: pair2[1].id })
      .expect(303);
    // The tandem page names them after the redirect (read back from the promised mails), and on every later visit.
    const page = await office.get(sent.headers.location).expect(200);
    expect(page.text).toContain('Der Vorschlag ist angelegt.');
    expect(page.text).toContain('Wer die E-Mail erhalten hat');
    for (const town of pair2) {
      expect(page.text).toContain(`Für ${town.name} ist niemand hinterlegt, der die Mail erhält – bitte`);
      expect(page.text).toContain(`href="/geschaeftsstelle/kommunen/${town.id}#adressbuch-h"`);
    }
  });

  it('a workshop invitation reaches address-book contacts; the one-click link stops the next mail', async () => {
    const draft = async () => {
      const id = (await office.post('/api/workshops').send({ runId, groupNo: 1 }).expect(201)).body.id;
      await office
        .patch(`/api/workshops/${id}`)
        .send({
          title: 'Leerstand gemeinsam überwinden',
          startsAt: berlinLocal(30),
          durationMinutes: 120,
          format: 'online',
          onlineLink: 'https://konferenz.example/leerstand',
        })
        .expect(200);
      return id as string;
    };
    // Published through the page: the page names each recipient, and each town that had nobody.
    const w1 = await draft();
    const token = await formToken(office, `/geschaeftsstelle/werkstaetten/${w1}`);
    const published1 = await office
      .post(`/geschaeftsstelle/werkstaetten/${w1}/schritt`)
      .type('form')
      .send({ _csrf: token, action: 'publish' })
      .expect(303);
    const page = await office.get(published1.headers.location).expect(200);
    expect(page.text).toContain('Veröffentlicht. Wer die Einladung per E-Mail erhalten hat, steht darunter.');
    expect(page.text).toContain('Wer die E-Mail erhalten hat');
    expect(page.text).toContain(`Willi Werkstatt (Verwaltung, ${g2.name}; aus dem Adressbuch, noch ohne Konto)`);
    expect(page.text).toContain(`Petra Post (Bürgermeisterin / Bürgermeister, ${g.name}; aus dem Adressbuch, noch ohne Konto)`);

    const [inv] = await settledMailsTo(willi.email);
    expect(inv.subject).toBe('Einladung zur Transferwerkstatt „Leerstand gemeinsam überwinden“');
    expect(inv.text).toContain(`die Geschäftsstelle der Kleinstadtakademie lädt ${g2.name} zur Transferwerkstatt`);
    expect(inv.text).toContain(`${g2.name} hat im Kleinstadt-Tandem noch kein Konto.`);
    expect(inv.text).toContain(`Ihre Adresse stammt aus dieser Quelle: ${SOURCE_WILLI}`);
    expect(inv.text).toContain('So sagen Sie zu oder ab: Antworten Sie einfach auf diese E-Mail');
    expect(calendarOf(inv)).toMatchObject({ method: 'REQUEST' });
    const unsubscribe = linkIn(inv.text!, '/keine-weiteren-mails')!;
    expect(header(inv, 'list-unsubscribe')).toEqual([`List-Unsubscribe: <${unsubscribe}>`]);

    // The confirm page (GET changes nothing), a forged signature, then the mail program's one-click POST (no session, no token).
    const confirm = await request(t.url)
      .get(new URL(unsubscribe).pathname + new URL(unsubscribe).search)
      .expect(200);
    expect(confirm.text).toContain('Ja, keine weiteren E-Mails');
    await request(t.url)
      .post(`/keine-weiteren-mails?k=${willi.id}&s=gefaelscht`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(400);
    expect((await ds.query(`SELECT opted_out_at FROM town_contact_person WHERE id = $1`, [willi.id]))[0].opted_out_at).toBeNull();
    const done = await request(t.url)
      .post(new URL(unsubscribe).pathname + new URL(unsubscribe).search)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(done.text).toContain('Sie erhalten von Kleinstadt-Tandem keine weiteren E-Mails an diese Adresse.');
    expect((await ds.query(`SELECT opted_out_at FROM town_contact_person WHERE id = $1`, [willi.id]))[0].opted_out_at).not.toBeNull();
    expect((await office.get(`/geschaeftsstelle/kommunen/${g2.id}`).expect(200)).text).toContain('möchte keine weiteren E-Mails erhalten');

    // The next invitation (through the API) leaves Willi out and names his town as unreachable.
    const w2 = await draft();
    const published = (await office.post(`/api/workshops/${w2}/publish`).expect(200)).body;
    expect(published.recipients).toContainEqual(expect.objectContaining({ townId: g.id, name: 'Petra Post', kind: 'address_book' }));
    expect(published.recipients.some((r: { name: string }) => r.name === 'Willi Werkstatt')).toBe(false);
    expect(published.unreachableTowns).toContainEqual({ townId: g2.id, townName: g2.name });
    expect(await settledMailsTo(willi.email)).toHaveLength(1);
    expect(await settledMailsTo('petra.post@reach.test')).toHaveLength(3);
    // An opted-out person is not invited to take the account over either.
    const refused = await office.post(`/api/admin/towns/${g2.id}/address-book/${willi.id}/invite`).expect(409);
    expect(refused.body.error).toBe('address_book_opted_out');
  });

  it('the claim invitation: accepted with password and consent, the new account signs in and sees its town; an address with an account gets the same answer and no second account', async () => {
    const token = await formToken(office, `/geschaeftsstelle/kommunen/${g.id}`);
    const sent = await office
      .post(`/geschaeftsstelle/kommunen/${g.id}/adressbuch/${petraId}/einladen`)
      .type('form')
      .send({ _csrf: token })
      .expect(303);
    expect(sent.headers.location).toBe(`/geschaeftsstelle/kommunen/${g.id}?adressbuch=eingeladen#adressbuch-h`);
    const mail = await t.smtp.waitFor(
      (m) => recipientsOf(m).some((r) => r.toLowerCase() === 'petra.post@reach.test') && /Konto von/.test(m.subject ?? ''),
    );
    expect(mail.subject).toBe(`Einladung: das Konto von ${g.name} im Kleinstadt-Tandem übernehmen`);
    expect(mail.text).toContain('von der Geschäftsstelle der Kleinstadtakademie lädt Sie ein, das Konto von');
    expect(mail.text).toContain(`Ihre Adresse stammt aus dieser Quelle: ${SOURCE_PETRA}`);
    expect(mail.text).toContain('Der Link ist 7 Tage gültig');
    expect(header(mail, 'list-unsubscribe-post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
    const invitationToken = /\/einladung\?token=([\w-]+)/.exec(mail.text!)![1];
    expect((await request(t.url).get(`/einladung?token=${invitationToken}`).expect(200)).text).toContain(g.name);

    const accept = (privacyAccepted: boolean) =>
      request(t.url).post('/api/auth/invitation/accept').send({ token: invitationToken, password: STRONG_PASSWORD, privacyAccepted });
    expect((await accept(false)).status).toBe(400);
    await accept(true).expect(200);
    const petra = request.agent(t.url);
    const login = await petra.post('/api/auth/login').send({ email: 'petra.post@reach.test', password: STRONG_PASSWORD }).expect(200);
    expect(login.body.townId).toBe(g.id);
    expect((await petra.get('/meine-kommune').expect(200)).text).toContain(g.name);
    const [user] = await ds.query(`SELECT id, main_contact FROM user_account WHERE lower(email) = 'petra.post@reach.test'`);
    expect(user.main_contact).toBe(true);
    expect((await ds.query(`SELECT claimed_user_id FROM town_contact_person WHERE id = $1`, [petraId]))[0].claimed_user_id).toBe(user.id);
    // From now on the town's mail goes to her account, once.
    const now = (await t.app.get(TownRecipientsRepository).forTownsNow([g.id])).get(g.id)!;
    expect(now.map((r) => [r.displayName, r.kind])).toEqual([['Petra Post', 'account']]);
    expect((await office.get(`/geschaeftsstelle/kommunen/${g.id}`).expect(200)).text).toContain(
      'hat das Konto der Kommune übernommen (Petra Post)',
    );

    // An address that already has an account (the demo mayor's, other case): the same answer, no second account, a notice.
    const entry = (
      await office
        .post(`/api/admin/towns/${h.id}/address-book`)
        .send({ displayName: 'Bernd Bekannt', contactFunction: 'mayor', email: DEMO_MAYOR_EMAIL.toUpperCase(), source: SOURCE_WILLI })
        .expect(201)
    ).body;
    expect((await office.post(`/api/admin/towns/${h.id}/address-book/${entry.id}/invite`).expect(202)).body).toEqual({ invited: true });
    const notice = await t.smtp.waitFor((m) => recipientsOf(m).includes(DEMO_MAYOR_EMAIL) && /bereits ein Konto/.test(m.subject ?? ''));
    expect(notice.subject).toBe(`Einladung für ${h.name}: Sie haben bereits ein Konto bei Kleinstadt-Tandem`);
    expect((await ds.query(`SELECT count(*)::int AS n FROM user_account WHERE lower(email) = lower($1)`, [DEMO_MAYOR_EMAIL]))[0].n).toBe(1);
  });
});
