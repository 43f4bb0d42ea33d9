import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LIVE_STATES } from '../tandems/core/tandem-transitions.util';
import { queryRows } from '../database/typed-query.util';
import { TopicRepository } from './topic.repository';

/** A verified, not opted-out town with what the matcher reads (directory facts + profile). */
export interface TownRow {
  id: string;
  name: string;
  capacity: number;
  stateCode: string;
  stateName: string;
  population: number;
  associationPopulation: number | null;
  associationName: string | null;
  associationType: number | null;
  areaKm2: number;
  degurba: number | null;
  latitude: number | null;
  longitude: number | null;
  topics: string[];
  challenges: { topic: string; urgency: number }[];
  experiences: { topic: string }[];
  /** Field visibility as the town set it (missing fields: network). */
  visibility: Record<string, string> | null;
}

/** Who the matcher sees (town alias t): verified, not paused, not dormant. */
const ELIGIBLE = `t.status = 'verified' AND NOT t.opted_out AND t.dormant_since IS NULL`;
// Constants of the code, not input: written into the SQL so the planner sees the states it filters on.
const LIVE_LIST = LIVE_STATES.map((s) => `'${s}'`).join(', ');

const ELIGIBLE_TOWNS = `
  SELECT t.id, m.name, t.capacity, t.visibility, m.state_code AS "stateCode", m.state_name AS "stateName", m.population,
         m.association_population AS "associationPopulation",
         m.association_name AS "associationName", m.association_type AS "associationType", m.area_km2::float AS "areaKm2", m.degurba, m.latitude, m.longitude,
         coalesce((SELECT array_agg(tt.topic_slug ORDER BY tt.topic_slug) FROM town_topic tt WHERE tt.town_id = t.id), '{}') AS topics,
         coalesce((SELECT json_agg(json_build_object('topic', c.topic_slug, 'urgency', c.urgency) ORDER BY c.topic_slug, c.id)
                   FROM town_challenge c WHERE c.town_id = t.id), '[]') AS challenges,
         coalesce((SELECT json_agg(json_build_object('topic', e.topic_slug) ORDER BY e.topic_slug, e.id)
                   FROM town_experience e WHERE e.town_id = t.id), '[]') AS experiences
  FROM town t JOIN municipality m ON m.ags = t.ags
  WHERE ${ELIGIBLE}`;

/**
 * `JOIN town <t> ON <t>.id = <idExpr> JOIN municipality <m> ON …`: a town's directory row by town id, for reads of other
 * modules' tables that show town names (matching's round pairs and workshop groups). Composed into the caller's one
 * statement (index lookups, no second round trip); only this module spells out how town and municipality join.
 */
export const townDirectoryJoin = (idExpr: string, t: string, m: string): string =>
  `JOIN town ${t} ON ${t}.id = ${idExpr} JOIN municipality ${m} ON ${m}.ags = ${t}.ags`;

/**
 * `CROSS JOIN LATERAL (…)` with one town's directory facts (name, stateName, population, areaKm2, districtName) by town
 * id. Its LIMIT keeps the planner from turning it into a hash join over every town: index lookups only.
 */
export const townFactsLateral = (idExpr: string): string => `CROSS JOIN LATERAL (
        SELECT m.name, m.state_name AS "stateName", m.population, m.area_km2::float AS "areaKm2", m.district_name AS "districtName"
        FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = ${idExpr} LIMIT 1
      )`;

/**
 * `LEFT JOIN LATERAL (…) <alias> ON true` with what the suggestions page tells a town about itself: `capacity`, its live
 * `tandems` (what uses the capacity) and `profileEmpty` (no topic, challenge or experience); all null when the town is
 * not eligible (not verified, paused, dormant). Index lookups and EXISTS probes, no profile is built (issue 29: the
 * suggestions API read the whole profile as JSON on every request for these three facts).
 */
export const ownTownHintsLateral = (idExpr: string, alias: string): string => `LEFT JOIN LATERAL (
        SELECT t.capacity,
               (SELECT count(*)::int FROM tandem x WHERE (x.town_a = t.id OR x.town_b = t.id) AND x.state IN (${LIVE_LIST})) AS tandems,
               NOT EXISTS (SELECT 1 FROM town_topic tt WHERE tt.town_id = t.id)
                 AND NOT EXISTS (SELECT 1 FROM town_challenge c WHERE c.town_id = t.id)
                 AND NOT EXISTS (SELECT 1 FROM town_experience e WHERE e.town_id = t.id) AS "profileEmpty"
        FROM town t WHERE t.id = ${idExpr} AND ${ELIGIBLE}
      ) ${alias} ON true`;

/** `LEFT JOIN topic <alias> ON <alias>.slug = <slugExpr>`: a topic's name (`<alias>.name`) by slug, in the caller's statement. */
export const topicJoin = (slugExpr: string, alias: string): string => `LEFT JOIN topic ${alias} ON ${alias}.slug = ${slugExpr}`;

/** What other modules (matching) read of towns, profiles and topics: the municipalities module's tables stay its own. */
interface TownActivityRow {
  id: string;
  lastActiveAt: Date;
  dormantSince: Date | null;
  optedOut: boolean;
  isDemo: boolean;
}

interface TownSearchRow {
  id: string;
  name: string;
  stateName: string;
  districtName: string | null;
  population: number;
  optedOut: boolean;
}

@Injectable()
export class TownReadRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly topics: TopicRepository,
  ) {}

  /**
   * When each verified town was last active (issue 23): the newest sign-in of one of its contacts or audit row one of
   * them wrote (an answer, a profile change, …), at least its registration. The matcher's activity signal and the
   * dormancy rule read it; the worker's input, never on a request path.
   */
  async lastActivity(): Promise<TownActivityRow[]> {
    return queryRows<TownActivityRow>(
      this.ds,
      `
      SELECT t.id, greatest(t.created_at, max(u.last_login_at), max(a.at)) AS "lastActiveAt", t.dormant_since AS "dormantSince",
             t.opted_out AS "optedOut", t.is_demo AS "isDemo"
      FROM town t
      LEFT JOIN user_account u ON u.town_id = t.id AND u.deleted_at IS NULL
      LEFT JOIN LATERAL (SELECT max(x.created_at) AS at FROM audit_log x WHERE x.actor_id = u.id) a ON true
      WHERE t.status = 'verified'
      GROUP BY t.id
      ORDER BY t.id`,
    );
  }

  /** Every town the matcher reads: the worker's input, never on a request path. */
  async eligibleTowns(): Promise<TownRow[]> {
    return queryRows<TownRow>(this.ds, `${ELIGIBLE_TOWNS} ORDER BY t.id`);
  }

  /** Every topic's name by slug, retired ones included (older runs may name them). */
  async topicNames(): Promise<Readonly<Record<string, string>>> {
    return (await this.topics.catalogue()).names;
  }

  /**
   * Verified towns whose name (or district, or AGS) contains `q`, by name: the office's town picker when it pairs towns
   * or adds one to a workshop. Directory facts only (no profile fields).
   */
  async searchVerified(q: string, limit = 15): Promise<TownSearchRow[]> {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return queryRows<TownSearchRow>(
      this.ds,
      `SELECT t.id, m.name, m.state_name AS "stateName", m.district_name AS "districtName", m.population, t.opted_out AS "optedOut"
       FROM town t JOIN municipality m ON m.ags = t.ags
       WHERE t.status = 'verified' AND (m.name ILIKE $1 OR m.district_name ILIKE $1 OR t.ags LIKE $1)
       ORDER BY m.name, t.ags LIMIT $2`,
      [like, limit],
    );
  }

  async topicExists(slug: string): Promise<boolean> {
    return (await queryRows<unknown>(this.ds, `SELECT 1 FROM topic WHERE slug = $1 AND active`, [slug])).length > 0;
  }
}
