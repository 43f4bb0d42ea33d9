import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 30, BITV 2.0: the feedback mechanism of the accessibility statement. A message about a barrier (name and
// address optional) is kept for the office, which also gets it by email.
export class AccessibilityFeedback1735100000000 implements MigrationInterface {
  name = 'AccessibilityFeedback1735100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accessibility_feedback (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(120) NOT NULL DEFAULT '',
      email varchar(254) NOT NULL DEFAULT '',
      page varchar(300) NOT NULL DEFAULT '',
      message varchar(4000) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX accessibility_feedback_created_idx ON accessibility_feedback (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accessibility_feedback`);
  }
}
