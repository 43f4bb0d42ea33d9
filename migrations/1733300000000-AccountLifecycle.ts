import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 9: no squatting (only a verified town holds its AGS; pending applications may compete), consent at
// registration, single-use tokens for password reset, email change and invitations (purpose column exists),
// several contacts per town with one main contact, and deleted accounts kept as anonymous "ehemaliger Kontakt".
export class AccountLifecycle1733300000000 implements MigrationInterface {
  name = 'AccountLifecycle1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE town DROP CONSTRAINT town_ags_key`);
    await q.query(`CREATE UNIQUE INDEX town_verified_ags_idx ON town (ags) WHERE status = 'verified'`);
    await q.query(`CREATE INDEX town_ags_idx ON town (ags)`);
    await q.query(`ALTER TABLE user_account ADD COLUMN privacy_accepted_at timestamptz`);
    // The new address of a pending email change travels with its token.
    await q.query(`ALTER TABLE email_token ADD COLUMN new_email varchar(254)`);
    await q.query(`ALTER TABLE user_account ADD COLUMN deleted_at timestamptz`);
    await q.query(`ALTER TABLE user_account ADD COLUMN main_contact boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE user_account u SET main_contact = true WHERE u.role = 'town_contact' AND u.id = (
      SELECT v.id FROM user_account v WHERE v.town_id = u.town_id ORDER BY v.created_at, v.id LIMIT 1)`);
    await q.query(`CREATE UNIQUE INDEX user_account_main_contact_idx ON user_account (town_id) WHERE main_contact`);
    // A deleted account keeps its row (history points at it) but leaves its town: no query by town finds it again.
    await q.query(`ALTER TABLE user_account DROP CONSTRAINT contact_has_town`);
    await q.query(`ALTER TABLE user_account ADD CONSTRAINT contact_has_town
      CHECK (deleted_at IS NOT NULL OR (role = 'town_contact') = (town_id IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_account DROP CONSTRAINT contact_has_town`);
    await q.query(`ALTER TABLE user_account ADD CONSTRAINT contact_has_town CHECK ((role = 'town_contact') = (town_id IS NOT NULL))`);
    await q.query(`DROP INDEX user_account_main_contact_idx`);
    await q.query(`ALTER TABLE user_account DROP COLUMN main_contact`);
    await q.query(`ALTER TABLE user_account DROP COLUMN deleted_at`);
    await q.query(`ALTER TABLE email_token DROP COLUMN new_email`);
    await q.query(`ALTER TABLE user_account DROP COLUMN privacy_accepted_at`);
    await q.query(`DROP INDEX town_ags_idx`);
    await q.query(`DROP INDEX town_verified_ags_idx`);
    await q.query(`ALTER TABLE town ADD CONSTRAINT town_ags_key UNIQUE (ags)`);
  }
}
