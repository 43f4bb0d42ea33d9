import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 25 (reach): the office pairs two towns outside a tandem round. Its own reason goes to both towns (proposal
// mail and tandem page); a proposal that carries one was made outside a round (a round's proposal has none).
export class OfficePairing1735000000000 implements MigrationInterface {
  name = 'OfficePairing1735000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tandem ADD COLUMN office_reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tandem DROP COLUMN office_reason`);
  }
}
