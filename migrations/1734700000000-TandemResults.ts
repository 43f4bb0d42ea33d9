import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 23: a conclusion with a result from each town — what was worked on, what was taken over or tried (and how far),
// a rating, and whether the office may publish it as a practice example; concluded with both answers or after a deadline.
export class TandemResults1734700000000 implements MigrationInterface {
  name = 'TandemResults1734700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tandem_result (
      tandem_id uuid NOT NULL REFERENCES tandem(id) ON DELETE CASCADE,
      town_id uuid NOT NULL,
      worked_on varchar(2000) NOT NULL,
      taken_over varchar(2000) NOT NULL,
      adoption varchar(8) NOT NULL CHECK (adoption IN ('yes', 'partly', 'no', 'planned')),
      rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
      may_publish boolean NOT NULL DEFAULT false,
      topics varchar(64)[] NOT NULL DEFAULT '{}',
      answered_by uuid,
      answered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tandem_id, town_id)
    )`);
    // Set by the first town's result: when the tandem concludes even without the second one.
    await q.query(`ALTER TABLE tandem ADD COLUMN result_due_at timestamptz`);
    await q.query(`CREATE INDEX tandem_result_due_idx ON tandem (result_due_at) WHERE state = 'active' AND result_due_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tandem_result_due_idx`);
    await q.query(`ALTER TABLE tandem DROP COLUMN result_due_at`);
    await q.query(`DROP TABLE tandem_result`);
  }
}
