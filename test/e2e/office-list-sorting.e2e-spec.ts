import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser } from '../factories/directory.factory';
import { insertNetwork } from '../factories/network.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';

const PASSWORD = 'Sicheres-Passwort-2024';

/** Issue 30: the office's town, tandem and workshop lists sort on the server (?sortierung=), keep filters, refuse the unknown. */
describe.each(MODES)('office lists sorted on the server (%s mode)', (mode) => {
  let t: TestApp;
  let office: ReturnType<typeof request.agent>;
  let towns: string[];
  const html = async (path: string, status = 200) =>
    (await office.get(path).expect(status)).text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
  const agsOrder = (page: string) => [...page.matchAll(/<tr data-ags="(\d+)">/g)].map((m) => m[1]);
  const tandemOrder = (page: string) => [...page.matchAll(/<a href="\/tandems\/([0-9a-f-]{36})">/g)].map((m) => m[1]);
  const workshopOrder = (page: string) =>
    [...page.matchAll(/<td><a href="\/geschaeftsstelle\/werkstaetten\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map((m) => m[1]);

  beforeAll(async () => {
    t = await bootApp('listsorting', {}, { mode });
    towns = await insertNetwork(t.db, 12);
    // Four tandems: changed 1..4 minutes ago, created in the opposite order, two of them waiting for approval.
    await t.db.query(
      `INSERT INTO tandem (town_a, town_b, topic_slug, origin, state, request_message, state_changed_at, created_at)
       SELECT a, b, 'leerstand', 'request', CASE WHEN n % 2 = 0 THEN 'accepted' ELSE 'concluded' END, '',
              now() - (n || ' minutes')::interval, now() - ((10 - n) || ' days')::interval
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS u(a, b, n)`,
      [towns.slice(0, 4), towns.slice(4, 8)],
    );
    await createOfficeUser(t.db, 'office@sorting.test', await hashPassword(PASSWORD, TEST_PASSWORD_HASH));
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@sorting.test', password: PASSWORD }).expect(200);
    for (const title of ['Mobilität im Dorf', 'Alte Läden, neue Ideen', 'Zukunft der Ortsmitte']) {
      const id = (await office.post('/api/workshops').send({ theme: 'leerstand' }).expect(201)).body.id;
      await office.patch(`/api/workshops/${id}`).send({ title }).expect(200);
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('towns: by name by default, by population either way, by Land; the filter stays; the CSV follows the same order', async () => {
    const db = async (order: string, where = '') =>
      (await t.db.query(`SELECT t.ags FROM town t JOIN municipality m USING (ags) ${where} ORDER BY ${order}`)).rows.map((r) => r.ags);
    expect(agsOrder(await html('/geschaeftsstelle/kommunen'))).toEqual(await db('m.name, t.ags'));
    const byPopulation = await html('/geschaeftsstelle/kommunen?sortierung=einwohner');
    expect(agsOrder(byPopulation)).toEqual(await db('m.population DESC, m.name, t.ags'));
    expect(byPopulation).toMatch(/<option value="einwohner" selected>Einwohner \(größte zuerst\)<\/option>/);
    expect(agsOrder(await html('/geschaeftsstelle/kommunen?sortierung=einwohner-aufsteigend'))).toEqual(
      await db('m.population, m.name, t.ags'),
    );
    expect(agsOrder(await html('/geschaeftsstelle/kommunen?sortierung=bundesland&land=02'))).toEqual(
      await db('m.state_name, m.name, t.ags', `WHERE m.state_code = '02'`),
    );
    const csv = (await office.get('/geschaeftsstelle/kommunen/export.csv?sortierung=einwohner').expect(200)).text;
    const csvAgs = csv
      .split(/\r?\n/)
      .slice(1)
      .filter(Boolean)
      .map((l) =>
        l
          .replace(/^\uFEFF/, '')
          .split(';')[0]
          .replace(/"/g, ''),
      );
    expect(csvAgs).toEqual(await db('m.population DESC, m.name, t.ags'));
  });

  it('tandems: last changed first by default, the longest unchanged first, by creation; the state filter keeps it', async () => {
    const db = async (order: string, where = '') =>
      (await t.db.query(`SELECT id FROM tandem ${where} ORDER BY ${order}`)).rows.map((r) => r.id);
    expect(tandemOrder(await html('/geschaeftsstelle/tandems'))).toEqual(await db('state_changed_at DESC, id DESC'));
    expect(tandemOrder(await html('/geschaeftsstelle/tandems?sortierung=geaendert-aufsteigend'))).toEqual(await db('state_changed_at, id'));
    expect(tandemOrder(await html('/geschaeftsstelle/tandems?sortierung=angelegt'))).toEqual(await db('created_at DESC, id DESC'));
    const accepted = await html('/geschaeftsstelle/tandems?zustand=accepted&sortierung=geaendert-aufsteigend');
    expect(tandemOrder(accepted)).toEqual(await db('state_changed_at, id', `WHERE state = 'accepted'`));
    expect(accepted).toMatch(/<option value="geaendert-aufsteigend" selected>/);
  });

  it('workshops: by date by default, by title on request', async () => {
    expect(workshopOrder(await html('/geschaeftsstelle/werkstaetten?sortierung=titel'))).toEqual([
      'Alte Läden, neue Ideen',
      'Mobilität im Dorf',
      'Zukunft der Ortsmitte',
    ]);
    expect(workshopOrder(await html('/geschaeftsstelle/werkstaetten?sortierung=angelegt'))).toEqual([
      'Zukunft der Ortsmitte',
      'Alte Läden, neue Ideen',
      'Mobilität im Dorf',
    ]);
  });

  it('an unknown order is a 400 with a German message, never a 5xx, and nothing is exported', async () => {
    for (const path of ['/geschaeftsstelle/kommunen', '/geschaeftsstelle/tandems', '/geschaeftsstelle/werkstaetten']) {
      for (const bad of ['quatsch', 'm.name;DROP TABLE town', 'name%00']) {
        const res = await office.get(`${path}?sortierung=${encodeURIComponent(bad)}`).expect(400);
        expect(res.text).toContain('Diese Sortierung gibt es nicht.');
      }
    }
    const csv = await office.get('/geschaeftsstelle/kommunen/export.csv?sortierung=quatsch').expect(400);
    expect(csv.text).not.toMatch(/AGS;Kommune/);
  });
});
