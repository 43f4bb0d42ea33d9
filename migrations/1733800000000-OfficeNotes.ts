import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 13: the Geschäftsstelle's internal notes on a town (never shown to towns).
export class OfficeNotes1733800000000 implements MigrationInterface {
  name = 'OfficeNotes1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE office_note (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      author_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
      text varchar(2000) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX office_note_town_idx ON office_note (town_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE office_note`);
  }
}
