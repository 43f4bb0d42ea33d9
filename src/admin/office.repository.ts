import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../database/typed-query.util';
import { SIZE_CLASSES } from '../municipalities/size-class.util';
import type { TandemState } from '../tandems/core/tandem-transitions.util';
import { TransactionalRepository } from '../database/transactional.repository';

export interface TownFilter {
  q?: string;
  stateCode?: string;
  sizeClass?: string;
  topic?: string;
  status?: string;
  optedOut?: boolean;
  /** A constant of TOWN_SORTS (never text from a request); name order by default. */
  orderBy?: string;
}

export interface TownListRow {
  id: string;
  ags: string;
  name: string;
  stateName: string;
  districtName: string | null;
  population: number;
  status: string;
  isDemo: boolean;
  optedOut: boolean;
  createdAt: Date;
  contacts: number;
  topics: string[] | null;
  challenges: string[] | null;
  experiences: string[] | null;
}

export interface AuditFilter {
  townId?: string;
  actorId?: string;
  action?: string;
  from?: string; // YYYY-MM-DD, inclusive (Europe/Berlin)
  to?: string; // YYYY-MM-DD, inclusive
}

/** Raw figures of one calendar year (Europe/Berlin) for the "Berichtszahlen"; shaped into tables by report-figures.util. */
export interface ReportFigures {
  year: number;
  /** Towns in the network at the end of the year (verified today, decided before the year ended). */
  networkTowns: { stateCode: string; stateName: string; population: number; newInYear: boolean }[];
  registrations: { received: number; verified: number; rejected: number; pending: number };
  topics: { slug: string; name: string; challenge: number; experience: number }[];
  /**
   * Requests and office proposals made in the year, with their state today (so declined, withdrawn, rejected and
   * expired ones can be told from tandems that came about), the topic and which of the two towns are in the network.
   */
  tandems: { state: string; origin: string; crossState: boolean; topicSlug: string | null; networkTowns: string[] }[];
  concludedInYear: number;
  /** Each town's result of the tandems concluded in the year (the conclusion form, issue 23). */
  results: { rating: number; adoption: string; mayPublish: boolean }[];
  /** Workshops dated in the year (drafts left out), with the towns that accepted their invitation. */
  workshops: { state: string; themeSlug: string; participants: { townId: string; stateCode: string }[] }[];
  participation: { profilesUpdated: number; contacts: number; optedOut: number };
}

interface TodoCounts {
  pendingTowns: number;
  tandemsToApprove: number;
  workshopsToConfirm: number;
  failedMails: number;
}

interface FailedMailRow {
  id: string;
  recipient: string;
  subject: string | null;
  template: string;
  lastError: string | null;
  createdAt: Date;
}

interface StatePopulationRow {
  stateCode: string;
  stateName: string;
  population: number;
}

interface TownPointRow {
  name: string;
  latitude: number;
  longitude: number;
  population: number;
}

interface TopicDemandRow {
  slug: string;
  name: string;
  challenge: number;
  experience: number;
}

interface StateCountRow {
  state: string;
  n: number;
}

interface MonthCountRow {
  month: string;
  n: number;
}

interface WorkshopExportRow {
  title: string;
  theme: string;
  startsAt: Date | null;
  format: string;
  hostTown: string | null;
  state: string;
  invited: number;
  accepted: string[] | null;
  declined: number;
  createdAt: Date;
}

interface CodeNameRow {
  code: string;
  name: string;
}

interface SlugNameRow {
  slug: string;
  name: string;
}

interface IdNameRow {
  id: string;
  name: string;
}

/** The town page's own row (town and directory); numeric columns as pg answers them. */
interface OfficeTownRow {
  id: string;
  ags: string;
  status: string;
  isDemo: boolean;
  description: string;
  capacity: number;
  optedOut: boolean;
  visibility: Record<string, string> | null;
  rejectionReason: string | null;
  decidedAt: Date | null;
  profileUpdatedAt: Date | null;
  createdAt: Date;
  name: string;
  stateName: string;
  districtName: string | null;
  associationName: string | null;
  associationPopulation: number | null;
  population: number;
  areaKm2: number;
  postcode: string | null;
  degurba: number | null;
  latitude: number | null;
  longitude: number | null;
}

interface OfficeTownChallenge {
  topic: string;
  text: string;
  urgency: number;
}

interface OfficeTownExperience {
  topic: string;
  tried: string;
  outcome: string;
}

interface OfficeTownContact {
  displayName: string;
  email: string;
  contactFunction: string | null;
  emailConfirmedAt: Date | null;
  mainContact: boolean;
  createdAt: Date;
}

interface OfficeTownTandem {
  id: string;
  state: TandemState;
  stateChangedAt: Date;
  topicName: string | null;
  partnerName: string;
}

interface OfficeNoteRow {
  text: string;
  createdAt: Date;
  authorName: string | null;
}

interface OfficeTownDetail extends OfficeTownRow {
  topics: string[];
  challenges: OfficeTownChallenge[];
  experiences: OfficeTownExperience[];
  contacts: OfficeTownContact[];
  tandems: OfficeTownTandem[];
  notes: OfficeNoteRow[];
}

interface AuditRow {
  id: string;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  createdAt: Date;
  actorName: string | null;
  actorRole: string | null;
  townId: string | null;
  townName: string | null;
  tandemTowns: string | null;
  workshopTitle: string | null;
}

interface ExportResult {
  rating: number;
  adoption: string;
  mayPublish: boolean;
}

interface TandemExportRow {
  townA: string;
  townB: string;
  stateA: string;
  stateB: string;
  topic: string | null;
  origin: string;
  state: string;
  createdAt: Date;
  stateChangedAt: Date;
  resultA: ExportResult | null;
  resultB: ExportResult | null;
}

/** SQL for the office's overview, lists, town pages, audit trail and exports. Read-only. */
@Injectable()
export class OfficeRepository extends TransactionalRepository {
  async todoCounts(): Promise<TodoCounts> {
    // A workshop can be confirmed once at least four invited towns have accepted.
    const [r] = await queryRows<TodoCounts>(
      this.ds,
      `SELECT
      (SELECT count(*)::int FROM town WHERE status = 'pending') AS "pendingTowns",
      (SELECT count(*)::int FROM tandem WHERE state = 'accepted') AS "tandemsToApprove",
      (SELECT count(*)::int FROM workshop w WHERE w.state = 'invited'
         AND (SELECT count(*) FROM workshop_invitation i WHERE i.workshop_id = w.id AND i.state = 'accepted') >= 4) AS "workshopsToConfirm",
      (SELECT count(*)::int FROM mail_delivery WHERE status = 'failed') AS "failedMails"`,
    );
    return r;
  }

  failedMails(limit = 10): Promise<FailedMailRow[]> {
    return queryRows<FailedMailRow>(
      this.ds,
      `SELECT id, recipient, subject, template, last_error AS "lastError", created_at AS "createdAt" FROM mail_delivery
       WHERE status = 'failed' ORDER BY created_at DESC LIMIT $1`,
      [limit],
    );
  }

  /** Verified towns per state and population, for the table by Bundesland and size class. */
  verifiedTownsByState(): Promise<StatePopulationRow[]> {
    return queryRows<StatePopulationRow>(
      this.ds,
      `SELECT m.state_code AS "stateCode", m.state_name AS "stateName", m.population FROM town t JOIN municipality m ON m.ags = t.ags
       WHERE t.status = 'verified' ORDER BY m.state_code`,
    );
  }

  /** Verified towns with coordinates, for the map. */
  verifiedTownPoints(): Promise<TownPointRow[]> {
    return queryRows<TownPointRow>(
      this.ds,
      `SELECT m.name, m.latitude::float AS latitude, m.longitude::float AS longitude, m.population FROM town t JOIN municipality m ON m.ags = t.ags
       WHERE t.status = 'verified' AND m.latitude IS NOT NULL AND m.longitude IS NOT NULL ORDER BY m.name`,
    );
  }

  /** Per topic: how many verified towns name it as a challenge, and how many as an experience. */
  topicDemandSupply(): Promise<TopicDemandRow[]> {
    return queryRows<TopicDemandRow>(
      this.ds,
      `SELECT tp.slug, tp.name,
         (SELECT count(DISTINCT c.town_id)::int FROM town_challenge c JOIN town t ON t.id = c.town_id AND t.status = 'verified' WHERE c.topic_slug = tp.slug) AS challenge,
         (SELECT count(DISTINCT e.town_id)::int FROM town_experience e JOIN town t ON t.id = e.town_id AND t.status = 'verified' WHERE e.topic_slug = tp.slug) AS experience
       FROM topic tp ORDER BY tp.sort_order, tp.name`,
    );
  }

  tandemsByState(): Promise<StateCountRow[]> {
    return queryRows<StateCountRow>(this.ds, `SELECT state, count(*)::int AS n FROM tandem GROUP BY state`);
  }

  /** New tandems (requests and proposals) per calendar month in Berlin, for the last `months` months including this one. */
  tandemsPerMonth(months = 12): Promise<MonthCountRow[]> {
    return this.perMonth(
      months,
      `SELECT count(*)::int FROM tandem t WHERE date_trunc('month', t.created_at AT TIME ZONE 'Europe/Berlin') = m.month`,
    );
  }

  workshopsByState(): Promise<StateCountRow[]> {
    return queryRows<StateCountRow>(this.ds, `SELECT state, count(*)::int AS n FROM workshop GROUP BY state`);
  }

  /** Workshops published (not drafts, not cancelled) per calendar month of their date in Berlin, the last `months` months. */
  workshopsPerMonth(months = 12): Promise<MonthCountRow[]> {
    return this.perMonth(
      months,
      `SELECT count(*)::int FROM workshop w WHERE w.state NOT IN ('draft', 'cancelled')
         AND date_trunc('month', w.starts_at AT TIME ZONE 'Europe/Berlin') = m.month`,
    );
  }

  /** One row per calendar month in Berlin, the last `months` including this one; `count` counts for the month `m.month`. */
  private perMonth(months: number, count: string): Promise<MonthCountRow[]> {
    return queryRows<MonthCountRow>(
      this.ds,
      `WITH m AS (SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'Europe/Berlin') - ($1::int - 1) * interval '1 month',
                                         date_trunc('month', now() AT TIME ZONE 'Europe/Berlin'), interval '1 month') AS month)
       SELECT to_char(m.month, 'YYYY-MM') AS month, (${count}) AS n
       FROM m ORDER BY m.month`,
      [months],
    );
  }

  workshopsForExport(): Promise<WorkshopExportRow[]> {
    return queryRows<WorkshopExportRow>(
      this.ds,
      `SELECT w.title, tp.name AS theme, w.starts_at AS "startsAt", w.format, hm.name AS "hostTown", w.state, w.created_at AS "createdAt",
         (SELECT count(*)::int FROM workshop_invitation i WHERE i.workshop_id = w.id) AS invited,
         (SELECT array_agg(m.name ORDER BY m.name) FROM workshop_invitation i JOIN town t ON t.id = i.town_id
            JOIN municipality m ON m.ags = t.ags WHERE i.workshop_id = w.id AND i.state = 'accepted') AS accepted,
         (SELECT count(*)::int FROM workshop_invitation i WHERE i.workshop_id = w.id AND i.state = 'declined') AS declined
       FROM workshop w JOIN topic tp ON tp.slug = w.theme_slug
       LEFT JOIN town ht ON ht.id = w.host_town_id LEFT JOIN municipality hm ON hm.ags = ht.ags
       ORDER BY w.created_at, w.id`,
    );
  }

  states(): Promise<CodeNameRow[]> {
    return queryRows<CodeNameRow>(this.ds, `SELECT DISTINCT state_code AS code, state_name AS name FROM municipality ORDER BY state_code`);
  }

  topics(): Promise<SlugNameRow[]> {
    return queryRows<SlugNameRow>(this.ds, `SELECT slug, name FROM topic ORDER BY sort_order, name`);
  }

  listTowns(f: TownFilter, limit = 1000): Promise<TownListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.q) {
      const like = p(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(m.name ILIKE ${like} OR m.district_name ILIKE ${like} OR t.ags LIKE ${like})`);
    }
    if (f.stateCode) where.push(`m.state_code = ${p(f.stateCode)}`);
    const size = SIZE_CLASSES.find((c) => c.key === f.sizeClass);
    if (size) where.push(`m.population >= ${p(size.min)}` + (size.max === null ? '' : ` AND m.population < ${p(size.max)}`));
    if (f.topic) {
      const s = p(f.topic);
      where.push(`(EXISTS (SELECT 1 FROM town_topic x WHERE x.town_id = t.id AND x.topic_slug = ${s})
        OR EXISTS (SELECT 1 FROM town_challenge x WHERE x.town_id = t.id AND x.topic_slug = ${s})
        OR EXISTS (SELECT 1 FROM town_experience x WHERE x.town_id = t.id AND x.topic_slug = ${s}))`);
    }
    if (f.status) where.push(`t.status = ${p(f.status)}::town_status`);
    if (f.optedOut !== undefined) where.push(`t.opted_out = ${p(f.optedOut)}`);
    return queryRows<TownListRow>(
      this.ds,
      `SELECT t.id, t.ags, m.name, m.state_name AS "stateName", m.district_name AS "districtName", m.population, t.status::text AS status,
         t.is_demo AS "isDemo", t.opted_out AS "optedOut", t.created_at AS "createdAt",
         (SELECT count(*)::int FROM user_account u WHERE u.town_id = t.id) AS contacts,
         (SELECT array_agg(tp.name ORDER BY tp.sort_order) FROM town_topic x JOIN topic tp ON tp.slug = x.topic_slug WHERE x.town_id = t.id) AS topics,
         (SELECT array_agg(DISTINCT tp.name) FROM town_challenge x JOIN topic tp ON tp.slug = x.topic_slug WHERE x.town_id = t.id) AS challenges,
         (SELECT array_agg(DISTINCT tp.name) FROM town_experience x JOIN topic tp ON tp.slug = x.topic_slug WHERE x.town_id = t.id) AS experiences
       FROM town t JOIN municipality m ON m.ags = t.ags
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${f.orderBy ?? 'm.name, t.ags'} LIMIT ${p(limit)}`,
      params,
    );
  }

  async town(id: string): Promise<OfficeTownDetail | null> {
    const [row] = await queryRows<OfficeTownRow | undefined>(
      this.ds,
      `SELECT t.id, t.ags, t.status::text AS status, t.is_demo AS "isDemo", t.description, t.capacity, t.opted_out AS "optedOut", t.visibility,
         t.rejection_reason AS "rejectionReason", t.decided_at AS "decidedAt", t.profile_updated_at AS "profileUpdatedAt", t.created_at AS "createdAt",
         m.name, m.state_name AS "stateName", m.district_name AS "districtName", m.association_name AS "associationName",
         m.association_population AS "associationPopulation", m.population, m.area_km2::float AS "areaKm2", m.postcode, m.degurba,
         m.latitude, m.longitude
       FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = $1`,
      [id],
    );
    if (!row) return null;
    const [topics, challenges, experiences, contacts, tandems, notes] = await Promise.all([
      queryRows<{ name: string }>(
        this.ds,
        `SELECT tp.name FROM town_topic x JOIN topic tp ON tp.slug = x.topic_slug WHERE x.town_id = $1 ORDER BY tp.sort_order`,
        [id],
      ),
      queryRows<OfficeTownChallenge>(
        this.ds,
        `SELECT tp.name AS topic, c.text, c.urgency FROM town_challenge c JOIN topic tp ON tp.slug = c.topic_slug WHERE c.town_id = $1 ORDER BY c.urgency DESC, tp.sort_order`,
        [id],
      ),
      queryRows<OfficeTownExperience>(
        this.ds,
        `SELECT tp.name AS topic, e.tried, e.outcome FROM town_experience e JOIN topic tp ON tp.slug = e.topic_slug WHERE e.town_id = $1 ORDER BY tp.sort_order`,
        [id],
      ),
      queryRows<OfficeTownContact>(
        this.ds,
        `SELECT display_name AS "displayName", email, contact_function AS "contactFunction", email_confirmed_at AS "emailConfirmedAt",
          main_contact AS "mainContact", created_at AS "createdAt"
        FROM user_account WHERE town_id = $1 ORDER BY main_contact DESC, created_at`,
        [id],
      ),
      queryRows<OfficeTownTandem>(
        this.ds,
        `SELECT t.id, t.state, t.state_changed_at AS "stateChangedAt", tp.name AS "topicName",
          pm.name AS "partnerName" FROM tandem t
        LEFT JOIN topic tp ON tp.slug = t.topic_slug
        JOIN town pt ON pt.id = CASE WHEN t.town_a = $1 THEN t.town_b ELSE t.town_a END JOIN municipality pm ON pm.ags = pt.ags
        WHERE t.town_a = $1 OR t.town_b = $1 ORDER BY t.state_changed_at DESC`,
        [id],
      ),
      queryRows<OfficeNoteRow>(
        this.ds,
        `SELECT n.text, n.created_at AS "createdAt", u.display_name AS "authorName" FROM office_note n
        LEFT JOIN user_account u ON u.id = n.author_id WHERE n.town_id = $1 ORDER BY n.created_at DESC, n.id`,
        [id],
      ),
    ]);
    return { ...row, topics: topics.map((t) => t.name), challenges, experiences, contacts, tandems, notes };
  }

  /** Adds an internal note in the caller's transaction; false when the town does not exist. */
  async insertNote(m: EntityManager, townId: string, authorId: string, text: string): Promise<boolean> {
    const [town] = await queryRows<{ id: string } | undefined>(m, `SELECT id FROM town WHERE id = $1`, [townId]);
    if (!town) return false;
    await m.query(`INSERT INTO office_note (town_id, author_id, text) VALUES ($1, $2, $3)`, [townId, authorId, text]);
    return true;
  }

  /** Audit rows, newest first, with the actor's name and the town (or the tandem's towns) they concern. */
  audit(f: AuditFilter, limit = 200): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.townId) {
      const t = p(f.townId);
      where.push(`((a.subject_type = 'town' AND a.subject_id = ${t}::text)
        OR (a.subject_type = 'tandem' AND a.subject_id IN (SELECT id::text FROM tandem WHERE town_a = ${t}::uuid OR town_b = ${t}::uuid))
        OR (a.subject_type = 'workshop' AND a.data->>'townId' = ${t}::text))`);
    }
    if (f.actorId) where.push(`a.actor_id = ${p(f.actorId)}::uuid`);
    if (f.action) where.push(`a.action = ${p(f.action)}`);
    if (f.from) where.push(`a.created_at >= (${p(f.from)}::date)::timestamp AT TIME ZONE 'Europe/Berlin'`);
    if (f.to) where.push(`a.created_at < (${p(f.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/Berlin'`);
    return queryRows<AuditRow>(
      this.ds,
      `SELECT a.id, a.action, a.subject_type AS "subjectType", a.subject_id AS "subjectId", a.reason, a.created_at AS "createdAt",
         u.display_name AS "actorName", u.role::text AS "actorRole",
         tw.id AS "townId", tm.name AS "townName",
         (SELECT ma.name || ' – ' || mb.name FROM tandem td JOIN town ta ON ta.id = td.town_a JOIN municipality ma ON ma.ags = ta.ags
            JOIN town tb ON tb.id = td.town_b JOIN municipality mb ON mb.ags = tb.ags WHERE a.subject_type = 'tandem' AND td.id::text = a.subject_id) AS "tandemTowns",
         (SELECT w.title FROM workshop w WHERE a.subject_type = 'workshop' AND w.id::text = a.subject_id) AS "workshopTitle"
       FROM audit_log a
       LEFT JOIN user_account u ON u.id = a.actor_id
       LEFT JOIN town tw ON a.subject_type = 'town' AND tw.id::text = a.subject_id
       LEFT JOIN municipality tm ON tm.ags = tw.ags
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.created_at DESC, a.id DESC LIMIT ${p(limit)}`,
      params,
    );
  }

  /** The choices for the audit filter: towns and people that appear in the log. */
  auditTowns(): Promise<IdNameRow[]> {
    return queryRows<IdNameRow>(
      this.ds,
      `SELECT DISTINCT t.id, m.name FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id::text IN (
         SELECT subject_id FROM audit_log WHERE subject_type = 'town'
         UNION SELECT td.town_a::text FROM tandem td JOIN audit_log a ON a.subject_type = 'tandem' AND a.subject_id = td.id::text
         UNION SELECT td.town_b::text FROM tandem td JOIN audit_log a ON a.subject_type = 'tandem' AND a.subject_id = td.id::text)
       ORDER BY m.name`,
    );
  }

  auditActors(): Promise<IdNameRow[]> {
    return queryRows<IdNameRow>(
      this.ds,
      `SELECT u.id, u.display_name AS name FROM user_account u WHERE u.id IN (SELECT actor_id FROM audit_log WHERE actor_id IS NOT NULL) ORDER BY u.display_name`,
    );
  }

  tandemsForExport(): Promise<TandemExportRow[]> {
    const result = (town: string) =>
      `(SELECT json_build_object('rating', r.rating, 'adoption', r.adoption, 'mayPublish', r.may_publish)
        FROM tandem_result r WHERE r.tandem_id = t.id AND r.town_id = ${town})`;
    return queryRows<TandemExportRow>(
      this.ds,
      `SELECT ma.name AS "townA", mb.name AS "townB", ma.state_name AS "stateA", mb.state_name AS "stateB", tp.name AS topic,
         t.origin, t.state, t.created_at AS "createdAt", t.state_changed_at AS "stateChangedAt",
         ${result('t.town_a')} AS "resultA", ${result('t.town_b')} AS "resultB"
       FROM tandem t JOIN town ta ON ta.id = t.town_a JOIN municipality ma ON ma.ags = ta.ags
       JOIN town tb ON tb.id = t.town_b JOIN municipality mb ON mb.ags = tb.ags LEFT JOIN topic tp ON tp.slug = t.topic_slug
       ORDER BY t.created_at, t.id`,
    );
  }
  /**
   * The year's figures for the report. "In the network" = verified today and verified (decided) before the year's end;
   * a town rejected or deleted later no longer counts. Profiles are today's (the service keeps no profile history).
   */
  async reportFigures(year: number): Promise<ReportFigures> {
    const b = `make_timestamptz($1::int, 1, 1, 0, 0, 0, 'Europe/Berlin')`;
    const e = `make_timestamptz($1::int + 1, 1, 1, 0, 0, 0, 'Europe/Berlin')`;
    const inYear = (col: string) => `(${col} >= ${b} AND ${col} < ${e})`;
    const net = `(SELECT id FROM town WHERE status = 'verified' AND coalesce(decided_at, created_at) < ${e})`;
    const [networkTowns, [registrations], topics, tandems, [concluded], workshops, [participation], results] = await Promise.all([
      queryRows<ReportFigures['networkTowns'][number]>(
        this.ds,
        `SELECT m.state_code AS "stateCode", m.state_name AS "stateName", m.population, ${inYear('coalesce(t.decided_at, t.created_at)')} AS "newInYear"
         FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id IN ${net} ORDER BY m.state_code`,
        [year],
      ),
      queryRows<ReportFigures['registrations']>(
        this.ds,
        `SELECT count(*) FILTER (WHERE ${inYear('created_at')})::int AS received,
           count(*) FILTER (WHERE status = 'verified' AND ${inYear('decided_at')})::int AS verified,
           count(*) FILTER (WHERE status = 'rejected' AND ${inYear('decided_at')})::int AS rejected,
           count(*) FILTER (WHERE status = 'pending' AND ${inYear('created_at')})::int AS pending
         FROM town`,
        [year],
      ),
      queryRows<ReportFigures['topics'][number]>(
        this.ds,
        `SELECT tp.slug, tp.name,
           (SELECT count(DISTINCT c.town_id)::int FROM town_challenge c WHERE c.topic_slug = tp.slug AND c.town_id IN ${net}) AS challenge,
           (SELECT count(DISTINCT x.town_id)::int FROM town_experience x WHERE x.topic_slug = tp.slug AND x.town_id IN ${net}) AS experience
         FROM topic tp ORDER BY tp.sort_order, tp.name`,
        [year],
      ),
      queryRows<ReportFigures['tandems'][number]>(
        this.ds,
        `SELECT td.state, td.origin, (ma.state_code <> mb.state_code) AS "crossState", td.topic_slug AS "topicSlug",
           array_remove(ARRAY[CASE WHEN td.town_a IN ${net} THEN td.town_a::text END,
                              CASE WHEN td.town_b IN ${net} THEN td.town_b::text END], NULL) AS "networkTowns"
         FROM tandem td JOIN town ta ON ta.id = td.town_a JOIN municipality ma ON ma.ags = ta.ags
         JOIN town tb ON tb.id = td.town_b JOIN municipality mb ON mb.ags = tb.ags
         WHERE ${inYear('td.created_at')}`,
        [year],
      ),
      queryRows<{ n: number }>(
        this.ds,
        `SELECT count(*)::int AS n FROM tandem WHERE state = 'concluded' AND ${inYear('state_changed_at')}`,
        [year],
      ),
      queryRows<ReportFigures['workshops'][number]>(
        this.ds,
        `SELECT w.state, w.theme_slug AS "themeSlug",
           coalesce((SELECT json_agg(json_build_object('townId', i.town_id::text, 'stateCode', m.state_code) ORDER BY m.state_code, i.town_id)
              FROM workshop_invitation i JOIN town t ON t.id = i.town_id JOIN municipality m ON m.ags = t.ags
              WHERE i.workshop_id = w.id AND i.state = 'accepted'), '[]'::json) AS participants
         FROM workshop w WHERE w.state <> 'draft' AND ${inYear('w.starts_at')}`,
        [year],
      ),
      queryRows<ReportFigures['participation']>(
        this.ds,
        `SELECT
           (SELECT count(*)::int FROM town t WHERE t.id IN ${net} AND ${inYear('t.profile_updated_at')}) AS "profilesUpdated",
           (SELECT count(*)::int FROM user_account u WHERE u.town_id IN ${net} AND u.deleted_at IS NULL AND u.email_confirmed_at < ${e}) AS contacts,
           (SELECT count(*)::int FROM town t WHERE t.id IN ${net} AND t.opted_out) AS "optedOut"`,
        [year],
      ),
      queryRows<ReportFigures['results'][number]>(
        this.ds,
        `SELECT r.rating, r.adoption, r.may_publish AS "mayPublish" FROM tandem_result r JOIN tandem t ON t.id = r.tandem_id
         WHERE t.state = 'concluded' AND ${inYear('t.state_changed_at')}`,
        [year],
      ),
    ]);
    return { year, networkTowns, registrations, topics, tandems, concludedInYear: concluded.n, workshops, participation, results };
  }
}
