import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { computeMatching, contactOf, eventually, townIdByName } from '../factories/tandems.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;
type Contact = Awaited<ReturnType<typeof contactOf>>;

const CONTENT = {
  title: 'Leerstandskataster mit Briefen an die Eigentümer',
  summary: 'Wir haben alle Leerstände in der Innenstadt erfasst und die Eigentümerinnen und Eigentümer persönlich angeschrieben.',
  challenges: ['Wie bringen wir leere Läden am Markt wieder in Nutzung?'],
  topics: ['leerstand', 'innenstadt'],
  steps: [
    { what: 'Begehung der Innenstadt und Kataster in einer Tabelle', actor: 'Bauamt', effort: '3 Tage', duration: '2 Wochen' },
    { what: 'Briefe und Telefonate mit den Eigentümern', actor: 'Bürgermeister', budget: '500 Euro', funding: 'Städtebauförderung' },
  ],
  results: [{ text: 'Läden wieder vermietet', figure: '7 von 19' }],
  notWorked: 'Eigentümer, die weit weg wohnen, haben selten geantwortet.',
  transferConditions: 'Ein Mensch in der Verwaltung mit etwas Zeit und ein Verfügungsfonds.',
  status: 'established',
  openForVisits: true,
  methods: ['pop-up-labor'],
};

// Issue 27: the Methodenkoffer end to end — from a concluded tandem to a published example found by a German query.
describe.each(MODES)('Methodenkoffer (%s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let a: Contact;
  let b: Contact;
  let officeEmail: string;

  const mailTo = (email: string, subject: string) =>
    eventually(`the mail "${subject}" to ${email}`, () =>
      t.smtp.mails.find((m) => m.subject?.includes(subject) && [m.to].flat().some((to) => to?.text.includes(email))),
    );
  const stateOf = async (id: string) =>
    (await ds.query(`SELECT state, title, updated_at AS "updatedAt" FROM practice WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    t = await bootApp('practices', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    officeEmail = DEMO_OFFICE_EMAIL;
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    const [x, y] = await Promise.all(['Demmin', 'Vlotho'].map((n) => townIdByName(ds, n)));
    a = await contactOf(t, ds, x, 'bgm@koffer-a.test', 'Anna Amsel');
    b = await contactOf(t, ds, y, 'bgm@koffer-b.test', 'Bernd Birke');
    await computeMatching(t, ['suggestions']);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('the German text search configuration exists in this database and stems plurals', async () => {
    const [cfg] = await ds.query(`SELECT count(*)::int AS n FROM pg_ts_config WHERE cfgname = 'german'`);
    expect(cfg.n).toBe(1);
    const [r] = await ds.query(
      `SELECT to_tsvector('german', 'Leerstand und Radweg') @@ websearch_to_tsquery('german', 'Leerstände') AS a,
              to_tsvector('german', 'Leerstand und Radweg') @@ websearch_to_tsquery('german', 'Radwege') AS b`,
    );
    expect(r).toEqual({ a: true, b: true });
  });

  it('concluded tandem → pre-filled draft → submitted → published → found by a stemmed query → readable anonymously without contact address', async () => {
    // A tandem of A and B, through to concluded with both results.
    const tandemId = (await a.agent.post('/api/tandems').send({ partnerTownId: b.townId }).expect(201)).body.id;
    await b.agent.post(`/api/tandems/${tandemId}/accept`).send({}).expect(200);
    await office.post(`/api/tandems/${tandemId}/approve`).send({}).expect(200);
    await a.agent.post(`/api/tandems/${tandemId}/start`).send({}).expect(200);
    const result = {
      tried: 'Kataster der leeren Läden',
      learnt: 'Eigentümer früh ansprechen',
      adoption: 'yes',
      rating: 5,
      topics: ['leerstand'],
    };
    await a.agent.post(`/api/tandems/${tandemId}/conclude`).send(result).expect(200);
    await b.agent.post(`/api/tandems/${tandemId}/conclude`).send(result).expect(200);

    // The tandem page offers to keep it; the form opens a pre-filled draft, a second click the same one.
    const page = (await a.agent.get(`/tandems/${tandemId}`).expect(200)).text;
    expect(page).toContain('Als Anwendungsbeispiel im Methodenkoffer festhalten');
    const token = await formToken(a.agent, `/tandems/${tandemId}`);
    const first = await a.agent.post(`/methodenkoffer/aus-tandem/${tandemId}`).type('form').send({ _csrf: token }).expect(303);
    const id = /\/methodenkoffer\/([0-9a-f-]{36})\/bearbeiten\?erledigt=angelegt/.exec(first.headers.location)![1];
    const again = await a.agent.post(`/methodenkoffer/aus-tandem/${tandemId}`).type('form').send({ _csrf: token }).expect(303);
    expect(again.headers.location).toBe(`/methodenkoffer/${id}/bearbeiten?erledigt=vorhanden`);
    const draft = (await a.agent.get(`/api/practices/${id}`).expect(200)).body;
    expect(draft.published).toBeNull();
    expect(draft.working).toMatchObject({
      state: 'draft',
      origin: 'tandem',
      tandemId,
      title: 'Erfahrungen aus dem Tandem mit Vlotho',
      summary: 'Eigentümer früh ansprechen',
      steps: [expect.objectContaining({ what: 'Kataster der leeren Läden' })],
      context: expect.objectContaining({ townName: 'Demmin', stateName: 'Mecklenburg-Vorpommern', ags: expect.stringMatching(/^\d{8}$/) }),
    });
    expect(draft.working.topics).toContain('leerstand');
    expect((await a.agent.get(`/methodenkoffer/${id}/bearbeiten`).expect(200)).text).toContain('Erfahrungen aus dem Tandem mit Vlotho');

    // Nobody else sees or edits the draft; the office only reviews.
    await request(t.url).get(`/api/practices/${id}`).expect(404);
    await b.agent.get(`/api/practices/${id}`).expect(404);
    await b.agent.patch(`/api/practices/${id}`).send({ title: 'Fremd' }).expect(404);
    await office.patch(`/api/practices/${id}`).send({ title: 'Amt' }).expect(403);
    await a.agent.post(`/api/practices/${id}/publish`).send({}).expect(403);

    // Bad input: 400 with clear messages, nothing changes.
    const before = await stateOf(id);
    const bad = await a.agent
      .patch(`/api/practices/${id}`)
      .send({ title: 5, steps: 'viele', topics: ['gibt-es-nicht'], colour: 'rot' })
      .expect(400);
    expect(bad.body.message).toEqual(expect.stringContaining('title must be a string'));
    expect(bad.body.message).toEqual(expect.stringContaining('steps must be an array of objects'));
    expect(bad.body.message).toEqual(expect.stringContaining('Unknown field colour'));
    const tooMany = await a.agent
      .patch(`/api/practices/${id}`)
      .send({ challenges: ['1?', '2?', '3?', '4?'], contactUserId: b.userId })
      .expect(400);
    expect(tooMany.body.message).toContain('At most 3 challenge questions');
    expect(tooMany.body.message).toContain('The contact person must be a confirmed contact of your town');
    expect(await stateOf(id)).toEqual(before);
    // Submitting the incomplete draft says what is missing.
    await a.agent.patch(`/api/practices/${id}`).send({ challenges: [] }).expect(200);
    expect((await a.agent.post(`/api/practices/${id}/submit`).expect(400)).body.message).toContain(
      'At least one challenge question is required',
    );

    // Filled in, submitted: the office gets a mail; the town can no longer edit while it is under review.
    await a.agent
      .patch(`/api/practices/${id}`)
      .send({ ...CONTENT, contactUserId: a.userId })
      .expect(200);
    await a.agent.post(`/api/practices/${id}/submit`).expect(200);
    await mailTo(officeEmail, 'Methodenkoffer: Demmin hat ein Anwendungsbeispiel eingereicht');
    expect((await a.agent.patch(`/api/practices/${id}`).send({ title: 'Noch schnell' }).expect(409)).body.error).toBe('under_review');
    expect((await office.get('/api/practices/review').expect(200)).body.map((r: { id: string }) => r.id)).toContain(id);
    expect((await office.get(`/geschaeftsstelle/methodenkoffer`).expect(200)).text).toContain(CONTENT.title);

    // The office publishes on its page; the town's contacts get a mail.
    const officeToken = await formToken(office, `/methodenkoffer/${id}`);
    await office
      .post(`/geschaeftsstelle/methodenkoffer/${id}/pruefung`)
      .type('form')
      .send({ _csrf: officeToken, decision: 'publish' })
      .expect(303);
    await mailTo('bgm@koffer-a.test', `Ihr Anwendungsbeispiel „${CONTENT.title}“ steht im Methodenkoffer`);
    expect((await stateOf(id)).state).toBe('published');

    // Found by stemmed German queries in the API and on the page.
    for (const q of ['Leerstände', 'Leerstand', 'Eigentümern', 'vermietete Läden']) {
      const hits = (await request(t.url).get('/api/practices').query({ q }).expect(200)).body;
      expect({ q, ids: hits.items.map((h: { id: string }) => h.id) }).toEqual({ q, ids: expect.arrayContaining([id]) });
    }
    expect((await request(t.url).get('/api/practices').query({ q: 'Radwege' }).expect(200)).body.items).toEqual([]);
    expect((await request(t.url).get('/methodenkoffer').query({ q: 'Leerstände' }).expect(200)).text).toContain(CONTENT.title);
    // Filters: topic, method, Land (code or name), size class, status.
    const filtered = async (query: Record<string, string>) =>
      (await request(t.url).get('/api/practices').query(query).expect(200)).body.items.map((h: { id: string }) => h.id);
    expect(await filtered({ topic: 'leerstand', method: 'pop-up-labor', land: 'Mecklenburg-Vorpommern', status: 'established' })).toContain(
      id,
    );
    expect(await filtered({ land: '13' })).toContain(id);
    expect(await filtered({ land: '05' })).not.toContain(id);
    expect(await filtered({ topic: 'tourismus' })).not.toContain(id);
    expect(await filtered({ status: 'idea' })).not.toContain(id);

    // Anonymous: the published example with its contact's name, never the address.
    const anon = (await request(t.url).get(`/api/practices/${id}`).expect(200)).body;
    expect(anon.working).toBeNull();
    expect(anon.published).toMatchObject({
      title: CONTENT.title,
      version: 1,
      licence: 'CC-BY-4.0',
      contact: { name: 'Anna Amsel', email: null },
    });
    expect(JSON.stringify(anon)).not.toContain('koffer-a.test');
    const anonPage = (await request(t.url).get(`/methodenkoffer/${id}`).expect(200)).text;
    expect(anonPage).toContain(CONTENT.title);
    expect(anonPage).toContain('CC BY 4.0');
    expect(anonPage).not.toContain('koffer-a.test');
    // A verified town sees the address.
    expect((await b.agent.get(`/api/practices/${id}`).expect(200)).body.published.contact.email).toBe('bgm@koffer-a.test');

    // Exports name the licence; the CSV is for German Excel and carries no contact address.
    const csv = await request(t.url)
      .get('/methodenkoffer/export.csv')
      .buffer(true)
      .parse((res, cb) => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString('utf8')));
        res.on('end', () => cb(null, s));
      });
    expect(csv.status).toBe(200);
    const text = csv.body as string;
    expect(text.startsWith('\uFEFFTitel;Kommune;AGS;Bundesland;')).toBe(true);
    expect(text).toContain(CONTENT.title);
    expect(text).toContain('CC BY 4.0');
    expect(text).not.toContain('koffer-a.test');
    const json = (await request(t.url).get('/methodenkoffer/export.json').expect(200)).body;
    const entry = json.examples.find((e: { id: string }) => e.id === id);
    expect(entry.licence).toEqual({ id: 'CC-BY-4.0', name: 'CC BY 4.0', url: expect.stringContaining('creativecommons.org') });
    expect(entry.attribution).toContain('Demmin');

    // Every step is in the audit trail.
    const actions = (
      await ds.query(`SELECT action FROM audit_log WHERE subject_type = 'practice' AND subject_id = $1 ORDER BY id`, [id])
    ).map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['practice.drafted', 'practice.edited', 'practice.submitted', 'practice.published']));
  });

  it('returned with a comment, revised, published; a later edit keeps the published version until the next one (history kept)', async () => {
    const id = (await a.agent.post('/api/practices').send({ origin: 'own' }).expect(201)).body.id;
    await a.agent
      .patch(`/api/practices/${id}`)
      .send({ ...CONTENT, title: 'Radwege zum Bahnhof', topics: ['mobilitaet'], methods: [] })
      .expect(200);
    await a.agent.post(`/api/practices/${id}/submit`).expect(200);
    // A return needs a comment: 400, nothing changes.
    expect((await office.post(`/api/practices/${id}/return`).send({ comment: 'kurz' }).expect(400)).body.error).toBe('comment_required');
    expect((await stateOf(id)).state).toBe('submitted');
    const comment = 'Bitte nennen Sie die Kosten je Kilometer Radweg.';
    const back = (await office.post(`/api/practices/${id}/return`).send({ comment }).expect(200)).body;
    expect(back.working).toMatchObject({ state: 'returned', reviewComment: comment });
    const mail = await mailTo('bgm@koffer-a.test', 'Ihr Anwendungsbeispiel „Radwege zum Bahnhof“: ein Hinweis der Geschäftsstelle');
    expect(mail.text).toContain(comment);
    expect((await a.agent.get(`/methodenkoffer/${id}/bearbeiten`).expect(200)).text).toContain(comment);
    // The office cannot publish what is not submitted; still unpublished for others.
    expect((await office.post(`/api/practices/${id}/publish`).expect(409)).body.error).toBe('wrong_state');
    await request(t.url).get(`/api/practices/${id}`).expect(404);

    // Revised on the page form and submitted again, then published.
    const token = await formToken(a.agent, `/methodenkoffer/${id}/bearbeiten`);
    const form = {
      _csrf: token,
      title: 'Radwege zum Bahnhof',
      summary: 'Ein sicherer Radweg vom Ortsteil zum Bahnhof, in drei Abschnitten gebaut.',
      challenge: ['Wie kommen Pendler ohne Auto zum Zug?', '', ''],
      topics: ['mobilitaet'],
      step_what: ['Trasse mit dem Landkreis abgestimmt', ''],
      step_actor: ['Bauamt', ''],
      step_effort: ['', ''],
      step_budget: ['120.000 Euro je Kilometer', ''],
      step_funding: ['Sonderprogramm Stadt und Land', ''],
      step_duration: ['18 Monate', ''],
      result_text: ['Pendler mit dem Rad'],
      result_figure: ['+40 %'],
      status: 'running',
      contactUserId: a.userId,
      licence: 'CC-BY-4.0',
      action: 'einreichen',
    };
    const sent = await a.agent.post(`/methodenkoffer/${id}/bearbeiten`).type('form').send(form).expect(303);
    expect(sent.headers.location).toBe(`/methodenkoffer/${id}?erledigt=eingereicht`);
    await office.post(`/api/practices/${id}/publish`).expect(200);
    const v1 = (await request(t.url).get(`/api/practices/${id}`).expect(200)).body.published;
    expect(v1).toMatchObject({ version: 1, title: 'Radwege zum Bahnhof', results: [{ text: 'Pendler mit dem Rad', figure: '+40 %' }] });
    expect(
      (await request(t.url).get('/api/practices').query({ q: 'Radweg' }).expect(200)).body.items.map((h: { id: string }) => h.id),
    ).toContain(id);

    // Edited after publication: a new working copy; the public still reads version 1 until the office publishes again.
    await a.agent.patch(`/api/practices/${id}`).send({ title: 'Radwege zum Bahnhof und zur Schule' }).expect(200);
    expect((await stateOf(id)).state).toBe('draft');
    expect((await request(t.url).get(`/api/practices/${id}`).expect(200)).body.published.title).toBe('Radwege zum Bahnhof');
    await a.agent.post(`/api/practices/${id}/submit`).expect(200);
    await office.post(`/api/practices/${id}/publish`).expect(200);
    const v2 = (await request(t.url).get(`/api/practices/${id}`).expect(200)).body;
    expect(v2.published).toMatchObject({ version: 2, title: 'Radwege zum Bahnhof und zur Schule' });
    expect(v2.history.map((h: { version: number }) => h.version)).toEqual([2, 1]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM practice_version WHERE practice_id = $1 AND is_current`, [id]);
    expect(n).toBe(1);
  });

  it('bad queries and sources answer 400 with the field named; a page shows the German message', async () => {
    for (const [query, field] of [
      [{ size: 'riesig' }, 'size class'],
      [{ land: 'Atlantis' }, 'Land'],
      [{ topic: 'gibt-es-nicht' }, 'topic'],
      [{ status: 'fertig' }, 'status'],
      [{ page: '-1' }, 'page'],
      [{ q: 'x'.repeat(201) }, '200 characters'],
    ] as const) {
      const res = await request(t.url).get('/api/practices').query(query).expect(400);
      expect(res.body.message).toContain(field);
    }
    const page = await request(t.url).get('/methodenkoffer').query({ groesse: 'riesig' }).expect(400);
    expect(page.text).toContain('Diese Größenklasse gibt es nicht.');
    expect((await a.agent.post('/api/practices').send({ origin: 'tandem' }).expect(400)).body.message).toBe('tandemId must be a UUID');
    expect((await a.agent.post('/api/practices').send({ origin: 'irgendwo' }).expect(400)).body.error).toBe('invalid_source');
    // A tandem that is not the town's: 404; an open one: 409.
    await a.agent.post('/api/practices').send({ origin: 'tandem', tandemId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    const [x] = await Promise.all(['Wurzen'].map((n) => townIdByName(ds, n)));
    const open = (await a.agent.post('/api/tandems').send({ partnerTownId: x }).expect(201)).body.id;
    expect((await a.agent.post('/api/practices').send({ origin: 'tandem', tandemId: open }).expect(409)).body.error).toBe(
      'tandem_not_concluded',
    );
    // The office writes no examples.
    expect((await office.post('/api/practices').send({ origin: 'own' }).expect(403)).body.message).toBeDefined();
  });
});
