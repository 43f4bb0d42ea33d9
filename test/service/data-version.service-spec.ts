import { DataSource } from 'typeorm';
import { DATA_VERSION_EXEMPT } from '../../migrations/1735700000000-DataVersion';
import { openDataSource } from '../../src/database/data-source';
import { DataVersionRepository } from '../../src/database/data-version.repository';
import { bootServices, type TestServices } from '../utils/boot-services';
import { MODES } from '../utils/test-stack';

// The data version the page cache keys kept pages by (issue 29): it moves exactly when a write a page could show
// commits, on every table but the exempt ones, and folding ended backends' rows never moves it.
describe.each(MODES)('data version (real database; %s mode)', (mode) => {
  let t: TestServices;
  let ds: DataSource;
  let versions: DataVersionRepository;

  beforeAll(async () => {
    t = await bootServices('dataversion', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    versions = new DataVersionRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('every table a page may read carries the trigger, and only the exempt ones do not', async () => {
    const rows: { name: string; triggered: boolean }[] = await ds.query(
      `SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'kt_data_version') AS triggered
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    );
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.filter((r) => !r.triggered).map((r) => r.name)).toEqual([...DATA_VERSION_EXEMPT].sort());
  });

  it('moves on a committed insert, update, delete and truncate; not on a session write or a rolled-back one', async () => {
    const v0 = await versions.current();
    await ds.query(`INSERT INTO accessibility_feedback (message) VALUES ('Der Kontrast ist zu schwach.')`);
    const v1 = await versions.current();
    expect(v1).not.toBe(v0);
    await ds.query(`UPDATE accessibility_feedback SET message = 'Die Schrift ist zu klein.'`);
    const v2 = await versions.current();
    expect(v2).not.toBe(v1);
    await ds.query(`DELETE FROM accessibility_feedback`);
    const v3 = await versions.current();
    expect(v3).not.toBe(v2);
    await ds.query(`TRUNCATE accessibility_feedback`);
    const v4 = await versions.current();
    expect(v4).not.toBe(v3);

    await ds.query(`INSERT INTO http_session (sid, sess, expire) VALUES ('dv-test', '{}', now() + interval '1 hour')`);
    expect(await versions.current()).toBe(v4);
    await ds
      .transaction(async (m) => {
        await m.query(`INSERT INTO accessibility_feedback (message) VALUES ('Wird zurückgenommen.')`);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await versions.current()).toBe(v4);
  });

  it('folds rows of ended backends into row 0 without moving the sum', async () => {
    await ds.query(`INSERT INTO data_version (pid, v) VALUES (2147480001, 5), (2147480002, 7)`);
    const before = await versions.current();
    expect(await versions.fold()).toBeGreaterThanOrEqual(2);
    expect(await versions.current()).toBe(before);
    const left: unknown[] = await ds.query(`SELECT pid FROM data_version WHERE pid IN (2147480001, 2147480002)`);
    expect(left).toEqual([]);
  });
});
