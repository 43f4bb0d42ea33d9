import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { APPROVALS_PAGE_SIZE, OFFICE_PAGE_SIZE } from '../../src/tandems/tandems.view-model';
import { createOfficeUser } from '../factories/directory.factory';
import { insertNetwork } from '../factories/network.factory';
import { bootApp, TestApp } from '../utils/boot-app';

const TANDEMS = 60;
const ACCEPTED = 12;
const PASSWORD = 'Sicheres-Passwort-2024';

describe("the office's tandem lists come one page at a time (pages with a German pager, API with page/limit)", () => {
  let t: TestApp;
  let office: ReturnType<typeof request.agent>;
  const rows = (html: string) => (html.match(/<tr>\s*<td[^>]*><a href="\/tandems\//g) ?? []).length;
  // Handlebars escapes '=' and '&' in attribute values.
  const page = async (path: string) => (await office.get(path).expect(200)).text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

  beforeAll(async () => {
    t = await bootApp('tandemlist');
    const towns = await insertNetwork(t.db, 2 * TANDEMS);
    // Tandems between neighbouring test towns, each changed a minute after the previous one; the first ACCEPTED wait
    // for the office's approval.
    await t.db.query(
      `INSERT INTO tandem (town_a, town_b, topic_slug, origin, state, request_message, state_changed_at)
       SELECT a, b, 'leerstand', 'request', CASE WHEN n <= $3 THEN 'accepted' ELSE 'concluded' END, 'Austausch zum Leerstand.',
              now() - (n || ' minutes')::interval
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS u(a, b, n)`,
      [towns.filter((_, i) => i % 2 === 0), towns.filter((_, i) => i % 2 === 1), ACCEPTED],
    );
    await createOfficeUser(t.db, 'office@list.test', await hashPassword(PASSWORD, TEST_PASSWORD_HASH));
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@list.test', password: PASSWORD }).expect(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('shows one page of the list with a German pager, and reads only that page', async () => {
    const ds = t.app.get(DataSource);
    const seen: string[] = [];
    const logQuery = ds.logger.logQuery.bind(ds.logger);
    ds.logger.logQuery = (sql: string) => void seen.push(sql);
    let first: request.Response;
    try {
      first = await office.get('/geschaeftsstelle/tandems').expect(200);
      first.text = first.text.replace(/&#x3D;/g, '=');
    } finally {
      ds.logger.logQuery = logQuery;
    }
    // The user, the page cache's data version (issue 29; and, once per process, its fold of ended backends' rows), then
    // one statement: the count, the page cut from the tandem index, and the "ruhend" marks of that page's tandems only
    // (issue 23; the session row comes through the session store's own pool).
    expect(seen.filter((sql) => sql.includes('FROM data_version'))).toContain('SELECT sum(v)::text AS v FROM data_version');
    seen.splice(0, seen.length, ...seen.filter((sql) => !sql.includes('data_version')));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toContain('count(*)::int AS total FROM tandem');
    expect(seen[1]).toContain('LIMIT $1 OFFSET $2) t');
    expect(seen[1]).toContain('LEFT JOIN tandem_silence s ON s.tandem_id = t.id');
    expect(rows(first.text)).toBe(OFFICE_PAGE_SIZE);
    expect(first.text).toContain(`Tandems 1–${OFFICE_PAGE_SIZE} von ${TANDEMS} (Seite 1 von 3)`);
    expect(first.text).toContain('href="/geschaeftsstelle/tandems?seite=2" rel="next">Nächste Seite</a>');
    expect(first.text).not.toContain('Vorherige Seite');

    const last = await page('/geschaeftsstelle/tandems?seite=3');
    expect(rows(last)).toBe(TANDEMS - 2 * OFFICE_PAGE_SIZE);
    expect(last).toContain(`Tandems 51–${TANDEMS} von ${TANDEMS} (Seite 3 von 3)`);
    expect(last).toContain('href="/geschaeftsstelle/tandems?seite=2" rel="prev">Vorherige Seite</a>');
    // A page past the end shows the last one; nonsense shows the first.
    expect(await page('/geschaeftsstelle/tandems?seite=99')).toContain('(Seite 3 von 3)');
    expect(await page('/geschaeftsstelle/tandems?seite=abc')).toContain('(Seite 1 von 3)');
    expect(await page('/geschaeftsstelle/tandems?seite=-2')).toContain('(Seite 1 von 3)');
  });

  it('keeps the state filter in the pager links', async () => {
    const concluded = await page('/geschaeftsstelle/tandems?zustand=concluded');
    expect(concluded).toContain(`Tandems 1–${OFFICE_PAGE_SIZE} von ${TANDEMS - ACCEPTED} (Seite 1 von 2)`);
    expect(concluded).toContain('href="/geschaeftsstelle/tandems?zustand=concluded&seite=2"');
    // One page only: no pager.
    const accepted = await page('/geschaeftsstelle/tandems?zustand=accepted');
    expect(rows(accepted)).toBe(ACCEPTED);
    expect(accepted).not.toContain('Nächste Seite');
  });

  it('pages the approval queue, oldest request first', async () => {
    const cards = (html: string) =>
      [...html.matchAll(/<section class="kern-card card" aria-labelledby="ap-([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const oldestFirst = (await t.db.query(`SELECT id FROM tandem WHERE state = 'accepted' ORDER BY state_changed_at, id`)).rows.map(
      (r) => r.id as string,
    );
    const first = await page('/geschaeftsstelle/tandems/freigaben');
    expect(cards(first)).toEqual(oldestFirst.slice(0, APPROVALS_PAGE_SIZE));
    expect(first).toContain(`Tandems 1–${APPROVALS_PAGE_SIZE} von ${ACCEPTED} (Seite 1 von 2)`);
    const second = await page('/geschaeftsstelle/tandems/freigaben?seite=2');
    expect(cards(second)).toEqual(oldestFirst.slice(APPROVALS_PAGE_SIZE));
  });

  it('answers the API one page with its position, and refuses a bad page or limit with 400', async () => {
    const body = (await office.get('/api/tandems?page=2&limit=10').expect(200)).body;
    expect(body).toMatchObject({ page: 2, pages: 6, limit: 10, total: TANDEMS, from: 11, to: 20 });
    expect(body.items).toHaveLength(10);
    const all = (await office.get('/api/tandems?limit=200').expect(200)).body;
    expect(all.items).toHaveLength(TANDEMS);
    expect(all.items.slice(10, 20).map((c: { id: string }) => c.id)).toEqual(body.items.map((c: { id: string }) => c.id));
    expect((await office.get('/api/tandems?state=accepted').expect(200)).body.total).toBe(ACCEPTED);
    for (const bad of ['page=0', 'page=abc', 'page=1.5', 'limit=0', 'limit=201', 'limit=zehn']) {
      const res = await office.get(`/api/tandems?${bad}`).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/page|limit/);
    }
  });
});
