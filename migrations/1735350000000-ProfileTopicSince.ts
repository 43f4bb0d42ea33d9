import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 27, the office's Seismograph: since when a town names a topic (town_topic) or a challenge (town_challenge).
// A profile save rewrites these rows; TownRepository.writeProfile carries the date over for what stays named, so the
// date is "first named in the profile, still named today". Rows written before this migration get the profile's last
// save (or the town's registration): the one date the database still knows they were there.
export class ProfileTopicSince1735350000000 implements MigrationInterface {
  name = 'ProfileTopicSince1735350000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['town_topic', 'town_challenge']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`);
      await q.query(`UPDATE ${table} x SET created_at = coalesce(t.profile_updated_at, t.created_at) FROM town t WHERE t.id = x.town_id`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['town_topic', 'town_challenge']) await q.query(`ALTER TABLE ${table} DROP COLUMN created_at`);
  }
}
