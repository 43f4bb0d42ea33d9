import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { computeMatching, contactOf, eventually, townIdByName } from '../factories/tandems.factory';
import { TandemRemindersService } from '../../src/tandems/tandem-reminders.service';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;

// Issue 23: tandems that work in practice.
describe.each(MODES)('tandem practice: capacity and contact exchange (%s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let seelow: Agent;
  let seelowId: string;

  const suggestionsOfSeelow = async () => (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body;
  const roundOutcomeOfSeelow = async () => {
    const [run] = await ds.query(`SELECT summary FROM matching_run WHERE kind = 'tandem_round' AND is_current`);
    const pairs = await ds.query(
      `SELECT p.town_a AS a, p.town_b AS b FROM tandem_round_pair p JOIN matching_run r ON r.id = p.run_id WHERE r.is_current AND r.kind = 'tandem_round'`,
    );
    const unmatched = (run.summary.unmatched as { townId: string; reason: string }[]).find((u) => u.townId === seelowId);
    return { paired: pairs.some((p: { a: string; b: string }) => p.a === seelowId || p.b === seelowId), reason: unmatched?.reason ?? null };
  };

  beforeAll(async () => {
    // Many contacts sign in from one test client: the per-client login limit is not under test here.
    t = await bootApp('tandem_practice', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    seelow = request.agent(t.url);
    seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200)).body
      .townId;
    await ds.query(`UPDATE town SET capacity = 1 WHERE id = $1`, [seelowId]);
    await computeMatching(t, ['suggestions']);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  // A slot is held by an open or active tandem only; suggestions, the request check and the round agree.
  it('an open request takes the one slot everywhere; a concluded tandem gives it back everywhere', async () => {
    const before = await suggestionsOfSeelow();
    expect(before.full).toBe(false);
    const [first, second] = before.suggestions.map((s: { partner: { id: string } }) => s.partner.id);
    expect(second).toBeDefined();

    const created = await seelow.post('/api/tandems').send({ partnerTownId: first }).expect(201);
    const tandemId = created.body.id;
    await computeMatching(t, ['suggestions', 'tandem_round']);
    // The open request holds the slot: the page says so, a second request is refused, the round leaves Seelow out.
    expect((await suggestionsOfSeelow()).full).toBe(true);
    const refused = await seelow.post('/api/tandems').send({ partnerTownId: second }).expect(409);
    expect(refused.body.error).toBe('at_capacity');
    expect(await roundOutcomeOfSeelow()).toEqual({ paired: false, reason: 'no_capacity' });

    // Through to concluded: accepted by the partner, approved, started, concluded.
    const partner = await contactOf(t, ds, first, 'bgm@kapazitaet.test');
    await partner.agent.post(`/api/tandems/${tandemId}/accept`).send({}).expect(200);
    await office.post(`/api/tandems/${tandemId}/approve`).send({}).expect(200);
    await seelow.post(`/api/tandems/${tandemId}/start`).send({}).expect(200);
    const result = { tried: 'Leerstandskataster gemeinsam aufgebaut', learnt: 'Eigentümer früh ansprechen', adoption: 'yes', rating: 4 };
    await seelow.post(`/api/tandems/${tandemId}/conclude`).send(result).expect(200);
    await partner.agent.post(`/api/tandems/${tandemId}/conclude`).send(result).expect(200);
    const [row] = await ds.query(`SELECT state FROM tandem WHERE id = $1`, [tandemId]);
    expect(row.state).toBe('concluded');

    // Concluded: the slot is free again in the suggestions, the round and the request check.
    await computeMatching(t, ['suggestions', 'tandem_round']);
    expect((await suggestionsOfSeelow()).full).toBe(false);
    expect((await roundOutcomeOfSeelow()).reason).not.toBe('no_capacity');
    await seelow.post('/api/tandems').send({ partnerTownId: second }).expect(201);
  });

  it("from approval on, and only then, each town sees the other's contact persons (page, API, approval mail); a third town does not", async () => {
    const [x, y, z] = await Promise.all(['Demmin', 'Vlotho', 'Mölln'].map((n) => townIdByName(ds, n)));
    const a = await contactOf(t, ds, x, 'bgm@kontakt-a.test', 'Anna Amsel');
    const b = await contactOf(t, ds, y, 'bgm@kontakt-b.test', 'Bernd Birke');
    const c = await contactOf(t, ds, z, 'bgm@kontakt-c.test', 'Carla Cedar');
    await b.agent.put('/api/auth/phone').send({ phone: '+49 2952 123-45' }).expect(200);
    await b.agent.put('/api/auth/phone').send({ phone: '<script>' }).expect(400);
    expect((await b.agent.put('/api/auth/phone').send({ phone: ['1'] })).status).toBe(400);

    const id = (await a.agent.post('/api/tandems').send({ partnerTownId: y }).expect(201)).body.id;
    await b.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    // Accepted, not approved: no contact details anywhere.
    const early = (await a.agent.get(`/api/tandems/${id}`).expect(200)).body;
    expect(early.contacts).toBeNull();
    const earlyPage = (await a.agent.get(`/tandems/${id}`).expect(200)).text;
    expect(earlyPage).not.toContain('bgm@kontakt-b.test');
    expect(earlyPage).toContain('sobald die Geschäftsstelle das Tandem freigegeben hat');

    await office.post(`/api/tandems/${id}/approve`).send({}).expect(200);
    const forA = (await a.agent.get(`/api/tandems/${id}`).expect(200)).body;
    const peopleOf = (body: { contacts: { townId: string; people: { email: string; phone: string | null }[] }[] }, town: string) =>
      body.contacts.find((g) => g.townId === town)!.people;
    expect(peopleOf(forA, y)).toEqual([
      expect.objectContaining({ name: 'Bernd Birke', email: 'bgm@kontakt-b.test', phone: '+49 2952 123-45' }),
    ]);
    const forB = (await b.agent.get(`/api/tandems/${id}`).expect(200)).body;
    expect(peopleOf(forB, x)).toEqual([expect.objectContaining({ email: 'bgm@kontakt-a.test', phone: null })]);
    const page = (await a.agent.get(`/tandems/${id}`).expect(200)).text;
    expect(page).toContain('mailto:bgm@kontakt-b.test');
    expect(page).toContain('Tel. +49 2952 123-45');
    // A third town: the tandem does not exist for it.
    await c.agent.get(`/api/tandems/${id}`).expect(404);
    await c.agent.get(`/tandems/${id}`).expect(404);

    // The approval mail to A names B's contact person.
    const mail = await eventually('the approval mail to A', () =>
      t.smtp.mails.find((m) => m.text?.includes('So erreichen Sie') && [m.to].flat().some((to) => to?.text.includes('bgm@kontakt-a.test'))),
    );
    expect(mail.text).toContain('Bernd Birke');
    expect(mail.text).toContain('bgm@kontakt-b.test, Tel. +49 2952 123-45');
    expect(t.smtp.mails.filter((m) => m.text?.includes('So erreichen Sie') && m.text.includes('bgm@kontakt-b.test')).length).toBe(1);
  });

  it('the fit check: asked once after the configured weeks; "passt" is recorded, "passt nicht" ends the tandem, rests the pair, frees the slot and recomputes', async () => {
    const [x, y] = await Promise.all(['Wurzen', 'Nieheim'].map((n) => townIdByName(ds, n)));
    const a = await contactOf(t, ds, x, 'bgm@passung-a.test', 'Paula Pappel');
    const b = await contactOf(t, ds, y, 'bgm@passung-b.test', 'Bruno Buche');
    const id = (await a.agent.post('/api/tandems').send({ partnerTownId: y }).expect(201)).body.id;
    await b.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    await office.post(`/api/tandems/${id}/approve`).send({}).expect(200);
    await a.agent.post(`/api/tandems/${id}/start`).send({}).expect(200);
    const [{ startedAt }] = await ds.query(`SELECT started_at AS "startedAt" FROM tandem WHERE id = $1`, [id]);
    expect(startedAt).not.toBeNull();
    // Not asked yet: no answer possible.
    expect((await a.agent.post(`/api/tandems/${id}/fit`).send({ fits: true }).expect(409)).body.error).toBe('fit_not_asked');

    const tandems = t.worker.get(TandemRemindersService);
    const week = 7 * 86_400_000;
    const ours = (r: { fitChecks: number }) => r.fitChecks;
    expect(ours(await tandems.runReminders(new Date(new Date(startedAt).getTime() + 5 * week)))).toBe(0);
    const due = new Date(new Date(startedAt).getTime() + 6 * week + 3600_000);
    expect(ours(await tandems.runReminders(due))).toBe(2); // one contact in each town
    expect(ours(await tandems.runReminders(due))).toBe(0); // asked once
    for (const email of ['bgm@passung-a.test', 'bgm@passung-b.test'])
      await eventually(`the fit question to ${email}`, () =>
        t.smtp.mails.find((m) => m.subject?.startsWith('Passt das Tandem mit') && [m.to].flat().some((to) => to?.text.includes(email))),
      );

    // A: "passt" (once); B on the page: "passt nicht" with a reason.
    const afterA = (await a.agent.post(`/api/tandems/${id}/fit`).send({ fits: true }).expect(200)).body;
    expect(afterA.state).toBe('active');
    expect((await a.agent.post(`/api/tandems/${id}/fit`).send({ fits: false }).expect(409)).body.error).toBe('fit_answered');
    await a.agent.post(`/api/tandems/${id}/fit`).send({ fits: 'vielleicht' }).expect(400);
    const page = (await b.agent.get(`/tandems/${id}`).expect(200)).text;
    expect(page).toContain('Passt das Tandem?');
    expect(page).toContain('Paula Pappel');
    const csrf = await formToken(b.agent, `/tandems/${id}`);
    const runsBefore = (await ds.query(`SELECT count(*)::int AS n FROM matching_run WHERE trigger = 'not_a_fit'`))[0].n;
    await b.agent
      .post(`/tandems/${id}/passung`)
      .type('form')
      .send({ _csrf: csrf, fits: 'nein', fitReason: 'Unsere Schwerpunkte liegen zu weit auseinander.' })
      .expect(303)
      .expect('Location', `/tandems/${id}?erledigt=passt-nicht`);

    const [row] = await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]);
    expect(row.state).toBe('not_a_fit');
    const rest = await ds.query(
      `SELECT kind FROM pair_history WHERE least(town_a, town_b) = least($1::uuid, $2::uuid) AND greatest(town_a, town_b) = greatest($1::uuid, $2::uuid)`,
      [x, y],
    );
    expect(rest.map((r: { kind: string }) => r.kind)).toContain('declined');
    const audit = await ds.query(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY created_at`, [id]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(expect.arrayContaining(['tandem.fit_confirmed', 'tandem.not_a_fit']));
    // The office sees both answers.
    const seen = (await office.get(`/api/tandems/${id}`).expect(200)).body;
    expect(seen.stateLabel).toBe('beendet, weil es nicht passte');
    expect(seen.fit.answers.map((f: { label: string; reason: string }) => [f.label, f.reason])).toEqual([
      ['passt', ''],
      ['passt nicht', 'Unsere Schwerpunkte liegen zu weit auseinander.'],
    ]);
    // Fresh suggestions right away (not after the debounce), and the slot is free.
    await eventually(
      'a suggestions run started by the fit check',
      async () => {
        const [r] = await ds.query(`SELECT count(*)::int AS n FROM matching_run WHERE trigger = 'not_a_fit' AND status = 'done'`);
        return r.n > runsBefore ? true : undefined;
      },
      60_000,
    );
    const [{ live }] = await ds.query(
      `SELECT count(*)::int AS live FROM tandem WHERE (town_a = $1 OR town_b = $1) AND state IN ('requested','proposed','accepted','approved','active')`,
      [y],
    );
    expect(live).toBe(0);
  });

  it('a conclusion needs both results or the deadline; the office sees the results on the page, in the CSV and in the report figures', async () => {
    const [x, y] = await Promise.all(['Penkun', 'Stadtroda'].map((n) => townIdByName(ds, n)));
    const a = await contactOf(t, ds, x, 'bgm@ergebnis-a.test', 'Erika Esche');
    const b = await contactOf(t, ds, y, 'bgm@ergebnis-b.test', 'Emil Erle');
    const id = (await a.agent.post('/api/tandems').send({ partnerTownId: y }).expect(201)).body.id;
    await b.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    await office.post(`/api/tandems/${id}/approve`).send({}).expect(200);
    await a.agent.post(`/api/tandems/${id}/start`).send({}).expect(200);
    // No result yet: nobody concludes without one, not even the office.
    expect((await office.post(`/api/tandems/${id}/conclude`).send({}).expect(409)).body.error).toBe('result_pending');
    const given = (
      await a.agent
        .post(`/api/tandems/${id}/conclude`)
        .send({
          tried: 'Dorfladen nach dem Partnermodell',
          learnt: 'Genossenschaft gründen',
          adoption: 'planned',
          rating: 4,
          mayPublish: true,
        })
        .expect(200)
    ).body;
    expect(given.state).toBe('active');
    expect(
      (
        await a.agent
          .post(`/api/tandems/${id}/conclude`)
          .send({ tried: 'noch einmal', learnt: 'noch einmal', adoption: 'yes', rating: 3 })
          .expect(409)
      ).body.error,
    ).toBe('result_given');
    await eventually('the partner asked for its result', () =>
      t.smtp.mails.find(
        (m) =>
          m.subject === 'Penkun hat das Ergebnis des Tandems eingetragen' &&
          [m.to].flat().some((to) => to?.text.includes('bgm@ergebnis-b.test')),
      ),
    );
    // The deadline passes without the second result: the hourly job concludes with the one there is.
    const tandems = t.worker.get(TandemRemindersService);
    await tandems.runReminders(new Date(new Date(given.resultDueAt).getTime() - 3600_000));
    expect((await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]))[0].state).toBe('active');
    await tandems.runReminders(new Date(new Date(given.resultDueAt).getTime() + 3600_000));
    const done = (await office.get(`/api/tandems/${id}`).expect(200)).body;
    expect(done.state).toBe('concluded');
    expect(done.timeline.at(-1)).toMatchObject({ action: 'conclude', actor: 'system' });
    expect(done.results).toEqual([expect.objectContaining({ townName: 'Penkun', adoptionLabel: 'geplant', rating: 4, mayPublish: true })]);

    const csv = (await office.get('/geschaeftsstelle/tandems/export.csv').expect(200)).text;
    const row = csv.split('\r\n').find((l) => l.includes('Penkun') && l.includes('Stadtroda'))!;
    expect(row.endsWith(';4;geplant;ja;;;')).toBe(true);
    const report = (await office.get('/geschaeftsstelle/berichtszahlen').expect(200)).text;
    expect(report).toContain(`Ergebnisse der ${new Date().getFullYear()} abgeschlossenen Tandems`);
    expect(report).toContain('Veröffentlichung als Praxisbeispiel erlaubt');
  });

  it('"Kein Interesse" can be undone by the town that chose it: listed, restored, suggested again (issue 25)', async () => {
    const boenen = await townIdByName(ds, 'Bönen');
    const c = await contactOf(t, ds, boenen, 'bgm@boenen.test', 'Berta Birke');
    await computeMatching(t, ['suggestions']);
    const partnerIds = async () =>
      (await c.agent.get(`/api/towns/${boenen}/suggestions`).expect(200)).body.suggestions.map(
        (s: { partner: { id: string } }) => s.partner.id,
      );
    const [hidden] = await partnerIds();
    await c.agent.post('/api/tandems/dismissals').send({ partnerTownId: hidden }).expect(204);
    expect((await c.agent.get('/api/tandems/dismissals').expect(200)).body.map((d: { partnerId: string }) => d.partnerId)).toEqual([
      hidden,
    ]);
    const [{ name }] = await ds.query(`SELECT m.name FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = $1`, [hidden]);
    const page = (await c.agent.get('/tandems').expect(200)).text;
    expect(page).toContain('Ausgeblendete Kommunen');
    expect(page).toContain(`action="/tandems/wieder-anzeigen/${hidden}"`);
    expect(page).toContain(name);
    await computeMatching(t, ['suggestions']);
    expect(await partnerIds()).not.toContain(hidden);

    const csrf = await formToken(c.agent, '/tandems');
    await c.agent
      .post(`/tandems/wieder-anzeigen/${hidden}`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303)
      .expect('Location', '/tandems?ausgeblendet=zurueck');
    await c.agent.delete(`/api/tandems/dismissals/${hidden}`).expect(404); // nothing left to undo
    expect((await c.agent.get('/api/tandems/dismissals').expect(200)).body).toEqual([]);
    await computeMatching(t, ['suggestions']);
    expect(await partnerIds()).toContain(hidden);
  });
});
