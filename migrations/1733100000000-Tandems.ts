import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 8: tandems from request or office proposal to result. The timeline lives in audit_log (subject_type 'tandem').
export class Tandems1733100000000 implements MigrationInterface {
  name = 'Tandems1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tandem (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      town_a uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      town_b uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      topic_slug varchar(60) REFERENCES topic(slug),
      origin varchar(20) NOT NULL CHECK (origin IN ('request', 'office_proposal')),
      state varchar(12) NOT NULL CHECK (state IN ('requested', 'accepted', 'approved', 'active', 'concluded', 'proposed',
        'declined', 'withdrawn', 'rejected', 'expired', 'cancelled')),
      request_message varchar(1000) NOT NULL DEFAULT '',
      answer_message varchar(1000) NOT NULL DEFAULT '',
      accepted_a_at timestamptz,
      accepted_b_at timestamptz,
      run_id uuid REFERENCES matching_run(id) ON DELETE SET NULL,
      score double precision,
      components jsonb NOT NULL DEFAULT '[]'::jsonb,
      result_tried varchar(2000),
      result_learnt varchar(2000),
      result_topics varchar(60)[],
      created_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      state_changed_at timestamptz NOT NULL DEFAULT now(),
      CHECK (town_a <> town_b)
    )`);
    // One open or active tandem per unordered pair: a second request (double click, both towns at once) fails here.
    await q.query(`CREATE UNIQUE INDEX tandem_one_live_per_pair_idx ON tandem (least(town_a, town_b), greatest(town_a, town_b))
      WHERE state IN ('requested', 'accepted', 'approved', 'proposed', 'active')`);
    await q.query(`CREATE INDEX tandem_town_a_idx ON tandem (town_a, state)`);
    await q.query(`CREATE INDEX tandem_town_b_idx ON tandem (town_b, state)`);
    await q.query(`CREATE INDEX tandem_state_idx ON tandem (state, state_changed_at)`);
    // Tandem mails name the Geschäftsstelle as the address to answer to.
    await q.query(`ALTER TABLE mail_delivery ADD COLUMN reply_to varchar(254)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mail_delivery DROP COLUMN IF EXISTS reply_to`);
    await q.query(`DROP TABLE IF EXISTS tandem`);
  }
}
