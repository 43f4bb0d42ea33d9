import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { SeededTown } from '../factories/digest.factory';
import { eventBody, eventScenario } from '../factories/events.factory';
import { eventually } from '../factories/tandems.factory';
import { recipientsOf } from '../factories/workshops.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;
const TITLE = 'Besuch am Markt: leere Läden, neue Ideen';
const COMMENT = 'Bitte nennen Sie einen Treffpunkt und wie Gäste vom Bahnhof zum Rathaus kommen.';
const RESULTS = 'Vier Kommunen übernehmen das Zwischennutzungsmodell; ein Leitfaden für Eigentümerbriefe entsteht bis zum Herbst.';

// Issue 28, phase 2: a town hosts an event ("Wir laden ein"). It proposes, the office returns it with a comment, the
// host revises and proposes again, the office approves and publishes; other towns register; the host sees who comes
// (names, towns, status; no addresses) and other towns do not; documented, it becomes one Methodenkoffer draft.
describe.each(MODES)('town-hosted events (%s mode, real SMTP)', (mode) => {
  let t: TestApp;
  let office: Agent;
  let officeEmail: string;
  let towns: SeededTown[];
  let login: (email: string) => Promise<Agent>;

  /** Every promised mail sent, then the catcher's mails to `email` (arrival order). */
  async function mailsTo(email: string): Promise<ParsedMail[]> {
    await eventually('all mail deliveries sent', async () => {
      const { rows } = await t.db.query(
        `SELECT count(*) FILTER (WHERE status <> 'sent')::int AS open, count(*)::int AS n FROM mail_delivery`,
      );
      return rows[0].open === 0 && t.smtp.mails.length >= rows[0].n ? true : undefined;
    });
    return t.smtp.mails.filter((m) => recipientsOf(m).includes(email));
  }
  const stateOf = async (id: string) => (await t.db.query(`SELECT state FROM network_event WHERE id = $1`, [id])).rows[0]?.state;
  const formOf = (over: Record<string, unknown>, csrf: string) => ({ ...eventBody(over), topics: 'leerstand', _csrf: csrf });

  beforeAll(async () => {
    t = await bootApp('events_hosted', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ({ towns, office, login, officeEmail } = await eventScenario(t, 5, 'evh'));
    // The fifth town is not verified (yet): it may not host.
    await t.db.query(`UPDATE town SET status = 'pending' WHERE id = $1`, [towns[4].id]);
  });
  afterAll(() => t?.close());

  it('proposed → returned with a comment → revised and proposed again → approved and published → registrations seen by the host only → documented → one Methodenkoffer draft', async () => {
    const host = await login(towns[0].contacts[0].email);
    const hostEmail = towns[0].contacts[0].email;
    const proposal = eventBody({ kind: 'besuch_vor_ort', title: TITLE, placesTotal: 3, placesPerTown: 2 });

    // Refused: anonymous (401), an unverified town and the office (403), bad input (400). Nothing is written.
    await request(t.url).post('/api/events/proposals').send(proposal).expect(401);
    const pending = await login(towns[4].contacts[0].email);
    expect((await pending.post('/api/events/proposals').send(proposal).expect(403)).body.error).toBe('town_not_verified');
    await pending.get('/api/events/proposals').expect(403);
    await office.post('/api/events/proposals').send(proposal).expect(403); // the office creates its events directly
    await host
      .post('/api/events/proposals')
      .send({ ...proposal, kind: 'party' })
      .expect(400);
    expect(
      (
        await host
          .post('/api/events/proposals')
          .send({ ...proposal, endsAt: proposal.startsAt })
          .expect(400)
      ).body.message,
    ).toBe('The end must be after the start');
    expect(
      (
        await host
          .post('/api/events/proposals')
          .send({ ...proposal, startsAt: '2020-01-01T10:00', endsAt: '2020-01-01T12:00', registrationDeadline: '2019-12-20T10:00' })
          .expect(400)
      ).body.message,
    ).toBe('The start must be in the future');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM network_event`)).rows[0].n).toBe(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM mail_delivery`)).rows[0].n).toBe(0);

    // The host proposes: the event records its host; the office's account gets a mail (parsed from the SMTP catcher).
    const created = (await host.post('/api/events/proposals').send(proposal).expect(201)).body;
    const id = created.id as string;
    expect(created).toMatchObject({ state: 'proposed', hostTownName: towns[0].name, isHost: true, officeNotified: 1 });
    const [toOffice] = await mailsTo(officeEmail);
    expect(toOffice.subject).toBe(`Vorschlag: ${towns[0].name} lädt ein – Besuch vor Ort „${TITLE}“`);
    expect(toOffice.text).toContain(`${t.url}/geschaeftsstelle/veranstaltungen/${id}`);
    expect((await host.get('/api/events/proposals').expect(200)).body.events.map((e: { id: string }) => e.id)).toEqual([id]);

    // Nobody else sees a proposal: another town gets 404 everywhere and does not find it in the list.
    const b = await login(towns[1].contacts[0].email);
    await b.get(`/api/events/${id}`).expect(404);
    await b.get(`/api/events/${id}/registrations`).expect(404);
    await b.post(`/api/events/${id}/registrations`).send({ name: 'Zu früh', email: 'frueh@evh.test' }).expect(404);
    await b.post(`/api/events/proposals/${id}/resubmit`).send({}).expect(404);
    expect((await b.get('/api/events').expect(200)).body.map((e: { id: string }) => e.id)).not.toContain(id);
    expect((await b.get('/api/events/proposals').expect(200)).body.events).toEqual([]);

    // The office's list shows it under "Vorschläge von Kommunen"; neither publish nor a host's approval works on it.
    const list = (await office.get('/geschaeftsstelle/veranstaltungen').expect(200)).text;
    const section = list.slice(list.indexOf('Vorschläge von Kommunen'), list.indexOf('Alle Veranstaltungen'));
    expect(section).toContain(TITLE);
    expect(section).toContain(towns[0].name);
    expect((await office.post(`/api/events/${id}/publish`).expect(409)).body.error).toBe('illegal_transition');
    await host.post(`/api/events/${id}/approve`).expect(403);
    await host.post(`/api/events/proposals/${id}/resubmit`).send({}).expect(409); // under review

    // Returned: a comment is required (nothing changes without one); the host's contact gets it by mail.
    await office.post(`/api/events/${id}/return`).send({ comment: 'kurz' }).expect(400);
    expect(await stateOf(id)).toBe('proposed');
    const returned = (await office.post(`/api/events/${id}/return`).send({ comment: COMMENT }).expect(200)).body;
    expect(returned).toMatchObject({ state: 'returned', reviewComment: COMMENT });
    expect(returned.recipients.map((r: { townName: string }) => r.townName)).toEqual([towns[0].name]);
    const [back] = (await mailsTo(hostEmail)).filter((m) => m.subject?.includes('Hinweis der Geschäftsstelle'));
    expect(back.subject).toBe(`Ihr Vorschlag „${TITLE}“: ein Hinweis der Geschäftsstelle`);
    expect(back.text).toContain(COMMENT);
    expect(back.text).toContain(`${t.url}/veranstaltungen/${id}`);
    await office.post(`/api/events/${id}/approve`).expect(409); // returned: the host has it

    // The host revises on its event page: bad input answers in German and changes nothing; then proposed again.
    const page = (await host.get(`/veranstaltungen/${id}`).expect(200)).text;
    expect(page).toContain(COMMENT);
    expect(page).toContain(`action="/veranstaltungen/${id}/vorschlag"`);
    const csrf = await formToken(host, `/veranstaltungen/${id}`);
    const bad = await host
      .post(`/veranstaltungen/${id}/vorschlag`)
      .type('form')
      .send(formOf({ ...proposal, endsAt: proposal.startsAt }, csrf))
      .expect(400);
    expect(bad.text).toContain('Das Ende muss nach dem Beginn liegen.');
    expect(await stateOf(id)).toBe('returned');
    const description = 'Treffpunkt: Bahnhof, 9:45 Uhr; von dort gehen wir gemeinsam zum Rathaus.';
    const again = await host
      .post(`/veranstaltungen/${id}/vorschlag`)
      .type('form')
      .send(formOf({ ...proposal, description }, csrf))
      .expect(303);
    expect(again.headers.location).toBe(`/veranstaltungen/${id}?erledigt=proposed-1`);
    expect((await host.get(again.headers.location).expect(200)).text).toContain('Ihr Vorschlag liegt jetzt der Geschäftsstelle vor');
    expect(await stateOf(id)).toBe('proposed');
    expect((await mailsTo(officeEmail)).map((m) => m.subject)).toEqual([toOffice.subject, toOffice.subject]); // once per proposal

    // Approved: the office's draft from now on; the host is told and edits no more. Then published.
    const approved = (await office.post(`/api/events/${id}/approve`).expect(200)).body;
    expect(approved).toMatchObject({ state: 'draft', description, allowedActions: ['edit', 'publish', 'cancel'] });
    expect((await mailsTo(hostEmail)).map((m) => m.subject)).toContain(`Ihr Vorschlag „${TITLE}“ ist übernommen`);
    await host.post(`/api/events/proposals/${id}/resubmit`).send({ title: 'Doch anders' }).expect(409);
    await host.patch(`/api/events/${id}`).send({ title: 'Doch anders' }).expect(403);
    expect((await host.get(`/api/events/${id}`).expect(200)).body).toMatchObject({ state: 'draft', title: TITLE });
    await office.post(`/api/events/${id}/publish`).expect(200);

    // Other towns register (3 places, 2 per town): B one, C two, D one (waiting), D a second (waiting); C cancels one.
    const c = await login(towns[2].contacts[0].email);
    const d = await login(towns[3].contacts[0].email);
    const reg = async (a: Agent, name: string, email: string) =>
      (await a.post(`/api/events/${id}/registrations`).send({ name, email }).expect(201)).body as { id: string; status: string };
    const berta = await reg(b, 'Berta Bürger', 'berta@evh.test');
    const carla = await reg(c, 'Carla Cramer', 'carla@evh.test');
    const conrad = await reg(c, 'Conrad Conradi', 'conrad@evh.test');
    const dora = await reg(d, 'Dora Dorn', 'dora@evh.test');
    const doris = await reg(d, 'Doris Dach', 'doris@evh.test');
    expect([berta, carla, conrad, dora, doris].map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'confirmed', 'waiting', 'waiting']);
    await c.post(`/api/events/${id}/registrations/${carla.id}/cancel`).expect(200);

    // The host sees everyone: name, town, status; never an address.
    const seen = (await host.get(`/api/events/${id}/registrations`).expect(200)).body.registrations;
    expect(seen.map((r: { name: string; townName: string; statusLabel: string }) => `${r.name} (${r.townName}): ${r.statusLabel}`)).toEqual(
      [
        `Berta Bürger (${towns[1].name}): angemeldet`,
        `Conrad Conradi (${towns[2].name}): angemeldet`,
        `Dora Dorn (${towns[3].name}): angemeldet`,
        `Doris Dach (${towns[3].name}): Warteliste, Platz 1`,
        `Carla Cramer (${towns[2].name}): abgemeldet`,
      ],
    );
    expect(JSON.stringify(seen)).not.toMatch(/@|"id"/);
    const hostPage = (await host.get(`/veranstaltungen/${id}`).expect(200)).text;
    expect(hostPage).toContain('Wer sich angemeldet hat');
    for (const x of ['Berta Bürger', 'Conrad Conradi', 'Doris Dach', 'Warteliste, Platz 1', towns[3].name]) expect(hostPage).toContain(x);
    expect(hostPage).not.toMatch(/berta@evh|conrad@evh|doris@evh/);

    // Another town sees only its own; the API refuses it the list. The office reads the addresses.
    expect((await b.get(`/api/events/${id}/registrations`).expect(403)).body.error).toBe('not_host');
    await request(t.url).get(`/api/events/${id}/registrations`).expect(401);
    const bPage = (await b.get(`/veranstaltungen/${id}`).expect(200)).text;
    expect(bPage).toContain('Berta Bürger');
    expect(bPage).not.toContain('Conrad Conradi');
    expect(bPage).not.toContain('Wer sich angemeldet hat');
    const officeSeen = (await office.get(`/api/events/${id}/registrations`).expect(200)).body.registrations;
    expect(officeSeen.find((r: { name: string }) => r.name === 'Berta Bürger').email).toBe('berta@evh.test');

    // Documented → one Methodenkoffer draft of the host town, pre-filled; a second call (API or page) opens the same.
    expect((await office.post(`/api/events/${id}/practice-draft`).send({}).expect(409)).body.error).toBe('not_documented');
    await t.db.query(
      `UPDATE network_event SET registration_deadline = now() - interval '3 hours', starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    await office.post(`/api/events/${id}/held`).expect(200);
    await office.post(`/api/events/${id}/document`).send({ resultSummary: RESULTS }).expect(200);
    expect((await office.get(`/geschaeftsstelle/veranstaltungen/${id}`).expect(200)).text).toContain('Als Methodenkoffer-Entwurf anlegen');
    await host.post(`/api/events/${id}/practice-draft`).send({}).expect(403);
    const first = (await office.post(`/api/events/${id}/practice-draft`).send({}).expect(200)).body;
    expect(first).toMatchObject({ created: true, link: `/methodenkoffer/${first.practiceId}` });
    const second = (await office.post(`/api/events/${id}/practice-draft`).send({}).expect(200)).body;
    expect(second).toEqual({ ...first, created: false });
    const officeCsrf = await formToken(office, `/geschaeftsstelle/veranstaltungen/${id}`);
    const viaPage = await office
      .post(`/geschaeftsstelle/veranstaltungen/${id}/methodenkoffer`)
      .type('form')
      .send({ _csrf: officeCsrf })
      .expect(303);
    expect(viaPage.headers.location).toBe(`/methodenkoffer/${first.practiceId}?erledigt=veranstaltung-vorhanden`);
    const { rows: practices } = await t.db.query(
      `SELECT id, town_id, origin, state, title, summary, topics, event_id FROM practice WHERE event_id = $1`,
      [id],
    );
    expect(practices).toEqual([
      {
        id: first.practiceId,
        town_id: towns[0].id,
        origin: 'event',
        state: 'draft',
        title: TITLE,
        summary: RESULTS,
        topics: ['leerstand'],
        event_id: id,
      },
    ]);
    expect((await office.get(`/geschaeftsstelle/veranstaltungen/${id}`).expect(200)).text).toContain(
      `href="/methodenkoffer/${first.practiceId}"`,
    );
    // The host town finds the draft among its own examples to complete.
    expect((await host.get('/methodenkoffer/eigene').expect(200)).text).toContain(TITLE);

    const actions = (await t.db.query(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY created_at, id`, [id])).rows.map(
      (r) => r.action,
    );
    expect(actions.slice(0, 5)).toEqual(['event.propose', 'event.return', 'event.edit', 'event.propose', 'event.approve']);
    expect(actions.filter((a) => a === 'event.practice_drafted')).toHaveLength(1);
  });

  it('pages: a verified town proposes by form (German errors), an unverified one is refused in German; the office returns and approves by form and sees who was told', async () => {
    const host = await login(towns[1].contacts[0].email);
    expect((await host.get('/veranstaltungen').expect(200)).text).toContain('href="/veranstaltungen/einladen"');
    const pending = await login(towns[4].contacts[0].email);
    expect((await pending.get('/veranstaltungen').expect(200)).text).not.toContain('href="/veranstaltungen/einladen"');
    const refused = await pending.get('/veranstaltungen/einladen').expect(403);
    expect(refused.text).toContain('Veranstaltungen vorschlagen können Kommunen, deren Registrierung die Geschäftsstelle bestätigt hat.');

    const csrf = await formToken(host, '/veranstaltungen/einladen');
    const before = (await t.db.query(`SELECT count(*)::int AS n FROM network_event`)).rows[0].n;
    const bad = await host
      .post('/veranstaltungen/einladen')
      .type('form')
      .send(formOf({ title: 'Werkstatt im Rathaus', placesTotal: '0' }, csrf))
      .expect(400);
    expect(bad.text).toContain('Die Zahl der Plätze muss eine ganze Zahl von 1 bis 10.000 sein.');
    expect(bad.text).toContain('value="Werkstatt im Rathaus"'); // the form keeps what was typed
    expect((await t.db.query(`SELECT count(*)::int AS n FROM network_event`)).rows[0].n).toBe(before);
    const ok = await host
      .post('/veranstaltungen/einladen')
      .type('form')
      .send(formOf({ title: 'Werkstatt im Rathaus', kind: 'erfahrungswerkstatt' }, csrf))
      .expect(303);
    const id = /veranstaltungen\/([0-9a-f-]{36})/.exec(ok.headers.location)![1];
    expect((await host.get('/veranstaltungen/einladen').expect(200)).text).toContain('Werkstatt im Rathaus');

    const editor = `/geschaeftsstelle/veranstaltungen/${id}`;
    const officeCsrf = await formToken(office, editor);
    expect((await office.get(editor).expect(200)).text).toContain(`Vorschlag von ${towns[1].name} prüfen`);
    const short = await office.post(`${editor}/vorschlag`).type('form').send({ _csrf: officeCsrf, action: 'return', comment: 'zu kurz' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('Bitte schreiben Sie der Kommune einen Hinweis (10 bis 1.000 Zeichen).');
    expect(await stateOf(id)).toBe('proposed');
    await office.post(`${editor}/vorschlag`).type('form').send({ _csrf: officeCsrf, action: 'publish' }).expect(400);
    const approved = await office.post(`${editor}/vorschlag`).type('form').send({ _csrf: officeCsrf, action: 'approve' }).expect(200);
    expect(approved.text).toContain('Der Vorschlag ist übernommen');
    expect(approved.text).toContain('Wer die E-Mail erhalten hat');
    expect(approved.text).toContain(towns[1].name);
    expect(await stateOf(id)).toBe('draft');
    expect((await host.get(`/veranstaltungen/${id}`).expect(200)).text).not.toContain(`action="/veranstaltungen/${id}/vorschlag"`);
  });
});
