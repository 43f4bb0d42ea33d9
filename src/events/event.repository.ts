import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TopicRepository, type TopicRow } from '../municipalities/topic.repository';
import { queryChanged, queryRows } from '../database/typed-query.util';
import { DataSource, EntityManager } from 'typeorm';
import type { WaitingEntry } from './core/event-places.util';
import type { EventFormat, EventKind, EventState, RegistrationStatus } from './core/event-transitions.util';
import { TransactionalRepository } from '../database/transactional.repository';

export interface EventRow {
  id: string;
  kind: EventKind;
  title: string;
  description: string;
  format: EventFormat;
  address: string;
  onlineLink: string;
  startsAt: Date;
  endsAt: Date;
  registrationDeadline: Date;
  placesTotal: number;
  placesPerTown: number | null;
  topics: string[];
  targetStates: string[];
  targetSizeClasses: string[];
  targetTopics: string[];
  state: EventState;
  sequence: number;
  cancelReason: string | null;
  resultSummary: string | null;
  createdAt: Date;
  stateChangedAt: Date;
  /** The town that proposed and hosts the event ("Wir laden ein"); null for the office's own events. */
  hostTownId: string | null;
  /** The host town's name (directory record), or null. */
  hostTownName: string | null;
  /** The office's comment when it returned the proposal (kept until the host proposes again). */
  reviewComment: string | null;
  /** When the host last proposed it (the office's mails are keyed by it). */
  proposedAt: Date | null;
}

/** An event with its counts, for lists and the detail. */
export interface EventListRow extends EventRow {
  confirmed: number;
  waiting: number;
  invitedTowns: number;
}

export interface RegistrationRow {
  id: string;
  eventId: string;
  townId: string;
  townName: string;
  userId: string | null;
  name: string;
  email: string;
  status: RegistrationStatus;
  waitingPosition: number | null;
  attended: boolean | null;
  createdAt: Date;
}

export type EventFields = Pick<
  EventRow,
  | 'kind'
  | 'title'
  | 'description'
  | 'format'
  | 'address'
  | 'onlineLink'
  | 'startsAt'
  | 'endsAt'
  | 'registrationDeadline'
  | 'placesTotal'
  | 'placesPerTown'
  | 'topics'
  | 'targetStates'
  | 'targetSizeClasses'
  | 'targetTopics'
>;
export type EventPatch = Partial<
  EventFields & Pick<EventRow, 'state' | 'sequence' | 'cancelReason' | 'resultSummary' | 'stateChangedAt' | 'reviewComment' | 'proposedAt'>
>;

const SNAKE: Record<keyof EventPatch, string> = {
  kind: 'kind',
  title: 'title',
  description: 'description',
  format: 'format',
  address: 'address',
  onlineLink: 'online_link',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  registrationDeadline: 'registration_deadline',
  placesTotal: 'places_total',
  placesPerTown: 'places_per_town',
  topics: 'topics',
  targetStates: 'target_states',
  targetSizeClasses: 'target_size_classes',
  targetTopics: 'target_topics',
  state: 'state',
  sequence: 'sequence',
  cancelReason: 'cancel_reason',
  resultSummary: 'result_summary',
  stateChangedAt: 'state_changed_at',
  reviewComment: 'review_comment',
  proposedAt: 'proposed_at',
};

const COLUMNS = `e.id, e.kind, e.title, e.description, e.format, e.address, e.online_link AS "onlineLink", e.starts_at AS "startsAt",
  e.ends_at AS "endsAt", e.registration_deadline AS "registrationDeadline", e.places_total AS "placesTotal",
  e.places_per_town AS "placesPerTown", e.topics, e.target_states AS "targetStates", e.target_size_classes AS "targetSizeClasses",
  e.target_topics AS "targetTopics", e.state, e.sequence, e.cancel_reason AS "cancelReason", e.result_summary AS "resultSummary",
  e.created_at AS "createdAt", e.state_changed_at AS "stateChangedAt", e.host_town_id AS "hostTownId",
  (SELECT hm.name FROM town ht JOIN municipality hm ON hm.ags = ht.ags WHERE ht.id = e.host_town_id) AS "hostTownName",
  e.review_comment AS "reviewComment", e.proposed_at AS "proposedAt"`;

const LIST = `SELECT ${COLUMNS},
  (SELECT count(*)::int FROM event_registration r WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed,
  (SELECT count(*)::int FROM event_registration r WHERE r.event_id = e.id AND r.status = 'waiting') AS waiting,
  (SELECT count(*)::int FROM event_invitation i WHERE i.event_id = e.id) AS "invitedTowns"
  FROM network_event e`;

const REGISTRATION = `SELECT r.id, r.event_id AS "eventId", r.town_id AS "townId", mu.name AS "townName", r.user_id AS "userId", r.name,
  r.email, r.status, r.waiting_position AS "waitingPosition", r.attended, r.created_at AS "createdAt"
  FROM event_registration r JOIN town t ON t.id = r.town_id JOIN municipality mu ON mu.ags = t.ags`;

/** Directory facts of a town for the audience, and whether it is connected (in a tandem or a workshop, ever). */
export interface AudienceFacts {
  id: string;
  name: string;
  stateCode: string;
  stateName: string;
  population: number;
  connected: boolean;
}

// The only place that touches the event tables.
@Injectable()
export class EventRepository extends TransactionalRepository {
  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly topicCatalogue: TopicRepository,
  ) {
    super(ds);
  }

  /** A new event: the office's draft, or a town's proposal (`host` with the time it was proposed). */
  async insert(m: EntityManager, f: EventFields, createdBy: string, host: { townId: string; at: Date } | null = null): Promise<string> {
    const [r] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO network_event (kind, title, description, format, address, online_link, starts_at, ends_at, registration_deadline,
         places_total, places_per_town, topics, target_states, target_size_classes, target_topics, created_by, state, host_town_id, proposed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
         CASE WHEN $17::uuid IS NULL THEN 'draft' ELSE 'proposed' END, $17::uuid, $18::timestamptz) RETURNING id`,
      [
        f.kind,
        f.title,
        f.description,
        f.format,
        f.address,
        f.onlineLink,
        f.startsAt,
        f.endsAt,
        f.registrationDeadline,
        f.placesTotal,
        f.placesPerTown,
        f.topics,
        f.targetStates,
        f.targetSizeClasses,
        f.targetTopics,
        createdBy,
        host?.townId ?? null,
        host?.at ?? null,
      ],
    );
    return r.id;
  }

  /**
   * The event row locked for one step. Every registration, cancellation and office step on one event runs under this
   * lock, one after the other: places and waiting positions are counted and assigned inside it.
   */
  async findForUpdate(m: EntityManager, id: string): Promise<EventRow | null> {
    const rows = await queryRows<EventRow>(m, `SELECT ${COLUMNS} FROM network_event e WHERE e.id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async update(m: EntityManager, id: string, patch: EventPatch): Promise<void> {
    const keys = (Object.keys(patch) as (keyof EventPatch)[]).filter((k) => patch[k] !== undefined);
    if (!keys.length) return;
    await m.query(`UPDATE network_event SET ${keys.map((k, i) => `${SNAKE[k]} = $${i + 2}`).join(', ')} WHERE id = $1`, [
      id,
      ...keys.map((k) => patch[k]),
    ]);
  }

  async findById(id: string): Promise<EventListRow | null> {
    const rows = await queryRows<EventListRow>(this.ds, `${LIST} WHERE e.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The office's list: every event, next first, then the past ones newest first. */
  listAll(limit = 500): Promise<EventListRow[]> {
    return queryRows<EventListRow>(
      this.ds,
      `${LIST} ORDER BY (e.ends_at < now()), CASE WHEN e.ends_at >= now() THEN e.starts_at END, e.starts_at DESC LIMIT $1`,
      [limit],
    );
  }

  /** What towns see: every announced event (no drafts, no proposals), upcoming first. */
  listPublished(limit = 500): Promise<EventListRow[]> {
    return queryRows<EventListRow>(
      this.ds,
      `${LIST} WHERE e.state NOT IN ('draft', 'proposed', 'returned') ORDER BY (e.ends_at < now()), CASE WHEN e.ends_at >= now() THEN e.starts_at END, e.starts_at DESC LIMIT $1`,
      [limit],
    );
  }

  /** The events a town hosts (its proposals in every state), newest first. */
  listHostedBy(townId: string, limit = 200): Promise<EventListRow[]> {
    return queryRows<EventListRow>(this.ds, `${LIST} WHERE e.host_town_id = $1 ORDER BY e.created_at DESC, e.id LIMIT $2`, [townId, limit]);
  }

  /** Published events still open for registration, next first (for the weekly digest). */
  listOpen(now: Date, limit = 200): Promise<EventListRow[]> {
    return queryRows<EventListRow>(
      this.ds,
      `${LIST} WHERE e.state = 'published' AND e.registration_deadline > $1 ORDER BY e.starts_at, e.id LIMIT $2`,
      [now, limit],
    );
  }

  /** Per event, the towns (of `townIds`) with a live registration. */
  async registeredTowns(eventIds: readonly string[], townIds: readonly string[]): Promise<Set<string>> {
    if (!eventIds.length || !townIds.length) return new Set();
    const rows = await queryRows<{ eventId: string; townId: string }>(
      this.ds,
      `SELECT DISTINCT event_id AS "eventId", town_id AS "townId" FROM event_registration
       WHERE event_id = ANY($1::uuid[]) AND town_id = ANY($2::uuid[]) AND status <> 'cancelled'`,
      [eventIds, townIds],
    );
    return new Set(rows.map((r) => `${r.eventId}:${r.townId}`));
  }

  registrations(eventId: string, m: EntityManager = this.ds.manager): Promise<RegistrationRow[]> {
    return queryRows<RegistrationRow>(
      m,
      `${REGISTRATION} WHERE r.event_id = $1
       ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END,
         CASE WHEN r.status = 'confirmed' THEN r.confirmed_at END, r.waiting_position, r.created_at, r.id`,
      [eventId],
    );
  }

  async registration(m: EntityManager, id: string): Promise<RegistrationRow | null> {
    return (await queryRows<RegistrationRow>(m, `${REGISTRATION} WHERE r.id = $1`, [id]))[0] ?? null;
  }

  /** Confirmed places per town, inside the event's lock. */
  async confirmedByTown(m: EntityManager, eventId: string): Promise<Map<string, number>> {
    const rows = await queryRows<{ townId: string; n: number }>(
      m,
      `SELECT town_id AS "townId", count(*)::int AS n FROM event_registration WHERE event_id = $1 AND status = 'confirmed' GROUP BY town_id`,
      [eventId],
    );
    return new Map(rows.map((r) => [r.townId, r.n]));
  }

  waiting(m: EntityManager, eventId: string): Promise<WaitingEntry[]> {
    return queryRows<WaitingEntry>(
      m,
      `SELECT id, town_id AS "townId", waiting_position AS "waitingPosition" FROM event_registration
       WHERE event_id = $1 AND status = 'waiting' ORDER BY waiting_position`,
      [eventId],
    );
  }

  /** Whether the person (by address) holds a live registration already. */
  async liveRegistrationOf(m: EntityManager, eventId: string, email: string): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      m,
      `SELECT id FROM event_registration WHERE event_id = $1 AND lower(email) = lower($2) AND status <> 'cancelled'`,
      [eventId, email],
    );
    return rows[0]?.id ?? null;
  }

  /** A new registration; a waiting one gets the next position (under the event's lock, so positions are in order). */
  async insertRegistration(
    m: EntityManager,
    r: {
      eventId: string;
      townId: string;
      userId: string | null;
      name: string;
      email: string;
      status: 'confirmed' | 'waiting';
      by: string;
      now: Date;
    },
  ): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO event_registration (event_id, town_id, user_id, name, email, status, waiting_position, registered_by, created_at, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6::varchar,
         CASE WHEN $6::varchar = 'waiting' THEN (SELECT coalesce(max(waiting_position), 0) + 1 FROM event_registration WHERE event_id = $1) END,
         $7, clock_timestamp(), CASE WHEN $6::varchar = 'confirmed' THEN $8::timestamptz END)
       RETURNING id`,
      [r.eventId, r.townId, r.userId, r.name, r.email, r.status, r.by, r.now],
    );
    return row.id;
  }

  async setRegistrationStatus(m: EntityManager, id: string, status: RegistrationStatus, now: Date): Promise<void> {
    await m.query(
      `UPDATE event_registration SET status = $2::varchar,
         confirmed_at = CASE WHEN $2::varchar = 'confirmed' THEN $3::timestamptz ELSE confirmed_at END,
         cancelled_at = CASE WHEN $2::varchar = 'cancelled' THEN $3::timestamptz ELSE cancelled_at END
       WHERE id = $1`,
      [id, status, now],
    );
  }

  async setAttended(m: EntityManager, eventId: string, attended: ReadonlySet<string>): Promise<void> {
    await m.query(`UPDATE event_registration SET attended = (id = ANY($2::uuid[])) WHERE event_id = $1 AND status = 'confirmed'`, [
      eventId,
      [...attended],
    ]);
  }

  /**
   * Verified towns that take part, with their directory facts and whether they are connected: a tandem begun (active or
   * concluded) or an accepted place in a workshop that went out. A documented read of the
   * tandem and workshop tables (issue 28: events sit beside those modules, not above them, so they read the two facts
   * they need here instead of importing them).
   */
  audienceFacts(townIds: readonly string[] | null = null, m: EntityManager = this.ds.manager): Promise<AudienceFacts[]> {
    return queryRows<AudienceFacts>(
      m,
      `SELECT t.id, mu.name, mu.state_code AS "stateCode", mu.state_name AS "stateName", mu.population,
         (EXISTS (SELECT 1 FROM tandem d WHERE (d.town_a = t.id OR d.town_b = t.id)
                    AND d.state IN ('active', 'concluded'))
          OR EXISTS (SELECT 1 FROM workshop_invitation wi JOIN workshop w ON w.id = wi.workshop_id
                    WHERE wi.town_id = t.id AND wi.state = 'accepted' AND w.state IN ('invited', 'confirmed', 'held', 'documented'))) AS connected
       FROM town t JOIN municipality mu ON mu.ags = t.ags
       WHERE t.status = 'verified' AND NOT t.opted_out AND ($1::uuid[] IS NULL OR t.id = ANY($1::uuid[])) ORDER BY mu.name`,
      [townIds],
    );
  }

  /** Records the towns invited; returns those not invited before (a second send reaches only new ones). */
  async insertInvitations(m: EntityManager, eventId: string, rows: { townId: string; reasons: string[] }[], by: string): Promise<string[]> {
    if (!rows.length) return [];
    const out = await queryRows<{ townId: string }>(
      m,
      `INSERT INTO event_invitation (event_id, town_id, reasons, sent_by)
       SELECT $1, x.town_id, ARRAY(SELECT jsonb_array_elements_text(x.reasons)), $3
       FROM jsonb_to_recordset($2::jsonb) AS x(town_id uuid, reasons jsonb)
       ON CONFLICT (event_id, town_id) DO NOTHING RETURNING town_id AS "townId"`,
      [eventId, JSON.stringify(rows.map((r) => ({ town_id: r.townId, reasons: r.reasons }))), by],
    );
    return out.map((r) => r.townId);
  }

  async invitedTownIds(eventId: string): Promise<Set<string>> {
    const rows = await queryRows<{ townId: string }>(this.ds, `SELECT town_id AS "townId" FROM event_invitation WHERE event_id = $1`, [
      eventId,
    ]);
    return new Set(rows.map((r) => r.townId));
  }

  /** The reasons a town was invited with (its own data), or null. */
  async invitationOf(eventId: string, townId: string): Promise<string[] | null> {
    const rows = await queryRows<{ reasons: string[] }>(
      this.ds,
      `SELECT reasons FROM event_invitation WHERE event_id = $1 AND town_id = $2`,
      [eventId, townId],
    );
    return rows[0]?.reasons ?? null;
  }

  /** Published events whose registration deadline has passed (the scheduler closes them). */
  async dueForClosing(now: Date): Promise<{ id: string }[]> {
    return queryRows<{ id: string }>(
      this.ds,
      `SELECT id FROM network_event WHERE state = 'published' AND registration_deadline <= $1 ORDER BY registration_deadline LIMIT 500`,
      [now],
    );
  }

  /** Events starting within `days` whose reminder is not sent yet. */
  async dueForReminder(now: Date, days: number): Promise<{ id: string }[]> {
    return queryRows<{ id: string }>(
      this.ds,
      `SELECT id FROM network_event WHERE state IN ('published', 'registration_closed') AND reminder_sent_at IS NULL
         AND starts_at > $1 AND starts_at <= $1 + make_interval(days => $2) ORDER BY starts_at LIMIT 500`,
      [now, days],
    );
  }

  /** Claims the event's reminder in the caller's transaction; false when another run sent it. */
  async claimReminder(m: EntityManager, id: string, now: Date): Promise<boolean> {
    // A bare UPDATE answers [rows, count] through TypeORM's driver: queryChanged reads the count.
    const { count } = await queryChanged(m, `UPDATE network_event SET reminder_sent_at = $2 WHERE id = $1 AND reminder_sent_at IS NULL`, [
      id,
      now,
    ]);
    return count > 0;
  }

  topics(): Promise<readonly TopicRow[]> {
    return this.topicCatalogue.listActive();
  }

  states(): Promise<{ code: string; name: string }[]> {
    return queryRows<{ code: string; name: string }>(
      this.ds,
      `SELECT DISTINCT state_code AS code, state_name AS name FROM municipality ORDER BY state_name`,
    );
  }

  /** The topics and Länder an event's form may name. */
  async vocabulary(): Promise<{ topics: Set<string>; states: Set<string> }> {
    const [topics, states] = await Promise.all([this.topics(), this.states()]);
    return { topics: new Set(topics.map((t) => t.slug)), states: new Set(states.map((s) => s.code)) };
  }

  /** Whether the town is verified, outside a transaction (a proposal's first check, before its input is read). */
  async townIsVerified(id: string): Promise<boolean> {
    return this.isVerifiedTown(this.ds.manager, id);
  }

  /** Whether the town takes part in the network (verified): only such towns register people. */
  async isVerifiedTown(m: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows<{ '?column?': number }>(m, `SELECT 1 FROM town WHERE id = $1 AND status = 'verified'`, [id]);
    return rows.length > 0;
  }

  async townName(id: string, m: EntityManager = this.ds.manager): Promise<string | null> {
    const rows = await queryRows<{ name: string }>(m, `SELECT mu.name FROM town t JOIN municipality mu ON mu.ags = t.ags WHERE t.id = $1`, [
      id,
    ]);
    return rows[0]?.name ?? null;
  }

  /** The audit rows of one event, oldest first, with who acted. */
  timeline(id: string): Promise<{ at: Date; action: string; actorName: string | null; reason: string | null }[]> {
    return queryRows<{ at: Date; action: string; actorName: string | null; reason: string | null }>(
      this.ds,
      `SELECT a.created_at AS at, a.action, u.display_name AS "actorName", a.reason
       FROM audit_log a LEFT JOIN user_account u ON u.id = a.actor_id
       WHERE a.subject_type = 'event' AND a.subject_id = $1 ORDER BY a.created_at, a.id`,
      [id],
    );
  }
}
