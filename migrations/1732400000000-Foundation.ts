import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 2 schema: official directory, registered towns with profiles, accounts, tokens, audit, mail deliveries.
export class Foundation1732400000000 implements MigrationInterface {
  name = 'Foundation1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE municipality (
      ags char(8) PRIMARY KEY,
      ars char(12) NOT NULL,
      name varchar(200) NOT NULL,
      name_raw varchar(200) NOT NULL,
      type_code smallint NOT NULL,
      state_code char(2) NOT NULL,
      state_name varchar(60) NOT NULL,
      district_name varchar(200),
      association_name varchar(200),
      association_type smallint,
      association_population integer,
      population integer NOT NULL,
      area_km2 numeric(10,2) NOT NULL,
      latitude double precision,
      longitude double precision,
      postcode varchar(5),
      degurba smallint,
      source varchar(40) NOT NULL DEFAULT 'destatis',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX municipality_name_idx ON municipality (lower(name) varchar_pattern_ops)`);
    await q.query(`CREATE INDEX municipality_postcode_idx ON municipality (postcode)`);
    await q.query(`CREATE INDEX municipality_population_idx ON municipality (population)`);

    await q.query(`CREATE TABLE topic (
      slug varchar(60) PRIMARY KEY,
      name varchar(120) NOT NULL UNIQUE,
      sort_order smallint NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true
    )`);

    await q.query(`CREATE TYPE town_status AS ENUM ('pending', 'verified', 'rejected')`);
    await q.query(`CREATE TABLE town (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      ags char(8) NOT NULL UNIQUE REFERENCES municipality(ags),
      status town_status NOT NULL DEFAULT 'pending',
      is_demo boolean NOT NULL DEFAULT false,
      description text NOT NULL DEFAULT '',
      capacity smallint NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 0 AND 10),
      opted_out boolean NOT NULL DEFAULT false,
      visibility jsonb NOT NULL DEFAULT '{}'::jsonb,
      rejection_reason text,
      decided_at timestamptz,
      profile_updated_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX town_status_idx ON town (status)`);
    await q.query(`CREATE TABLE town_topic (
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      topic_slug varchar(60) NOT NULL REFERENCES topic(slug),
      PRIMARY KEY (town_id, topic_slug)
    )`);
    await q.query(`CREATE TABLE town_challenge (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      topic_slug varchar(60) NOT NULL REFERENCES topic(slug),
      text varchar(500) NOT NULL,
      urgency smallint NOT NULL CHECK (urgency BETWEEN 1 AND 3)
    )`);
    await q.query(`CREATE INDEX town_challenge_town_idx ON town_challenge (town_id)`);
    await q.query(`CREATE TABLE town_experience (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      topic_slug varchar(60) NOT NULL REFERENCES topic(slug),
      tried varchar(1000) NOT NULL,
      outcome varchar(1000) NOT NULL DEFAULT ''
    )`);
    await q.query(`CREATE INDEX town_experience_town_idx ON town_experience (town_id)`);

    await q.query(`CREATE TYPE user_role AS ENUM ('town_contact', 'office', 'admin')`);
    await q.query(`CREATE TABLE user_account (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email varchar(254) NOT NULL,
      password_hash varchar(200) NOT NULL,
      role user_role NOT NULL,
      display_name varchar(120) NOT NULL DEFAULT '',
      town_id uuid REFERENCES town(id) ON DELETE CASCADE,
      contact_function varchar(20),
      email_confirmed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT contact_has_town CHECK ((role = 'town_contact') = (town_id IS NOT NULL))
    )`);
    await q.query(`CREATE UNIQUE INDEX user_account_email_idx ON user_account (lower(email))`);

    await q.query(`CREATE TABLE email_token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
      purpose varchar(30) NOT NULL,
      token_hash char(64) NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      actor_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
      action varchar(60) NOT NULL,
      subject_type varchar(40) NOT NULL,
      subject_id varchar(64) NOT NULL,
      reason text,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id)`);

    // One row per promised email; the unique key makes a re-run job a no-op instead of a second email.
    await q.query(`CREATE TABLE mail_delivery (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      dedupe_key varchar(200) NOT NULL UNIQUE,
      recipient varchar(254) NOT NULL,
      template varchar(60) NOT NULL,
      context jsonb NOT NULL DEFAULT '{}'::jsonb,
      status varchar(12) NOT NULL DEFAULT 'queued',
      attempts smallint NOT NULL DEFAULT 0,
      subject varchar(300),
      message_id varchar(300),
      last_error text,
      claimed_at timestamptz,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX mail_delivery_status_idx ON mail_delivery (status)`);

    // Local outbox: where email goes in the embedded default mode instead of SMTP (readable in the browser).
    await q.query(`CREATE TABLE outbox_message (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      message_id varchar(300) NOT NULL,
      recipient varchar(254) NOT NULL,
      subject varchar(300) NOT NULL,
      html text NOT NULL,
      text text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    // Session store for express-session (connect-pg-simple layout).
    await q.query(`CREATE TABLE http_session (
      sid varchar NOT NULL PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    )`);
    await q.query(`CREATE INDEX http_session_expire_idx ON http_session (expire)`);

    const topics: Array<[string, string]> = [
      ['innenstadt', 'Innenstadt & Ortskern beleben (Innenentwicklung)'],
      ['leerstand', 'Leerstand'],
      ['einzelhandel', 'Einzelhandel'],
      ['wohnen', 'Wohnen & neue Wohnformen'],
      ['coworking', 'Digitale Arbeitswelten & Co-Working'],
      ['digitale-verwaltung', 'Digitalisierung der Verwaltung'],
      ['mobilitaet', 'Mobilität'],
      ['klimaschutz', 'Klimaschutz'],
      ['klimaanpassung', 'Klimaanpassung'],
      ['erneuerbare-energien', 'Erneuerbare Energien'],
      ['demografie', 'Demografischer Wandel & Überalterung'],
      ['junge-menschen', 'Junge Menschen & Zuzug'],
      ['fachkraefte', 'Fachkräftemangel'],
      ['beteiligung', 'Beteiligung & lokale Demokratie'],
      ['oeffentlicher-raum', 'Öffentlicher Raum & Bahnhöfe'],
      ['kultur-bildung', 'Kultur, Bildung & Freizeit'],
      ['daseinsvorsorge', 'Daseinsvorsorge'],
      ['stadt-land', 'Stadt-Land-Partnerschaften & Ortsteile'],
      ['finanzen', 'Kommunalfinanzen & Fördermittel'],
      ['integration', 'Integration & Zuwanderung'],
      ['tourismus', 'Tourismus'],
      ['resilienz', 'Krisenbewältigung & Resilienz'],
    ];
    for (const [i, [slug, name]] of topics.entries()) {
      await q.query(`INSERT INTO topic (slug, name, sort_order) VALUES ($1, $2, $3)`, [slug, name, i + 1]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'http_session',
      'outbox_message',
      'mail_delivery',
      'audit_log',
      'email_token',
      'user_account',
      'town_experience',
      'town_challenge',
      'town_topic',
      'town',
      'topic',
      'municipality',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP TYPE IF EXISTS user_role`);
    await q.query(`DROP TYPE IF EXISTS town_status`);
  }
}
