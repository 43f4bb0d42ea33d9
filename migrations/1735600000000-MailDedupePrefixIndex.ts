import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 29: the office's tandem and workshop pages name who a proposal or invitation was mailed to on every visit,
// read by dedupe-key prefix (`dedupe_key LIKE 'tandem:<id>:proposed:%'`). The unique index on dedupe_key follows the
// database's collation, which a LIKE cannot use (C.UTF-8 and the usual locales), so each visit scanned every mail ever
// promised. A pattern_ops index serves the prefix; the unique one stays for the outbox's ON CONFLICT.
export class MailDedupePrefixIndex1735600000000 implements MigrationInterface {
  name = 'MailDedupePrefixIndex1735600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX mail_delivery_dedupe_prefix_idx ON mail_delivery (dedupe_key varchar_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX mail_delivery_dedupe_prefix_idx`);
  }
}
