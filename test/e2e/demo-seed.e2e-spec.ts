import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { INestApplicationContext } from '@nestjs/common';
import { OfficeUsersService } from '../../src/auth/office-users.service';
import { verifyPassword } from '../../src/auth/password.util';
import { openDataSource } from '../../src/database/data-source';
import {
  DEMO_MAYOR_EMAIL,
  DEMO_OFFICE_EMAIL,
  DEMO_SOURCE_NOTE,
  DEMO_TOWNS,
  DemoSeedService,
} from '../../src/database/seeds/demo-seed.service';
import { DirectoryImportService } from '../../src/municipalities/directory/directory-import.service';
import { DirectoryRecord, parseDestatis, readWorkbook } from '../../src/municipalities/directory/destatis-parser.util';
import { openTestCommands } from '../utils/commands';
import { createTestDatabase } from '../utils/test-database';

const DESTATIS_XLSX = resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');
const PILOT_TOWNS = [
  'Seelow',
  'Bad Soden-Salmünster',
  'Penkun',
  'Stadtroda',
  'Zwönitz',
  'Demmin',
  'Münnerstadt',
  'Bönen',
  'Eilenburg',
  'Osterburg (Altmark)',
  'Großräschen',
  'Wurzen',
  'Bad Berleburg',
  'Mücheln (Geiseltal)',
  'Laucha an der Unstrut',
  'Bad Lobenstein',
  'Rodewisch',
  'Nieheim',
  'Marienmünster',
  'Drebkau',
  'Seehausen (Altmark)',
  'Schieder-Schwalenberg',
  'Vlotho',
  'Wittenberge',
  'Mölln',
  'Dießen am Ammersee',
  'Oestrich-Winkel',
  'Dippoldiswalde',
];

describe('demo seed and office bootstrap', () => {
  let ds: DataSource;
  let app: INestApplicationContext;
  const seedDemo = (opts?: Parameters<DemoSeedService['seed']>[0]) => app.get(DemoSeedService).seed(opts);
  let official: Map<string, DirectoryRecord>;
  const counts = async () =>
    (
      await ds.query(`SELECT
      (SELECT count(*)::int FROM town WHERE is_demo AND status = 'verified') AS towns,
      (SELECT count(*)::int FROM municipality WHERE source = 'fixture') AS fixture_rows,
      (SELECT count(*)::int FROM user_account WHERE email LIKE '%demo.kleinstadt-tandem.de') AS logins,
      (SELECT count(*)::int FROM town_topic) AS topics,
      (SELECT count(*)::int FROM town_challenge) AS challenges,
      (SELECT count(*)::int FROM town_experience) AS experiences`)
    )[0];

  beforeAll(async () => {
    const url = await createTestDatabase('demoseed');
    ds = await openDataSource(url);
    app = await openTestCommands(url);
    official = new Map(parseDestatis(await readWorkbook(DESTATIS_XLSX)).map((r) => [r.ags, r]));
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
  });

  it('carries the real facts of the official directory, with the Destatis attribution', () => {
    for (const t of DEMO_TOWNS) expect(t.municipality).toEqual(official.get(t.municipality.ags));
    expect(new Set(DEMO_TOWNS.map((t) => t.municipality.ags)).size).toBe(DEMO_TOWNS.length);
    expect(
      DEMO_TOWNS.filter((t) => t.profile)
        .map((t) => t.municipality.name)
        .sort(),
    ).toEqual([...PILOT_TOWNS].sort());
    expect(DEMO_TOWNS.filter((t) => !t.profile).length).toBeGreaterThanOrEqual(10);
    // Ambiguous names resolved to the right state.
    const state = (name: string) => DEMO_TOWNS.find((t) => t.municipality.name === name)!.municipality.stateName;
    expect([state('Mölln'), state('Seehausen (Altmark)'), state('Dippoldiswalde')]).toEqual([
      'Schleswig-Holstein',
      'Sachsen-Anhalt',
      'Sachsen',
    ]);
    expect(DEMO_SOURCE_NOTE).toContain(
      'Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys, Stand 31.12.2023',
    );
  });

  it('has profiles that fit the schema: known topics, 1–2 challenges and experiences, capacity 1–2, marked as demo data', async () => {
    const slugs = new Set((await ds.query(`SELECT slug FROM topic`)).map((r: { slug: string }) => r.slug));
    for (const { municipality, profile } of DEMO_TOWNS.filter((t) => t.profile)) {
      const p = profile!;
      expect({
        town: municipality.name,
        unknown: [...p.topics, ...p.challenges.map((c) => c.topic), ...p.experiences.map((e) => e.topic)].filter((s) => !slugs.has(s)),
      }).toEqual({ town: municipality.name, unknown: [] });
      expect(p.challenges.length).toBeGreaterThanOrEqual(1);
      expect(p.challenges.length).toBeLessThanOrEqual(2);
      expect(p.experiences.length).toBeGreaterThanOrEqual(1);
      expect(p.experiences.length).toBeLessThanOrEqual(2);
      expect(p.challenges.every((c) => c.urgency >= 1 && c.urgency <= 3)).toBe(true);
      expect([1, 2]).toContain(p.capacity);
      expect(p.description).toContain(municipality.name);
      expect(p.description).toContain('(Demodaten)');
    }
  });

  it('seeds 28 verified demo towns and two logins; a second run gives the same counts', async () => {
    const lines: string[] = [];
    const first = await seedDemo({ log: (l) => lines.push(l) });
    expect(first).toMatchObject({ municipalitiesAdded: DEMO_TOWNS.length, townsCreated: 28 });
    expect(first.logins.map((l) => l.email)).toEqual([DEMO_OFFICE_EMAIL, DEMO_MAYOR_EMAIL]);
    expect(first.logins.every((l) => l.password && /^Demo(-[A-Za-z2-9]{4}){4}$/.test(l.password))).toBe(true);
    expect(lines.join('\n')).toMatch(/28 pilot towns created/);
    const afterFirst = await counts();
    expect(afterFirst).toMatchObject({ towns: 28, logins: 2 });
    expect(afterFirst.fixture_rows).toBeGreaterThanOrEqual(38);

    const second = await seedDemo();
    expect(second).toMatchObject({ municipalitiesAdded: 0, townsCreated: 0 });
    expect(second.logins.map((l) => l.password)).toEqual([null, null]);
    expect(await counts()).toEqual(afterFirst);

    const accounts =
      await ds.query(`SELECT u.email, u.role, u.contact_function, u.email_confirmed_at IS NOT NULL AS confirmed, m.name AS town, u.password_hash
      FROM user_account u LEFT JOIN town t ON t.id = u.town_id LEFT JOIN municipality m ON m.ags = t.ags ORDER BY u.email DESC`);
    expect(accounts.map(({ password_hash: _h, ...a }: { password_hash: string }) => a)).toEqual([
      { email: DEMO_OFFICE_EMAIL, role: 'office', contact_function: null, confirmed: true, town: null },
      { email: DEMO_MAYOR_EMAIL, role: 'town_contact', contact_function: 'mayor', confirmed: true, town: 'Seelow' },
    ]);
    expect(accounts[0].password_hash).toMatch(/^\$argon2id\$/);
    await expect(verifyPassword(accounts[0].password_hash, first.logins[0].password!)).resolves.toBe(true);
    // Unregistered fixture towns stay free to register.
    const [free] = await ds.query(
      `SELECT count(*)::int AS n FROM municipality m WHERE source = 'fixture' AND NOT EXISTS (SELECT 1 FROM town t WHERE t.ags = m.ags)`,
    );
    expect(free.n).toBe(DEMO_TOWNS.length - 28);
  });

  it('resets the demo passwords on request', async () => {
    const reset = await seedDemo({ resetPasswords: true });
    expect(reset.townsCreated).toBe(0);
    const [mayor] = await ds.query(`SELECT password_hash FROM user_account WHERE email = $1`, [DEMO_MAYOR_EMAIL]);
    await expect(verifyPassword(mayor.password_hash, reset.logins[1].password!)).resolves.toBe(true);
  });

  it('lets a real import take over the fixture rows without touching the demo towns', async () => {
    const fixtureRecords = DEMO_TOWNS.map((t) => official.get(t.municipality.ags)!);
    expect(await app.get(DirectoryImportService).import(fixtureRecords)).toMatchObject({ inserted: 0, updated: DEMO_TOWNS.length });
    expect((await counts()).fixture_rows).toBe(0);
    expect((await counts()).towns).toBe(28);
    expect((await seedDemo()).municipalitiesAdded).toBe(0);
  });

  it('creates an office account once and refuses duplicates and bad input', async () => {
    const r = await app.get(OfficeUsersService).create({ email: 'anna@akademie.test', name: 'Anna Beispiel', role: 'office' });
    expect(r.password.length).toBeGreaterThanOrEqual(20);
    const [row] = await ds.query(`SELECT role, display_name, email_confirmed_at IS NOT NULL AS confirmed FROM user_account WHERE id = $1`, [
      r.id,
    ]);
    expect(row).toEqual({ role: 'office', display_name: 'Anna Beispiel', confirmed: true });
    await expect(app.get(OfficeUsersService).create({ email: 'ANNA@akademie.test', name: 'Anna', role: 'office' })).rejects.toThrow(
      /already exists/,
    );
    await expect(app.get(OfficeUsersService).create({ email: 'kein-email', name: 'X', role: 'office' })).rejects.toThrow(/valid email/);
    await expect(
      app.get(OfficeUsersService).create({ email: 'b@akademie.test', name: 'B', role: 'admin', password: 'kurz' }),
    ).rejects.toThrow(/12 characters/);
    const audit = await ds.query(`SELECT action, subject_type, actor_id FROM audit_log WHERE subject_id = $1`, [r.id]);
    expect(audit).toEqual([{ action: 'office_user.created', subject_type: 'user', actor_id: null }]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM user_account WHERE lower(email) = 'anna@akademie.test'`);
    expect(n).toBe(1);
  });
});
