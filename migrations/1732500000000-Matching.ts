import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 3: matching runs with their stored suggestions, tandem rounds and workshop proposals, editable weights,
// and the pair history the hard rules read (existing tandems, declines for the cool-down).
export class Matching1732500000000 implements MigrationInterface {
  name = 'Matching1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE matching_settings (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      weights jsonb NOT NULL,
      updated_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE pair_history (
      id bigserial PRIMARY KEY,
      town_a uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      town_b uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      kind varchar(12) NOT NULL CHECK (kind IN ('tandem', 'declined')),
      at timestamptz NOT NULL DEFAULT now(),
      CHECK (town_a < town_b)
    )`);
    await q.query(`CREATE INDEX pair_history_pair_idx ON pair_history (town_a, town_b)`);

    await q.query(`CREATE TABLE matching_run (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind varchar(20) NOT NULL CHECK (kind IN ('suggestions', 'tandem_round', 'workshops')),
      status varchar(12) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
      trigger varchar(20) NOT NULL,
      theme varchar(60) REFERENCES topic(slug),
      fingerprint char(64),
      weights jsonb NOT NULL,
      params jsonb NOT NULL DEFAULT '{}'::jsonb,
      seed integer NOT NULL,
      summary jsonb NOT NULL DEFAULT '{}'::jsonb,
      error text,
      is_current boolean NOT NULL DEFAULT false,
      started_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    // At most one running run per kind: a second start is refused by the database, not by luck.
    await q.query(`CREATE UNIQUE INDEX matching_run_one_running_idx ON matching_run (kind) WHERE status = 'running'`);
    await q.query(`CREATE INDEX matching_run_current_idx ON matching_run (kind, is_current)`);

    await q.query(`CREATE TABLE matching_suggestion (
      run_id uuid NOT NULL REFERENCES matching_run(id) ON DELETE CASCADE,
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      partner_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      rank smallint NOT NULL,
      score double precision NOT NULL,
      components jsonb NOT NULL,
      PRIMARY KEY (run_id, town_id, partner_id)
    )`);
    await q.query(`CREATE INDEX matching_suggestion_town_idx ON matching_suggestion (town_id, run_id)`);

    await q.query(`CREATE TABLE tandem_round_pair (
      run_id uuid NOT NULL REFERENCES matching_run(id) ON DELETE CASCADE,
      town_a uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      town_b uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      score double precision NOT NULL,
      components jsonb NOT NULL,
      PRIMARY KEY (run_id, town_a, town_b)
    )`);

    await q.query(`CREATE TABLE workshop_proposal (
      run_id uuid NOT NULL REFERENCES matching_run(id) ON DELETE CASCADE,
      group_no smallint NOT NULL,
      town_ids uuid[] NOT NULL,
      score double precision NOT NULL,
      PRIMARY KEY (run_id, group_no)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'workshop_proposal',
      'tandem_round_pair',
      'matching_suggestion',
      'matching_run',
      'pair_history',
      'matching_settings',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
