import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 23, activity: a tandem's shared meeting log, its silence reminders ("ruhend"), sign-in times, towns paused for
// dormancy, and the note a suggestion carries when a partner's long silence lowered its rank.
export class TandemActivity1734800000000 implements MigrationInterface {
  name = 'TandemActivity1734800000000';

  async up(q: QueryRunner): Promise<void> {
    // Written at every successful sign-in (one UPDATE); the silence rules and the matcher read it.
    await q.query(`ALTER TABLE user_account ADD COLUMN last_login_at timestamptz`);
    // Set by the hourly job when a town was silent for TOWN_DORMANT_MONTHS; matching leaves such towns out; a sign-in clears it.
    await q.query(`ALTER TABLE town ADD COLUMN dormant_since timestamptz`);
    await q.query(`CREATE TABLE tandem_meeting (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tandem_id uuid NOT NULL REFERENCES tandem(id) ON DELETE CASCADE,
      town_id uuid NOT NULL,
      met_on date NOT NULL,
      format varchar(12) NOT NULL CHECK (format IN ('vor_ort', 'online', 'telefon')),
      notes varchar(300) NOT NULL DEFAULT '',
      created_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX tandem_meeting_tandem_idx ON tandem_meeting (tandem_id, met_on)`);
    // One row per tandem that was reminded for silence: how many reminders in the current silence, when the last went
    // out, and since when the tandem counts as "ruhend" (after the second). Activity after the last reminder resets it.
    await q.query(`CREATE TABLE tandem_silence (
      tandem_id uuid PRIMARY KEY REFERENCES tandem(id) ON DELETE CASCADE,
      reminders smallint NOT NULL DEFAULT 0,
      last_reminded_at timestamptz,
      resting_since timestamptz
    )`);
    await q.query(`CREATE INDEX tandem_silence_resting_idx ON tandem_silence (resting_since) WHERE resting_since IS NOT NULL`);
    // A town's last answer: the newest audit row one of its contacts wrote.
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at) WHERE actor_id IS NOT NULL`);
    // Shown on a suggestion only where the partner's long silence lowered its rank ("zuletzt vor mehr als … aktiv").
    await q.query(`ALTER TABLE matching_suggestion ADD COLUMN activity_note varchar(120)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE matching_suggestion DROP COLUMN activity_note`);
    await q.query(`DROP INDEX IF EXISTS audit_log_actor_idx`);
    await q.query(`DROP TABLE tandem_silence`);
    await q.query(`DROP TABLE tandem_meeting`);
    await q.query(`ALTER TABLE town DROP COLUMN dormant_since`);
    await q.query(`ALTER TABLE user_account DROP COLUMN last_login_at`);
  }
}
