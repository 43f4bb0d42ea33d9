import { DataSource } from 'typeorm';
import { createOfficeUser } from '../../src/auth/office-user';
import { verifyPassword } from '../../src/auth/password.util';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_TOWNS, seedDemo } from '../../src/database/seeds/demo-seed';
import { parseDestatis, readWorkbook } from '../../src/municipalities/directory/destatis-parser.util';
import { DESTATIS_XLSX } from '../utils/test-env';
import { createTestDatabase } from '../utils/test-database';

describe('demo seed and office bootstrap', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await openDataSource(await createTestDatabase('demoseed'));
  });
  afterAll(() => ds?.destroy());

  it('carries the real facts of the official directory', async () => {
    const official = new Map(parseDestatis(await readWorkbook(DESTATIS_XLSX)).map((r) => [r.ags, r]));
    for (const t of DEMO_TOWNS) expect(t.municipality).toEqual(official.get(t.municipality.ags));
    expect(DEMO_TOWNS.filter((t) => t.profile)).toHaveLength(28);
  });

  it('seeds 28 verified demo towns and two logins, and a second run changes nothing', async () => {
    const first = await seedDemo(ds);
    expect(first).toMatchObject({ municipalitiesAdded: DEMO_TOWNS.length, townsCreated: 28 });
    expect(first.logins.every((l) => l.password)).toBe(true);
    const second = await seedDemo(ds);
    expect(second).toMatchObject({ municipalitiesAdded: 0, townsCreated: 0 });
    expect(second.logins.every((l) => l.password === null)).toBe(true);
    const [c] = await ds.query(`SELECT count(*)::int AS n FROM town WHERE is_demo AND status = 'verified'`);
    expect(c.n).toBe(28);
    const [topics] = await ds.query(`SELECT count(DISTINCT town_id)::int AS n FROM town_topic`);
    expect(topics.n).toBe(28);
    const [hash] = await ds.query(`SELECT password_hash FROM user_account WHERE role = 'office'`);
    await expect(verifyPassword(hash.password_hash, first.logins[0].password!)).resolves.toBe(true);
  });

  it('creates an office account once and refuses duplicates and bad input', async () => {
    const r = await createOfficeUser(ds, { email: 'anna@akademie.test', name: 'Anna Beispiel', role: 'office' });
    expect(r.password.length).toBeGreaterThanOrEqual(20);
    await expect(createOfficeUser(ds, { email: 'ANNA@akademie.test', name: 'Anna', role: 'office' })).rejects.toThrow(/already exists/);
    await expect(createOfficeUser(ds, { email: 'kein-email', name: 'X', role: 'office' })).rejects.toThrow(/valid email/);
    await expect(createOfficeUser(ds, { email: 'b@akademie.test', name: 'B', role: 'admin', password: 'kurz' })).rejects.toThrow(/12 characters/);
    const audit = await ds.query(`SELECT action FROM audit_log WHERE subject_id = $1`, [r.id]);
    expect(audit).toEqual([{ action: 'office_user.created' }]);
  });
});
