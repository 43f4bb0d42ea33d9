import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 9: no squatting (only a verified town holds its AGS; pending applications may compete), consent at
// registration, and single-use tokens for password reset and email change (purpose column already exists).
export class AccountLifecycle1733300000000 implements MigrationInterface {
  name = 'AccountLifecycle1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE town DROP CONSTRAINT town_ags_key`);
    await q.query(`CREATE UNIQUE INDEX town_verified_ags_idx ON town (ags) WHERE status = 'verified'`);
    await q.query(`CREATE INDEX town_ags_idx ON town (ags)`);
    await q.query(`ALTER TABLE user_account ADD COLUMN privacy_accepted_at timestamptz`);
    // The new address of a pending email change travels with its token.
    await q.query(`ALTER TABLE email_token ADD COLUMN new_email varchar(254)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE email_token DROP COLUMN new_email`);
    await q.query(`ALTER TABLE user_account DROP COLUMN privacy_accepted_at`);
    await q.query(`DROP INDEX town_ags_idx`);
    await q.query(`DROP INDEX town_verified_ags_idx`);
    await q.query(`ALTER TABLE town ADD CONSTRAINT town_ags_key UNIQUE (ags)`);
  }
}
