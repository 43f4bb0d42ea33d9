import request from 'supertest';
import { DataSource } from 'typeorm';
import type { SessionUser } from '../../src/auth/session-user';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { SIMILAR_FROM } from '../../src/practices/practice-search.util';
import { PracticesService } from '../../src/practices/practices.service';
import { contactOf, townIdByName } from '../factories/tandems.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';

/** A fixed German fixture: key, town, title, summary, topic. Each query below names the example it must find first. */
const FIXTURE: [string, string, string, string, string][] = [
  [
    'L',
    'Demmin',
    'Leerstandskataster für die Innenstadt',
    'Alle leerstehenden Läden erfasst und die Eigentümer angeschrieben.',
    'leerstand',
  ],
  ['R', 'Vlotho', 'Radweg zum Bahnhof', 'Ein sicherer Radweg verbindet den Ortsteil mit dem Bahnhof.', 'mobilitaet'],
  ['D', 'Wurzen', 'Dorfladen in Bürgerhand', 'Eine Genossenschaft betreibt den Dorfladen, unterstützt vom Ehrenamt.', 'daseinsvorsorge'],
  [
    'B',
    'Mölln',
    'Bürgerrat zur Zukunft des Marktplatzes',
    'Zufällig ausgewählte Einwohnerinnen und Einwohner beraten über den Marktplatz.',
    'beteiligung',
  ],
  [
    'C',
    'Nieheim',
    'Co-Working im alten Bahnhof',
    'Pendlerinnen und Pendler arbeiten tageweise im Ort statt in der Großstadt.',
    'coworking',
  ],
  ['M', 'Demmin', 'Mitfahrbank für die Ortsteile', 'Wer auf der Bank wartet, wird von Nachbarn mitgenommen.', 'mobilitaet'],
  [
    'S',
    'Vlotho',
    'Spielplatz für Jung und Alt',
    'Ein Bewegungsparcours für Seniorinnen und Senioren neben dem Spielplatz.',
    'oeffentlicher-raum',
  ],
  [
    'W',
    'Wurzen',
    'Kommunale Wärmeplanung mit den Nachbargemeinden',
    'Drei Gemeinden erstellen gemeinsam ihre Wärmeplanung.',
    'klimaschutz',
  ],
  [
    'J',
    'Mölln',
    'Jugendparlament mit eigenem Budget',
    'Jugendliche entscheiden jedes Jahr über ein Budget von 10.000 Euro.',
    'junge-menschen',
  ],
  ['F', 'Nieheim', 'Fachkräfte auf Probe im Ort', 'Fachkräfte können ein halbes Jahr zur Probe in der Altstadt wohnen.', 'fachkraefte'],
  ['K', 'Demmin', 'Schwammstadt am Markt', 'Regenwasser versickert in Baumrigolen statt in der Kanalisation.', 'klimaanpassung'],
  [
    'E',
    'Vlotho',
    'Ehrenamt vermitteln: eine Börse für den Ort',
    'Ehrenamtliche finden Aufgaben, Vereine finden Ehrenamtliche.',
    'beteiligung',
  ],
];

/** Ten German queries, inflected differently from the fixture's text (stemming), and the expected first hit. */
const QUERIES: [string, string][] = [
  ['Leerstände', 'L'],
  ['Radwege', 'R'],
  ['Dorfläden', 'D'],
  ['Bürgerräte', 'B'],
  ['Mitfahrbänke', 'M'],
  ['Spielplätze', 'S'],
  ['Jugendlichen Budget', 'J'],
  ['Wärmeplanungen', 'W'],
  ['Fachkräfte wohnen', 'F'],
  ['ehrenamtliche', 'E'],
];

// Issue 27: search relevance on the real database, in both modes (PGlite's German stemmer is the same Snowball).
describe.each(MODES)('Methodenkoffer search relevance (%s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  const ids = new Map<string, string>();
  let viewer: Awaited<ReturnType<typeof contactOf>>;

  beforeAll(async () => {
    t = await bootApp('practices_search', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ds = await openDataSource(t.databaseUrl);
    await withCommands((c) => c.get(DemoSeedService).seed());
    const practices = t.app.get(PracticesService);
    const [officeRow] = await ds.query(`SELECT id, email, display_name AS "displayName" FROM user_account WHERE email = $1`, [
      DEMO_OFFICE_EMAIL,
    ]);
    const office: SessionUser = { ...officeRow, role: 'office', townId: null };
    const users = new Map<string, SessionUser>();
    for (const [key, townName, title, summary, topic] of FIXTURE) {
      if (!users.has(townName)) {
        const townId = await townIdByName(ds, townName);
        const c = await contactOf(t, ds, townId, `suche-${townName.toLowerCase().replace(/ö/g, 'oe')}@koffer.test`);
        users.set(townName, { id: c.userId, email: c.email, role: 'town_contact', displayName: 'Test Kontakt', townId });
      }
      const user = users.get(townName)!;
      const { id } = await practices.createDraft(user, { origin: 'own' });
      await practices.update(
        user,
        id,
        { title, summary, topics: [topic], challenges: [`Wie gelingt ${title}?`], steps: [{ what: 'Erster Schritt im Rathaus' }] },
        'api',
      );
      await practices.submit(user, id);
      await practices.publish(office, id);
      ids.set(key, id);
    }
    viewer = await contactOf(t, ds, await townIdByName(ds, 'Seelow'), 'suche-seelow@koffer.test');
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  const keyOf = (id: string) => [...ids].find(([, v]) => v === id)?.[0] ?? '?';

  it.each(QUERIES)('"%s" finds %s first', async (q, expected) => {
    const body = (await request(t.url).get('/api/practices').query({ q }).expect(200)).body;
    expect(body.items.map((h: { id: string }) => keyOf(h.id))[0]).toBe(expected);
  });

  it('a title hit ranks above a hit in the text; all examples without a query, newest first for the public', async () => {
    const bahnhof = (await request(t.url).get('/api/practices').query({ q: 'Bahnhöfe' }).expect(200)).body.items.map((h: { id: string }) =>
      keyOf(h.id),
    );
    // S names no station itself, only its topic does ("Öffentlicher Raum & Bahnhöfe"): found, but after both titles.
    expect([...bahnhof.slice(0, 2).sort(), bahnhof[2]]).toEqual(['C', 'R', 'S']);
    const ehrenamt = (await request(t.url).get('/api/practices').query({ q: 'Ehrenamt' }).expect(200)).body.items.map((h: { id: string }) =>
      keyOf(h.id),
    );
    expect(ehrenamt).toEqual(['E', 'D']);
    const all = (await request(t.url).get('/api/practices').expect(200)).body;
    expect(all.total).toBe(FIXTURE.length);
    expect(all.items.map((h: { id: string }) => keyOf(h.id))[0]).toBe('E');
  });

  it('for a town, "Kommunen wie Ihre" orders by the similarity of size and situation and marks the similar ones', async () => {
    const body = (await viewer.agent.get('/api/practices').query({ sort: 'similar' }).expect(200)).body;
    const sims = body.items.map((h: { similarity: number }) => h.similarity);
    expect(sims.every((s: unknown) => typeof s === 'number')).toBe(true);
    expect([...sims].sort((x: number, y: number) => y - x)).toEqual(sims);
    for (const h of body.items as { similarity: number; similarTown: boolean }[]) expect(h.similarTown).toBe(h.similarity >= SIMILAR_FROM);
    // Same town, same similarity: Demmin's three examples sit together.
    const demmin = body.items.map((h: { townName: string }, i: number) => (h.townName === 'Demmin' ? i : -1)).filter((i: number) => i >= 0);
    expect(demmin[demmin.length - 1] - demmin[0]).toBe(2);
    // The public gets no similarity.
    expect((await request(t.url).get('/api/practices').expect(200)).body.items[0].similarity).toBeNull();
  });
});
