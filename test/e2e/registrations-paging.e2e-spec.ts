import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';

// The office registrations page and API answer one page of pending applications, oldest first, not all of them.
describe('office registrations: paged, oldest first', () => {
  let t: TestApp;
  let office: ReturnType<typeof request.agent>;
  const PASSWORD = 'Sicheres-Passwort-2024';

  beforeAll(async () => {
    t = await bootApp('regpaging');
    await createOfficeUser(t.db, 'office@regpaging.test', await hashPassword(PASSWORD, TEST_PASSWORD_HASH));
    // 23 towns applying, one hour apart (Bewerbstadt 1 the oldest); Bewerbstadt 1 has a second, newest application.
    await t.db.query(
      `INSERT INTO municipality (ags, ars, name, name_raw, type_code, state_code, state_name, population, area_km2, latitude, longitude, degurba, source)
       SELECT '09' || lpad(g::text, 6, '8'), '09' || '0008' || lpad(g::text, 6, '8'), 'Bewerbstadt ' || g, 'Bewerbstadt ' || g, 63, '09',
              'Bayern', 6000 + g, 30, 48.5, 11.5, 2, 'test'
       FROM generate_series(1, 23) AS g`,
    );
    await t.db.query(
      `WITH apps AS (
         SELECT '09' || lpad(g::text, 6, '8') AS ags, now() - interval '1 hour' * (100 - g) AS at, g AS n FROM generate_series(1, 23) AS g
         UNION ALL SELECT '09' || lpad('1', 6, '8'), now() - interval '1 minute', 24),
       towns AS (INSERT INTO town (ags, status, capacity, created_at) SELECT ags, 'pending', 1, at FROM apps RETURNING id, ags, created_at)
       INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
       SELECT 'bm' || row_number() OVER () || '@bewerbung.test', 'x', 'town_contact', 'Kontakt', id, 'mayor', created_at FROM towns`,
    );
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@regpaging.test', password: PASSWORD }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the API answers one page of applications, oldest first, with competing applications named across pages', async () => {
    const first = (await office.get('/api/admin/registrations?limit=10').expect(200)).body;
    expect(first).toMatchObject({ page: 1, pages: 3, limit: 10, total: 24, from: 1, to: 10 });
    expect(first.items).toHaveLength(10);
    expect(first.items.map((i: { directory: { name: string } }) => i.directory.name).slice(0, 3)).toEqual([
      'Bewerbstadt 1',
      'Bewerbstadt 2',
      'Bewerbstadt 3',
    ]);
    const last = (await office.get('/api/admin/registrations?limit=10&page=3').expect(200)).body;
    expect(last).toMatchObject({ page: 3, pages: 3, total: 24, from: 21, to: 24 });
    expect(last.items).toHaveLength(4);
    // The newest application is the second one for Bewerbstadt 1, whose first sits on page 1.
    const newest = last.items[3];
    expect(newest.directory.name).toBe('Bewerbstadt 1');
    expect(newest.competingTownIds).toEqual([first.items[0].townId]);
    expect(first.items[0].competingTownIds).toEqual([newest.townId]);
    // Default page size covers all of them here.
    expect((await office.get('/api/admin/registrations').expect(200)).body).toMatchObject({ page: 1, pages: 1, total: 24, limit: 50 });
  });

  it.each(['page=0', 'page=abc', 'limit=0', 'limit=201', 'limit=1.5'])('answers 400 for %s', async (q) => {
    const res = await office.get(`/api/admin/registrations?${q}`).expect(400);
    expect(JSON.stringify(res.body)).toMatch(/page|limit/);
  });

  it('the page shows 20 towns per page with a German pager; all applications of a town stay together', async () => {
    const first = await office.get('/geschaeftsstelle/registrierungen').expect(200);
    expect(first.text.match(/<section class="kern-card card registration"/g)).toHaveLength(20);
    expect(first.text).toContain('Kommunen 1–20 von 23 (Seite 1 von 2)');
    expect(first.text).toContain('href="/geschaeftsstelle/registrierungen?seite&#x3D;2" rel="next"');
    // Bewerbstadt 1 (oldest) comes first, with both its applications side by side.
    expect(first.text.indexOf('Bewerbstadt 1 ')).toBeLessThan(first.text.indexOf('Bewerbstadt 2 '));
    expect(first.text).toContain('(Bewerbung 2 von 2)');
    const second = await office.get('/geschaeftsstelle/registrierungen?seite=2').expect(200);
    expect(second.text.match(/<section class="kern-card card registration"/g)).toHaveLength(3);
    expect(second.text).toContain('Kommunen 21–23 von 23 (Seite 2 von 2)');
    expect(second.text).toContain('Bewerbstadt 23 ');
    expect(second.text).not.toContain('Bewerbstadt 1 ');
    // A hand-edited page number shows the first page, never an error.
    const odd = await office.get('/geschaeftsstelle/registrierungen?seite=abc').expect(200);
    expect(odd.text).toContain('(Seite 1 von 2)');
  });
});
