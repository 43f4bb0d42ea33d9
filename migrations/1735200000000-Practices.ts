import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 27, the Methodenkoffer: methods (Steckbriefe), a town's application examples (working copy with review states
// draft → submitted → published | returned), the methods an example uses, and every published version (the public
// reads the current one; its German full-text vector and the filter facts are kept with it).
export class Practices1735200000000 implements MigrationInterface {
  name = 'Practices1735200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE practice_method (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug varchar(80) NOT NULL UNIQUE,
      name varchar(120) NOT NULL UNIQUE,
      what_it_is varchar(2000) NOT NULL,
      helps_when varchar(2000) NOT NULL,
      effort varchar(500) NOT NULL DEFAULT '',
      actors varchar(500) NOT NULL DEFAULT '',
      links jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE practice (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      state varchar(10) NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'published', 'returned')),
      title varchar(200) NOT NULL DEFAULT '',
      summary varchar(2000) NOT NULL DEFAULT '',
      challenges varchar(300)[] NOT NULL DEFAULT '{}',
      topics varchar(60)[] NOT NULL DEFAULT '{}',
      context jsonb NOT NULL DEFAULT '{}'::jsonb,
      steps jsonb NOT NULL DEFAULT '[]'::jsonb,
      results jsonb NOT NULL DEFAULT '[]'::jsonb,
      not_worked varchar(2000) NOT NULL DEFAULT '',
      transfer_conditions varchar(2000) NOT NULL DEFAULT '',
      status varchar(12) NOT NULL DEFAULT 'running' CHECK (status IN ('idea', 'running', 'established', 'ended')),
      contact_user_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
      open_for_visits boolean NOT NULL DEFAULT false,
      origin varchar(10) NOT NULL DEFAULT 'own' CHECK (origin IN ('own', 'tandem', 'workshop')),
      tandem_id uuid REFERENCES tandem(id) ON DELETE SET NULL,
      workshop_id uuid REFERENCES workshop(id) ON DELETE SET NULL,
      licence varchar(20) NOT NULL DEFAULT 'CC-BY-4.0',
      review_comment varchar(2000),
      submitted_at timestamptz,
      published_version integer,
      created_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (origin = 'tandem' OR tandem_id IS NULL),
      CHECK (origin = 'workshop' OR workshop_id IS NULL)
    )`);
    await q.query(`CREATE INDEX practice_town_idx ON practice (town_id)`);
    await q.query(`CREATE INDEX practice_state_idx ON practice (state, submitted_at)`);
    // One draft per town and tandem or workshop: a double click on "festhalten" opens the same draft.
    await q.query(`CREATE UNIQUE INDEX practice_town_tandem_idx ON practice (town_id, tandem_id) WHERE tandem_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX practice_town_workshop_idx ON practice (town_id, workshop_id) WHERE workshop_id IS NOT NULL`);
    await q.query(`CREATE TABLE practice_method_use (
      practice_id uuid NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
      method_id uuid NOT NULL REFERENCES practice_method(id) ON DELETE CASCADE,
      PRIMARY KEY (practice_id, method_id)
    )`);
    await q.query(`CREATE INDEX practice_method_use_method_idx ON practice_method_use (method_id)`);
    // Every published version; the current one is what everybody reads, searches and filters.
    await q.query(`CREATE TABLE practice_version (
      practice_id uuid NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
      version integer NOT NULL,
      is_current boolean NOT NULL DEFAULT true,
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      content jsonb NOT NULL,
      topics varchar(60)[] NOT NULL DEFAULT '{}',
      method_ids uuid[] NOT NULL DEFAULT '{}',
      status varchar(12) NOT NULL,
      state_code char(2) NOT NULL,
      size_class varchar(30) NOT NULL,
      search_vector tsvector NOT NULL,
      published_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      published_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (practice_id, version)
    )`);
    await q.query(`CREATE UNIQUE INDEX practice_version_current_idx ON practice_version (practice_id) WHERE is_current`);
    await q.query(`CREATE INDEX practice_version_search_idx ON practice_version USING gin (search_vector) WHERE is_current`);
    await q.query(`CREATE INDEX practice_version_topics_idx ON practice_version USING gin (topics) WHERE is_current`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['practice_version', 'practice_method_use', 'practice', 'practice_method']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
