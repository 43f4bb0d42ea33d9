import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { MODES } from '../utils/test-stack';

// Issue 29: a web process keeps a signed-in page per session and URL until a write commits. A change made with the
// data-version triggers switched off stays unseen (the page is kept); any ordinary write shows at once.
describe.each(MODES)('page cache: kept until the data changes (%s mode)', (mode) => {
  let t: TestApp;
  let office: ReturnType<typeof request.agent>;
  let townId: string;
  const PASSWORD = 'Sicheres-Passwort-2024';

  /** A write the data version does not see (session_replication_role = replica skips triggers): stands in for a stale read. */
  const unseenWrite = async (sql: string, params: unknown[]) => {
    await t.db.query('BEGIN');
    await t.db.query(`SET LOCAL session_replication_role = replica`);
    await t.db.query(sql, params);
    await t.db.query('COMMIT');
  };
  const page = async () => (await office.get('/geschaeftsstelle/registrierungen').expect(200)).text;
  const api = async () => (await office.get('/api/admin/registrations').expect(200)).body as { items: { directory: { name: string } }[] };

  beforeAll(async () => {
    t = await bootApp('pagecache', {}, { mode });
    await createOfficeUser(t.db, 'office@pagecache.test', await hashPassword(PASSWORD, TEST_PASSWORD_HASH));
    await t.db.query(
      `INSERT INTO municipality (ags, ars, name, name_raw, type_code, state_code, state_name, population, area_km2, latitude, longitude, degurba, source)
       VALUES ('09777001', '097770000001', 'Cachestadt', 'Cachestadt', 63, '09', 'Bayern', 9000, 30, 48.5, 11.5, 2, 'test')`,
    );
    const [town] = (await t.db.query(`INSERT INTO town (ags, status, capacity) VALUES ('09777001', 'pending', 1) RETURNING id`)).rows as {
      id: string;
    }[];
    townId = town.id;
    await t.db.query(
      `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
       VALUES ('bm@cachestadt.test', 'x', 'town_contact', 'Kontakt', $1, 'mayor', now())`,
      [townId],
    );
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@pagecache.test', password: PASSWORD }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the page and the API read while nothing is written, and shows a committed change at once', async () => {
    expect(await page()).toContain('Cachestadt');
    expect((await api()).items.map((i) => i.directory.name)).toEqual(['Cachestadt']);

    const first = await office.get('/api/admin/registrations').expect(200);

    await unseenWrite(`UPDATE municipality SET name = 'Umbenannt' WHERE ags = '09777001'`, []);
    expect(await page()).toContain('Cachestadt');
    // The kept API answer is the same JSON, byte for byte, with the same type.
    const kept = await office.get('/api/admin/registrations').expect(200);
    expect(kept.text).toBe(first.text);
    expect(kept.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((kept.body as Awaited<ReturnType<typeof api>>).items.map((i) => i.directory.name)).toEqual(['Cachestadt']);

    // Any ordinary write, even to another row, moves the data version: both are read again.
    await t.db.query(`UPDATE topic SET name = name WHERE slug = (SELECT min(slug) FROM topic)`);
    const fresh = await page();
    expect(fresh).toContain('Umbenannt');
    expect(fresh).not.toContain('Cachestadt');
    expect((await api()).items.map((i) => i.directory.name)).toEqual(['Umbenannt']);
  });

  it("a kept page's form carries this request's token: the decision goes through and the list shows it", async () => {
    await page();
    const kept = await page();
    const token = /name="_csrf" value="([^"]+)"/.exec(kept)?.[1];
    expect(token).toBeTruthy();
    const decided = await office
      .post(`/geschaeftsstelle/registrierungen/${townId}/entscheidung`)
      .type('form')
      .send({ _csrf: token, decision: 'verify' });
    expect(decided.status).toBe(303);
    expect((await t.db.query(`SELECT status FROM town WHERE id = $1`, [townId])).rows[0].status).toBe('verified');
    expect(await page()).not.toContain('Umbenannt');
    expect((await api()).items).toEqual([]);
  });
});
