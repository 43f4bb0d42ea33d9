import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/typed-query.util';

/** What the service stores about one person and their town (DSGVO Art. 15/20), and the erasure (Art. 17). */
@Injectable()
export class PersonalDataRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async account(userId: string): Promise<Record<string, unknown> | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.ds,
      `SELECT id, email, display_name AS "displayName", role, contact_function AS "contactFunction", main_contact AS "mainContact", phone,
              email_confirmed_at AS "emailConfirmedAt", privacy_accepted_at AS "privacyAcceptedAt", created_at AS "createdAt"
       FROM user_account WHERE id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async town(townId: string): Promise<Record<string, unknown> | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.ds,
      `SELECT t.id, t.ags, m.name, m.state_name AS "stateName", t.status, t.is_demo AS "isDemo", t.description, t.capacity,
              t.opted_out AS "paused", t.visibility, t.rejection_reason AS "rejectionReason", t.decided_at AS "decidedAt",
              t.profile_updated_at AS "profileUpdatedAt", t.created_at AS "createdAt",
              coalesce((SELECT json_agg(json_build_object('topic', tp.name) ORDER BY tp.sort_order) FROM town_topic tt JOIN topic tp ON tp.slug = tt.topic_slug WHERE tt.town_id = t.id), '[]') AS topics,
              coalesce((SELECT json_agg(json_build_object('topic', c.topic_slug, 'text', c.text, 'urgency', c.urgency)) FROM town_challenge c WHERE c.town_id = t.id), '[]') AS challenges,
              coalesce((SELECT json_agg(json_build_object('topic', e.topic_slug, 'tried', e.tried, 'outcome', e.outcome)) FROM town_experience e WHERE e.town_id = t.id), '[]') AS experiences
       FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.id = $1`,
      [townId],
    );
    return rows[0] ?? null;
  }

  /** The other contacts of the town by name and function only (their addresses are their own data). */
  colleagues(townId: string, userId: string): Promise<Record<string, unknown>[]> {
    return queryRows<Record<string, unknown>>(
      this.ds,
      `SELECT display_name AS "displayName", contact_function AS "contactFunction", main_contact AS "mainContact"
       FROM user_account WHERE town_id = $1 AND id <> $2 ORDER BY created_at`,
      [townId, userId],
    );
  }

  auditTrail(userId: string, townId: string | null): Promise<Record<string, unknown>[]> {
    return queryRows<Record<string, unknown>>(
      this.ds,
      `SELECT a.created_at AS "at", a.action, a.subject_type AS "subjectType", a.reason,
              CASE WHEN a.actor_id = $1 THEN 'Sie' WHEN a.actor_id IS NULL THEN 'System' ELSE coalesce(u.display_name, 'Geschäftsstelle') END AS "by"
       FROM audit_log a LEFT JOIN user_account u ON u.id = a.actor_id
       WHERE a.actor_id = $1 OR (a.subject_type = 'user' AND a.subject_id = $1::text) OR (a.subject_type = 'town' AND a.subject_id = $2::text)
       ORDER BY a.created_at, a.id`,
      [userId, townId],
    );
  }

  suggestions(townId: string): Promise<Record<string, unknown>[]> {
    return queryRows<Record<string, unknown>>(
      this.ds,
      `SELECT s.rank, m.name AS "partner", round(s.score::numeric, 3)::float AS score
       FROM matching_suggestion s JOIN matching_run r ON r.id = s.run_id JOIN town t ON t.id = s.partner_id JOIN municipality m ON m.ags = t.ags
       WHERE s.town_id = $1 AND r.id = (SELECT id FROM matching_run WHERE kind = 'suggestions' AND status = 'done' ORDER BY finished_at DESC NULLS LAST LIMIT 1)
       ORDER BY s.rank`,
      [townId],
    );
  }
}
