import request from 'supertest';
import { DataSource } from 'typeorm';
import { sizeClassOf } from '../../src/municipalities/size-class.util';
import { quarterKey, quarterLabel, quarterWindow } from '../../src/admin/seismograph.util';
import type { SessionUser } from '../../src/auth/session-user';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { TownRepository } from '../../src/municipalities/town.repository';
import { PracticesService } from '../../src/practices/practices.service';
import { contactOf, townIdByName } from '../factories/tandems.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';

type Agent = ReturnType<typeof request.agent>;
interface ApiTopic {
  topic: string;
  newChallenges: number[];
  newInterest: number[];
  newExamples: number[];
  challenges: number;
  interest: number;
  examples: number;
  trend: { challenge: string; interest: string; example: string };
  needsExamples: boolean;
}

const rawBody = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

// SQL for the three moments of the fixture: this quarter (now), the quarter before (ten days before this one began,
// in German time) and long ago (before the eight quarters shown; in the totals only).
const NOW = `now()`;
const PREV = `(date_trunc('quarter', now() AT TIME ZONE 'Europe/Berlin') - interval '10 days') AT TIME ZONE 'Europe/Berlin'`;
const OLD = `now() - interval '5 years'`;

/**
 * The profiles' challenges and topics (town, topic, when) and two published examples. Towns count once per topic, in
 * the quarter they first named it: Demmin names Leerstand twice, first in the quarter before.
 */
const CHALLENGES: [string, string, string, string][] = [
  ['Demmin', 'leerstand', 'Leere Läden am Markt', PREV],
  ['Demmin', 'leerstand', 'Leere Wohnungen im Plattenbau', NOW],
  ['Vlotho', 'leerstand', 'Leerstand in der Langen Straße', NOW],
  ['Nieheim', 'leerstand', 'Leere Bauernhöfe', NOW],
  ['Wurzen', 'leerstand', 'Leerstand am Bahnhof', OLD],
  ['Mölln', 'mobilitaet', 'Kein Bus am Abend', PREV],
  ['Nieheim', 'mobilitaet', 'Ortsteile ohne Bus', PREV],
  ['Seelow', 'mobilitaet', 'Pendeln nach Berlin', NOW],
];
const TOPICS: [string, string, string][] = [
  ['Vlotho', 'leerstand', NOW],
  ['Demmin', 'mobilitaet', PREV],
];
const EXAMPLES: [string, string, string][] = [
  ['Nieheim', 'mobilitaet', 'Bürgerbus für die Ortsteile'],
  ['Seelow', 'mobilitaet', 'Mitfahrbank an der Bundesstraße'],
];

// Issue 27: the office's Seismograph on seeded data, in both modes: figures, filters, the page with its chart, the CSV,
// refused filters and who may read it.
describe.each(MODES)('Seismograph (%s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let mayor: Agent;
  const now = new Date();
  const cur = quarterKey(now);
  const [prev] = quarterWindow(cur, 2);

  const api = async (query: Record<string, string> = {}) => {
    const body = (await office.get('/api/admin/seismograph').query(query).expect(200)).body;
    return { ...body, of: (slug: string) => body.topics.find((x: ApiTopic) => x.topic === slug) as ApiTopic | undefined };
  };

  beforeAll(async () => {
    t = await bootApp('seismograph', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    mayor = request.agent(t.url);
    await mayor.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200);

    // Only the fixture's profile entries: the demo profiles were all written just now.
    await ds.query(`DELETE FROM town_challenge`);
    await ds.query(`DELETE FROM town_topic`);
    for (const [town, topic, text, when] of CHALLENGES)
      await ds.query(`INSERT INTO town_challenge (town_id, topic_slug, text, urgency, created_at) VALUES ($1, $2, $3, 2, ${when})`, [
        await townIdByName(ds, town),
        topic,
        text,
      ]);
    for (const [town, topic, when] of TOPICS)
      await ds.query(`INSERT INTO town_topic (town_id, topic_slug, created_at) VALUES ($1, $2, ${when})`, [
        await townIdByName(ds, town),
        topic,
      ]);

    const practices = t.app.get(PracticesService);
    const [officeRow] = await ds.query(`SELECT id, email, display_name AS "displayName" FROM user_account WHERE email = $1`, [
      DEMO_OFFICE_EMAIL,
    ]);
    const reviewer: SessionUser = { ...officeRow, role: 'office', townId: null };
    for (const [town, topic, title] of EXAMPLES) {
      const townId = await townIdByName(ds, town);
      const c = await contactOf(t, ds, townId, `seismo-${townId.slice(0, 8)}@koffer.test`);
      const user: SessionUser = { id: c.userId, email: c.email, role: 'town_contact', displayName: 'Test Kontakt', townId };
      const { id } = await practices.createDraft(user, { origin: 'own' });
      await practices.update(
        user,
        id,
        {
          title,
          summary: `${title}: so haben wir es im Ort gemacht.`,
          topics: [topic],
          challenges: ['Wie kommen alle mit?'],
          steps: [{ what: 'Start' }],
        },
        'api',
      );
      await practices.submit(user, id);
      await practices.publish(reviewer, id);
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('the fixture towns are where the filters below expect them (Land and size class from the directory)', async () => {
    const rows: { name: string; stateCode: string; population: number }[] = await ds.query(
      `SELECT m.name, m.state_code AS "stateCode", m.population FROM town t JOIN municipality m ON m.ags = t.ags
       WHERE m.name = ANY($1) AND t.status = 'verified'`,
      [['Demmin', 'Vlotho', 'Nieheim', 'Wurzen', 'Mölln', 'Seelow']],
    );
    const at = Object.fromEntries(rows.map((r) => [r.name, `${r.stateCode} ${sizeClassOf(r.population).key}`]));
    expect(at).toMatchObject({ Vlotho: expect.stringMatching(/^05 /), Nieheim: '05 kleine-kleinstadt', Seelow: '12 kleine-kleinstadt' });
    expect(at.Demmin).not.toMatch(/^05 |kleine-kleinstadt/);
    expect(at.Mölln).not.toMatch(/^05 |kleine-kleinstadt/);
    expect(at.Vlotho).not.toMatch(/kleine-kleinstadt/);
  });

  it('counts per topic and quarter, towns once per topic, totals up to the end, trends and the need for examples', async () => {
    const r = await api();
    expect(r.quarters).toHaveLength(8);
    expect(r.quarters.slice(-2)).toEqual([
      { key: prev, running: false },
      { key: cur, running: true },
    ]);
    const l = r.of('leerstand')!;
    expect(l.newChallenges.slice(-2)).toEqual([1, 2]); // Demmin before (once, at its first date); Vlotho and Nieheim now
    expect(l.newChallenges.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(l.challenges).toBe(4); // with Wurzen, long ago
    expect(l.newInterest.slice(-2)).toEqual([0, 1]);
    expect(l.examples).toBe(0);
    expect(l.trend).toEqual({ challenge: 'rising', interest: 'rising', example: 'steady' });
    expect(l.needsExamples).toBe(true);
    const m = r.of('mobilitaet')!;
    expect(m.newChallenges.slice(-2)).toEqual([2, 1]);
    expect(m.challenges).toBe(3);
    expect(m.newExamples.slice(-2)).toEqual([0, 2]);
    expect(m.examples).toBe(2);
    expect(m.trend).toEqual({ challenge: 'falling', interest: 'falling', example: 'rising' });
    expect(m.needsExamples).toBe(false);
    expect(r.topics.map((x: ApiTopic) => x.topic)).toEqual(['leerstand', 'mobilitaet']); // by need; nothing else named
  });

  it('filters by Land, by size class, by both, and ends the window at an earlier quarter', async () => {
    const nrw = await api({ land: '05' });
    expect(nrw.filter).toMatchObject({ land: '05', size: null, until: cur });
    expect(nrw.of('leerstand')).toMatchObject({ challenges: 2, examples: 0, needsExamples: true, trend: { challenge: 'rising' } });
    expect(nrw.of('mobilitaet')).toMatchObject({ challenges: 1, examples: 1, needsExamples: false, trend: { challenge: 'falling' } });

    const small = await api({ size: 'kleine-kleinstadt' });
    expect(small.of('leerstand')).toMatchObject({ challenges: 1, needsExamples: false });
    expect(small.of('mobilitaet')!.newChallenges.slice(-2)).toEqual([1, 1]);
    expect(small.of('mobilitaet')).toMatchObject({ challenges: 2, examples: 2, trend: { challenge: 'steady' } });

    expect((await api({ land: '12', size: 'ab-20000' })).topics).toEqual([]);

    const before = await api({ until: prev });
    expect(before.quarters[7]).toEqual({ key: prev, running: false });
    expect(before.of('leerstand')).toMatchObject({ challenges: 2, examples: 0 }); // Wurzen and Demmin; nothing of this quarter
    expect(before.of('leerstand')!.newChallenges.slice(-2)).toEqual([0, 1]);
    expect(before.of('mobilitaet')).toMatchObject({ challenges: 2, examples: 0, needsExamples: true });
  });

  it('a profile save keeps the date of what stays named, and a newly named challenge counts now', async () => {
    const demmin = await townIdByName(ds, 'Demmin');
    await ds.transaction((m) =>
      t.app.get(TownRepository).writeProfile(m, demmin, {
        description: 'Kreisstadt an der Peene',
        capacity: 1,
        visibility: {},
        topics: ['mobilitaet', 'leerstand'],
        challenges: [
          { topicSlug: 'leerstand', text: 'Leere Läden am Markt und in der Mühlenstraße', urgency: 3 }, // reworded: keeps its date
          { topicSlug: 'mobilitaet', text: 'Kein Bus am Wochenende', urgency: 2 }, // new
        ],
        experiences: [],
      }),
    );
    const r = await api();
    expect(r.of('leerstand')!.newChallenges.slice(-2)).toEqual([1, 2]);
    expect(r.of('leerstand')!.newInterest.slice(-2)).toEqual([0, 2]); // Demmin's Leerstand topic is new
    expect(r.of('mobilitaet')!.newChallenges.slice(-2)).toEqual([2, 2]);
    expect(r.of('mobilitaet')!.newInterest.slice(-2)).toEqual([1, 0]); // Demmin's Mobilität topic kept its date
  });

  it('the page: filters, the chart with caption and its table, the topics with their German trend', async () => {
    const res = await office.get('/geschaeftsstelle/seismograph').query({ land: '05' }).expect(200);
    const html = res.text;
    expect(html).toContain('<title>Seismograph');
    expect(html).toMatch(/<a class="kern-link" href="\/geschaeftsstelle\/seismograph" aria-current="page">Seismograph<\/a>/);
    expect(html).toContain('data-figure="selection">Nordrhein-Westfalen</strong>');
    expect(html).toMatch(/<option value="05" selected>Nordrhein-Westfalen<\/option>/);
    expect(html).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-[a-z0-9-]+-t chart-[a-z0-9-]+-d"/);
    expect(html).toMatch(/<figcaption>Neu genannte Herausforderungen je Quartal \(Nordrhein-Westfalen\): die 2 Themen/);
    expect(html).toContain('<caption>Zahlen zur Grafik: neu genannte Herausforderungen je Quartal</caption>');
    const row = (slug: string) => new RegExp(`<tr data-topic="${slug}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
    expect(row('leerstand')).toMatch(/<th scope="row">Leerstand/);
    expect(row('leerstand')).toMatch(/data-challenges>2</);
    expect(row('leerstand')).toMatch(/data-trend="rising">steigend</);
    expect(row('leerstand')).toMatch(/data-need="ja"><strong>Beispiele oder Werkstatt nötig/);
    expect(row('mobilitaet')).toMatch(/data-trend="falling">fallend</);
    expect(row('mobilitaet')).toMatch(/data-need="nein"/);
    expect(html).toContain(`neu ${quarterLabel(cur).replace(/^(\d)\. Quartal (\d+)$/, 'Q$1 $2')}`);
    expect(html).not.toMatch(/>leerstand<|>mobilitaet<|>05</); // no raw codes shown
    // The chosen order and the earlier quarter.
    const byName = (await office.get('/geschaeftsstelle/seismograph').query({ sortierung: 'thema', bis: prev }).expect(200)).text;
    expect(byName.indexOf('data-topic="leerstand"')).toBeLessThan(byName.indexOf('data-topic="mobilitaet"'));
    expect(byName).toContain(`acht Quartale bis zum ${quarterLabel(prev)}.`);
  });

  it('the CSV: UTF-8 with BOM, German headers, one line per topic and quarter, the selection named', async () => {
    const res = await office.get('/geschaeftsstelle/seismograph/export.csv').query({ land: '05' }).buffer(true).parse(rawBody).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="seismograph-${cur}.csv"`);
    const buf = res.body as Buffer;
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Thema;Quartal;Bundesland;Größenklasse;Neu genannte Herausforderungen;Neu genanntes Themeninteresse;Neu veröffentlichte Beispiele;' +
        'Herausforderungen bis Ende des Zeitraums;Veröffentlichte Beispiele bis Ende des Zeitraums;Trend Herausforderungen;Trend Themeninteresse;Bedarf an Beispielen',
    );
    expect(lines).toHaveLength(1 + 2 * 8);
    expect(lines).toContain(`Leerstand;${quarterLabel(cur)} (laufend);Nordrhein-Westfalen;alle;2;1;0;2;0;steigend;steigend;ja`);
    expect(lines).toContain(`Mobilität;${quarterLabel(prev)};Nordrhein-Westfalen;alle;1;0;0;1;1;fallend;gleich;nein`);
  });

  it('refuses malformed filters: 400 in English on the API, a German message on the page and the CSV, never a 5xx', async () => {
    const apiBad: [Record<string, string | string[]>, RegExp][] = [
      [{ land: '99' }, /Unknown Land/],
      [{ land: "05' OR 1=1" }, /Unknown Land/],
      [{ size: 'riesig' }, /Unknown size class/],
      [{ size: ['unter-5000', 'ab-20000'] }, /may appear once/],
      [{ until: '2025-Q5' }, /until must be a quarter/],
      [{ until: '2999-Q1' }, /until must be a quarter/],
      [{ until: '2018-Q4' }, /until must be a quarter/],
      [{ sort: 'zufall' }, /Unknown sort order/],
    ];
    for (const [query, message] of apiBad) {
      const res = await office.get('/api/admin/seismograph').query(query);
      expect([res.status, JSON.stringify(query)]).toEqual([400, JSON.stringify(query)]);
      expect(res.body.message).toMatch(message);
    }
    const pageBad: [Record<string, string>, string][] = [
      [{ land: '99' }, 'Dieses Bundesland gibt es nicht.'],
      [{ groesse: 'riesig' }, 'Diese Größenklasse gibt es nicht.'],
      [{ bis: 'letztes' }, 'Bitte wählen Sie ein Quartal von 1. Quartal 2019 bis'],
      [{ sortierung: 'zufall' }, 'Diese Sortierung gibt es nicht.'],
    ];
    for (const [query, message] of pageBad) {
      for (const path of ['/geschaeftsstelle/seismograph', '/geschaeftsstelle/seismograph/export.csv']) {
        const res = await office.get(path).query(query);
        expect([path, res.status]).toEqual([path, 400]);
        expect(res.text).toContain(message);
      }
    }
  });

  it('is the office’s only: a town contact gets 403, a visitor is sent to sign in', async () => {
    await mayor.get('/api/admin/seismograph').expect(403);
    await mayor.get('/geschaeftsstelle/seismograph').expect(403);
    await request(t.url).get('/api/admin/seismograph').expect(401);
    const page = await request(t.url).get('/geschaeftsstelle/seismograph').redirects(0);
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/anmelden/);
  });
});
