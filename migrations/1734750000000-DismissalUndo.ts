import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 25: a mayor can undo "Kein Interesse". The cool-down row it wrote names the town that hid the partner, so it
// can be told from a real decline (which stays).
export class DismissalUndo1734750000000 implements MigrationInterface {
  name = 'DismissalUndo1734750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pair_history ADD COLUMN dismissed_by uuid REFERENCES town(id) ON DELETE CASCADE`);
    await q.query(`CREATE INDEX pair_history_dismissed_idx ON pair_history (dismissed_by) WHERE dismissed_by IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS pair_history_dismissed_idx`);
    await q.query(`ALTER TABLE pair_history DROP COLUMN dismissed_by`);
  }
}
