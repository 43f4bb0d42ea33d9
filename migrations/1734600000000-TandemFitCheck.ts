import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 23, the fit check: when a tandem began, when both towns were asked "Passt das Tandem?", and their answers.
export class TandemFitCheck1734600000000 implements MigrationInterface {
  name = 'TandemFitCheck1734600000000';

  async up(q: QueryRunner): Promise<void> {
    // Its own final state: ended early because the pair did not fit.
    await q.query(`ALTER TABLE tandem DROP CONSTRAINT tandem_state_check`);
    await q.query(`ALTER TABLE tandem ADD CONSTRAINT tandem_state_check CHECK (state IN ('requested', 'accepted', 'approved',
      'active', 'concluded', 'proposed', 'declined', 'withdrawn', 'rejected', 'expired', 'cancelled', 'not_a_fit'))`);
    await q.query(`ALTER TABLE tandem ADD COLUMN started_at timestamptz, ADD COLUMN fit_asked_at timestamptz`);
    // Tandems active before this column: the step that made them active in the audit trail (start, or a proposal's
    // second acceptance), else their last state change.
    await q.query(`UPDATE tandem t SET started_at = coalesce(
        (SELECT min(a.created_at) FROM audit_log a WHERE a.subject_id = t.id::text AND a.data->>'to' = 'active'), t.state_changed_at)
      WHERE t.state IN ('active', 'concluded') OR (t.state = 'cancelled' AND EXISTS (
        SELECT 1 FROM audit_log a WHERE a.subject_id = t.id::text AND a.data->>'to' = 'active'))`);
    await q.query(`CREATE TABLE tandem_fit_answer (
      tandem_id uuid NOT NULL REFERENCES tandem(id) ON DELETE CASCADE,
      town_id uuid NOT NULL,
      fits boolean NOT NULL,
      reason text NOT NULL DEFAULT '',
      answered_by uuid,
      answered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tandem_id, town_id)
    )`);
    // The hourly job finds tandems due for the question by this.
    await q.query(`CREATE INDEX tandem_fit_due_idx ON tandem (started_at) WHERE state = 'active' AND fit_asked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tandem_fit_due_idx`);
    await q.query(`DROP TABLE tandem_fit_answer`);
    await q.query(`ALTER TABLE tandem DROP COLUMN fit_asked_at, DROP COLUMN started_at`);
    await q.query(`UPDATE tandem SET state = 'cancelled' WHERE state = 'not_a_fit'`);
    await q.query(`ALTER TABLE tandem DROP CONSTRAINT tandem_state_check`);
    await q.query(`ALTER TABLE tandem ADD CONSTRAINT tandem_state_check CHECK (state IN ('requested', 'accepted', 'approved',
      'active', 'concluded', 'proposed', 'declined', 'withdrawn', 'rejected', 'expired', 'cancelled'))`);
  }
}
