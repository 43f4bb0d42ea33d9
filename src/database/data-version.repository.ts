import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from './typed-query.util';

/**
 * The data version (migration 1735700000000-DataVersion): a number that changes whenever a write to a table a page
 * reads commits. Read at the start of a request, it tells whether a page rendered earlier at the same version is
 * still true: every write counted in it was committed before the read, so a page rendered after it saw them all.
 */
@Injectable()
export class DataVersionRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async current(): Promise<string> {
    const rows = await queryRows<{ v: string }>(this.ds.manager, `SELECT sum(v)::text AS v FROM data_version`, []);
    return rows[0].v;
  }

  /**
   * Folds the rows of backends that have ended into row 0 in one statement, so the sum stays the same while the
   * table stays as small as the live connections. Returns how many rows went.
   */
  async fold(): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      this.ds.manager,
      `WITH gone AS (
         DELETE FROM data_version d WHERE d.pid <> 0 AND d.pid <> pg_backend_pid()
            AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = d.pid)
         RETURNING v),
       moved AS (UPDATE data_version SET v = v + (SELECT coalesce(sum(v), 0) FROM gone) WHERE pid = 0 RETURNING 1)
       SELECT (SELECT count(*) FROM gone)::int AS n FROM moved`,
      [],
    );
    return rows[0]?.n ?? 0;
  }
}
