import { join } from 'node:path';
import request from 'supertest';
import {
  apiRoutes,
  FIELDS,
  fuzz,
  LOGOUT,
  QUERY_KEYS,
  RouteTemplate,
  semanticRequests,
  sendAll,
  signedInIdentity,
} from '../../scripts/fuzz-write-routes';
import { withCommands } from '../../src/commands/run-command';
import { REPO_ROOT, TEMPLATES_DIR } from '../../src/common/paths';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { TANDEM_ACTIONS } from '../../src/tandems/core/tandem-transitions.util';
import { computeMatching } from '../factories/tandems.factory';
import { computeWorkshops } from '../factories/workshops.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';
import { listRoutes, listWriteRoutes, pageForms, sourceBodyFields, sourceQueryKeys } from '../utils/write-routes';

// The fuzz script's generators on a reduced count (the full run: scripts/fuzz-write-routes.ts, >= 10,000 requests).
const PER_IDENTITY = Number(process.env.FUZZ_COUNT ?? 630);
const WORKSHOP_STEPS = ['publish', 'close', 'confirm', 'hold', 'document', 'cancel'];

describe('fuzzing every route gives no answer >= 500 (issue 9 item 5; issue 24: every route, ill-typed values, real ids)', () => {
  let t: TestApp;
  let logins: Record<'office' | 'mayor', { email: string; password: string }>;
  const ids: Record<'town' | 'partner' | 'user' | 'tandem' | 'workshop' | 'run' | 'mail' | 'event', string> = {} as never;
  let templates: RouteTemplate[];
  let queryKeys: string[];
  let bodyFields: string[];

  beforeAll(async () => {
    t = await bootApp('sec_fuzz', { LOGIN_RATE_LIMIT: '1000', LOGIN_ACCOUNT_RATE_LIMIT: '1000', REGISTRATION_RATE_LIMIT: '10000' });
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    logins = {
      office: { email: DEMO_OFFICE_EMAIL, password: seed.logins.find((l) => l.email === DEMO_OFFICE_EMAIL)!.password! },
      mayor: { email: DEMO_MAYOR_EMAIL, password: seed.logins.find((l) => l.email === DEMO_MAYOR_EMAIL)!.password! },
    };
    await computeMatching(t, ['suggestions']);
    ids.run = await computeWorkshops(t, 'leerstand');

    // Real entities, so that a route taking an id gets past the lookup to its own checks of the body.
    const mayor = request.agent(t.url);
    const me = (await mayor.post('/api/auth/login').send(logins.mayor).expect(200)).body;
    ids.town = me.townId;
    ids.user = me.id;
    const partner = (await mayor.get(`/api/towns/${ids.town}/suggestions`).expect(200)).body.suggestions[0].partner;
    ids.partner = partner.id;
    ids.tandem = (await mayor.post('/api/tandems').send({ partnerTownId: partner.id, message: 'Guten Tag' }).expect(201)).body.id;
    const office = request.agent(t.url);
    await office.post('/api/auth/login').send(logins.office).expect(200);
    ids.workshop = (await office.post('/api/workshops').send({ theme: 'leerstand' }).expect(201)).body.id;
    await office.post(`/api/workshops/${ids.workshop}/invitations`).send({ townId: ids.town }).expect(200);
    // A published event (issue 28), so that its routes get past the lookup.
    const day = (d: number, h: number) => `${new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10)}T${h}:00`;
    ids.event = (
      await office
        .post('/api/events')
        .send({
          kind: 'forum',
          title: 'Forum',
          format: 'online',
          onlineLink: 'https://konferenz.example/f',
          startsAt: day(30, 10),
          endsAt: day(30, 12),
          registrationDeadline: day(20, 10),
          placesTotal: 20,
        })
        .expect(201)
    ).body.id;
    await office.post(`/api/events/${ids.event}/publish`).expect(200);
    await request(t.url).post('/api/auth/password-reset').send({ email: logins.mayor.email }).expect(202);
    ids.mail = (await t.db.query(`SELECT id FROM mail_delivery ORDER BY created_at LIMIT 1`)).rows[0].id;

    // Every route Express has; API routes with the body fields and query keys of the OpenAPI document, page routes
    // with the fields of each template form that posts to them (one template per form: its hidden `action` decides
    // the branch), and the tandem and workshop steps once per action.
    const api = new Map((await apiRoutes(t.url)).map((r) => [`${r.method} ${r.path}`, r]));
    const forms = pageForms(join(TEMPLATES_DIR, 'pages'));
    bodyFields = sourceBodyFields(join(REPO_ROOT, 'src'));
    queryKeys = [...new Set([...QUERY_KEYS, ...sourceQueryKeys(join(REPO_ROOT, 'src'))])];
    templates = listRoutes(t.app).flatMap((r): RouteTemplate[] => {
      if (r.path.startsWith('/api/')) return [{ ...r, ...api.get(`${r.method} ${r.path}`), method: r.method, path: r.path }];
      const sample = r.path.replace(/:\w+/g, 'x');
      const own = forms.filter((f) => f.method === (r.method === 'get' ? 'get' : 'post') && f.action.test(sample));
      if (r.method === 'get') return [{ ...r, query: [...new Set(own.flatMap((f) => f.fields))] }];
      if (!own.length) return [r]; // fields unknown: every field name any route reads (defaultFields)
      const steps = /\/tandems\/:id\/schritt$/.test(r.path)
        ? TANDEM_ACTIONS
        : /werkstaetten\/:id\/schritt$/.test(r.path)
          ? WORKSHOP_STEPS
          : [];
      const branches = own.map((f) => ({ fields: f.fields, good: f.fixed }));
      const allFields = [...new Set(['action', ...own.flatMap((f) => f.fields)])];
      for (const action of steps) branches.push({ fields: allFields, good: { action } });
      return branches.map((b) => ({ ...r, fields: b.fields, good: b.good }));
    });
  }, 180_000);
  afterAll(() => t?.close());

  const idFor = (path: string, param: string): string => {
    if (param === 'userId') return ids.user;
    if (param === 'partnerId') return ids.partner;
    if (param === 'action') return 'haupt';
    const before = path.slice(0, path.indexOf(`:${param}`));
    if (/(werkstaetten|workshops)\/$/.test(before)) return ids.workshop;
    if (/(veranstaltungen|events)\/$/.test(before)) return ids.event;
    if (/tandems\/$/.test(before)) return ids.tandem;
    if (/runs\/$/.test(before)) return ids.run;
    if (/outbox\/$/.test(before)) return ids.mail;
    return ids.town;
  };

  const as = async (who: 'anonymous' | 'mayor' | 'office') =>
    who === 'anonymous' ? undefined : signedInIdentity(t.url, logins[who].email, logins[who].password);

  it('the three inputs the audit found give 400 with a clear message (English on the API, German on the pages), nothing stored', async () => {
    const office = request.agent(t.url);
    await office.post('/api/auth/login').send(logins.office).expect(200);
    const mayor = request.agent(t.url);
    await mayor.post('/api/auth/login').send(logins.mayor).expect(200);
    const counts = async () =>
      (
        await t.db.query(
          `SELECT (SELECT count(*) FROM workshop)::int AS w, (SELECT count(*) FROM workshop_invitation)::int AS i, (SELECT count(*) FROM tandem)::int AS t`,
        )
      ).rows[0];
    const before = await counts();

    // A townId that is no uuid (was: PostgreSQL's uuid cast, 500).
    let csrf = await formToken(office, `/geschaeftsstelle/werkstaetten/${ids.workshop}`);
    const invite = await office
      .post(`/geschaeftsstelle/werkstaetten/${ids.workshop}/einladen`)
      .type('form')
      .send({ _csrf: csrf, townId: 'abc' });
    expect(invite.status).toBe(400);
    expect(invite.text).toContain('Bitte wählen Sie eine Kommune aus.');
    expect((await office.post(`/api/workshops/${ids.workshop}/invitations`).send({ townId: 'abc' }).expect(400)).body.message).toEqual(
      expect.arrayContaining([expect.stringMatching(/townId must be a UUID/)]),
    );

    // A group number 1.5 or 2^31 (was: the smallint column, 500).
    csrf = await formToken(office, '/geschaeftsstelle/werkstaetten');
    for (const groupNo of ['1.5', String(2 ** 31), '-1', '1e3']) {
      const page = await office.post('/geschaeftsstelle/werkstaetten').type('form').send({ _csrf: csrf, runId: ids.run, groupNo });
      expect([groupNo, page.status]).toEqual([groupNo, 400]);
      expect(page.text).toContain('Die Gruppennummer muss eine ganze Zahl von 1 bis 10000 sein.');
    }
    for (const groupNo of [1.5, 2 ** 31]) await office.post('/api/workshops').send({ runId: ids.run, groupNo }).expect(400);

    // The topic sent as a list (was: input.topic?.trim is not a function, 500).
    csrf = await formToken(mayor, `/meine-kommune`);
    const asked = await mayor
      .post(`/tandems/anfragen/${ids.partner}`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&topic=a&topic=b`);
    expect(asked.status).toBe(400);
    expect(asked.text).toContain('Das Thema muss Text sein.');
    const api = await mayor
      .post('/api/tandems')
      .send({ partnerTownId: ids.partner, topic: ['leerstand'] })
      .expect(400);
    expect(JSON.stringify(api.body.message)).toMatch(/topic/);

    expect(await counts()).toEqual(before);
  });

  it.each(['anonymous', 'mayor', 'office'] as const)(
    'malformed requests to every write route, as %s',
    async (who) => {
      const identity = await as(who);
      const routes = listWriteRoutes(t.app).filter((r) => !identity || !LOGOUT.test(r.path));
      expect(routes.length).toBeGreaterThanOrEqual(14);
      const r = await fuzz(t.url, routes, PER_IDENTITY, { seed: who.length, identity });
      expect(r.sent).toBe(PER_IDENTITY);
      expect(r.serverErrors).toEqual([]);
      // Every class was sent and answered (0 = the server closed early on an oversized body, also no 5xx).
      expect(Object.keys(r.byClass).length).toBeGreaterThanOrEqual(20);
    },
    300_000,
  );

  it.each(['anonymous', 'mayor', 'office'] as const)(
    'ill-typed path parameters, body fields and query keys on every route (GET too), with real ids, as %s',
    async (who) => {
      const identity = await as(who);
      // Not /health: its 503 reports a dependency that is down, whatever the request (it takes no input).
      const own = templates.filter((r) => (!identity || !LOGOUT.test(r.path)) && !r.path.startsWith('/health'));
      expect(new Set(own.map((r) => r.method))).toEqual(new Set(['get', 'post', 'put', 'patch', 'delete']));
      const r = await sendAll(
        t.url,
        semanticRequests(own, {
          defaultFields: [...new Set([...FIELDS, ...bodyFields])],
          idFor,
          queryKeys,
          goodValues: { townId: ids.town, partnerTownId: ids.partner, hostTownId: ids.town, userId: ids.user, runId: ids.run },
        }),
        { identity, concurrency: 8 },
      );
      console.log(`semantic fuzz as ${who}: ${r.sent} requests`, JSON.stringify(r.byClass));
      expect(r.serverErrors).toEqual([]);
      expect(Object.keys(r.byClass).sort()).toEqual(['bad-field', 'bad-path-param', 'bad-query', 'real-ids']);
      // Signed in, the handlers' own checks answer: many requests get past the login to a 400, 404 or 409.
      const statuses = Object.values(r.byClass).flatMap((c) => Object.keys(c.byStatus).map(Number));
      if (identity) expect(statuses).toEqual(expect.arrayContaining([200, 400, 404]));
    },
    300_000,
  );
});
