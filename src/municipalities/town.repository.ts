import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Town, TownStatus } from './town.entity';

export interface TownContact {
  email: string;
  displayName: string;
  contactFunction: string | null;
  emailConfirmedAt: Date | null;
  createdAt: Date;
}

/** A registration waiting for the Geschäftsstelle: directory facts and the contacts who registered. */
export interface PendingRegistration {
  townId: string;
  ags: string;
  registeredAt: Date;
  directory: { name: string; stateName: string; districtName: string | null; associationName: string | null; population: number; postcode: string | null };
  contacts: TownContact[];
}

export interface ProfileWrite {
  description: string;
  capacity: number;
  visibility: Town['visibility'];
  topics: string[];
  challenges: { topicSlug: string; text: string; urgency: number }[];
  experiences: { topicSlug: string; tried: string; outcome: string }[];
}

@Injectable()
export class TownRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  async existsForAgs(ags: string, manager: EntityManager = this.ds.manager): Promise<boolean> {
    return (await manager.query(`SELECT 1 FROM town WHERE ags = $1`, [ags])).length > 0;
  }

  async create(manager: EntityManager, ags: string): Promise<string> {
    const rows = await manager.query(`INSERT INTO town (ags) VALUES ($1) RETURNING id`, [ags]);
    return rows[0].id;
  }

  // find, not findOne: findOne's LIMIT makes TypeORM run a second DISTINCT query over the same joins first.
  async findById(id: string, manager: EntityManager = this.ds.manager): Promise<Town | null> {
    const [town] = await manager.getRepository(Town).find({
      where: { id },
      relations: { topics: true, challenges: true, experiences: true },
      order: { topics: { sortOrder: 'ASC' } },
    });
    return town ?? null;
  }

  findByIdForUpdate(manager: EntityManager, id: string): Promise<Town | null> {
    return manager.getRepository(Town).findOne({ where: { id }, lock: { mode: 'pessimistic_write', tables: ['town'] } });
  }

  async setStatus(manager: EntityManager, id: string, status: TownStatus, reason: string | null): Promise<void> {
    await manager.query(`UPDATE town SET status = $2, rejection_reason = $3, decided_at = now() WHERE id = $1`, [id, status, reason]);
  }

  /** Replaces the whole profile in the caller's transaction (profiles are small; replace beats diffing). */
  async writeProfile(manager: EntityManager, id: string, p: ProfileWrite): Promise<void> {
    await manager.query(
      `UPDATE town SET description = $2, capacity = $3, visibility = $4, profile_updated_at = now() WHERE id = $1`,
      [id, p.description, p.capacity, JSON.stringify(p.visibility)],
    );
    await manager.query(`DELETE FROM town_topic WHERE town_id = $1`, [id]);
    await manager.query(`DELETE FROM town_challenge WHERE town_id = $1`, [id]);
    await manager.query(`DELETE FROM town_experience WHERE town_id = $1`, [id]);
    if (p.topics.length) {
      await manager.query(`INSERT INTO town_topic (town_id, topic_slug) SELECT $1, unnest($2::varchar[])`, [id, p.topics]);
    }
    for (const c of p.challenges) {
      await manager.query(`INSERT INTO town_challenge (town_id, topic_slug, text, urgency) VALUES ($1, $2, $3, $4)`, [id, c.topicSlug, c.text, c.urgency]);
    }
    for (const e of p.experiences) {
      await manager.query(`INSERT INTO town_experience (town_id, topic_slug, tried, outcome) VALUES ($1, $2, $3, $4)`, [id, e.topicSlug, e.tried, e.outcome]);
    }
  }

  /** Registrations waiting for the Geschäftsstelle, oldest first, with the contacts who registered (two indexed queries). */
  async listByStatus(status: TownStatus): Promise<Array<Town & { contacts: TownContact[] }>> {
    const towns = await this.ds.getRepository(Town).find({ where: { status }, order: { createdAt: 'ASC' } });
    if (!towns.length) return [];
    const rows: Array<TownContact & { townId: string }> = await this.ds.query(
      `SELECT town_id AS "townId", email, display_name AS "displayName", contact_function AS "contactFunction",
              email_confirmed_at AS "emailConfirmedAt", created_at AS "createdAt"
       FROM user_account WHERE town_id = ANY($1) ORDER BY created_at`,
      [towns.map((t) => t.id)],
    );
    const byTown = new Map<string, TownContact[]>();
    for (const { townId, ...c } of rows) byTown.set(townId, [...(byTown.get(townId) ?? []), c]);
    return towns.map((t) => Object.assign(t, { contacts: byTown.get(t.id) ?? [] }));
  }

  /** Pending registrations, oldest first, one page of them (`limit` null = all) and how many there are: one query each. */
  async pendingRegistrations(limit: number | null, offset = 0): Promise<{ total: number; items: PendingRegistration[] }> {
    const [items, count] = await Promise.all([
      this.ds.query<PendingRegistration[]>(
        `SELECT t.id AS "townId", t.ags, t.created_at AS "registeredAt",
                json_build_object('name', m.name, 'stateName', m.state_name, 'districtName', m.district_name,
                                  'associationName', m.association_name, 'population', m.population, 'postcode', m.postcode) AS directory,
                coalesce((SELECT json_agg(json_build_object('email', u.email, 'displayName', u.display_name, 'contactFunction', u.contact_function,
                                                            'emailConfirmedAt', u.email_confirmed_at, 'createdAt', u.created_at) ORDER BY u.created_at)
                          FROM user_account u WHERE u.town_id = t.id), '[]') AS contacts
         FROM town t JOIN municipality m ON m.ags = t.ags
         WHERE t.status = 'pending' ORDER BY t.created_at, t.id LIMIT $1 OFFSET $2`,
        [limit, offset],
      ),
      this.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM town WHERE status = 'pending'`),
    ]);
    return { total: count[0].n, items };
  }
}
