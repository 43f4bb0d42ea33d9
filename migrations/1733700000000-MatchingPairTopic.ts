import { MigrationInterface, QueryRunner } from 'typeorm';

/** The topic a suggested or proposed pair would work on (a topic slug; null for runs made before this column). */
export class MatchingPairTopic1733700000000 implements MigrationInterface {
  name = 'MatchingPairTopic1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE matching_suggestion ADD COLUMN topic varchar(64)`);
    await q.query(`ALTER TABLE tandem_round_pair ADD COLUMN topic varchar(64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tandem_round_pair DROP COLUMN topic`);
    await q.query(`ALTER TABLE matching_suggestion DROP COLUMN topic`);
  }
}
