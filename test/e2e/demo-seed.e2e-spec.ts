import { DataSource } from 'typeorm';
import { INestApplicationContext } from '@nestjs/common';
import { OfficeUsersService } from '../../src/accounts/office-users.service';
import { verifyPassword } from '../../src/auth/password.util';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_TOWNS, DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DirectoryImportService } from '../../src/municipalities/directory/directory-import.service';
import { readBundledDirectory } from '../../src/municipalities/directory/bundled-directory.util';
import { DirectoryRecord } from '../../src/municipalities/directory/destatis-parser.util';
import { openTestCommands } from '../utils/commands';
import { createTestDatabase } from '../utils/test-database';

// The fixture's own checks (real AGS and names, pilot list, demo marks) are unit tests: test/unit/directory/demo-towns.spec.ts.
const BUNDLED = readBundledDirectory();

describe('demo seed and office bootstrap', () => {
  let ds: DataSource;
  let app: INestApplicationContext;
  const seedDemo = (opts?: Parameters<DemoSeedService['seed']>[0]) => app.get(DemoSeedService).seed(opts);
  const counts = async () =>
    (
      await ds.query(`SELECT
      (SELECT count(*)::int FROM town WHERE is_demo AND status = 'verified') AS towns,
      (SELECT count(*)::int FROM municipality) AS directory,
      (SELECT count(*)::int FROM municipality WHERE source LIKE 'bundled:%') AS bundled_rows,
      (SELECT count(*)::int FROM user_account WHERE email LIKE '%demo.kleinstadt-tandem.de') AS logins,
      (SELECT count(*)::int FROM town_topic) AS topics,
      (SELECT count(*)::int FROM town_challenge) AS challenges,
      (SELECT count(*)::int FROM town_experience) AS experiences`)
    )[0];

  beforeAll(async () => {
    const url = await createTestDatabase('demoseed');
    ds = await openDataSource(url);
    app = await openTestCommands(url);
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
  });

  it('has profiles that fit the schema: known topics, 1–2 challenges and experiences, capacity 1–2, marked as demo data', async () => {
    const slugs = new Set((await ds.query(`SELECT slug FROM topic`)).map((r: { slug: string }) => r.slug));
    for (const { name, profile: p } of DEMO_TOWNS) {
      expect({
        town: name,
        unknown: [...p.topics, ...p.challenges.map((c) => c.topic), ...p.experiences.map((e) => e.topic)].filter((s) => !slugs.has(s)),
      }).toEqual({ town: name, unknown: [] });
      expect(p.challenges.length).toBeGreaterThanOrEqual(1);
      expect(p.challenges.length).toBeLessThanOrEqual(2);
      expect(p.experiences.length).toBeGreaterThanOrEqual(1);
      expect(p.experiences.length).toBeLessThanOrEqual(2);
      expect(p.challenges.every((c) => c.urgency >= 1 && c.urgency <= 3)).toBe(true);
      expect([1, 2]).toContain(p.capacity);
      expect(p.description).toContain(name);
      expect(p.description).toContain('(Demodaten)');
    }
  });

  it('loads the directory first, seeds 28 verified demo towns on real municipalities and two logins; a second run gives the same counts', async () => {
    const lines: string[] = [];
    const first = await seedDemo({ log: (l) => lines.push(l) });
    expect(first).toMatchObject({ directoryLoaded: BUNDLED.records.length, townsCreated: 28 });
    expect(first.logins.map((l) => l.email)).toEqual([DEMO_OFFICE_EMAIL, DEMO_MAYOR_EMAIL]);
    expect(first.logins.every((l) => l.password && /^Demo(-[A-Za-z2-9]{4}){4}$/.test(l.password))).toBe(true);
    expect(lines.join('\n')).toMatch(/^Directory: 10773 municipalities \(Stand 2023-12-31\) loaded from the bundled file in [\d.]+ s/m);
    expect(lines.join('\n')).toMatch(/28 pilot towns created/);
    const afterFirst = await counts();
    expect(afterFirst).toMatchObject({ towns: 28, logins: 2, directory: 10773, bundled_rows: 10773 });
    // The demo towns' facts are the directory's (no rows of their own any more).
    const official = new Map(BUNDLED.records.map((r) => [r.ags, r]));
    const rows: Array<{ ags: string; name: string; state_name: string; population: number }> = await ds.query(
      `SELECT m.ags, m.name, m.state_name, m.population FROM town t JOIN municipality m USING (ags) WHERE t.is_demo ORDER BY m.ags`,
    );
    expect(rows).toEqual(
      DEMO_TOWNS.map((t) => official.get(t.ags)!)
        .sort((a, b) => a.ags.localeCompare(b.ags))
        .map((r) => ({ ags: r.ags, name: r.name, state_name: r.stateName, population: r.population })),
    );

    const second = await seedDemo();
    expect(second).toMatchObject({ directoryLoaded: 0, townsCreated: 0 });
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
    // Every other municipality stays free to register.
    const [free] = await ds.query(
      `SELECT count(*)::int AS n FROM municipality m WHERE NOT EXISTS (SELECT 1 FROM town t WHERE t.ags = m.ags)`,
    );
    expect(free.n).toBe(10773 - 28);
  });

  it('resets the demo passwords on request', async () => {
    const reset = await seedDemo({ resetPasswords: true });
    expect(reset.townsCreated).toBe(0);
    const [mayor] = await ds.query(`SELECT password_hash FROM user_account WHERE email = $1`, [DEMO_MAYOR_EMAIL]);
    await expect(verifyPassword(mayor.password_hash, reset.logins[1].password!)).resolves.toBe(true);
  });

  it('lets a real import take over the bundled rows without touching the demo towns', async () => {
    const imported: DirectoryRecord[] = BUNDLED.records.map((r) => (r.ags === '13075107' ? { ...r, population: 1800 } : r));
    expect(await app.get(DirectoryImportService).import(imported)).toEqual({ total: 10773, inserted: 0, updated: 10773, unchanged: 0 });
    expect(await counts()).toMatchObject({ bundled_rows: 0, directory: 10773, towns: 28 });
    expect((await ds.query(`SELECT population FROM municipality WHERE ags = '13075107'`))[0].population).toBe(1800);
    // Neither the seed nor a start loads the bundled file over an import.
    expect((await seedDemo()).directoryLoaded).toBe(0);
    expect(await app.get(DirectoryImportService).loadBundledIfMissing()).toBeNull();
    expect((await ds.query(`SELECT population FROM municipality WHERE ags = '13075107'`))[0].population).toBe(1800);
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

describe('demo seed on a directory without some pilot towns', () => {
  let ds: DataSource;
  let app: INestApplicationContext;

  beforeAll(async () => {
    const url = await createTestDatabase('demoseed_partial');
    ds = await openDataSource(url);
    app = await openTestCommands(url);
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
  });

  it('leaves out a pilot town the imported directory lacks (municipalities merge) instead of failing', async () => {
    // An import that lacks Penkun: the bundled file is not loaded over it, and Penkun has no directory row.
    const withoutPenkun = BUNDLED.records.filter((r) => r.ags !== '13075107');
    await app.get(DirectoryImportService).import(withoutPenkun);
    const lines: string[] = [];
    const s = await app.get(DemoSeedService).seed({ log: (l) => lines.push(l) });
    expect(s).toMatchObject({ directoryLoaded: 0, townsCreated: 27 });
    expect(lines).toContain('Demo: not in the directory, left out: Penkun (13075107).');
    expect((await ds.query(`SELECT count(*)::int AS n FROM municipality`))[0].n).toBe(10772);
  });
});
