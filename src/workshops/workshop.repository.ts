import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TopicRepository, type TopicRow } from '../municipalities/topic.repository';
import { experiencedInSql } from '../municipalities/visibility/town-view.repository';
import { DataSource, EntityManager } from 'typeorm';
import type { RuleTown } from './workshop-rules.util';
import type { InvitationState, WorkshopFormat, WorkshopState } from './workshop-transitions.util';
import { queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

export interface WorkshopRow {
  id: string;
  themeSlug: string;
  title: string;
  startsAt: Date | null;
  durationMinutes: number;
  format: WorkshopFormat;
  hostTownId: string | null;
  address: string;
  onlineLink: string;
  state: WorkshopState;
  sequence: number;
  invitationsClosedAt: Date | null;
  cancelReason: string | null;
  resultPresented: string | null;
  resultWillTry: string | null;
  resultTopics: string[] | null;
  runId: string | null;
  groupNo: number | null;
  createdAt: Date;
  stateChangedAt: Date;
}

/** A workshop with the names a page or mail shows. */
export interface WorkshopListRow extends WorkshopRow {
  themeName: string;
  hostTownName: string | null;
  invited: number;
  accepted: number;
  declined: number;
}

/** One invitation with the town's facts and what it says about the workshop's theme. */
export interface InvitationRow {
  id: string;
  workshopId: string;
  townId: string;
  state: InvitationState;
  chosenBecause: string;
  answerReason: string | null;
  answeredAt: Date | null;
  answeredByName: string | null;
  invitedAt: Date;
  name: string;
  stateCode: string;
  stateName: string;
  population: number;
  latitude: number | null;
  longitude: number | null;
  verified: boolean;
  optedOut: boolean;
  /** The town named an experience on the workshop's theme (what the group rules read: the editor needs no second query). */
  experienced: boolean;
}

/** A workshop and its invitations as read once for one request. */
export interface WorkshopRows {
  r: WorkshopListRow;
  invs: InvitationRow[];
}

/** An invitation that waits for the town's answer, with what the digest says about its workshop. */
export interface OpenInvitationRow {
  townId: string;
  workshopId: string;
  title: string;
  themeName: string;
  startsAt: Date | null;
  format: WorkshopFormat;
  hostTownName: string | null;
  chosenBecause: string;
}

export type WorkshopPatch = Partial<
  Pick<
    WorkshopRow,
    | 'title'
    | 'startsAt'
    | 'durationMinutes'
    | 'format'
    | 'hostTownId'
    | 'address'
    | 'onlineLink'
    | 'state'
    | 'sequence'
    | 'invitationsClosedAt'
    | 'cancelReason'
    | 'resultPresented'
    | 'resultWillTry'
    | 'resultTopics'
  >
> & { stateChangedAt?: Date };

interface WorkshopTimelineRow {
  at: Date;
  action: string;
  actorName: string | null;
  townName: string | null;
  reason: string | null;
}

const COLUMNS = `w.id, w.theme_slug AS "themeSlug", w.title, w.starts_at AS "startsAt", w.duration_minutes AS "durationMinutes", w.format,
  w.host_town_id AS "hostTownId", w.address, w.online_link AS "onlineLink", w.state, w.sequence,
  w.invitations_closed_at AS "invitationsClosedAt", w.cancel_reason AS "cancelReason", w.result_presented AS "resultPresented",
  w.result_will_try AS "resultWillTry", w.result_topics AS "resultTopics", w.run_id AS "runId", w.group_no AS "groupNo",
  w.created_at AS "createdAt", w.state_changed_at AS "stateChangedAt"`;

const LIST = `SELECT ${COLUMNS}, tp.name AS "themeName", hm.name AS "hostTownName",
  (SELECT count(*)::int FROM workshop_invitation i WHERE i.workshop_id = w.id AND i.state <> 'withdrawn') AS invited,
  (SELECT count(*)::int FROM workshop_invitation i WHERE i.workshop_id = w.id AND i.state = 'accepted') AS accepted,
  (SELECT count(*)::int FROM workshop_invitation i WHERE i.workshop_id = w.id AND i.state = 'declined') AS declined
  FROM workshop w JOIN topic tp ON tp.slug = w.theme_slug
  LEFT JOIN town ht ON ht.id = w.host_town_id LEFT JOIN municipality hm ON hm.ags = ht.ags`;

const SNAKE: Record<string, string> = {
  title: 'title',
  startsAt: 'starts_at',
  durationMinutes: 'duration_minutes',
  format: 'format',
  hostTownId: 'host_town_id',
  address: 'address',
  onlineLink: 'online_link',
  state: 'state',
  sequence: 'sequence',
  invitationsClosedAt: 'invitations_closed_at',
  cancelReason: 'cancel_reason',
  resultPresented: 'result_presented',
  resultWillTry: 'result_will_try',
  resultTopics: 'result_topics',
  stateChangedAt: 'state_changed_at',
};

// The only place that touches the workshop tables.
@Injectable()
export class WorkshopRepository extends TransactionalRepository {
  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly topicCatalogue: TopicRepository,
  ) {
    super(ds);
  }

  async insert(m: EntityManager, w: { themeSlug: string; title: string; runId: string | null; groupNo: number | null; createdBy: string }) {
    const [r] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO workshop (theme_slug, title, state, run_id, group_no, created_by) VALUES ($1, $2, 'draft', $3, $4, $5) RETURNING id`,
      [w.themeSlug, w.title, w.runId, w.groupNo, w.createdBy],
    );
    return r.id;
  }

  /** The workshop row locked for one step: answers and office steps on one workshop run one after the other. */
  async findForUpdate(m: EntityManager, id: string): Promise<WorkshopRow | null> {
    const rows = await queryRows<WorkshopRow>(m, `SELECT ${COLUMNS} FROM workshop w WHERE w.id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async update(m: EntityManager, id: string, patch: WorkshopPatch): Promise<void> {
    const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    if (!keys.length) return;
    await m.query(`UPDATE workshop SET ${keys.map((k, i) => `${SNAKE[k]} = $${i + 2}`).join(', ')} WHERE id = $1`, [
      id,
      ...keys.map((k) => (patch as Record<string, unknown>)[k]),
    ]);
  }

  async findById(id: string): Promise<WorkshopListRow | null> {
    const rows = await queryRows<WorkshopListRow>(this.ds, `${LIST} WHERE w.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async countAll(): Promise<number> {
    return (await queryRows<{ n: number }>(this.ds, `SELECT count(*)::int AS n FROM workshop`))[0].n;
  }

  /**
   * One page of all workshops, by default newest date first (drafts without a date on top); `orderBy` is a constant of
   * WORKSHOP_SORTS, never text from a request (it names only workshop columns). Each row carries `total`, the number
   * of all workshops (the pager's count without a second statement). The page is cut before the names and the
   * answers are joined, so only its rows are looked up (the theme's foreign key keeps every workshop in the join).
   */
  listPage(
    offset: number,
    limit: number,
    orderBy = 'w.starts_at DESC NULLS FIRST, w.created_at DESC, w.id',
  ): Promise<(WorkshopListRow & { total: number })[]> {
    return queryRows<WorkshopListRow & { total: number }>(
      this.ds,
      `SELECT ${COLUMNS}, w.total, tp.name AS "themeName", hm.name AS "hostTownName", c.invited, c.accepted, c.declined
       FROM (SELECT w.*, count(*) OVER ()::int AS total FROM workshop w ORDER BY ${orderBy} LIMIT $1 OFFSET $2) w
       JOIN topic tp ON tp.slug = w.theme_slug
       LEFT JOIN town ht ON ht.id = w.host_town_id LEFT JOIN municipality hm ON hm.ags = ht.ags
       CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE i.state <> 'withdrawn')::int AS invited,
           count(*) FILTER (WHERE i.state = 'accepted')::int AS accepted, count(*) FILTER (WHERE i.state = 'declined')::int AS declined
         FROM workshop_invitation i WHERE i.workshop_id = w.id) c
       ORDER BY ${orderBy}`,
      [limit, offset],
    );
  }

  listAll(limit = 500): Promise<WorkshopListRow[]> {
    return this.listPage(0, limit);
  }

  /** Workshops the town is (or was) invited to, published ones only; with its own invitation's state. */
  listForTown(
    townId: string,
  ): Promise<(WorkshopListRow & { invitationState: InvitationState; answerReason: string | null; chosenBecause: string })[]> {
    return queryRows<WorkshopListRow & { invitationState: InvitationState; answerReason: string | null; chosenBecause: string }>(
      this.ds,
      `${LIST} JOIN workshop_invitation own ON own.workshop_id = w.id AND own.town_id = $1
       WHERE w.state <> 'draft' AND own.state <> 'withdrawn'
       ORDER BY w.starts_at NULLS LAST`.replace(
        `SELECT ${COLUMNS},`,
        `SELECT ${COLUMNS}, own.state AS "invitationState", own.answer_reason AS "answerReason", own.chosen_because AS "chosenBecause",`,
      ),
      [townId],
    );
  }

  /**
   * Invitations these towns have not answered yet, to published workshops that are still ahead and still open
   * (for the weekly digest): one query for a batch of towns.
   */
  openInvitationsForTowns(townIds: readonly string[], now: Date): Promise<OpenInvitationRow[]> {
    return queryRows<OpenInvitationRow>(
      this.ds,
      `SELECT i.town_id AS "townId", w.id AS "workshopId", w.title, tp.name AS "themeName", w.starts_at AS "startsAt", w.format,
         hm.name AS "hostTownName", i.chosen_because AS "chosenBecause"
       FROM workshop_invitation i JOIN workshop w ON w.id = i.workshop_id JOIN topic tp ON tp.slug = w.theme_slug
       LEFT JOIN town ht ON ht.id = w.host_town_id LEFT JOIN municipality hm ON hm.ags = ht.ags
       WHERE i.town_id = ANY($1::uuid[]) AND i.state = 'invited' AND w.state IN ('invited', 'confirmed')
         AND w.invitations_closed_at IS NULL AND (w.starts_at IS NULL OR w.starts_at > $2)
       ORDER BY w.starts_at NULLS LAST, w.id`,
      [townIds, now],
    );
  }

  async invitations(workshopId: string, m: EntityManager = this.ds.manager): Promise<InvitationRow[]> {
    return queryRows<InvitationRow>(
      m,
      `SELECT i.id, i.workshop_id AS "workshopId", i.town_id AS "townId", i.state, i.chosen_because AS "chosenBecause",
         i.answer_reason AS "answerReason", i.answered_at AS "answeredAt", u.display_name AS "answeredByName", i.invited_at AS "invitedAt",
         mu.name, mu.state_code AS "stateCode", mu.state_name AS "stateName", mu.population, mu.latitude, mu.longitude,
         t.status = 'verified' AS verified, t.opted_out AS "optedOut", ${experiencedInSql('t.id', 'w.theme_slug')} AS experienced
       FROM workshop_invitation i JOIN workshop w ON w.id = i.workshop_id JOIN town t ON t.id = i.town_id JOIN municipality mu ON mu.ags = t.ags
       LEFT JOIN user_account u ON u.id = i.answered_by
       WHERE i.workshop_id = $1 ORDER BY mu.name`,
      [workshopId],
    );
  }

  /** Adds the town (or invites a withdrawn one again); null when it is already invited. */
  async insertInvitation(m: EntityManager, workshopId: string, townId: string, chosenBecause: string, now: Date): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      m,
      `INSERT INTO workshop_invitation (workshop_id, town_id, chosen_because, invited_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workshop_id, town_id) DO UPDATE SET state = 'invited', chosen_because = EXCLUDED.chosen_because,
         invited_at = EXCLUDED.invited_at, answer_reason = NULL, answered_by = NULL, answered_at = NULL
         WHERE workshop_invitation.state = 'withdrawn'
       RETURNING id`,
      [workshopId, townId, chosenBecause, now],
    );
    return rows[0]?.id ?? null;
  }

  async updateInvitation(
    m: EntityManager,
    id: string,
    p: { state: InvitationState; answerReason?: string | null; answeredBy?: string | null; answeredAt?: Date | null },
  ): Promise<void> {
    await m.query(
      `UPDATE workshop_invitation SET state = $2, answer_reason = coalesce($3, answer_reason), answered_by = coalesce($4, answered_by),
         answered_at = coalesce($5, answered_at) WHERE id = $1`,
      [id, p.state, p.answerReason ?? null, p.answeredBy ?? null, p.answeredAt ?? null],
    );
  }

  /** On publishing: why each town was chosen, as things stand now, and when it was invited. */
  async setChosenBecause(m: EntityManager, invitationId: string, chosenBecause: string, invitedAt: Date): Promise<void> {
    await m.query(`UPDATE workshop_invitation SET chosen_because = $2, invited_at = $3 WHERE id = $1`, [
      invitationId,
      chosenBecause,
      invitedAt,
    ]);
  }

  async deleteInvitation(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM workshop_invitation WHERE id = $1`, [id]);
  }

  /** The towns as the group rules see them; `experienced` means an experience on `theme`. */
  async ruleTowns(townIds: string[], theme: string, m: EntityManager = this.ds.manager): Promise<RuleTown[]> {
    return queryRows<RuleTown>(
      m,
      `SELECT t.id, mu.name, mu.state_code AS "stateCode", mu.state_name AS "stateName", t.status = 'verified' AS verified,
         t.opted_out AS "optedOut", ${experiencedInSql('t.id', '$2')} AS experienced
       FROM town t JOIN municipality mu ON mu.ags = t.ags WHERE t.id = ANY($1::uuid[]) ORDER BY mu.name`,
      [townIds, theme],
    );
  }

  /** One group of a workshops run (the engine's proposal), with the run's theme. */
  async proposalGroup(runId: string, groupNo: number): Promise<{ theme: string; townIds: string[] } | null> {
    const rows = await queryRows<{ theme: string; townIds: string[] }>(
      this.ds,
      `SELECT r.theme, w.town_ids AS "townIds" FROM workshop_proposal w JOIN matching_run r ON r.id = w.run_id
       WHERE r.kind = 'workshops' AND w.run_id = $1 AND w.group_no = $2`,
      [runId, groupNo],
    );
    return rows[0] ?? null;
  }

  /**
   * For "Als Entwurf übernehmen" on the office list: groups of the current workshop proposals that no workshop was made from yet (cancelled ones aside), in theme
   * order, at most `limit`; `more` counts the rest (the matching page lists every group). The towns of a group by
   * `= ANY(town_ids)` (an index lookup each; a join on unnest() made PostgreSQL scan every town once per group).
   */
  async currentProposals(
    limit = 12,
  ): Promise<{ rows: { runId: string; groupNo: number; themeName: string; towns: string }[]; more: number }> {
    const rows = await queryRows<{ runId: string; groupNo: number; themeName: string; towns: string; total: number }>(
      this.ds,
      `SELECT r.id AS "runId", w.group_no AS "groupNo", tp.name AS "themeName", count(*) OVER ()::int AS total,
         (SELECT string_agg(mu.name || ' (' || mu.state_name || ')', ', ' ORDER BY mu.name)
          FROM town t JOIN municipality mu ON mu.ags = t.ags WHERE t.id = ANY(w.town_ids)) AS towns
       FROM matching_run r JOIN workshop_proposal w ON w.run_id = r.id JOIN topic tp ON tp.slug = r.theme
       WHERE r.kind = 'workshops' AND r.is_current
         AND NOT EXISTS (SELECT 1 FROM workshop ws WHERE ws.run_id = r.id AND ws.group_no = w.group_no AND ws.state <> 'cancelled')
       ORDER BY tp.sort_order, w.group_no LIMIT $1`,
      [limit],
    );
    return { rows: rows.map(({ total: _total, ...r }) => r), more: Math.max(0, (rows[0]?.total ?? 0) - rows.length) };
  }

  /** An active topic's name (the topic catalogue, read at most once per 2 s). */
  async topicName(slug: string, m?: EntityManager): Promise<string | null> {
    return (await this.topicCatalogue.catalogue(m)).activeNames[slug] ?? null;
  }

  topics(): Promise<readonly TopicRow[]> {
    return this.topicCatalogue.listActive();
  }

  async townName(id: string, m: EntityManager = this.ds.manager): Promise<string | null> {
    const rows = await queryRows<{ name: string }>(m, `SELECT mu.name FROM town t JOIN municipality mu ON mu.ags = t.ags WHERE t.id = $1`, [
      id,
    ]);
    return rows[0]?.name ?? null;
  }

  /** Confirmed workshops starting within `days` that have no reminder of this kind yet. */
  async dueForReminder(kind: string, now: Date, days: number): Promise<{ id: string }[]> {
    return queryRows<{ id: string }>(
      this.ds,
      `SELECT w.id FROM workshop w WHERE w.state = 'confirmed' AND w.starts_at > $1 AND w.starts_at <= $1 + make_interval(days => $2)
         AND NOT EXISTS (SELECT 1 FROM workshop_reminder r WHERE r.workshop_id = w.id AND r.kind = $3) ORDER BY w.starts_at LIMIT 500`,
      [now, days, kind],
    );
  }

  /** Claims the reminder in the caller's transaction; false when another run already sent it. */
  async claimReminder(m: EntityManager, workshopId: string, kind: string): Promise<boolean> {
    const rows = await queryRows<unknown>(
      m,
      `INSERT INTO workshop_reminder (workshop_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING workshop_id`,
      [workshopId, kind],
    );
    return rows.length > 0;
  }

  /** The audit rows of one workshop, oldest first, with who acted. */
  timeline(id: string): Promise<WorkshopTimelineRow[]> {
    return queryRows<WorkshopTimelineRow>(
      this.ds,
      `SELECT a.created_at AS at, a.action, u.display_name AS "actorName", a.data->>'townName' AS "townName", a.reason
       FROM audit_log a LEFT JOIN user_account u ON u.id = a.actor_id
       WHERE a.subject_type = 'workshop' AND a.subject_id = $1 ORDER BY a.created_at, a.id`,
      [id],
    );
  }
}
