import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LIVE_STATES, OPEN_STATES, TandemOrigin, TandemState } from './core/tandem-transitions.util';
import type { Adoption } from './tandem-result.util';
import type { MeetingRow } from './tandem-activity.repository';
import type { SilenceState } from './tandem-activity.util';
import { queryChanged, queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';
import { TopicRepository } from '../municipalities/topic.repository';

export interface TandemRow {
  id: string;
  townA: string;
  townB: string;
  topicSlug: string | null;
  origin: TandemOrigin;
  state: TandemState;
  requestMessage: string;
  answerMessage: string;
  acceptedAAt: Date | null;
  acceptedBAt: Date | null;
  runId: string | null;
  score: number | null;
  components: unknown[];
  resultTried: string | null;
  resultLearnt: string | null;
  resultTopics: string[] | null;
  createdAt: Date;
  stateChangedAt: Date;
  /** Set when the office approved it: from then on both towns see each other's contact persons. */
  approvedAt: Date | null;
  startedAt: Date | null;
  fitAskedAt: Date | null;
  resultDueAt: Date | null;
  /** The office's own reason when it paired the towns outside a tandem round (null otherwise); both towns read it. */
  officeReason: string | null;
}

/** One town's result of a tandem (the conclusion form). */
export interface TandemResultRow {
  townId: string;
  workedOn: string;
  takenOver: string;
  adoption: Adoption;
  rating: number;
  mayPublish: boolean;
  topics: string[];
  answeredAt: Date;
  answeredByName: string | null;
}

/** One town's answer to the fit check. */
export interface FitAnswerRow {
  townId: string;
  fits: boolean;
  reason: string;
  answeredAt: Date;
  answeredByName: string | null;
}

/** A contact person of a tandem town as the partner sees it (from approval on). */
export interface PartnerContact {
  townId: string;
  displayName: string;
  contactFunction: string | null;
  email: string;
  phone: string | null;
  mainContact: boolean;
}

/** A tandem with the names a page or mail shows. */
export interface TandemListRow extends TandemRow {
  nameA: string;
  stateA: string;
  nameB: string;
  stateB: string;
  topicName: string | null;
}

export interface LockedTown {
  id: string;
  name: string;
  status: string;
  optedOut: boolean;
  capacity: number;
}

export interface TimelineRow {
  at: Date;
  action: string;
  from: string | null;
  to: string | null;
  actorKind: string | null;
  actorName: string | null;
  townName: string | null;
  reason: string | null;
}

/** A town of a tandem as its directory row names it (profiles are read through the visibility layer). */
export interface TownName {
  id: string;
  name: string;
  stateName: string;
}

/** A town hidden with "Kein Interesse", as the town that hid it sees it. */
interface DismissedPartner {
  partnerId: string;
  name: string;
  stateName: string;
  at: Date;
}

interface RoundPairRow {
  runId: string;
  townA: string;
  townB: string;
  score: number;
  components: unknown[];
  topic: string | null;
}

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** What detailBundle's statement answers beside the row (timestamps inside JSON come as text). */
interface RawDetailParts {
  statusA: string;
  statusB: string;
  timeline: Json<TimelineRow>[];
  contacts: PartnerContact[] | null;
  fitAnswers: Json<FitAnswerRow>[] | null;
  results: Json<TandemResultRow>[];
  meetings: Json<MeetingRow>[];
  silence: Json<SilenceState> | null;
  partnerComponents: unknown[] | null;
}

/** The tandem page's reads of the tandem's own tables (see detailBundle). */
export interface TandemDetailBundle {
  row: TandemListRow;
  /** The towns' status (`verified`, …): the viewer's clearance when it is one of them. */
  statusA: string;
  statusB: string;
  timeline: TimelineRow[];
  contacts: PartnerContact[];
  fitAnswers: FitAnswerRow[];
  results: TandemResultRow[];
  meetings: MeetingRow[];
  silence: SilenceState | null;
  /** Town B's own suggestion components for the pair (only when town B asked), else null. */
  partnerComponents: unknown[] | null;
}

const COLUMNS = `t.id, t.town_a AS "townA", t.town_b AS "townB", t.topic_slug AS "topicSlug", t.origin, t.state,
  t.request_message AS "requestMessage", t.answer_message AS "answerMessage", t.accepted_a_at AS "acceptedAAt",
  t.accepted_b_at AS "acceptedBAt", t.run_id AS "runId", t.score, t.components, t.result_tried AS "resultTried",
  t.result_learnt AS "resultLearnt", t.result_topics AS "resultTopics", t.created_at AS "createdAt", t.state_changed_at AS "stateChangedAt", t.approved_at AS "approvedAt",
  t.started_at AS "startedAt", t.fit_asked_at AS "fitAskedAt", t.result_due_at AS "resultDueAt", t.office_reason AS "officeReason"`;

/**
 * Tandem rows (`t`) with both towns' names and the topic's; `extra`: more columns (`, …`) of the same rows, `from`: the
 * tandem table joined into a wider source.
 */
const listFrom = (
  extra = '',
  from = 'tandem t',
) => `SELECT ${COLUMNS}, ma.name AS "nameA", ma.state_name AS "stateA", mb.name AS "nameB", mb.state_name AS "stateB",
    tp.name AS "topicName"${extra}
  FROM ${from}
  JOIN town ta ON ta.id = t.town_a JOIN municipality ma ON ma.ags = ta.ags
  JOIN town tb ON tb.id = t.town_b JOIN municipality mb ON mb.ags = tb.ags
  LEFT JOIN topic tp ON tp.slug = t.topic_slug`;

/** pair_history stores a pair once, smaller id first (CHECK town_a < town_b). */
const ordered = (a: string, b: string) => (a < b ? [a, b] : [b, a]);

@Injectable()
export class TandemRepository extends TransactionalRepository {
  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly topicCatalogue: TopicRepository,
  ) {
    super(ds);
  }

  /** Locks the towns in id order (two requests over the same towns cannot deadlock) so capacity counts stay true. */
  async lockTowns(m: EntityManager, ids: string[]): Promise<LockedTown[]> {
    return queryRows<LockedTown>(
      m,
      `SELECT t.id, m.name, t.status::text AS status, t.opted_out AS "optedOut", t.capacity
       FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = ANY($1::uuid[]) ORDER BY t.id FOR UPDATE OF t`,
      [ids],
    );
  }

  async liveCount(m: EntityManager, townId: string): Promise<number> {
    const [r] = await queryRows<{ n: number }>(
      m,
      `SELECT count(*)::int AS n FROM tandem WHERE (town_a = $1 OR town_b = $1) AND state = ANY($2)`,
      [townId, LIVE_STATES],
    );
    return r.n;
  }

  /** The state of the pair's open or active tandem (at most one, by the partial unique index), or null. */
  async livePairState(m: EntityManager, a: string, b: string): Promise<TandemState | null> {
    const rows = await queryRows<{ state: TandemState }>(
      m,
      `SELECT state FROM tandem WHERE least(town_a, town_b) = least($1::uuid, $2::uuid) AND greatest(town_a, town_b) = greatest($1::uuid, $2::uuid)
       AND state = ANY($3) LIMIT 1`,
      [a, b, LIVE_STATES],
    );
    return rows[0]?.state ?? null;
  }

  async declinedSince(m: EntityManager, a: string, b: string, since: Date): Promise<boolean> {
    const [x, y] = ordered(a, b);
    const rows = await queryRows<unknown>(
      m,
      `SELECT 1 FROM pair_history WHERE town_a = $1 AND town_b = $2 AND kind = 'declined' AND at >= $3`,
      [x, y, since],
    );
    return rows.length > 0;
  }

  async insert(
    m: EntityManager,
    t: Pick<TandemRow, 'townA' | 'townB' | 'topicSlug' | 'origin' | 'state' | 'requestMessage'> &
      Partial<Pick<TandemRow, 'runId' | 'score' | 'components' | 'officeReason'>> & { createdBy: string | null; now: Date },
  ): Promise<string> {
    const [r] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO tandem (town_a, town_b, topic_slug, origin, state, request_message, run_id, score, components, created_by, created_at, state_changed_at, office_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id`,
      [
        t.townA,
        t.townB,
        t.topicSlug,
        t.origin,
        t.state,
        t.requestMessage,
        t.runId ?? null,
        t.score ?? null,
        JSON.stringify(t.components ?? []),
        t.createdBy,
        t.now,
        t.officeReason ?? null,
      ],
    );
    return r.id;
  }

  /** Who was promised the proposal mail of this tandem (the mail rows, whatever the recipients' source), by town. */
  async proposalRecipients(id: string): Promise<{ recipient: string; townName: string | null }[]> {
    return queryRows<{ recipient: string; townName: string | null }>(
      this.ds,
      `SELECT recipient, context->>'ownTown' AS "townName" FROM mail_delivery WHERE dedupe_key LIKE $1 ORDER BY context->>'ownTown', recipient`,
      [`tandem:${id}:proposed:%`],
    );
  }

  async findForUpdate(m: EntityManager, id: string): Promise<TandemRow | null> {
    const rows = await queryRows<TandemRow>(m, `SELECT ${COLUMNS} FROM tandem t WHERE t.id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async update(
    m: EntityManager,
    id: string,
    patch: {
      state: TandemState;
      stateChanged: boolean;
      now: Date;
      answerMessage?: string;
      acceptedAAt?: Date;
      acceptedBAt?: Date;
      approvedAt?: Date;
      startedAt?: Date;
      resultTried?: string;
      resultLearnt?: string;
      resultTopics?: string[];
    },
  ): Promise<void> {
    await m.query(
      `UPDATE tandem SET state = $2,
         state_changed_at = CASE WHEN $3 THEN $4 ELSE state_changed_at END,
         answer_message = coalesce($5, answer_message),
         accepted_a_at = coalesce(accepted_a_at, $6), accepted_b_at = coalesce(accepted_b_at, $7),
         result_tried = coalesce($8, result_tried), result_learnt = coalesce($9, result_learnt), result_topics = coalesce($10, result_topics),
         approved_at = coalesce(approved_at, $11), started_at = coalesce(started_at, $12)
       WHERE id = $1`,
      [
        id,
        patch.state,
        patch.stateChanged,
        patch.now,
        patch.answerMessage ?? null,
        patch.acceptedAAt ?? null,
        patch.acceptedBAt ?? null,
        patch.resultTried ?? null,
        patch.resultLearnt ?? null,
        patch.resultTopics ?? null,
        patch.approvedAt ?? null,
        patch.startedAt ?? null,
      ],
    );
  }

  /** What matching's hard rules read: 'declined' (12-month cool-down) or 'tandem' (out for good). */
  /** `dismissedBy`: the town that chose "Kein Interesse" (it may undo that; a decline cannot be undone). */
  async writePairHistory(
    m: EntityManager,
    a: string,
    b: string,
    kind: 'tandem' | 'declined',
    at: Date,
    dismissedBy?: string,
  ): Promise<void> {
    const [x, y] = ordered(a, b);
    if (kind === 'tandem') {
      const rows = await queryRows<unknown>(m, `SELECT 1 FROM pair_history WHERE town_a = $1 AND town_b = $2 AND kind = 'tandem'`, [x, y]);
      if (rows.length) return;
    }
    await m.query(`INSERT INTO pair_history (town_a, town_b, kind, at, dismissed_by) VALUES ($1, $2, $3, $4, $5)`, [
      x,
      y,
      kind,
      at,
      dismissedBy ?? null,
    ]);
  }

  /** The towns `townId` hid with "Kein Interesse" since `since` (still resting), newest first, with their names. */
  async dismissedBy(townId: string, since: Date): Promise<DismissedPartner[]> {
    return queryRows<DismissedPartner>(
      this.ds,
      `SELECT p.id AS "partnerId", m.name, m.state_name AS "stateName", h.at
       FROM pair_history h JOIN town p ON p.id = CASE WHEN h.town_a = $1 THEN h.town_b ELSE h.town_a END JOIN municipality m ON m.ags = p.ags
       WHERE h.dismissed_by = $1 AND h.kind = 'declined' AND h.at >= $2 ORDER BY h.at DESC`,
      [townId, since],
    );
  }

  /** Removes the town's own "Kein Interesse" rows for the pair; the number removed. */
  async undoDismissal(m: EntityManager, townId: string, partnerId: string): Promise<number> {
    const [x, y] = ordered(townId, partnerId);
    const { rows } = await queryChanged<{ id: string }>(
      m,
      `DELETE FROM pair_history WHERE town_a = $1 AND town_b = $2 AND kind = 'declined' AND dismissed_by = $3 RETURNING id`,
      [x, y, townId],
    );
    return rows.length;
  }

  async findById(id: string): Promise<TandemListRow | null> {
    const rows = await queryRows<TandemListRow>(this.ds, `${listFrom()} WHERE t.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Everything the tandem page reads of the tandem's own tables, in one statement (one round trip instead of eight):
   * the row with names, both towns' status (the viewer's clearance), and as JSON the timeline, the contacts (from
   * approval on), the fit answers (once asked), the results, the meetings, the silence state and, for town B as the
   * viewer, its own suggestion components (the reasons it reads). `viewerTown`: the viewer's town id or null.
   */
  async detailBundle(id: string, viewerTown: string | null): Promise<TandemDetailBundle | null> {
    const rows = await queryRows<TandemListRow & RawDetailParts>(
      this.ds,
      `${listFrom(
        `, ta.status::text AS "statusA", tb.status::text AS "statusB",
       coalesce((SELECT json_agg(json_build_object('at', a.created_at, 'action', a.action, 'from', a.data->>'from', 'to', a.data->>'to',
           'actorKind', a.data->>'actor', 'actorName', u.display_name, 'townName', a.data->>'townName', 'reason', a.reason)
           ORDER BY a.created_at, a.id)
         FROM audit_log a LEFT JOIN user_account u ON u.id = a.actor_id
         WHERE a.subject_type = 'tandem' AND a.subject_id = t.id::text), '[]') AS timeline,
       CASE WHEN t.approved_at IS NOT NULL THEN coalesce((SELECT json_agg(json_build_object('townId', c.town_id, 'displayName', c.display_name,
           'contactFunction', c.contact_function, 'email', c.email, 'phone', c.phone, 'mainContact', c.main_contact)
           ORDER BY c.main_contact DESC, c.created_at)
         FROM user_account c WHERE c.town_id IN (t.town_a, t.town_b) AND c.email_confirmed_at IS NOT NULL AND c.deleted_at IS NULL), '[]') END
         AS contacts,
       CASE WHEN t.fit_asked_at IS NOT NULL THEN coalesce((SELECT json_agg(json_build_object('townId', f.town_id, 'fits', f.fits,
           'reason', f.reason, 'answeredAt', f.answered_at, 'answeredByName', u.display_name) ORDER BY f.answered_at)
         FROM tandem_fit_answer f LEFT JOIN user_account u ON u.id = f.answered_by WHERE f.tandem_id = t.id), '[]') END AS "fitAnswers",
       coalesce((SELECT json_agg(json_build_object('townId', r.town_id, 'workedOn', r.worked_on, 'takenOver', r.taken_over,
           'adoption', r.adoption, 'rating', r.rating, 'mayPublish', r.may_publish, 'topics', r.topics, 'answeredAt', r.answered_at,
           'answeredByName', u.display_name) ORDER BY r.answered_at)
         FROM tandem_result r LEFT JOIN user_account u ON u.id = r.answered_by WHERE r.tandem_id = t.id), '[]') AS results,
       coalesce((SELECT json_agg(json_build_object('id', x.id, 'metOn', x."metOn", 'format', x.format, 'notes', x.notes,
           'townId', x.town_id, 'authorName', x."authorName", 'createdAt', x.created_at) ORDER BY x.met_on DESC, x.created_at DESC)
         FROM (SELECT x.id, to_char(x.met_on, 'YYYY-MM-DD') AS "metOn", x.met_on, x.format, x.notes, x.town_id,
                 u.display_name AS "authorName", x.created_at
               FROM tandem_meeting x LEFT JOIN user_account u ON u.id = x.created_by
               WHERE x.tandem_id = t.id ORDER BY x.met_on DESC, x.created_at DESC LIMIT 200) x), '[]') AS meetings,
       (SELECT json_build_object('reminders', s.reminders, 'lastRemindedAt', s.last_reminded_at, 'restingSince', s.resting_since)
         FROM tandem_silence s WHERE s.tandem_id = t.id) AS silence,
       CASE WHEN $2::uuid = t.town_b THEN (SELECT s.components FROM matching_run mr JOIN matching_suggestion s ON s.run_id = mr.id
         WHERE mr.kind = 'suggestions' AND mr.is_current AND s.town_id = t.town_b AND s.partner_id = t.town_a LIMIT 1) END
         AS "partnerComponents"`,
      )}
       WHERE t.id = $1`,
      [id, viewerTown],
    );
    const r = rows[0];
    if (!r) return null;
    // json_agg answers timestamps as text: back to Date, as the single reads answered them.
    const date = (v: string | Date | null) => (v == null ? null : new Date(v));
    const { timeline, contacts, fitAnswers, results, meetings, silence, partnerComponents, statusA, statusB, ...row } = r;
    return {
      row,
      statusA,
      statusB,
      timeline: timeline.map((e) => ({ ...e, at: date(e.at)! })),
      contacts: contacts ?? [],
      fitAnswers: (fitAnswers ?? []).map((f) => ({ ...f, answeredAt: date(f.answeredAt)! })),
      results: results.map((x) => ({ ...x, answeredAt: date(x.answeredAt)! })),
      meetings: meetings.map((x) => ({ ...x, createdAt: date(x.createdAt)! })),
      silence: silence
        ? { reminders: silence.reminders, lastRemindedAt: date(silence.lastRemindedAt), restingSince: date(silence.restingSince) }
        : null,
      partnerComponents: partnerComponents ?? null,
    };
  }

  async listForTown(townId: string): Promise<TandemListRow[]> {
    return queryRows<TandemListRow>(this.ds, `${listFrom()} WHERE t.town_a = $1 OR t.town_b = $1 ORDER BY t.state_changed_at DESC`, [
      townId,
    ]);
  }

  /**
   * One page of all tandems (or those in `states`), newest change first (`oldestFirst`: the other way; `orderBy`: a
   * constant of TANDEM_SORTS, columns of the tandem table only, never text from a request) and the number of all rows
   * in one statement, each row with since when it rests ("ruhend": active with a resting mark, else null), for the
   * office's list and the approval queue. The count comes even when the page is empty (an offset past the end): one
   * row with null columns then, left out here.
   */
  async listPageCounted(
    states: TandemState[] | null,
    limit: number,
    offset: number,
    oldestFirst = false,
    orderBy?: string,
  ): Promise<{ total: number; rows: (TandemListRow & { restingSince: Date | null })[] }> {
    const dir = oldestFirst ? 'ASC' : 'DESC';
    const order = orderBy ?? `state_changed_at ${dir}, id ${dir}`;
    const where = states ? 'WHERE state = ANY($3)' : '';
    const name = (side: 'a' | 'b') =>
      `CROSS JOIN LATERAL (SELECT m.name, m.state_name FROM town x JOIN municipality m ON m.ags = x.ags WHERE x.id = t.town_${side} LIMIT 1) ${side}`;
    const outer: Record<string, string> = {
      state_changed_at: 'p."stateChangedAt"',
      created_at: 'p."createdAt"',
      state: 'p.state',
      id: 'p.id',
    };
    const rows = await queryRows<TandemListRow & { restingSince: Date | null; total: number }>(
      this.ds,
      `SELECT n.total, p.* FROM (SELECT count(*)::int AS total FROM tandem ${where}) n
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS}, a.name AS "nameA", a.state_name AS "stateA", b.name AS "nameB", b.state_name AS "stateB", tp.name AS "topicName",
           s.resting_since AS "restingSince"
         FROM (SELECT * FROM tandem ${where} ORDER BY ${order} LIMIT $1 OFFSET $2) t
         ${name('a')} ${name('b')}
         LEFT JOIN topic tp ON tp.slug = t.topic_slug
         LEFT JOIN tandem_silence s ON s.tandem_id = t.id AND t.state = 'active' AND s.resting_since IS NOT NULL
       ) p ON true
       ORDER BY ${order.replace(/\b(state_changed_at|created_at|state|id)\b/g, (c) => outer[c])}`,
      [limit, offset, ...(states ? [states] : [])],
    );
    return { total: rows[0]?.total ?? 0, rows: rows.filter((r) => r.id != null).map(({ total: _total, ...r }) => r) };
  }

  /**
   * For the weekly digest: the town's open tandems (requested, accepted, approved, proposed) and active ones, with names.
   * `waitingForTown` marks those where this town must answer (a request to it, or a proposal it has not accepted yet).
   */
  async openForTown(townId: string): Promise<Array<TandemListRow & { waitingForTown: boolean }>> {
    return queryRows<TandemListRow & { waitingForTown: boolean }>(
      this.ds,
      `${listFrom(
        `,
         ((t.state = 'requested' AND t.town_b = $1) OR (t.state = 'proposed' AND ((t.town_a = $1 AND t.accepted_a_at IS NULL)
          OR (t.town_b = $1 AND t.accepted_b_at IS NULL)))) AS "waitingForTown"`,
      )}
       WHERE (t.town_a = $1 OR t.town_b = $1) AND t.state = ANY($2) ORDER BY t.state_changed_at`,
      [townId, [...OPEN_STATES, 'active']],
    );
  }

  /** openForTown for many towns in one query (a batch of digests): the rows per town, in the same order. */
  async openForTowns(townIds: string[]): Promise<Map<string, Array<TandemListRow & { waitingForTown: boolean }>>> {
    const rows = await queryRows<TandemListRow & { waitingForTown: boolean; forTown: string }>(
      this.ds,
      `${listFrom(
        `, q.town_id AS "forTown",
         ((t.state = 'requested' AND t.town_b = q.town_id) OR (t.state = 'proposed' AND ((t.town_a = q.town_id AND t.accepted_a_at IS NULL)
          OR (t.town_b = q.town_id AND t.accepted_b_at IS NULL)))) AS "waitingForTown"`,
        'unnest($1::uuid[]) AS q(town_id) JOIN tandem t ON (t.town_a = q.town_id OR t.town_b = q.town_id)',
      )}
       WHERE t.state = ANY($2) ORDER BY q.town_id, t.state_changed_at`,
      [townIds, [...OPEN_STATES, 'active']],
    );
    const out = new Map<string, Array<TandemListRow & { waitingForTown: boolean }>>();
    for (const { forTown, ...r } of rows) {
      const list = out.get(forTown);
      if (list) list.push(r);
      else out.set(forTown, [r]);
    }
    return out;
  }

  /** Tandems waiting for someone since before `before`, oldest first (reminders and expiry). */
  async waitingSince(states: TandemState[], before: Date, limit = 1000): Promise<{ id: string }[]> {
    return queryRows<{ id: string }>(
      this.ds,
      `SELECT id FROM tandem WHERE state = ANY($1) AND state_changed_at <= $2 ORDER BY state_changed_at LIMIT $3`,
      [states, before, limit],
    );
  }

  /** Contacts who confirmed their address: any of them acts and is written to for the town. */

  /** Active tandems begun before `startedBefore` whose towns were not asked the fit question yet. */
  async dueForFitCheck(startedBefore: Date): Promise<{ id: string }[]> {
    return queryRows<{ id: string }>(
      this.ds,
      `SELECT id FROM tandem WHERE state = 'active' AND fit_asked_at IS NULL AND started_at <= $1 ORDER BY started_at`,
      [startedBefore],
    );
  }

  async markFitAsked(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE tandem SET fit_asked_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Records (or replaces) one town's answer; false when the town had answered already (nothing changed). */
  async recordFitAnswer(
    m: EntityManager,
    a: { tandemId: string; townId: string; fits: boolean; reason: string; userId: string; at: Date },
  ): Promise<boolean> {
    const rows = await queryRows<unknown>(
      m,
      `INSERT INTO tandem_fit_answer (tandem_id, town_id, fits, reason, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tandem_id, town_id) DO NOTHING RETURNING tandem_id`,
      [a.tandemId, a.townId, a.fits, a.reason, a.userId, a.at],
    );
    return rows.length > 0;
  }

  async fitAnswers(tandemId: string, m: EntityManager = this.ds.manager): Promise<FitAnswerRow[]> {
    return queryRows<FitAnswerRow>(
      m,
      `SELECT f.town_id AS "townId", f.fits, f.reason, f.answered_at AS "answeredAt", u.display_name AS "answeredByName"
       FROM tandem_fit_answer f LEFT JOIN user_account u ON u.id = f.answered_by WHERE f.tandem_id = $1 ORDER BY f.answered_at`,
      [tandemId],
    );
  }

  /** Records one town's result; false when the town had given its result already (nothing changed). */
  async recordResult(
    m: EntityManager,
    r: Omit<TandemResultRow, 'answeredAt' | 'answeredByName'> & { tandemId: string; userId: string; at: Date },
  ): Promise<boolean> {
    const rows = await queryRows<unknown>(
      m,
      `INSERT INTO tandem_result (tandem_id, town_id, worked_on, taken_over, adoption, rating, may_publish, topics, answered_by, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tandem_id, town_id) DO NOTHING RETURNING tandem_id`,
      [r.tandemId, r.townId, r.workedOn, r.takenOver, r.adoption, r.rating, r.mayPublish, r.topics, r.userId, r.at],
    );
    return rows.length > 0;
  }

  async results(tandemId: string, m: EntityManager = this.ds.manager): Promise<TandemResultRow[]> {
    return queryRows<TandemResultRow>(
      m,
      `SELECT r.town_id AS "townId", r.worked_on AS "workedOn", r.taken_over AS "takenOver", r.adoption, r.rating,
              r.may_publish AS "mayPublish", r.topics, r.answered_at AS "answeredAt", u.display_name AS "answeredByName"
       FROM tandem_result r LEFT JOIN user_account u ON u.id = r.answered_by WHERE r.tandem_id = $1 ORDER BY r.answered_at`,
      [tandemId],
    );
  }

  async setResultDue(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE tandem SET result_due_at = coalesce(result_due_at, $2) WHERE id = $1`, [id, at]);
  }

  /** Active tandems whose result deadline has passed (one town answered, the other did not in time). */
  async resultOverdue(now: Date): Promise<{ id: string }[]> {
    return queryRows<{ id: string }>(
      this.ds,
      `SELECT id FROM tandem WHERE state = 'active' AND result_due_at <= $1 ORDER BY result_due_at`,
      [now],
    );
  }

  /** The confirmed contact persons of these towns (main contact first): what the partners see from approval on. */
  async partnerContacts(townIds: string[], m: EntityManager = this.ds.manager): Promise<PartnerContact[]> {
    return queryRows<PartnerContact>(
      m,
      `SELECT town_id AS "townId", display_name AS "displayName", contact_function AS "contactFunction", email, phone, main_contact AS "mainContact"
       FROM user_account WHERE town_id = ANY($1::uuid[]) AND email_confirmed_at IS NOT NULL AND deleted_at IS NULL
       ORDER BY main_contact DESC, created_at`,
      [townIds],
    );
  }

  /** The pair's score components from the current suggestions run, from `viewer`'s side (its reasons say "Ihr …"). */
  async suggestionComponents(
    viewer: string,
    partner: string,
    m: EntityManager = this.ds.manager,
  ): Promise<{ score: number; components: unknown[]; runId: string; topic: string | null } | null> {
    const rows = await queryRows<{ score: number; components: unknown[]; runId: string; topic: string | null }>(
      m,
      `SELECT s.score, s.components, s.run_id AS "runId", s.topic FROM matching_run r JOIN matching_suggestion s ON s.run_id = r.id
       WHERE r.kind = 'suggestions' AND r.is_current AND s.town_id = $1 AND s.partner_id = $2`,
      [viewer, partner],
    );
    return rows[0] ?? null;
  }

  /** The active topics' names by slug, in their order (the shared catalogue; inside a transaction pass its manager). */
  async topicNames(m?: EntityManager): Promise<Readonly<Record<string, string>>> {
    return (await this.topicCatalogue.catalogue(m)).activeNames;
  }

  /** The current tandem round's pairs (run id, towns, score, components), best first. */
  async currentRoundPairs(): Promise<RoundPairRow[]> {
    return queryRows<RoundPairRow>(
      this.ds,
      `SELECT p.run_id AS "runId", p.town_a AS "townA", p.town_b AS "townB", p.score, p.components, p.topic
       FROM matching_run r JOIN tandem_round_pair p ON p.run_id = r.id
       WHERE r.kind = 'tandem_round' AND r.is_current ORDER BY p.score DESC`,
    );
  }

  async townNames(ids: string[], m: EntityManager = this.ds.manager): Promise<TownName[]> {
    return queryRows<TownName>(
      m,
      `SELECT t.id, m.name, m.state_name AS "stateName" FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
  }
}
