import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose writes never change what a page shows: sessions, rate-limit counters, the migration log, this one. */
export const DATA_VERSION_EXEMPT = ['http_session', 'rate_limit_counter', 'typeorm_migrations', 'data_version'];

// Issue 29: a version of everything the pages show, so a web process may reuse a page it rendered until the data
// changes. Every write statement on a public table bumps its backend's own counter row in the same transaction, so
// the sum of the counters changes exactly when a write commits, and a reader that sees a sum sees every write it
// counts. One row per backend: two transactions never wait for the same counter row.
export class DataVersion1735700000000 implements MigrationInterface {
  name = 'DataVersion1735700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE data_version (pid integer PRIMARY KEY, v bigint NOT NULL)`);
    // Row 0 keeps the counts of backends that have gone (folded in by DataVersionRepository.fold).
    await q.query(`INSERT INTO data_version (pid, v) VALUES (0, 0)`);
    await q.query(`
      -- Schema-qualified: a restore (pg_dump, the move to the servers mode) runs with an empty search_path.
      CREATE FUNCTION kt_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO public.data_version AS d (pid, v) VALUES (pg_backend_pid(), 1)
          ON CONFLICT (pid) DO UPDATE SET v = d.v + 1;
        RETURN NULL;
      END $$`);
    const tables = (await q.query(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND NOT (table_name = ANY($1)) ORDER BY table_name`,
      [DATA_VERSION_EXEMPT],
    )) as { name: string }[];
    for (const { name } of tables) await q.query(bumpTrigger(name));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION kt_bump_data_version() CASCADE`);
    await q.query(`DROP TABLE data_version`);
  }
}

/** The trigger every new table gets in its own migration (test/service/data-version.service-spec.ts checks it). */
export function bumpTrigger(table: string): string {
  return `CREATE TRIGGER kt_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
    FOR EACH STATEMENT EXECUTE FUNCTION kt_bump_data_version()`;
}
