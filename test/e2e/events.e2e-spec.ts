import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { DigestsService } from '../../src/digests/digests.service';
import { EventsService } from '../../src/events/events.service';
import { SeededTown } from '../factories/digest.factory';
import { eventBody, eventScenario } from '../factories/events.factory';
import { eventually } from '../factories/tandems.factory';
import { calendarOf, recipientsOf } from '../factories/workshops.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;
const HOUR = 3600_000;
const TITLE = 'Leerstand gemeinsam angehen';

// Issue 28: an event from the office's draft to its documented results, with targeted invitations, registrations,
// the waiting list, calendar files (parsed strictly with node-ical), the reminder and attendance.
describe.each(MODES)('events (%s mode, real SMTP)', (mode) => {
  let t: TestApp;
  let office: Agent;
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
  const subjects = async (email: string) => (await mailsTo(email)).map((m) => m.subject);

  beforeAll(async () => {
    t = await bootApp('events', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ({ towns, office, login } = await eventScenario(t, 8, 'ev'));
  });
  afterAll(() => t?.close());

  it('draft → published → invited (ranked, with reasons) → registrations and waiting list → move-up → reminder → attendance → documented', async () => {
    // Bad input changes nothing and answers 400 in English.
    await office
      .post('/api/events')
      .send(eventBody({ kind: 'party' }))
      .expect(400);
    expect(
      (
        await office
          .post('/api/events')
          .send(eventBody({ endsAt: eventBody().startsAt }))
          .expect(400)
      ).body.message,
    ).toBe('The end must be after the start');
    expect(
      (
        await office
          .post('/api/events')
          .send(eventBody({ registrationDeadline: eventBody({}).endsAt }))
          .expect(400)
      ).body.message,
    ).toBe('The registration deadline must not be after the start');
    await office
      .post('/api/events')
      .send(eventBody({ format: 'online', onlineLink: 'javascript:alert(1)' }))
      .expect(400);
    await office
      .post('/api/events')
      .send(eventBody({ placesPerTown: 9 }))
      .expect(400);
    await office
      .post('/api/events')
      .send(eventBody({ startsAt: 'morgen' }))
      .expect(400);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM network_event`)).rows[0].n).toBe(0);

    const draft = (await office.post('/api/events').send(eventBody()).expect(201)).body;
    const id = draft.id as string;
    expect(draft).toMatchObject({
      state: 'draft',
      stateLabel: 'Entwurf',
      kindLabel: 'Erfahrungswerkstatt',
      allowedActions: ['edit', 'publish', 'cancel'],
    });
    // A draft is the office's alone.
    const a = await login(towns[0].contacts[0].email);
    await a.get(`/api/events/${id}`).expect(404);
    await a.post(`/api/events/${id}/registrations`).send({ name: 'Frühe Person', email: 'frueh@ev.test' }).expect(404);
    await a.post(`/api/events/${id}/publish`).expect(403);

    await office.post(`/api/events/${id}/publish`).expect(200);

    // The audience: all eight towns (no target), the two that name Leerstand as a challenge first, each with reasons.
    const { towns: audience } = (await office.get(`/api/events/${id}/audience`).expect(200)).body;
    expect(audience).toHaveLength(8);
    const withChallenge = [towns[0], towns[6]].map((x) => x.name).sort((p, q) => p.localeCompare(q, 'de'));
    expect(audience.slice(0, 2).map((x: { name: string }) => x.name)).toEqual(withChallenge);
    expect(audience[0].reasons).toEqual([
      'nennt „Leerstand“ als Herausforderung',
      'ist noch in keinem Tandem und keiner Werkstatt: ein guter Einstieg ins Netzwerk',
    ]);
    expect(audience[2].reasons).toEqual(['ist noch in keinem Tandem und keiner Werkstatt: ein guter Einstieg ins Netzwerk']);

    // The office sends to three towns; each contact gets the invitation with its reasons and a PUBLISH calendar entry.
    const invited = [towns[0], towns[6], towns[1]];
    const sent = (
      await office
        .post(`/api/events/${id}/invitations`)
        .send({ townIds: invited.map((x) => x.id) })
        .expect(200)
    ).body;
    expect(sent.recipients).toHaveLength(3);
    await office
      .post(`/api/events/${id}/invitations`)
      .send({ townIds: [towns[0].id] })
      .expect(200);
    await office
      .post(`/api/events/${id}/invitations`)
      .send({ townIds: ['00000000-0000-4000-8000-000000000000'] })
      .expect(400);
    const host = new URL(t.url).hostname;
    for (const town of invited) {
      const mails = await mailsTo(town.contacts[0].email);
      expect(mails.map((m) => m.subject)).toEqual([`Einladung: Erfahrungswerkstatt „${TITLE}“`]); // once, however often sent
      expect(mails[0].text).toContain(`lädt ${town.name} zur Veranstaltung „${TITLE}“ (Erfahrungswerkstatt) ein`);
      expect(mails[0].text).toContain(`Melden Sie Personen aus Ihrer Kommune hier an: ${t.url}/veranstaltungen/${id}`);
      expect(calendarOf(mails[0])).toMatchObject({ method: 'PUBLISH', uid: `event-${id}@${host}`, sequence: 0, tzid: 'Europe/Berlin' });
    }
    expect((await mailsTo(towns[0].contacts[0].email))[0].text).toContain('- Ihre Kommune nennt „Leerstand“ als Herausforderung');

    // Registrations: 3 places, at most 2 per town. A registers itself and a colleague, then a third → waiting (town full).
    const detailA = (await a.get(`/api/events/${id}`).expect(200)).body;
    expect(detailA.invitedBecause[0]).toBe('nennt „Leerstand“ als Herausforderung');
    const self = detailA.contacts.find((c: { id: string }) => c.id === towns[0].contacts[0].id);
    expect(self).toBeTruthy();
    const r1 = (await a.post(`/api/events/${id}/registrations`).send({ contactId: self.id }).expect(201)).body;
    const r2 = (await a.post(`/api/events/${id}/registrations`).send({ name: 'Karla Kämmerer', email: 'kaemmerer@ev.test' }).expect(201))
      .body;
    const r3 = (await a.post(`/api/events/${id}/registrations`).send({ name: 'Uwe Umbau', email: 'bauamt@ev.test' }).expect(201)).body;
    expect([r1.status, r2.status, r3.status]).toEqual(['confirmed', 'confirmed', 'waiting']);
    expect(
      (await a.post(`/api/events/${id}/registrations`).send({ name: 'Karla K.', email: 'KAEMMERER@ev.test' }).expect(409)).body.error,
    ).toBe('already_registered');
    await a.post(`/api/events/${id}/registrations`).send({ name: 'X', email: 'kein-at' }).expect(400);
    await a.post(`/api/events/${id}/registrations`).send({ contactId: towns[1].contacts[0].id }).expect(400); // not A's contact
    const b = await login(towns[6].contacts[0].email);
    const r4 = (await b.post(`/api/events/${id}/registrations`).send({ name: 'Berta Bürger', email: 'berta@ev.test' }).expect(201)).body;
    const r5 = (await b.post(`/api/events/${id}/registrations`).send({ name: 'Bodo Bote', email: 'bodo@ev.test' }).expect(201)).body;
    expect([r4.status, r5.status]).toEqual(['confirmed', 'waiting']);
    // The weekly digest lists the open event for a town it fits that has nobody registered yet, not for A or B.
    const digestOf = async (townId: string) =>
      JSON.stringify((await t.app.get(DigestsService).preview(townId)).contacts[0].digest?.sections ?? []);
    expect(await digestOf(towns[2].id)).toContain(`${TITLE} – Erfahrungswerkstatt`);
    expect(await digestOf(towns[2].id)).toContain('Veranstaltungen, die zu Ihrer Kommune passen');
    expect(await digestOf(towns[0].id)).not.toContain(TITLE);
    // B cannot touch A's registrations.
    await b.post(`/api/events/${id}/registrations/${r2.id}/cancel`).expect(404);

    const confirmation = (await mailsTo('kaemmerer@ev.test'))[0];
    expect(confirmation.subject).toBe(`Anmeldung bestätigt: Erfahrungswerkstatt „${TITLE}“`);
    expect(calendarOf(confirmation)).toMatchObject({ method: 'REQUEST', sequence: 0, uid: `event-${id}@${host}`, status: 'CONFIRMED' });
    const waitMail = (await mailsTo('bauamt@ev.test'))[0];
    expect(waitMail.subject).toBe(`Warteliste: Erfahrungswerkstatt „${TITLE}“`);
    expect(waitMail.text).toContain('Sie stehen auf der Warteliste (Platz 1)');
    expect(calendarOf(waitMail)).toBeNull();
    expect((await mailsTo('bodo@ev.test'))[0].text).toContain('(Platz 2)');

    // The office moves the start by an hour: the three with a place get the update, same UID, SEQUENCE 1.
    const moved = (
      await office
        .patch(`/api/events/${id}`)
        .send({ startsAt: eventBody().startsAt.replace('T10', 'T11') })
        .expect(200)
    ).body;
    expect(moved.sequence).toBe(1);
    for (const email of [towns[0].contacts[0].email, 'kaemmerer@ev.test', 'berta@ev.test']) {
      const update = (await mailsTo(email)).find((m) => m.subject?.startsWith('Geänderter Termin'))!;
      expect(calendarOf(update)).toMatchObject({ method: 'REQUEST', sequence: 1, uid: `event-${id}@${host}` });
      expect(calendarOf(update)!.raw).toMatch(/DTSTART;TZID=Europe\/Berlin:\d{8}T110000/);
    }
    expect((await subjects('bauamt@ev.test')).some((s) => s?.startsWith('Geänderter Termin'))).toBe(false);

    // Karla cancels (twice: the second is refused): her calendar gets CANCEL with a higher SEQUENCE; Uwe (A's town,
    // first in line) moves up once and is told with a REQUEST; Bodo (B's town is at its two places? no: one) stays 2nd.
    await a.post(`/api/events/${id}/registrations/${r2.id}/cancel`).expect(200);
    await a.post(`/api/events/${id}/registrations/${r2.id}/cancel`).expect(409);
    const cancelled = (await mailsTo('kaemmerer@ev.test')).find((m) => m.subject?.startsWith('Abmeldung bestätigt'))!;
    expect(calendarOf(cancelled)).toMatchObject({ method: 'CANCEL', sequence: 2, uid: `event-${id}@${host}`, status: 'CANCELLED' });
    const upMails = (await mailsTo('bauamt@ev.test')).filter((m) => m.subject?.startsWith('Nachgerückt'));
    expect(upMails).toHaveLength(1);
    expect(upMails[0].subject).toBe(`Nachgerückt: Ihr Platz bei „${TITLE}“`);
    expect(calendarOf(upMails[0])).toMatchObject({ method: 'REQUEST', sequence: 2 });
    const after = (await office.get(`/api/events/${id}`).expect(200)).body;
    expect(after.registrations.map((r: { name: string; statusLabel: string }) => `${r.name}: ${r.statusLabel}`)).toEqual([
      'Frau Bürgermeisterin Jäger: angemeldet',
      'Berta Bürger: angemeldet',
      'Uwe Umbau: angemeldet',
      'Bodo Bote: Warteliste, Platz 1',
      'Karla Kämmerer: abgemeldet',
    ]);
    expect(
      (await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE subject_id = $1 AND action = 'event.moved_up'`, [id])).rows[0].n,
    ).toBe(1);

    // The scheduler's job, with the clock a day before the start: the deadline closed registration, the three with
    // a place are reminded, and a second run sends nothing.
    const svc = t.worker.get(EventsService);
    const starts = new Date(after.startsAt).getTime();
    expect(await svc.runTasks(new Date(starts - 24 * HOUR))).toEqual({ closed: 1, reminders: 3 });
    expect(await svc.runTasks(new Date(starts - 23 * HOUR))).toEqual({ closed: 0, reminders: 0 });
    const reminder = (await mailsTo('berta@ev.test')).filter((m) => m.subject?.startsWith('Erinnerung'));
    expect(reminder).toHaveLength(1);
    expect(reminder[0].subject).toMatch(new RegExp(`^Erinnerung: Erfahrungswerkstatt „${TITLE}“ am \\w+, \\d+\\. \\w+ \\d{4}, 11:00 Uhr$`));
    expect((await subjects('bodo@ev.test')).some((s) => s?.startsWith('Erinnerung'))).toBe(false);
    expect((await a.get(`/api/events/${id}`).expect(200)).body).toMatchObject({ state: 'registration_closed', registrationOpen: false });
    expect((await a.post(`/api/events/${id}/registrations`).send({ name: 'Zu spät', email: 'spaet@ev.test' }).expect(409)).body.error).toBe(
      'registration_closed',
    );

    // Not held before it began; then attendance and documented results.
    expect((await office.post(`/api/events/${id}/held`).expect(409)).body.error).toBe('not_yet_held');
    await office
      .post(`/api/events/${id}/attendance`)
      .send({ attended: [r1.id] })
      .expect(409);
    await t.db.query(
      `UPDATE network_event SET registration_deadline = now() - interval '3 hours', starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    await office.post(`/api/events/${id}/held`).expect(200);
    await office
      .post(`/api/events/${id}/attendance`)
      .send({ attended: [r5.id] })
      .expect(400); // waiting, no place
    await office
      .post(`/api/events/${id}/attendance`)
      .send({ attended: [r1.id, r4.id] })
      .expect(200);
    const csv = await office.get(`/api/events/${id}/participants.csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('\uFEFFName;E-Mail;Kommune;Stand;Platz auf der Warteliste;Angemeldet am;Teilgenommen');
    expect(lines.find((l) => l.startsWith('Berta Bürger;'))).toMatch(/;angemeldet;;\d{4}-\d\d-\d\d;ja$/);
    expect(lines.find((l) => l.startsWith('Uwe Umbau;'))).toMatch(/;nein$/);
    expect(lines.find((l) => l.startsWith('Bodo Bote;'))).toMatch(/;auf der Warteliste;1;/);
    expect(lines.some((l) => l.startsWith('Karla'))).toBe(false);

    await office.post(`/api/events/${id}/document`).send({ resultSummary: 'kurz' }).expect(400);
    const documented = (
      await office
        .post(`/api/events/${id}/document`)
        .send({ resultSummary: 'Drei Kommunen erproben ein gemeinsames Leerstandskataster; Treffen im Herbst.' })
        .expect(200)
    ).body;
    expect(documented).toMatchObject({ state: 'documented', stateLabel: 'dokumentiert', allowedActions: [] });
    const actions = (await t.db.query(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY created_at, id`, [id])).rows.map(
      (r) => r.action,
    );
    for (const x of ['event.created', 'event.publish', 'event.invited', 'event.registered', 'event.waitlisted', 'event.edit'])
      expect(actions).toContain(x);
    expect(actions.slice(-4)).toEqual(['event.close', 'event.hold', 'event.attendance', 'event.document']);

    // The pages say it in German, with no raw codes.
    const list = (await a.get('/veranstaltungen').expect(200)).text;
    expect(list).toContain(TITLE);
    const page = (await a.get(`/veranstaltungen/${id}`).expect(200)).text;
    expect(page).toContain('Drei Kommunen erproben ein gemeinsames Leerstandskataster');
    expect(page).not.toMatch(/registration_closed|documented|erfahrungswerkstatt|in_person/);
    const officePage = (await office.get(`/geschaeftsstelle/veranstaltungen/${id}`).expect(200)).text;
    expect(officePage).toContain('Stand: dokumentiert');
    expect(officePage).toContain('Bodo Bote');
  });

  it('pages: a town registers and cancels by form; the office creates, publishes and cancels an event, and everyone is told', async () => {
    const token = await formToken(office, '/geschaeftsstelle/veranstaltungen');
    const body = eventBody({
      title: 'Forum Ortskern',
      kind: 'forum',
      format: 'hybrid',
      onlineLink: 'https://konferenz.example/forum',
      topics: 'leerstand',
    });
    const bad = await office
      .post('/geschaeftsstelle/veranstaltungen')
      .type('form')
      .send({ ...body, _csrf: token, endsAt: body.startsAt })
      .expect(400);
    expect(bad.text).toContain('Das Ende muss nach dem Beginn liegen.');
    const created = await office
      .post('/geschaeftsstelle/veranstaltungen')
      .type('form')
      .send({ ...body, _csrf: token })
      .expect(303);
    const id = /veranstaltungen\/([0-9a-f-]{36})/.exec(created.headers.location)![1];
    const editor = `/geschaeftsstelle/veranstaltungen/${id}`;
    await office.post(`${editor}/schritt`).type('form').send({ _csrf: token, action: 'publish' }).expect(303);

    const c = await login(towns[2].contacts[0].email);
    const cToken = await formToken(c, `/veranstaltungen/${id}`);
    const reg = await c
      .post(`/veranstaltungen/${id}/anmelden`)
      .type('form')
      .send({ _csrf: cToken, name: 'Paula Plan', email: 'paula@ev.test' })
      .expect(303);
    expect(reg.headers.location).toContain('erledigt=registered');
    const page = (await c.get(`/veranstaltungen/${id}`).expect(200)).text;
    expect(page).toContain('Paula Plan · angemeldet');
    const again = await c
      .post(`/veranstaltungen/${id}/anmelden`)
      .type('form')
      .send({ _csrf: cToken, name: 'Paula', email: 'paula@ev.test' })
      .expect(409);
    expect(again.text).toContain('Diese Person ist bereits angemeldet.');

    // A typed address is a mail to an address of the caller's choice: registered each time, confirmed by mail at most
    // ADDRESS_MAIL_RATE_LIMIT (3) times an hour.
    for (let i = 0; i < 4; i++) {
      const r = (await c.post(`/api/events/${id}/registrations`).send({ name: 'Immer Wieder', email: 'wieder@ev.test' }).expect(201)).body;
      await c.post(`/api/events/${id}/registrations/${r.id}/cancel`).expect(200);
    }
    expect((await subjects('wieder@ev.test')).filter((x) => x?.startsWith('Anmeldung bestätigt'))).toHaveLength(3);

    const cancelled = await office
      .post(`${editor}/schritt`)
      .type('form')
      .send({ _csrf: token, action: 'cancel', reason: 'Die Referentin ist erkrankt.' });
    expect(cancelled.status).toBe(303);
    const mail = (await mailsTo('paula@ev.test')).find((m) => m.subject === 'Abgesagt: Forum „Forum Ortskern“')!;
    expect(mail.text).toContain('Begründung der Geschäftsstelle: Die Referentin ist erkrankt.');
    // SEQUENCE: each of the four cancelled registrations above raised it once, the event's cancellation once more.
    expect(calendarOf(mail)).toMatchObject({ method: 'CANCEL', sequence: 5, status: 'CANCELLED' });
    expect((await office.get(editor).expect(200)).text).toContain('Stand: abgesagt');
  });
});
