import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TopicRepository, type TopicRow } from '../municipalities/topic.repository';
import { DataSource, EntityManager } from 'typeorm';
import type { PracticeInput, PracticeResult, PracticeStep } from './practice-input.util';
import type { DirectoryFacts, PracticeContext } from './practice-search.util';
import type { Licence, PracticeOrigin, PracticeState, PracticeStatus } from './practice-states.util';
import { queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

export interface MethodRow {
  id: string;
  slug: string;
  name: string;
  whatItIs: string;
  helpsWhen: string;
  effort: string;
  actors: string;
  links: { label: string; url: string }[];
}

export interface PracticeRow extends PracticeInput {
  id: string;
  townId: string;
  state: PracticeState;
  context: PracticeContext;
  origin: PracticeOrigin;
  tandemId: string | null;
  workshopId: string | null;
  reviewComment: string | null;
  submittedAt: Date | null;
  publishedVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a published version keeps: the example as it was published, with names of topics and methods. */
export interface VersionContent extends PracticeInput {
  context: PracticeContext;
  origin: PracticeOrigin;
  originLabel: string;
  topicNames: string[];
  methodNames: string[];
}

export interface VersionRow {
  practiceId: string;
  version: number;
  townId: string;
  content: VersionContent;
  publishedAt: Date;
}

export interface SearchFilters {
  q: string;
  topic: string | null;
  methodId: string | null;
  land: string | null;
  size: string | null;
  status: PracticeStatus | null;
}
export interface SearchRow extends VersionRow {
  rank: number;
}

export interface ContactRow {
  id: string;
  displayName: string;
  contactFunction: string | null;
  email: string;
}

/** A concluded tandem as a draft's source, from town `townId`'s side. */
interface TandemSourceRow {
  state: string;
  topic: string | null;
  partnerName: string;
  workedOn: string | null;
  takenOver: string | null;
  resultTopics: string[];
}

/** A workshop as a draft's source, with the town's invitation state. */
interface WorkshopSourceRow {
  state: string;
  title: string;
  theme: string;
  presented: string | null;
  willTry: string | null;
  resultTopics: string[];
  invitation: string;
}

const PRACTICE_COLS = `p.id, p.town_id AS "townId", p.state, p.title, p.summary, p.challenges, p.topics, p.context, p.steps, p.results,
  p.not_worked AS "notWorked", p.transfer_conditions AS "transferConditions", p.status, p.contact_user_id AS "contactUserId",
  p.open_for_visits AS "openForVisits", p.origin, p.tandem_id AS "tandemId", p.workshop_id AS "workshopId", p.licence,
  p.review_comment AS "reviewComment", p.submitted_at AS "submittedAt", p.published_version AS "publishedVersion",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  coalesce((SELECT array_agg(pm.slug ORDER BY pm.name) FROM practice_method_use u JOIN practice_method pm ON pm.id = u.method_id
    WHERE u.practice_id = p.id), '{}') AS methods`;

const VERSION_COLS = `v.practice_id AS "practiceId", v.version, v.town_id AS "townId", v.content, v.published_at AS "publishedAt"`;

/** The Methodenkoffer's tables (issue 27): methods, examples, their methods and published versions. */
@Injectable()
export class PracticeRepository extends TransactionalRepository {
  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly topicCatalogue: TopicRepository,
  ) {
    super(ds);
  }

  methods(m: EntityManager = this.ds.manager): Promise<MethodRow[]> {
    return queryRows<MethodRow>(
      m,
      `SELECT id, slug, name, what_it_is AS "whatItIs", helps_when AS "helpsWhen", effort, actors, links FROM practice_method ORDER BY name`,
    );
  }

  /** Inserts the methods that are not there yet (by slug); the demo seed's Steckbriefe. */
  async ensureMethods(rows: Omit<MethodRow, 'id'>[], m: EntityManager = this.ds.manager): Promise<number> {
    let added = 0;
    for (const r of rows) {
      const got = await queryRows<unknown>(
        m,
        `INSERT INTO practice_method (slug, name, what_it_is, helps_when, effort, actors, links) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING RETURNING id`,
        [r.slug, r.name, r.whatItIs, r.helpsWhen, r.effort, r.actors, JSON.stringify(r.links)],
      );
      added += got.length;
    }
    return added;
  }

  topics(m?: EntityManager): Promise<readonly TopicRow[]> {
    return this.topicCatalogue.listActive(m);
  }

  /** Directory facts of a town (public record) and whether it is verified. */
  async townFacts(townId: string, m: EntityManager = this.ds.manager): Promise<(DirectoryFacts & { verified: boolean }) | null> {
    const [r] = await queryRows<(DirectoryFacts & { verified: boolean }) | undefined>(
      m,
      `SELECT m.name, m.ags, m.state_code AS "stateCode", m.state_name AS "stateName", m.population, m.area_km2::float AS "areaKm2",
              m.degurba, m.association_population AS "associationPopulation", t.status = 'verified' AS verified
       FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = $1`,
      [townId],
    );
    return r ?? null;
  }

  /** A town's confirmed contact persons (the choices for an example's contact, and who gets its mails). */
  contacts(townId: string, m: EntityManager = this.ds.manager): Promise<ContactRow[]> {
    return queryRows<ContactRow>(
      m,
      `SELECT id, display_name AS "displayName", contact_function AS "contactFunction", email FROM user_account
       WHERE town_id = $1 AND role = 'town_contact' AND email_confirmed_at IS NOT NULL AND deleted_at IS NULL ORDER BY created_at, id`,
      [townId],
    );
  }

  async contactById(userId: string, townId: string, m: EntityManager = this.ds.manager): Promise<ContactRow | null> {
    const [r] = await queryRows<ContactRow | undefined>(
      m,
      `SELECT id, display_name AS "displayName", contact_function AS "contactFunction", email FROM user_account
       WHERE id = $1 AND town_id = $2 AND deleted_at IS NULL`,
      [userId, townId],
    );
    return r ?? null;
  }

  officeRecipients(m: EntityManager = this.ds.manager): Promise<{ id: string; email: string; displayName: string }[]> {
    return queryRows<{ id: string; email: string; displayName: string }>(
      m,
      `SELECT id, email, display_name AS "displayName" FROM user_account WHERE role IN ('office', 'admin') AND deleted_at IS NULL ORDER BY created_at`,
    );
  }

  /**
   * A concluded tandem as a source for town `townId`'s draft: its state, topic, the partner's name and the town's own
   * result (the tandem's owner module keeps these tables; read here, never written).
   */
  async tandemSource(tandemId: string, townId: string, m: EntityManager = this.ds.manager): Promise<TandemSourceRow | null> {
    const [r] = await queryRows<TandemSourceRow | undefined>(
      m,
      `SELECT t.state, t.topic_slug AS topic, pm.name AS "partnerName", r.worked_on AS "workedOn", r.taken_over AS "takenOver",
              coalesce(r.topics, '{}') AS "resultTopics"
       FROM tandem t
       JOIN town pt ON pt.id = CASE WHEN t.town_a = $2 THEN t.town_b ELSE t.town_a END
       JOIN municipality pm ON pm.ags = pt.ags
       LEFT JOIN tandem_result r ON r.tandem_id = t.id AND r.town_id = $2
       WHERE t.id = $1 AND (t.town_a = $2 OR t.town_b = $2)`,
      [tandemId, townId],
    );
    return r ?? null;
  }

  /** A workshop the town was invited to, as a source for its draft (read from the workshops' tables). */
  async workshopSource(workshopId: string, townId: string, m: EntityManager = this.ds.manager): Promise<WorkshopSourceRow | null> {
    const [r] = await queryRows<WorkshopSourceRow | undefined>(
      m,
      `SELECT w.state, w.title, w.theme_slug AS theme, w.result_presented AS presented, w.result_will_try AS "willTry",
              coalesce(w.result_topics, '{}') AS "resultTopics", i.state AS invitation
       FROM workshop w JOIN workshop_invitation i ON i.workshop_id = w.id AND i.town_id = $2 WHERE w.id = $1`,
      [workshopId, townId],
    );
    return r ?? null;
  }

  /** The example drafted from an event (one per event), with its town's name, or null. */
  async forEvent(eventId: string, m: EntityManager = this.ds.manager): Promise<{ id: string; townName: string } | null> {
    const [r] = await queryRows<{ id: string; townName: string }>(
      m,
      `SELECT p.id, p.context->>'townName' AS "townName" FROM practice p WHERE p.event_id = $1`,
      [eventId],
    );
    return r ?? null;
  }

  async existingDraftFor(
    townId: string,
    source: { tandemId?: string; workshopId?: string },
    m: EntityManager = this.ds.manager,
  ): Promise<string | null> {
    const [r] = source.tandemId
      ? await queryRows<{ id: string } | undefined>(m, `SELECT id FROM practice WHERE town_id = $1 AND tandem_id = $2`, [
          townId,
          source.tandemId,
        ])
      : source.workshopId
        ? await queryRows<{ id: string } | undefined>(m, `SELECT id FROM practice WHERE town_id = $1 AND workshop_id = $2`, [
            townId,
            source.workshopId,
          ])
        : [];
    return r?.id ?? null;
  }

  async insert(
    row: {
      townId: string;
      createdBy: string;
      origin: PracticeOrigin;
      tandemId: string | null;
      workshopId: string | null;
      eventId?: string | null;
      context: PracticeContext;
      input: PracticeInput;
      methodIds: string[];
    },
    m: EntityManager = this.ds.manager,
  ): Promise<string | null> {
    const [r] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO practice (town_id, created_by, origin, tandem_id, workshop_id, context, title, summary, challenges, topics, steps,
         results, not_worked, transfer_conditions, status, contact_user_id, open_for_visits, licence, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        row.townId,
        row.createdBy,
        row.origin,
        row.tandemId,
        row.workshopId,
        JSON.stringify(row.context),
        ...this.fields(row.input),
        row.eventId ?? null,
      ],
    );
    if (!r) return null;
    await this.setMethods(r.id, row.methodIds, m);
    return r.id;
  }

  private fields(p: PracticeInput): unknown[] {
    return [
      p.title,
      p.summary,
      p.challenges,
      p.topics,
      JSON.stringify(p.steps satisfies PracticeStep[]),
      JSON.stringify(p.results satisfies PracticeResult[]),
      p.notWorked,
      p.transferConditions,
      p.status,
      p.contactUserId,
      p.openForVisits,
      p.licence satisfies Licence,
    ];
  }

  private async setMethods(practiceId: string, methodIds: string[], m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM practice_method_use WHERE practice_id = $1`, [practiceId]);
    if (methodIds.length)
      await m.query(`INSERT INTO practice_method_use (practice_id, method_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [
        practiceId,
        methodIds,
      ]);
  }

  async find(id: string, m: EntityManager = this.ds.manager, lock = false): Promise<PracticeRow | null> {
    const [r] = await queryRows<PracticeRow | undefined>(
      m,
      `SELECT ${PRACTICE_COLS} FROM practice p WHERE p.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return r ?? null;
  }

  async update(
    id: string,
    input: PracticeInput,
    methodIds: string[],
    state: PracticeState,
    m: EntityManager = this.ds.manager,
  ): Promise<void> {
    await m.query(
      `UPDATE practice SET title = $2, summary = $3, challenges = $4, topics = $5, steps = $6, results = $7, not_worked = $8,
         transfer_conditions = $9, status = $10, contact_user_id = $11, open_for_visits = $12, licence = $13, state = $14, updated_at = now()
       WHERE id = $1`,
      [id, ...this.fields(input), state],
    );
    await this.setMethods(id, methodIds, m);
  }

  async setState(
    id: string,
    state: PracticeState,
    extra: { reviewComment?: string | null; submitted?: boolean; publishedVersion?: number; context?: PracticeContext },
    m: EntityManager = this.ds.manager,
  ): Promise<void> {
    await m.query(
      `UPDATE practice SET state = $2, updated_at = now(),
         review_comment = CASE WHEN $3::boolean THEN $4 ELSE review_comment END,
         submitted_at = CASE WHEN $5::boolean THEN now() ELSE submitted_at END,
         published_version = coalesce($6, published_version),
         context = coalesce($7::jsonb, context)
       WHERE id = $1`,
      [
        id,
        state,
        extra.reviewComment !== undefined,
        extra.reviewComment ?? null,
        !!extra.submitted,
        extra.publishedVersion ?? null,
        extra.context ? JSON.stringify(extra.context) : null,
      ],
    );
  }

  /**
   * A new published version becomes the current one; the earlier ones stay as history. The German full-text vector is
   * built here from the four weighted text groups (title A, summary/questions/topics/methods B, the rest C, town D).
   */
  async insertVersion(
    v: {
      practiceId: string;
      version: number;
      townId: string;
      content: VersionContent;
      methodIds: string[];
      texts: [string, string, string, string];
      publishedBy: string;
    },
    m: EntityManager = this.ds.manager,
  ): Promise<void> {
    await m.query(`UPDATE practice_version SET is_current = false WHERE practice_id = $1 AND is_current`, [v.practiceId]);
    await m.query(
      `INSERT INTO practice_version (practice_id, version, town_id, content, topics, method_ids, status, state_code, size_class,
         search_vector, published_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
         setweight(to_tsvector('german', $10), 'A') || setweight(to_tsvector('german', $11), 'B') ||
         setweight(to_tsvector('german', $12), 'C') || setweight(to_tsvector('german', $13), 'D'),
         $14)`,
      [
        v.practiceId,
        v.version,
        v.townId,
        JSON.stringify(v.content),
        v.content.topics,
        v.methodIds,
        v.content.status,
        v.content.context.stateCode,
        v.content.context.sizeClass,
        ...v.texts,
        v.publishedBy,
      ],
    );
  }

  /** The current published version (of a verified town), or null. */
  async currentVersion(practiceId: string, m: EntityManager = this.ds.manager): Promise<VersionRow | null> {
    const [r] = await queryRows<VersionRow | undefined>(
      m,
      `SELECT ${VERSION_COLS} FROM practice_version v JOIN town t ON t.id = v.town_id AND t.status = 'verified'
       WHERE v.practice_id = $1 AND v.is_current`,
      [practiceId],
    );
    return r ?? null;
  }

  history(practiceId: string, m: EntityManager = this.ds.manager): Promise<{ version: number; publishedAt: Date }[]> {
    return queryRows<{ version: number; publishedAt: Date }>(
      m,
      `SELECT version, published_at AS "publishedAt" FROM practice_version WHERE practice_id = $1 ORDER BY version DESC`,
      [practiceId],
    );
  }

  /** Current versions matching the filters, each with its text rank (0 without a search text); at most `limit`. */
  search(f: SearchFilters, limit = 1000, m: EntityManager = this.ds.manager): Promise<SearchRow[]> {
    return queryRows<SearchRow>(
      m,
      `SELECT ${VERSION_COLS},
         CASE WHEN $1 = '' THEN 0 ELSE ts_rank(v.search_vector, websearch_to_tsquery('german', $1)) END::float AS rank
       FROM practice_version v JOIN town t ON t.id = v.town_id AND t.status = 'verified'
       WHERE v.is_current
         AND ($1 = '' OR v.search_vector @@ websearch_to_tsquery('german', $1))
         AND ($2::text IS NULL OR $2 = ANY(v.topics))
         AND ($3::uuid IS NULL OR $3 = ANY(v.method_ids))
         AND ($4::text IS NULL OR v.state_code = $4)
         AND ($5::text IS NULL OR v.size_class = $5)
         AND ($6::text IS NULL OR v.status = $6)
       ORDER BY rank DESC, v.published_at DESC, v.practice_id
       LIMIT $7`,
      [f.q, f.topic, f.methodId, f.land, f.size, f.status, limit],
    );
  }

  /** A town's own examples (working copies), newest change first. */
  forTown(townId: string, m: EntityManager = this.ds.manager): Promise<PracticeRow[]> {
    return queryRows<PracticeRow>(m, `SELECT ${PRACTICE_COLS} FROM practice p WHERE p.town_id = $1 ORDER BY p.updated_at DESC, p.id`, [
      townId,
    ]);
  }

  /** What waits for the office's review, oldest submission first. */
  reviewQueue(m: EntityManager = this.ds.manager): Promise<PracticeRow[]> {
    return queryRows<PracticeRow>(m, `SELECT ${PRACTICE_COLS} FROM practice p WHERE p.state = 'submitted' ORDER BY p.submitted_at, p.id`);
  }
}
