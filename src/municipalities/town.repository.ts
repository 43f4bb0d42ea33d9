import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Municipality } from './municipality.entity';
import { TownChallenge } from './town-challenge.entity';
import { TownExperience } from './town-experience.entity';
import { Town, TownStatus } from './town.entity';
import { queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

export interface PendingContact {
  email: string;
  displayName: string;
  contactFunction: string | null;
  emailConfirmedAt: Date | null;
  createdAt: Date;
}

/** The directory facts the office sees beside an application. */
export interface PendingDirectoryFacts {
  name: string;
  stateName: string;
  districtName: string | null;
  associationName: string | null;
  population: number;
  postcode: string | null;
}

/** A pending application with its town's directory facts and the contacts who registered (the office's list). */
export interface PendingApplication extends PendingDirectoryFacts {
  id: string;
  ags: string;
  createdAt: Date;
  contacts: PendingContact[];
}

export interface ProfileWrite {
  description: string;
  capacity: number;
  visibility: Town['visibility'];
  topics: string[];
  challenges: { topicSlug: string; text: string; urgency: number }[];
  experiences: { topicSlug: string; tried: string; outcome: string }[];
}

/** Pending towns whose application is alive: a confirmed contact, or an unused, unexpired confirmation link. */
const LIVE_PENDING = `SELECT t.id, t.ags, t.created_at FROM town t WHERE t.status = 'pending'
  AND (EXISTS (SELECT 1 FROM user_account u WHERE u.town_id = t.id AND u.email_confirmed_at IS NOT NULL)
    OR EXISTS (SELECT 1 FROM user_account u JOIN email_token e ON e.user_id = u.id
                WHERE u.town_id = t.id AND e.purpose = 'confirm-email' AND e.used_at IS NULL AND e.expires_at > now()))`;

/** The flat row of findById: the town's and its directory row's columns, the relations as JSON lists. */
type TownByIdRow = Omit<Town, 'municipality' | 'challenges' | 'experiences'> &
  Omit<Municipality, 'ags' | 'areaKm2'> & {
    areaKm2: string | number;
    challenges: TownChallenge[];
    experiences: TownExperience[];
  };

@Injectable()
export class TownRepository extends TransactionalRepository {
  /** Only a verified town holds its AGS; pending applications may compete, rejected ones are history. */
  async verifiedExistsForAgs(ags: string, manager: EntityManager = this.ds.manager, exceptId?: string): Promise<boolean> {
    const rows = await queryRows<unknown>(manager, `SELECT 1 FROM town WHERE ags = $1 AND status = 'verified' AND id IS DISTINCT FROM $2`, [
      ags,
      exceptId ?? null,
    ]);
    return rows.length > 0;
  }

  /** Other pending applications for the same AGS (they lose when one is verified). */
  async pendingCompetitorIds(manager: EntityManager, ags: string, exceptId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `SELECT id FROM town WHERE ags = $1 AND status = 'pending' AND id <> $2 ORDER BY id FOR UPDATE`,
      [ags, exceptId],
    );
    return rows.map((r) => r.id);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM town WHERE id = $1`, [id]);
  }

  async setPaused(manager: EntityManager, id: string, paused: boolean): Promise<void> {
    await manager.query(`UPDATE town SET opted_out = $2 WHERE id = $1`, [id, paused]);
  }

  /** A verified demo town; null when a town (demo or real) with this AGS exists already, which is left as it is. */
  async createDemo(manager: EntityManager, ags: string): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO town (ags, status, is_demo, decided_at) VALUES ($1, 'verified', true, now())
       ON CONFLICT (ags) WHERE status = 'verified' DO NOTHING RETURNING id`,
      [ags],
    );
    return rows[0]?.id ?? null;
  }

  async findDemoIdByAgs(manager: EntityManager, ags: string): Promise<string | null> {
    return (await queryRows<{ id: string }>(manager, `SELECT id FROM town WHERE ags = $1 AND is_demo`, [ags]))[0]?.id ?? null;
  }

  async create(manager: EntityManager, ags: string): Promise<string> {
    const rows = await queryRows<{ id: string }>(manager, `INSERT INTO town (ags) VALUES ($1) RETURNING id`, [ags]);
    return rows[0].id;
  }

  /**
   * A town with its directory row, topics (in their order), challenges and experiences, in one statement. Plain SQL
   * with one JSON list per relation: TypeORM's joined find returned topics × challenges × experiences rows and
   * spent a fifth of a profile request's CPU folding them back into entities.
   */
  async findById(id: string, manager: EntityManager = this.ds.manager): Promise<Town | null> {
    const [row] = await queryRows<TownByIdRow>(
      manager,
      `SELECT t.id, t.ags, t.status, t.is_demo AS "isDemo", t.description, t.capacity, t.opted_out AS "optedOut", t.visibility,
              t.rejection_reason AS "rejectionReason", t.decided_at AS "decidedAt", t.profile_updated_at AS "profileUpdatedAt",
              t.created_at AS "createdAt",
              m.ars, m.name, m.name_raw AS "nameRaw", m.type_code AS "typeCode", m.state_code AS "stateCode", m.state_name AS "stateName",
              m.district_name AS "districtName", m.association_name AS "associationName", m.association_type AS "associationType",
              m.association_population AS "associationPopulation", m.population, m.area_km2 AS "areaKm2", m.latitude, m.longitude,
              m.postcode, m.degurba, m.source, m.updated_at AS "updatedAt",
              (SELECT coalesce(json_agg(json_build_object('slug', tp.slug, 'name', tp.name, 'sortOrder', tp.sort_order, 'active', tp.active)
                                        ORDER BY tp.sort_order, tp.slug), '[]')
               FROM town_topic tt JOIN topic tp ON tp.slug = tt.topic_slug WHERE tt.town_id = t.id) AS topics,
              (SELECT coalesce(json_agg(json_build_object('id', c.id, 'townId', c.town_id, 'topicSlug', c.topic_slug, 'text', c.text,
                                                          'urgency', c.urgency)), '[]')
               FROM town_challenge c WHERE c.town_id = t.id) AS challenges,
              (SELECT coalesce(json_agg(json_build_object('id', e.id, 'townId', e.town_id, 'topicSlug', e.topic_slug, 'tried', e.tried,
                                                          'outcome', e.outcome)), '[]')
               FROM town_experience e WHERE e.town_id = t.id) AS experiences
       FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = $1`,
      [id],
    );
    if (!row) return null;
    const municipality: Municipality = {
      ags: row.ags,
      ars: row.ars,
      name: row.name,
      nameRaw: row.nameRaw,
      typeCode: row.typeCode,
      stateCode: row.stateCode,
      stateName: row.stateName,
      districtName: row.districtName,
      associationName: row.associationName,
      associationType: row.associationType,
      associationPopulation: row.associationPopulation,
      population: row.population,
      areaKm2: row.areaKm2 == null ? row.areaKm2 : Number(row.areaKm2),
      latitude: row.latitude,
      longitude: row.longitude,
      postcode: row.postcode,
      degurba: row.degurba,
      source: row.source,
      updatedAt: row.updatedAt,
    };
    return Object.assign(new Town(), {
      id: row.id,
      ags: row.ags,
      municipality,
      status: row.status,
      isDemo: row.isDemo,
      description: row.description,
      capacity: row.capacity,
      optedOut: row.optedOut,
      visibility: row.visibility,
      rejectionReason: row.rejectionReason,
      decidedAt: row.decidedAt,
      profileUpdatedAt: row.profileUpdatedAt,
      createdAt: row.createdAt,
      topics: row.topics,
      challenges: row.challenges,
      experiences: row.experiences,
    });
  }

  async statusOf(id: string): Promise<TownStatus | null> {
    return (await queryRows<{ status: TownStatus }>(this.ds, `SELECT status FROM town WHERE id = $1`, [id]))[0]?.status ?? null;
  }

  findByIdForUpdate(manager: EntityManager, id: string): Promise<Town | null> {
    return manager.getRepository(Town).findOne({ where: { id }, lock: { mode: 'pessimistic_write', tables: ['town'] } });
  }

  async setStatus(manager: EntityManager, id: string, status: TownStatus, reason: string | null): Promise<void> {
    await manager.query(`UPDATE town SET status = $2, rejection_reason = $3, decided_at = now() WHERE id = $1`, [id, status, reason]);
  }

  /** Replaces the whole profile in the caller's transaction (profiles are small; replace beats diffing). */
  async writeProfile(manager: EntityManager, id: string, p: ProfileWrite): Promise<void> {
    await manager.query(`UPDATE town SET description = $2, capacity = $3, visibility = $4, profile_updated_at = now() WHERE id = $1`, [
      id,
      p.description,
      p.capacity,
      JSON.stringify(p.visibility),
    ]);
    // Since when a topic or challenge is named (the office's Seismograph) survives the rewrite: a challenge kept word
    // for word keeps its date, a reworded one on a topic the town already named keeps that topic's earliest date.
    const topicSince: { topic: string; since: Date }[] = await manager.query(
      `SELECT topic_slug AS topic, created_at AS since FROM town_topic WHERE town_id = $1`,
      [id],
    );
    const challengeSince: { topic: string; text: string; since: Date }[] = await manager.query(
      `SELECT topic_slug AS topic, text, created_at AS since FROM town_challenge WHERE town_id = $1 ORDER BY created_at`,
      [id],
    );
    await manager.query(`DELETE FROM town_topic WHERE town_id = $1`, [id]);
    await manager.query(`DELETE FROM town_challenge WHERE town_id = $1`, [id]);
    await manager.query(`DELETE FROM town_experience WHERE town_id = $1`, [id]);
    if (p.topics.length) {
      const since = new Map(topicSince.map((r) => [r.topic, r.since]));
      await manager.query(
        `INSERT INTO town_topic (town_id, topic_slug, created_at) SELECT $1, s, coalesce(d, now()) FROM unnest($2::varchar[], $3::timestamptz[]) AS u(s, d)`,
        [id, p.topics, p.topics.map((t) => since.get(t) ?? null)],
      );
    }
    for (const c of p.challenges) {
      const kept =
        challengeSince.find((r) => r.topic === c.topicSlug && r.text === c.text) ?? challengeSince.find((r) => r.topic === c.topicSlug);
      await manager.query(
        `INSERT INTO town_challenge (town_id, topic_slug, text, urgency, created_at) VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()))`,
        [id, c.topicSlug, c.text, c.urgency, kept?.since ?? null],
      );
    }
    for (const e of p.experiences) {
      await manager.query(`INSERT INTO town_experience (town_id, topic_slug, tried, outcome) VALUES ($1, $2, $3, $4)`, [
        id,
        e.topicSlug,
        e.tried,
        e.outcome,
      ]);
    }
  }

  /**
   * Applications waiting for the Geschäftsstelle, oldest first, with the contacts who registered. One whose
   * confirmation link ran out unconfirmed has expired and is left out (it is purged on the next occasion).
   */
  /**
   * One page of live pending applications, oldest first, with their total, in ONE statement: `limit` applications, or
   * by town every application for `limit` towns (AGS, ordered by their oldest application), from `offset`. `sameAgs`
   * lists every live application for the towns on the page (also those on other pages), so callers can name the
   * competing ones.
   */
  async pendingApplicationsPage(
    by: 'application' | 'town',
    offset: number,
    limit: number,
  ): Promise<{ total: number; towns: PendingApplication[]; sameAgs: Array<{ id: string; ags: string }> }> {
    const rows = await queryRows<
      Partial<Omit<PendingApplication, 'contacts'>> & {
        total: number;
        sid: string | null;
        sags: string | null;
        page: boolean | null;
        contacts: Array<Record<keyof PendingContact, string | null>> | null;
      }
    >(
      this.ds,
      `WITH live AS (${LIVE_PENDING}),
            total AS (SELECT count(${by === 'town' ? 'DISTINCT ags' : '*'})::int AS n FROM live),
            ${
              by === 'town'
                ? `pg AS (SELECT ags FROM live GROUP BY ags ORDER BY min(created_at), ags OFFSET $1 LIMIT $2),
                   sel AS (SELECT id, ags, true AS page FROM live WHERE ags IN (SELECT ags FROM pg))`
                : `pg AS (SELECT id, ags FROM live ORDER BY created_at, id OFFSET $1 LIMIT $2),
                   sel AS (SELECT l.id, l.ags, l.id IN (SELECT id FROM pg) AS page FROM live l WHERE l.ags IN (SELECT ags FROM pg))`
            }
       SELECT total.n AS total, sel.id AS sid, sel.ags AS sags, sel.page, d.*
       FROM total
       LEFT JOIN sel ON true
       -- The directory facts and contacts as JSON, for the page's applications only (no entity hydration: issue 29).
       LEFT JOIN LATERAL (
         SELECT t.id, t.ags, t.created_at AS "createdAt", m.name, m.state_name AS "stateName", m.district_name AS "districtName",
                m.association_name AS "associationName", m.population, m.postcode,
                coalesce((SELECT json_agg(json_build_object('email', u.email, 'displayName', u.display_name,
                            'contactFunction', u.contact_function, 'emailConfirmedAt', u.email_confirmed_at, 'createdAt', u.created_at)
                          ORDER BY u.created_at) FROM user_account u WHERE u.town_id = t.id), '[]') AS contacts
         FROM town t JOIN municipality m ON m.ags = t.ags
         WHERE sel.page AND t.id = sel.id
       ) d ON true
       ORDER BY d."createdAt", d.id`,
      [offset, limit],
    );
    const total = rows[0]?.total ?? 0;
    const sameAgs = rows.filter((r) => r.sid !== null).map((r) => ({ id: r.sid!, ags: r.sags! }));
    const towns = rows
      .filter((r) => r.id != null)
      .map((t): PendingApplication => ({
        id: t.id!,
        ags: t.ags!,
        createdAt: t.createdAt!,
        name: t.name!,
        stateName: t.stateName!,
        districtName: t.districtName ?? null,
        associationName: t.associationName ?? null,
        population: t.population!,
        postcode: t.postcode ?? null,
        contacts: t.contacts!.map((c) => ({
          email: c.email!,
          displayName: c.displayName!,
          contactFunction: c.contactFunction,
          emailConfirmedAt: c.emailConfirmedAt ? new Date(c.emailConfirmedAt) : null,
          createdAt: new Date(c.createdAt!),
        })),
      }));
    return { total, towns, sameAgs };
  }
}
