import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { computeMatching, contactOf, eventually, townIdByName } from '../factories/tandems.factory';
import { calendarOf, computeWorkshops, recipientsOf } from '../factories/workshops.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;
const DAY = 86_400_000;
const REASON = 'Beide Kommunen haben uns auf der Regionalkonferenz von leeren Ladenlokalen am Markt erzählt.';

// Issue 25 (reach): the office pairs towns outside a tandem round, and edits workshop groups by hand.
describe.each(MODES)('the office reaches towns by hand: pairs outside a round, workshop invitations (%s mode, real SMTP)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;

  /** Every promised mail sent, then the catcher's mails to `email` (in arrival order). */
  async function settledMailsTo(email: string) {
    await eventually('all mail deliveries sent', async () => {
      const [r] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status <> 'sent'`);
      const [s] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery`);
      return r.n === 0 && t.smtp.mails.length >= s.n ? true : undefined;
    });
    return t.smtp.mails.filter((m) => recipientsOf(m).includes(email));
  }
  const counts = async () =>
    (
      await ds.query(
        `SELECT (SELECT count(*) FROM tandem)::int AS tandems, (SELECT count(*) FROM mail_delivery)::int AS mails,
           (SELECT count(*) FROM audit_log)::int AS audit, (SELECT count(*) FROM workshop_invitation)::int AS invitations`,
      )
    )[0];

  beforeAll(async () => {
    t = await bootApp('office_reach', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    await computeMatching(t, ['suggestions']);
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('pairs two towns outside a round: refusals change nothing; both towns get the proposal with topic and reason; one accepts', async () => {
    const [demmin, vlotho, zwoenitz, muennerstadt, boenen] = await Promise.all(
      ['Demmin', 'Vlotho', 'Zwönitz', 'Münnerstadt', 'Bönen'].map((n) => townIdByName(ds, n)),
    );
    const a = await contactOf(t, ds, demmin, 'bgm@demmin-paar.test', 'Dora Demmin');
    const b = await contactOf(t, ds, vlotho, 'bgm@vlotho-paar.test', 'Viktor Vlotho');
    await ds.query(`UPDATE town SET status = 'pending' WHERE id = $1`, [boenen]);
    // Demmin keeps its experiences for the office: no text both towns read may name them (issue 24).
    await ds.query(`UPDATE town SET visibility = '{"experiences": "office"}'::jsonb WHERE id = $1`, [demmin]);

    // The town picker finds verified towns by name, not the unverified one; a town contact may not use it.
    const found = (await office.get('/api/admin/tandems/pairings/towns').query({ q: 'Demm' }).expect(200)).body.towns;
    expect(found.map((x: { name: string }) => x.name)).toEqual(['Demmin']);
    expect((await office.get('/api/admin/tandems/pairings/towns').query({ q: 'Bönen' }).expect(200)).body.towns).toEqual([]);
    await a.agent.get('/api/admin/tandems/pairings/towns').query({ q: 'Demm' }).expect(403);

    // The preview: topics both may show (shared first), the reasons both towns would read, no broken rule.
    const preview = (await office.get('/api/admin/tandems/pairings/preview').query({ townA: demmin, townB: vlotho }).expect(200)).body;
    expect(
      preview.topics
        .filter((x: { shared: boolean }) => x.shared)
        .map((x: { slug: string }) => x.slug)
        .sort(),
    ).toEqual(['innenstadt', 'leerstand']);
    expect(preview.reasons).toMatch(/Demmin|Vlotho|Einwohner|Bundesl/);
    expect(preview.reasonsOffice).toContain('Vlotho hat die Herausforderung Leerstand ↔ Demmin hat Erfahrung damit');
    expect(preview.reasons).not.toMatch(/Erfahrung/);
    expect(preview.refusal).toBeNull();

    // Refusals: 400/409 with a clear message, nothing written, nothing sent.
    const before = await counts();
    const refuse = async (body: Record<string, unknown>, status: number, error: string) => {
      const res = await office.post('/api/admin/tandems/pairings').send(body).expect(status);
      expect(res.body.error).toBe(error);
      return res.body.message as string;
    };
    const good = { townA: demmin, townB: vlotho, topic: 'leerstand', reason: REASON };
    expect(await refuse({ ...good, townB: demmin }, 400, 'self')).toBe('A town cannot form a tandem with itself');
    expect(await refuse({ ...good, townB: boenen }, 409, 'town_not_verified')).toBe('Bönen is not verified by the office yet');
    expect(await refuse({ ...good, reason: '' }, 400, 'reason_required')).toMatch(/at least 10 characters/);
    expect(await refuse({ ...good, reason: '   kurz   ' }, 400, 'reason_required')).toMatch(/at least 10 characters/);
    expect(await refuse({ ...good, reason: 'x'.repeat(1001) }, 400, 'too_long')).toBe(
      'The reason is too long (1001 characters, at most 1000)',
    );
    expect(await refuse({ ...good, topic: 'mobilitaet' }, 400, 'unknown_topic')).toMatch(/topic/);
    expect(await refuse({ ...good, topic: ['leerstand'] }, 400, 'unknown_topic')).toMatch(/topic/);
    expect(await refuse({ ...good, townA: 'abc' }, 400, 'invalid_town')).toMatch(/townA/);
    // A pair with a live tandem (a town's own request): the round's rule and its message.
    const z = await contactOf(t, ds, zwoenitz, 'bgm@zwoenitz-paar.test');
    await z.agent.post('/api/tandems').send({ partnerTownId: muennerstadt }).expect(201);
    const mid = await counts();
    expect(await refuse({ ...good, townA: zwoenitz, townB: muennerstadt }, 409, 'pair_has_tandem')).toBe(
      'These two towns already have an open or active tandem',
    );
    expect(await counts()).toEqual(mid);
    expect(mid.tandems).toBe(before.tandems + 1);

    // The pairing: a proposal outside a round, its reason, the mail recipients.
    const created = (await office.post('/api/admin/tandems/pairings').send(good).expect(201)).body;
    expect(created).toMatchObject({
      state: 'proposed',
      origin: 'office_proposal',
      topic: 'leerstand',
      topicName: 'Leerstand',
      officeReason: REASON,
      outsideRound: true,
    });
    expect(created.recipients.map((r: { recipient: string }) => r.recipient).sort()).toEqual([
      'bgm@demmin-paar.test',
      'bgm@vlotho-paar.test',
    ]);
    const [row] = await ds.query(`SELECT run_id, office_reason, score FROM tandem WHERE id = $1`, [created.id]);
    expect(row).toMatchObject({ run_id: null, office_reason: REASON });
    expect(row.score).toBeGreaterThan(0);
    const audit = await ds.query(`SELECT action, reason, data FROM audit_log WHERE subject_id = $1`, [created.id]);
    expect(audit).toEqual([expect.objectContaining({ action: 'tandem.paired', reason: REASON })]);
    // The same pair again: already proposed, nothing new.
    const after = await counts();
    expect(await refuse(good, 409, 'already_proposed')).toMatch(/already proposed Demmin and Vlotho/);
    expect(await refuse({ ...good, townA: vlotho, townB: demmin }, 409, 'already_proposed')).toMatch(/already proposed/);
    expect(await counts()).toEqual(after);

    // Both towns' contacts: the proposal with the topic and the office's reason (and the computed reasons).
    for (const [who, own, other] of [
      [a, 'Demmin', 'Vlotho'],
      [b, 'Vlotho', 'Demmin'],
    ] as const) {
      const mails = (await settledMailsTo(who.email)).filter((m) => m.subject?.startsWith('Vorschlag der Geschäftsstelle'));
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail.subject).toBe(`Vorschlag der Geschäftsstelle: ein Tandem mit ${other}`);
      expect(mail.text).toContain(`schlägt ${own} ein Tandem mit ${other} vor, zum Thema Leerstand.`);
      expect(mail.text).toContain('außerhalb der regelmäßigen Tandemrunde');
      expect(mail.text).toContain(`Begründung der Geschäftsstelle: ${REASON}`);
      expect(mail.text).toMatch(/Was außerdem passt:\n(– .{10,} \(\d{1,3} %\)\n)+/);
      expect(mail.text).not.toMatch(/Erfahrung/);
      expect(mail.text).toContain(`${t.url}/tandems/${created.id}`);
      expect(mail.replyTo?.text).toBeTruthy();
    }

    // The tandem page shows the office's reason to the towns; a town accepts, then the other: active.
    expect((await a.agent.get(`/tandems/${created.id}`).expect(200)).text).toContain(REASON);
    expect((await a.agent.post(`/api/tandems/${created.id}/accept`).send({}).expect(200)).body.state).toBe('proposed');
    expect((await b.agent.post(`/api/tandems/${created.id}/accept`).send({}).expect(200)).body.state).toBe('active');
  });

  it('the pairing page: two pickers by search, the topics of the pair, German errors, and a result naming the tandem and the recipients', async () => {
    const [wittenberge, oestrich] = await Promise.all(['Wittenberge', 'Oestrich-Winkel'].map((n) => townIdByName(ds, n)));
    const w = await contactOf(t, ds, wittenberge, 'bgm@wittenberge-paar.test');
    const search = await office.get('/geschaeftsstelle/tandems/paaren').query({ sucheA: 'Witten', b: oestrich }).expect(200);
    expect(search.text).toContain('Wittenberge (Brandenburg');
    expect(search.text).toContain(`name="a" value="${wittenberge}"`);
    const page = await office.get('/geschaeftsstelle/tandems/paaren').query({ a: wittenberge, b: oestrich }).expect(200);
    expect(page.text).toContain('Wittenberge (Brandenburg) und Oestrich-Winkel (Hessen)');
    expect(page.text).toMatch(/<option value="leerstand"[^>]*>Leerstand \(bei beiden Kommunen\)<\/option>/);

    const csrf = await formToken(office, `/geschaeftsstelle/tandems/paaren?a=${wittenberge}&b=${oestrich}`);
    const before = await counts();
    const short = await office
      .post('/geschaeftsstelle/tandems/paaren')
      .type('form')
      .send({ _csrf: csrf, townA: wittenberge, townB: oestrich, topic: 'leerstand', reason: 'zu kurz' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('Nicht vorgeschlagen: Bitte begründen Sie den Vorschlag (mindestens 10 Zeichen)');
    expect(short.text).toContain('>zu kurz</textarea>');
    expect(await counts()).toEqual(before);

    const sent = await office
      .post('/geschaeftsstelle/tandems/paaren')
      .type('form')
      .send({ _csrf: csrf, townA: wittenberge, townB: oestrich, topic: 'leerstand', reason: REASON });
    expect(sent.status).toBe(303);
    const id = /erstellt=([0-9a-f-]{36})/.exec(sent.headers.location)![1];
    const result = await office.get(sent.headers.location).expect(200);
    expect(result.text).toContain('Vorschlag versendet: Wittenberge – Oestrich-Winkel (Thema „Leerstand“)');
    expect(result.text).toContain(`<strong>Wittenberge:</strong> E-Mail an ${w.email}`);
    expect(result.text).toMatch(/<strong>Oestrich-Winkel:<\/strong> (E-Mail an|niemand erhält eine E-Mail)/);
    expect(result.text).toContain(`href="/tandems/${id}"`);
    const [row] = await ds.query(`SELECT origin, state, office_reason FROM tandem WHERE id = $1`, [id]);
    expect(row).toEqual({ origin: 'office_proposal', state: 'proposed', office_reason: REASON });
  });

  it('workshop editor: adds a town found by search (invitation with REQUEST), withdraws it (CANCEL, same UID, higher SEQUENCE), invites a replacement', async () => {
    const runId = await computeWorkshops(t, 'leerstand');
    const draft = (await office.post('/api/workshops').send({ runId, groupNo: 1 }).expect(201)).body;
    const id = draft.id;
    // Room for one more town (at most six).
    for (const extra of draft.invitations.slice(5))
      await office.post(`/api/workshops/${id}/invitations/${extra.townId}/withdraw`).send({}).expect(200);
    const start = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10) + 'T10:00';
    await office
      .patch(`/api/workshops/${id}`)
      .send({ startsAt: start, format: 'online', onlineLink: 'https://konferenz.example/leer' })
      .expect(200);
    await office.post(`/api/workshops/${id}/publish`).expect(200);
    const members: { townId: string; stateName: string }[] = (await office.get(`/api/workshops/${id}`).expect(200)).body.invitations;
    const memberIds = members.map((m) => m.townId);
    const lands = [...new Set(members.map((m) => m.stateName))];

    // A verified town from a Land no member has, and one from a member's Land.
    const [fresh] = await ds.query(
      `SELECT t.id, m.name FROM town t JOIN municipality m ON m.ags = t.ags
       WHERE t.status = 'verified' AND NOT (t.id = ANY($1::uuid[])) AND NOT (m.state_name = ANY($2::text[])) ORDER BY m.name LIMIT 1`,
      [memberIds, lands],
    );
    const [sameLand] = await ds.query(
      `SELECT t.id, m.name FROM town t JOIN municipality m ON m.ags = t.ags
       WHERE t.status = 'verified' AND NOT (t.id = ANY($1::uuid[])) AND m.state_name = ANY($2::text[]) ORDER BY m.name LIMIT 1`,
      [memberIds, lands],
    );
    expect(fresh).toBeDefined();
    expect(sameLand).toBeDefined();
    const contact = await contactOf(t, ds, fresh.id, 'bgm@werkstatt-neu.test');

    // Found by name; the search says whether it is invited and what it brings to the theme.
    const hits = (
      await office
        .get(`/api/workshops/${id}/town-search`)
        .query({ q: fresh.name.slice(0, 5) })
        .expect(200)
    ).body.towns;
    const hit = hits.find((h: { id: string }) => h.id === fresh.id);
    expect(hit).toMatchObject({ name: fresh.name, invited: false, warning: null });
    const same = (await office.get(`/api/workshops/${id}/town-search`).query({ q: sameLand.name }).expect(200)).body.towns;
    expect(same.find((h: { id: string }) => h.id === sameLand.id).warning).toMatch(/^Aus demselben Bundesland wie /);

    // A published workshop: a second town of one Land is refused, nothing changes.
    const before = await counts();
    const refused = await office.post(`/api/workshops/${id}/invitations`).send({ townId: sameLand.id }).expect(409);
    expect(refused.body.error).toBe('same_state');
    expect(await counts()).toEqual(before);

    // Adding the searched town: its invitation with the calendar entry as things stand.
    await office.post(`/api/workshops/${id}/invitations`).send({ townId: fresh.id }).expect(200);
    const [invitation] = (await settledMailsTo(contact.email)).filter((m) => m.subject?.startsWith('Einladung zur Transferwerkstatt'));
    const request1 = calendarOf(invitation)!;
    expect(request1).toMatchObject({ method: 'REQUEST', status: 'CONFIRMED', uid: `workshop-${id}@${new URL(t.url).hostname}` });

    // Withdrawn: a mail with a CANCEL for the same event, a higher SEQUENCE; replacements without invited towns.
    const withdrawn = (
      await office
        .post(`/api/workshops/${id}/invitations/${fresh.id}/withdraw`)
        .send({ reason: 'Die Gruppe wird neu zusammengesetzt.' })
        .expect(200)
    ).body;
    expect(withdrawn.invitations.find((i: { townId: string }) => i.townId === fresh.id).state).toBe('withdrawn');
    const cancel = (await settledMailsTo(contact.email)).find((m) => m.subject?.startsWith('Einladung zurückgenommen'))!;
    expect(cancel.subject).toBe(`Einladung zurückgenommen: Transferwerkstatt „${withdrawn.title}“`);
    expect(cancel.text).toContain('Die Gruppe wird neu zusammengesetzt.');
    const cancelled = calendarOf(cancel)!;
    expect(cancelled).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', uid: request1.uid });
    expect(cancelled.sequence).toBeGreaterThan(request1.sequence);
    const actions = await ds.query(
      `SELECT action, data->>'townName' AS town FROM audit_log WHERE subject_id = $1 ORDER BY created_at, id`,
      [id],
    );
    expect(actions.slice(-2)).toEqual([
      { action: 'workshop.invite', town: fresh.name },
      { action: 'workshop.withdraw_invitation', town: fresh.name },
    ]);
    // Withdrawing again: not invited (404), nothing sent.
    await office.post(`/api/workshops/${id}/invitations/${fresh.id}/withdraw`).send({}).expect(404);

    const replacements: { townId: string; reasons: string[] }[] = withdrawn.replacements;
    expect(replacements.length).toBeGreaterThan(0);
    const excluded = new Set([...memberIds, fresh.id]);
    for (const r of replacements) {
      expect(excluded.has(r.townId)).toBe(false);
      expect(r.reasons.join(' ')).toMatch(/Leerstand|Bundesland/);
    }

    // The editor page after the withdrawal: the suggestions, one click invites one.
    const editor = await office.get(`/geschaeftsstelle/werkstaetten/${id}?erledigt=withdrawn`).expect(200);
    expect(editor.text).toContain('Die Einladung ist zurückgenommen.');
    expect(editor.text).toContain('Vorschläge für den freien Platz');
    expect(editor.text).toContain(`name="townId" value="${replacements[0].townId}"`);
    const searchPage = await office
      .get(`/geschaeftsstelle/werkstaetten/${id}`)
      .query({ suche: fresh.name.slice(0, 5) })
      .expect(200);
    expect(searchPage.text).toContain(`${fresh.name} einladen`);
    const csrf = await formToken(office, `/geschaeftsstelle/werkstaetten/${id}`);
    const invited = await office
      .post(`/geschaeftsstelle/werkstaetten/${id}/einladen`)
      .type('form')
      .send({ _csrf: csrf, townId: replacements[0].townId });
    expect(invited.status).toBe(303);
    const [inv] = await ds.query(`SELECT state FROM workshop_invitation WHERE workshop_id = $1 AND town_id = $2`, [
      id,
      replacements[0].townId,
    ]);
    expect(inv.state).toBe('invited');
  });

  it('in a draft a second town of one Land is a warning (the broken rule is listed), not a refusal', async () => {
    const [vlotho, berleburg] = await Promise.all(['Vlotho', 'Bad Berleburg'].map((n) => townIdByName(ds, n)));
    const draft = (await office.post('/api/workshops').send({ theme: 'leerstand' }).expect(201)).body;
    await office.post(`/api/workshops/${draft.id}/invitations`).send({ townId: vlotho }).expect(200);
    const after = (await office.post(`/api/workshops/${draft.id}/invitations`).send({ townId: berleburg }).expect(200)).body;
    expect(after.invitations.map((i: { name: string }) => i.name).sort()).toEqual(['Bad Berleburg', 'Vlotho']);
    expect(after.violations.map((v: { code: string }) => v.code)).toContain('same_state');
    const page = await office.get(`/geschaeftsstelle/werkstaetten/${draft.id}`).expect(200);
    expect(page.text).toContain(
      'Die Kommunen sollen aus verschiedenen Bundesländern kommen: Bad Berleburg und Vlotho liegen alle in Nordrhein-Westfalen.',
    );
  });
});
