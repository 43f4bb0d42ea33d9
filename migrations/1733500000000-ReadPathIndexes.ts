import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 15: indexes for what the pages and the API read per request, and for pruning old matching runs.
export class ReadPathIndexes1733500000000 implements MigrationInterface {
  name = 'ReadPathIndexes1733500000000';

  async up(q: QueryRunner): Promise<void> {
    // The contacts of a town (registrations list, verification, one town's contacts).
    await q.query(`CREATE INDEX user_account_town_idx ON user_account (town_id)`);
    // Pending registrations, oldest first.
    await q.query(`CREATE INDEX town_status_created_idx ON town (status, created_at)`);
    // One page of a tandem round, best first, without sorting the whole round.
    await q.query(`CREATE INDEX tandem_round_pair_score_idx ON tandem_round_pair (run_id, score DESC, town_a, town_b)`);
    // Latest runs (office page) and the newest runs per kind (pruning).
    await q.query(`CREATE INDEX matching_run_kind_started_idx ON matching_run (kind, started_at DESC)`);
    await q.query(`CREATE INDEX matching_run_started_idx ON matching_run (started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of [
      'matching_run_started_idx',
      'matching_run_kind_started_idx',
      'tandem_round_pair_score_idx',
      'town_status_created_idx',
      'user_account_town_idx',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${i}`);
    }
  }
}
