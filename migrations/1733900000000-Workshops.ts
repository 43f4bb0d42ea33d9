import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 12: transfer workshops from the engine's groups to a held and documented meeting. The timeline lives in
// audit_log (subject_type 'workshop'); mail deliveries may now carry attachments (the iCalendar invitation).
export class Workshops1733900000000 implements MigrationInterface {
  name = 'Workshops1733900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE workshop (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      theme_slug varchar(60) NOT NULL REFERENCES topic(slug),
      title varchar(200) NOT NULL,
      starts_at timestamptz,
      duration_minutes smallint NOT NULL DEFAULT 180 CHECK (duration_minutes BETWEEN 15 AND 1440),
      format varchar(10) NOT NULL DEFAULT 'online' CHECK (format IN ('in_person', 'online')),
      host_town_id uuid REFERENCES town(id) ON DELETE SET NULL,
      address varchar(500) NOT NULL DEFAULT '',
      online_link varchar(500) NOT NULL DEFAULT '',
      state varchar(12) NOT NULL CHECK (state IN ('draft', 'invited', 'confirmed', 'held', 'documented', 'cancelled')),
      sequence integer NOT NULL DEFAULT 0,
      invitations_closed_at timestamptz,
      cancel_reason varchar(1000),
      result_presented varchar(2000),
      result_will_try varchar(2000),
      result_topics varchar(60)[],
      run_id uuid REFERENCES matching_run(id) ON DELETE SET NULL,
      group_no smallint,
      created_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      state_changed_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX workshop_state_idx ON workshop (state, starts_at)`);
    await q.query(`CREATE TABLE workshop_invitation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workshop_id uuid NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      state varchar(10) NOT NULL DEFAULT 'invited' CHECK (state IN ('invited', 'accepted', 'declined', 'withdrawn')),
      chosen_because text NOT NULL DEFAULT '',
      answer_reason varchar(1000),
      answered_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      answered_at timestamptz,
      invited_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workshop_id, town_id)
    )`);
    await q.query(`CREATE INDEX workshop_invitation_town_idx ON workshop_invitation (town_id, state)`);
    // One row per workshop and reminder kind: a rerun of the reminder job finds the row and sends nothing twice.
    await q.query(`CREATE TABLE workshop_reminder (
      workshop_id uuid NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
      kind varchar(10) NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workshop_id, kind)
    )`);
    // Everything needed to send stays in the delivery row: the iCalendar part is stored with it.
    await q.query(`ALTER TABLE mail_delivery ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mail_delivery DROP COLUMN IF EXISTS attachments`);
    for (const t of ['workshop_reminder', 'workshop_invitation', 'workshop']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
