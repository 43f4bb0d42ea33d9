import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 9: login attempt counters shared by every web process (PostgreSQL works in both runtime modes).
export class RateLimitCounter1733200000000 implements MigrationInterface {
  name = 'RateLimitCounter1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE rate_limit_counter (
      key varchar(200) PRIMARY KEY,
      hits integer NOT NULL,
      window_ends_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX rate_limit_counter_window_ends_at ON rate_limit_counter (window_ends_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit_counter`);
  }
}
