import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 23: the partners reach each other from approval on — when a tandem was approved, and a contact's phone
// number (optional, given by the person on their account page).
export class TandemContacts1734500000000 implements MigrationInterface {
  name = 'TandemContacts1734500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_account ADD COLUMN phone varchar(40)`);
    await q.query(`ALTER TABLE tandem ADD COLUMN approved_at timestamptz`);
    // Tandems approved before this column: the office's approval in the audit trail.
    await q.query(`UPDATE tandem t SET approved_at = a.at
      FROM (SELECT subject_id, min(created_at) AS at FROM audit_log WHERE action = 'tandem.approve' GROUP BY subject_id) a
      WHERE a.subject_id = t.id::text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tandem DROP COLUMN approved_at`);
    await q.query(`ALTER TABLE user_account DROP COLUMN phone`);
  }
}
