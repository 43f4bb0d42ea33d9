import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 10: the weekly digest. One run row per ISO week, one row per recipient and week (the unique key that makes a
// second digest impossible), the contact's chosen rhythm, and extra headers on a mail delivery (List-Unsubscribe).
export class Digests1733600000000 implements MigrationInterface {
  name = 'Digests1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_account ADD COLUMN digest_frequency varchar(10) NOT NULL DEFAULT 'weekly'
      CHECK (digest_frequency IN ('weekly', 'biweekly', 'monthly', 'off'))`);
    await q.query(`ALTER TABLE mail_delivery ADD COLUMN headers jsonb NOT NULL DEFAULT '{}'::jsonb`);

    await q.query(`CREATE TABLE digest_run (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      period varchar(8) NOT NULL UNIQUE,
      trigger varchar(20) NOT NULL,
      status varchar(12) NOT NULL DEFAULT 'fanning_out' CHECK (status IN ('fanning_out', 'fanned_out')),
      recipients integer NOT NULL DEFAULT 0,
      not_due integer NOT NULL DEFAULT 0,
      started_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      fanned_out_at timestamptz
    )`);

    await q.query(`CREATE TABLE digest_recipient (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      run_id uuid NOT NULL REFERENCES digest_run(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      period varchar(8) NOT NULL,
      outcome varchar(10) NOT NULL CHECK (outcome IN ('mailed', 'skipped')),
      skip_reason varchar(200),
      items text[] NOT NULL DEFAULT '{}',
      delivery_id uuid REFERENCES mail_delivery(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT digest_recipient_once UNIQUE (user_id, period)
    )`);
    await q.query(`CREATE INDEX digest_recipient_run_idx ON digest_recipient (run_id)`);
    // "Newly verified towns" per recipient starts from the few towns verified recently.
    await q.query(`CREATE INDEX town_verified_decided_idx ON town (decided_at) WHERE status = 'verified'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS town_verified_decided_idx`);
    await q.query(`DROP TABLE IF EXISTS digest_recipient`);
    await q.query(`DROP TABLE IF EXISTS digest_run`);
    await q.query(`ALTER TABLE mail_delivery DROP COLUMN IF EXISTS headers`);
    await q.query(`ALTER TABLE user_account DROP COLUMN IF EXISTS digest_frequency`);
  }
}
