import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 27, following up: 6 and 12 months after a tandem or workshop ended, the receiving towns are asked whether they
// took over the example that came from it. One row per example, receiving town and stage, written in the same
// transaction as its mails: a row that exists was promised, so a job that runs twice sends nothing twice. The town's
// answer (ja / teilweise / geplant / nein) is kept on the row; its latest answer counts.
export class PracticeFollowUps1735300000000 implements MigrationInterface {
  name = 'PracticeFollowUps1735300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE practice_follow_up (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      practice_id uuid NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      stage smallint NOT NULL CHECK (stage IN (6, 12)),
      due_at timestamptz NOT NULL,
      sent_at timestamptz NOT NULL,
      answer varchar(10) CHECK (answer IN ('yes', 'partly', 'planned', 'no')),
      answered_at timestamptz,
      answered_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      UNIQUE (practice_id, town_id, stage),
      CHECK ((answer IS NULL) = (answered_at IS NULL))
    )`);
    await q.query(`CREATE INDEX practice_follow_up_answered_idx ON practice_follow_up (practice_id) WHERE answer IS NOT NULL`);
    // "übernommen in N Kommunen": towns whose latest answer is yes or partly.
    await q.query(`CREATE VIEW practice_adoption AS
      SELECT practice_id, (count(*) FILTER (WHERE answer IN ('yes', 'partly')))::int AS adoptions
      FROM (SELECT DISTINCT ON (practice_id, town_id) practice_id, town_id, answer FROM practice_follow_up
            WHERE answer IS NOT NULL ORDER BY practice_id, town_id, answered_at DESC) latest
      GROUP BY practice_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS practice_adoption`);
    await q.query(`DROP TABLE IF EXISTS practice_follow_up`);
  }
}
