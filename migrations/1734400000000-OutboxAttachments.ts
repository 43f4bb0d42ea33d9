import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 22: the embedded outbox keeps what a mailbox would receive — the attachments (a workshop's calendar file) and
// the whole message as sent (.eml), not only the two bodies.
export class OutboxAttachments1734400000000 implements MigrationInterface {
  name = 'OutboxAttachments1734400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_message ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]', ADD COLUMN raw bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_message DROP COLUMN raw, DROP COLUMN attachments`);
  }
}
