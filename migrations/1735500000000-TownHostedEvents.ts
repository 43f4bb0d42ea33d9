import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 28, phase 2: events a town hosts ("Wir laden ein"). A town proposes an event (state `proposed`, its host
// town recorded); the office approves it (→ `draft`, the office's from then on) or returns it with a comment
// (`returned`), and the host revises and proposes again. A documented event can become a Methodenkoffer draft: the
// practice remembers its event (one draft per event).
export class TownHostedEvents1735500000000 implements MigrationInterface {
  name = 'TownHostedEvents1735500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE network_event
      ADD COLUMN host_town_id uuid REFERENCES town(id) ON DELETE SET NULL,
      ADD COLUMN review_comment varchar(1000),
      ADD COLUMN proposed_at timestamptz`);
    await q.query(`ALTER TABLE network_event DROP CONSTRAINT network_event_state_check`);
    await q.query(`ALTER TABLE network_event ADD CONSTRAINT network_event_state_check
      CHECK (state IN ('proposed', 'returned', 'draft', 'published', 'registration_closed', 'held', 'documented', 'cancelled'))`);
    await q.query(`CREATE INDEX network_event_host_idx ON network_event (host_town_id) WHERE host_town_id IS NOT NULL`);

    await q.query(`ALTER TABLE practice ADD COLUMN event_id uuid REFERENCES network_event(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE practice DROP CONSTRAINT practice_origin_check`);
    await q.query(`ALTER TABLE practice ADD CONSTRAINT practice_origin_check CHECK (origin IN ('own', 'tandem', 'workshop', 'event'))`);
    await q.query(`ALTER TABLE practice ADD CONSTRAINT practice_event_origin_check CHECK (origin = 'event' OR event_id IS NULL)`);
    // One draft per event: a second click on "Als Methodenkoffer-Entwurf anlegen" opens the same draft.
    await q.query(`CREATE UNIQUE INDEX practice_event_idx ON practice (event_id) WHERE event_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS practice_event_idx`);
    await q.query(`ALTER TABLE practice DROP CONSTRAINT IF EXISTS practice_event_origin_check`);
    await q.query(`DELETE FROM practice WHERE origin = 'event'`);
    await q.query(`ALTER TABLE practice DROP CONSTRAINT practice_origin_check`);
    await q.query(`ALTER TABLE practice ADD CONSTRAINT practice_origin_check CHECK (origin IN ('own', 'tandem', 'workshop'))`);
    await q.query(`ALTER TABLE practice DROP COLUMN event_id`);
    await q.query(`DELETE FROM network_event WHERE state IN ('proposed', 'returned')`);
    await q.query(`ALTER TABLE network_event DROP CONSTRAINT network_event_state_check`);
    await q.query(`ALTER TABLE network_event ADD CONSTRAINT network_event_state_check
      CHECK (state IN ('draft', 'published', 'registration_closed', 'held', 'documented', 'cancelled'))`);
    await q.query(`DROP INDEX IF EXISTS network_event_host_idx`);
    await q.query(`ALTER TABLE network_event DROP COLUMN host_town_id, DROP COLUMN review_comment, DROP COLUMN proposed_at`);
  }
}
