import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 25, reach: the office's address book per town. Most towns of a network have no account; the office notes whom
// to write to there (with where the address came from, DSGVO Art. 14), so proposals and workshop invitations reach
// somebody. A person may ask for no more mails (opted_out_at) or take the town's account over (claimed_user_id).
export class TownAddressBook1734900000000 implements MigrationInterface {
  name = 'TownAddressBook1734900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE town_contact_person (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      display_name varchar(80) NOT NULL,
      contact_function varchar(10) NOT NULL CHECK (contact_function IN ('mayor', 'deputy', 'staff')),
      email varchar(254) NOT NULL,
      phone varchar(40),
      source varchar(300) NOT NULL CHECK (length(btrim(source)) > 0),
      created_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      opted_out_at timestamptz,
      claimed_user_id uuid REFERENCES user_account(id) ON DELETE SET NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX town_contact_person_email_uq ON town_contact_person (town_id, lower(email))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE town_contact_person`);
  }
}
