import { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 28, events: Erfahrungswerkstätten, Regionalkonferenzen, forums, online consultations and visits, with a target
// audience, registrations with a fair waiting list (confirmed in order while places last, in total and per town), the
// towns invited, and a reminder claimed once.
export class Events1735400000000 implements MigrationInterface {
  name = 'Events1735400000000';

  async up(q: QueryRunner): Promise<void> {
    // Not `event`: embedded mode puts BullMQ's PostgreSQL schema (with its own `event` table) on the search path after
    // public, so a public `event` would shadow it (test/unit/database/table-names.spec.ts).
    await q.query(`CREATE TABLE network_event (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind varchar(30) NOT NULL CHECK (kind IN ('erfahrungswerkstatt', 'regionalkonferenz', 'forum', 'online_sprechstunde', 'besuch_vor_ort')),
      title varchar(200) NOT NULL,
      description varchar(4000) NOT NULL DEFAULT '',
      format varchar(10) NOT NULL CHECK (format IN ('in_person', 'online', 'hybrid')),
      address varchar(500) NOT NULL DEFAULT '',
      online_link varchar(500) NOT NULL DEFAULT '',
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      registration_deadline timestamptz NOT NULL,
      places_total integer NOT NULL CHECK (places_total > 0),
      places_per_town integer CHECK (places_per_town > 0),
      topics varchar(60)[] NOT NULL DEFAULT '{}',
      target_states varchar(2)[] NOT NULL DEFAULT '{}',
      target_size_classes varchar(30)[] NOT NULL DEFAULT '{}',
      target_topics varchar(60)[] NOT NULL DEFAULT '{}',
      state varchar(20) NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'published', 'registration_closed', 'held', 'documented', 'cancelled')),
      sequence integer NOT NULL DEFAULT 0,
      cancel_reason varchar(1000),
      result_summary varchar(4000),
      reminder_sent_at timestamptz,
      created_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      state_changed_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at),
      CHECK (registration_deadline <= starts_at)
    )`);
    await q.query(`CREATE INDEX network_event_state_start_idx ON network_event (state, starts_at)`);
    // waiting_position: the order of the waiting list (assigned under the event's row lock, never reused).
    await q.query(`CREATE TABLE event_registration (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id uuid NOT NULL REFERENCES network_event(id) ON DELETE CASCADE,
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      user_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
      name varchar(200) NOT NULL,
      email varchar(320) NOT NULL,
      status varchar(10) NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
      waiting_position integer,
      attended boolean,
      registered_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      confirmed_at timestamptz,
      cancelled_at timestamptz,
      CHECK (status <> 'waiting' OR waiting_position IS NOT NULL)
    )`);
    // One live registration per person and event: a double click registers once.
    await q.query(
      `CREATE UNIQUE INDEX event_registration_person_idx ON event_registration (event_id, lower(email)) WHERE status <> 'cancelled'`,
    );
    await q.query(`CREATE INDEX event_registration_event_idx ON event_registration (event_id, status, waiting_position)`);
    await q.query(`CREATE INDEX event_registration_town_idx ON event_registration (town_id)`);
    await q.query(`CREATE TABLE event_invitation (
      event_id uuid NOT NULL REFERENCES network_event(id) ON DELETE CASCADE,
      town_id uuid NOT NULL REFERENCES town(id) ON DELETE CASCADE,
      reasons varchar(300)[] NOT NULL DEFAULT '{}',
      sent_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (event_id, town_id)
    )`);
    await q.query(`CREATE INDEX event_invitation_town_idx ON event_invitation (town_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['event_invitation', 'event_registration', 'network_event']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
