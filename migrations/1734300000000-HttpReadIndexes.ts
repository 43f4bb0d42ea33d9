import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 15 (second pass): indexes for what the pages read per request.
export class HttpReadIndexes1734300000000 implements MigrationInterface {
  name = 'HttpReadIndexes1734300000000';

  async up(q: QueryRunner): Promise<void> {
    // A town's tandems so far (its free capacity on the suggestions page): pair_history is looked up by either side;
    // pair_history_pair_idx (town_a, town_b) serves town_a only.
    await q.query(`CREATE INDEX pair_history_town_b_idx ON pair_history (town_b, kind)`);
    // One page of the office's list of all tandems, newest change first (tandem_state_idx serves one state).
    await q.query(`CREATE INDEX tandem_state_changed_idx ON tandem (state_changed_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tandem_state_changed_idx`);
    await q.query(`DROP INDEX IF EXISTS pair_history_town_b_idx`);
  }
}
