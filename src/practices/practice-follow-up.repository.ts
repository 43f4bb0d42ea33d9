import { Injectable } from '@nestjs/common';
import { queryRows } from '../database/typed-query.util';
import { EntityManager } from 'typeorm';
import type { FollowUpAnswer, FollowUpStage } from './practice-follow-up.util';
import { TransactionalRepository } from '../database/transactional.repository';

/** An example from a tandem or workshop, a town that received it, and what was asked and answered so far. */
export interface FollowUpCandidate {
  practiceId: string;
  title: string;
  authorName: string;
  receiverId: string;
  receiverName: string;
  endedAt: Date;
  origin: 'tandem' | 'workshop';
  askedStages: number[];
  answeredYes: boolean;
}

export interface FollowUpRow {
  id: string;
  practiceId: string;
  townId: string;
  stage: FollowUpStage;
  answer: FollowUpAnswer | null;
  answeredAt: Date | null;
  title: string;
  authorName: string;
  receiverName: string;
}

/** The follow-ups of the Methodenkoffer (issue 27): who is asked when, and the answers. */
@Injectable()
export class PracticeFollowUpRepository extends TransactionalRepository {
  /**
   * Published examples whose tandem concluded or whose workshop was documented at least 6 months before `now`, with
   * each receiving town (the tandem's other town; the workshop's other accepted, verified towns). Read from the tandem
   * and workshop tables, never written.
   */
  candidates(now: Date, m: EntityManager = this.ds.manager): Promise<FollowUpCandidate[]> {
    return m.query(
      `WITH src AS (
         SELECT p.id AS practice_id, p.town_id AS author_id, 'tandem' AS origin, t.state_changed_at AS ended_at,
                CASE WHEN t.town_a = p.town_id THEN t.town_b ELSE t.town_a END AS receiver_id
         FROM practice p JOIN tandem t ON t.id = p.tandem_id AND t.state = 'concluded'
         WHERE p.origin = 'tandem'
         UNION ALL
         SELECT p.id, p.town_id, 'workshop', w.state_changed_at, i.town_id
         FROM practice p JOIN workshop w ON w.id = p.workshop_id AND w.state = 'documented'
         JOIN workshop_invitation i ON i.workshop_id = w.id AND i.state = 'accepted' AND i.town_id <> p.town_id
         WHERE p.origin = 'workshop'
       )
       SELECT s.practice_id AS "practiceId", v.content->>'title' AS title, v.content->'context'->>'townName' AS "authorName",
              s.receiver_id AS "receiverId", rm.name AS "receiverName", s.ended_at AS "endedAt", s.origin,
              coalesce((SELECT array_agg(f.stage::int) FROM practice_follow_up f WHERE f.practice_id = s.practice_id AND f.town_id = s.receiver_id), '{}') AS "askedStages",
              EXISTS (SELECT 1 FROM practice_follow_up f WHERE f.practice_id = s.practice_id AND f.town_id = s.receiver_id AND f.answer = 'yes') AS "answeredYes"
       FROM src s
       JOIN practice_version v ON v.practice_id = s.practice_id AND v.is_current
       JOIN town a ON a.id = s.author_id AND a.status = 'verified'
       JOIN town r ON r.id = s.receiver_id AND r.status = 'verified'
       JOIN municipality rm ON rm.ags = r.ags
       WHERE s.ended_at + interval '6 months' <= $1
       ORDER BY s.ended_at, s.practice_id, s.receiver_id`,
      [now],
    );
  }

  /** The promise of a follow-up mail; null when it was made before (the row's unique key: nothing is sent twice). */
  async insert(
    r: { practiceId: string; townId: string; stage: FollowUpStage; dueAt: Date; sentAt: Date },
    m: EntityManager,
  ): Promise<string | null> {
    const [row] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO practice_follow_up (practice_id, town_id, stage, due_at, sent_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (practice_id, town_id, stage) DO NOTHING RETURNING id`,
      [r.practiceId, r.townId, r.stage, r.dueAt, r.sentAt],
    );
    return row?.id ?? null;
  }

  async find(id: string, m: EntityManager = this.ds.manager, lock = false): Promise<FollowUpRow | null> {
    const [r] = await queryRows<FollowUpRow>(
      m,
      `SELECT f.id, f.practice_id AS "practiceId", f.town_id AS "townId", f.stage, f.answer, f.answered_at AS "answeredAt",
              coalesce(v.content->>'title', p.title) AS title, p.context->>'townName' AS "authorName", rm.name AS "receiverName"
       FROM practice_follow_up f JOIN practice p ON p.id = f.practice_id
       LEFT JOIN practice_version v ON v.practice_id = p.id AND v.is_current
       JOIN town r ON r.id = f.town_id JOIN municipality rm ON rm.ags = r.ags
       WHERE f.id = $1${lock ? ' FOR UPDATE OF f' : ''}`,
      [id],
    );
    return r ?? null;
  }

  async answer(id: string, answer: FollowUpAnswer, at: Date, by: string | null, m: EntityManager): Promise<void> {
    await m.query(`UPDATE practice_follow_up SET answer = $2, answered_at = $3, answered_by = $4 WHERE id = $1`, [id, answer, at, by]);
  }

  /** "übernommen in N Kommunen" per example (examples without adoptions are absent). */
  async adoptions(practiceIds: readonly string[], m: EntityManager = this.ds.manager): Promise<Map<string, number>> {
    if (!practiceIds.length) return new Map();
    const rows: { practiceId: string; adoptions: number }[] = await m.query(
      `SELECT practice_id AS "practiceId", adoptions FROM practice_adoption WHERE practice_id = ANY($1::uuid[]) AND adoptions > 0`,
      [practiceIds],
    );
    return new Map(rows.map((r) => [r.practiceId, r.adoptions]));
  }
}
