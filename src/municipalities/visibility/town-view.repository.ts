import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SessionUser } from '../../auth/session-user';
import { isOffice } from '../../auth/session-user';
import type { TownStatus } from '../town.entity';
import { clearanceSql, PROFILE_FIELDS, ProfileField, type Viewer, Visibility, visibleFields } from './town-visibility.util';
import { queryRows } from '../../database/typed-query.util';

/** A town as one viewer may see it: directory facts always, each profile field only within the viewer's clearance. */
export interface TownProfileView {
  id: string;
  ags: string;
  name: string;
  stateName: string;
  districtName: string | null;
  associationName: string | null;
  population: number;
  areaKm2: number;
  latitude: number | null;
  longitude: number | null;
  status: TownStatus;
  isDemo: boolean;
  capacity: number;
  paused: boolean;
  description?: string;
  topics?: { slug: string; name: string }[];
  challenges?: { topic: string; topicName: string; text: string; urgency: number }[];
  experiences?: { topic: string; topicName: string; tried: string; outcome: string }[];
  /** The fields this viewer does not see (the page says that there is more, never what). */
  hiddenFields: ProfileField[];
}

type RawProfile = Required<Omit<TownProfileView, 'hiddenFields'>> & { visibility: Partial<Record<ProfileField, Visibility>> | null };

const RAW_PROFILES = `
  SELECT t.id, t.ags, m.name, m.state_name AS "stateName", m.district_name AS "districtName", m.association_name AS "associationName",
     m.population, m.area_km2::float AS "areaKm2", m.latitude, m.longitude, t.status, t.is_demo AS "isDemo", t.capacity,
     t.opted_out AS paused, t.description, t.visibility,
     coalesce((SELECT json_agg(json_build_object('slug', tp.slug, 'name', tp.name) ORDER BY tp.sort_order)
       FROM town_topic x JOIN topic tp ON tp.slug = x.topic_slug WHERE x.town_id = t.id), '[]') AS topics,
     coalesce((SELECT json_agg(json_build_object('topic', c.topic_slug, 'topicName', tp.name, 'text', c.text, 'urgency', c.urgency)
         ORDER BY c.urgency DESC, tp.sort_order, c.id)
       FROM town_challenge c JOIN topic tp ON tp.slug = c.topic_slug WHERE c.town_id = t.id), '[]') AS challenges,
     coalesce((SELECT json_agg(json_build_object('topic', e.topic_slug, 'topicName', tp.name, 'tried', e.tried, 'outcome', e.outcome)
         ORDER BY tp.sort_order, e.id)
       FROM town_experience e JOIN topic tp ON tp.slug = e.topic_slug WHERE e.town_id = t.id), '[]') AS experiences
  FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = ANY($1::uuid[])`;

/**
 * The one read of other towns' profiles (issue 24). Every page, API answer, mail, digest section, reason text,
 * calendar file and export that shows a town's profile to someone reads it here, for a named viewer; only this file and
 * the owner's own repositories name the profile tables (test/unit/security/profile-table-reads.spec.ts enforces it).
 */
@Injectable()
export class TownViewRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The viewer a signed-in user (or an anonymous visitor) is: the office, a town contact (verified or not), the public. */
  async viewerOf(user: SessionUser | undefined, m: EntityManager = this.ds.manager): Promise<Viewer> {
    if (isOffice(user) || !user?.townId) return viewerWith(user, undefined);
    const rows = await queryRows<{ status: TownStatus }>(m, `SELECT status FROM town WHERE id = $1`, [user.townId]);
    return viewerWith(user, rows[0]?.status);
  }

  /** The towns `ids` as `viewer` may see them, in the order asked (unknown ids are left out). */
  async profiles(viewer: Viewer, ids: readonly string[], m: EntityManager = this.ds.manager): Promise<TownProfileView[]> {
    return (await this.rawProfiles(ids, m)).map((r) => project(viewer, r));
  }

  /** Each town as it sees itself (its own contacts are the viewer): one read for a batch of digests or mails to towns. */
  async ownProfiles(ids: readonly string[], m: EntityManager = this.ds.manager): Promise<TownProfileView[]> {
    if (!ids.length) return [];
    const rows = await queryRows<RawProfile>(m, RAW_PROFILES, [[...new Set(ids)]]);
    return rows.map((r) => project({ kind: 'town', townId: r.id, verified: r.status === 'verified' }, r));
  }

  async profile(viewer: Viewer, id: string, m: EntityManager = this.ds.manager): Promise<TownProfileView | null> {
    return (await this.profiles(viewer, [id], m))[0] ?? null;
  }

  /**
   * Town `id` as `user` may see it, with its stored visibility settings (for callers that may show them). The user's own
   * town is one statement: the viewer's verification is the status of the very row read.
   */
  async profileForUser(
    user: SessionUser | undefined,
    id: string,
  ): Promise<{ view: TownProfileView; viewer: Viewer; visibility: Partial<Record<ProfileField, Visibility>> | null } | null> {
    const own = !isOffice(user) && user?.townId === id;
    const [viewerOrNull, rows] = await Promise.all([
      own ? null : this.viewerOf(user),
      queryRows<RawProfile>(this.ds.manager, RAW_PROFILES, [[id]]),
    ]);
    const r = rows[0];
    if (!r) return null;
    const viewer: Viewer = viewerOrNull ?? { kind: 'town', townId: id, verified: r.status === 'verified' };
    return { view: project(viewer, r), viewer, visibility: r.visibility };
  }

  /** Per town, the topic slugs `viewer` may see it name (its topics, and the topics of visible challenges and experiences). */
  async visibleTopics(viewer: Viewer, ids: readonly string[], m: EntityManager = this.ds.manager): Promise<Map<string, Set<string>>> {
    return new Map((await this.profiles(viewer, ids, m)).map((p) => [p.id, topicsOf(p)]));
  }

  /**
   * The towns `ids` as `viewer` may see them and, from the same read, the topic slugs each shows to `topicsViewer`:
   * the tandem page shows both towns to its reader and offers the topics both towns read (one statement, not two).
   */
  async profilesWithTopics(
    viewer: Viewer,
    topicsViewer: Viewer,
    ids: readonly string[],
    m: EntityManager = this.ds.manager,
  ): Promise<{ profiles: TownProfileView[]; topics: Map<string, Set<string>> }> {
    const found = await this.rawProfiles(ids, m);
    return {
      profiles: found.map((r) => project(viewer, r)),
      topics: new Map(found.map((r) => [r.id, topicsOf(project(topicsViewer, r))])),
    };
  }

  /** The stored rows of towns `ids`, each once, in the order asked (unknown ids are left out). */
  private async rawProfiles(ids: readonly string[], m: EntityManager): Promise<RawProfile[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const byId = new Map((await queryRows<RawProfile>(m, RAW_PROFILES, [unique])).map((r) => [r.id, r]));
    return unique.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  }

  /**
   * The active topics either town of a pair names as `viewer` may see them, shared ones first: the choices for a
   * tandem's topic. A topic a town keeps from this viewer is neither listed nor accepted.
   */
  async pairTopics(
    viewer: Viewer,
    a: string,
    b: string,
    m: EntityManager = this.ds.manager,
  ): Promise<{ slug: string; name: string; shared: boolean }[]> {
    const seen = await this.visibleTopics(viewer, [a, b], m);
    const ofA = seen.get(a) ?? new Set<string>(),
      ofB = seen.get(b) ?? new Set<string>();
    const slugs = [...new Set([...ofA, ...ofB])];
    if (!slugs.length) return [];
    const rows = await queryRows<{ slug: string; name: string }>(
      m,
      `SELECT slug, name FROM topic WHERE active AND slug = ANY($1::text[]) ORDER BY sort_order`,
      [slugs],
    );
    const shared = (slug: string) => ofA.has(slug) && ofB.has(slug);
    return [...rows.filter((r) => shared(r.slug)), ...rows.filter((r) => !shared(r.slug))].map((r) => ({ ...r, shared: shared(r.slug) }));
  }
}

function topicsOf(p: TownProfileView): Set<string> {
  return new Set([
    ...(p.topics ?? []).map((t) => t.slug),
    ...(p.challenges ?? []).map((c) => c.topic),
    ...(p.experiences ?? []).map((e) => e.topic),
  ]);
}

function project(viewer: Viewer, r: RawProfile): TownProfileView {
  const shows = visibleFields(viewer, r.id, r.visibility);
  const { visibility: _visibility, description, topics, challenges, experiences, ...facts } = r;
  return {
    ...facts,
    ...(shows.has('description') ? { description } : {}),
    ...(shows.has('topics') ? { topics } : {}),
    ...(shows.has('challenges') ? { challenges } : {}),
    ...(shows.has('experiences') ? { experiences } : {}),
    hiddenFields: PROFILE_FIELDS.filter((f) => !shows.has(f)),
  };
}

/**
 * `EXISTS (…)`: whether town `idExpr` named an experience on topic `topicExpr`, every field counted — for the office's
 * workshop rules only (the office sees all), composed into the caller's statement.
 */
export const experiencedInSql = (idExpr: string, topicExpr: string): string =>
  `EXISTS (SELECT 1 FROM town_experience e WHERE e.town_id = ${idExpr} AND e.topic_slug = ${topicExpr})`;

/**
 * `SELECT town_id, topic_slug …`: the profile topics of the towns in `idsExpr` (an SQL array expression) that a reader
 * with `levels` may see — `null` for a town's own topics — composed into the caller's statement (the digest's batch
 * query reads many towns at once).
 */
export const townTopicsSql = (idsExpr: string, levels: readonly Visibility[] | null): string =>
  `SELECT x.town_id, x.topic_slug FROM town_topic x${
    levels
      ? ` JOIN town vt ON vt.id = x.town_id WHERE x.town_id = ANY(${idsExpr}) AND coalesce(vt.visibility->>'topics', 'network') IN (${clearanceSql(levels)})`
      : ` WHERE x.town_id = ANY(${idsExpr})`
  }`;

/**
 * The viewer a signed-in user is, given the status of the user's own town (what viewerOf reads): for a caller that has
 * read that status already with its own rows.
 */
export function viewerWith(user: SessionUser | undefined, ownTownStatus: string | undefined): Viewer {
  if (isOffice(user)) return { kind: 'office' };
  if (!user?.townId) return { kind: 'public' };
  return { kind: 'town', townId: user.townId, verified: ownTownStatus === 'verified' };
}
