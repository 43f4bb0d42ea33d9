import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Meeting, MeetingFormat, SilenceState } from './tandem-activity.util';
import { queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

/** One entry of a tandem's meeting log, as the page and the API show it. */
export interface MeetingRow {
  id: string;
  /** YYYY-MM-DD */
  metOn: string;
  format: MeetingFormat;
  notes: string;
  townId: string;
  authorName: string | null;
  createdAt: Date;
}

/** An active tandem as the silence rule sees it. */
export interface SilenceRow extends SilenceState {
  id: string;
  lastActivity: Date;
}

/** The meeting log, the silence state of tandems and the dormancy of towns (issue 23). */
@Injectable()
export class TandemActivityRepository extends TransactionalRepository {
  async addMeeting(m: EntityManager, e: Meeting & { tandemId: string; townId: string; userId: string; at: Date }): Promise<string> {
    const [r] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO tandem_meeting (tandem_id, town_id, met_on, format, notes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id`,
      [e.tandemId, e.townId, e.metOn, e.format, e.notes, e.userId, e.at],
    );
    return r.id;
  }

  /** What the rule reads: start, newest meeting entry, newest sign-in of a contact of either town. */
  private silenceSelect(where: string): string {
    return `SELECT t.id, greatest(coalesce(t.started_at, t.state_changed_at), mt.last, lg.last) AS "lastActivity",
        coalesce(s.reminders, 0) AS reminders, s.last_reminded_at AS "lastRemindedAt", s.resting_since AS "restingSince"
      FROM tandem t
      LEFT JOIN LATERAL (SELECT max(x.created_at) AS last FROM tandem_meeting x WHERE x.tandem_id = t.id) mt ON true
      LEFT JOIN LATERAL (SELECT max(u.last_login_at) AS last FROM user_account u
                         WHERE u.town_id IN (t.town_a, t.town_b) AND u.deleted_at IS NULL) lg ON true
      LEFT JOIN tandem_silence s ON s.tandem_id = t.id
      WHERE ${where}`;
  }

  /** Every active tandem with its last activity and silence state (the hourly job; a few hundred rows at most). */
  async activeSilence(): Promise<SilenceRow[]> {
    return queryRows<SilenceRow>(this.ds, `${this.silenceSelect(`t.state = 'active'`)} ORDER BY t.id`);
  }

  /** The same for one tandem, inside the caller's transaction (after its row lock). */
  async silenceOf(m: EntityManager, tandemId: string): Promise<SilenceRow | null> {
    const rows = await queryRows<SilenceRow>(m, this.silenceSelect(`t.id = $1`), [tandemId]);
    return rows[0] ?? null;
  }

  async saveSilence(m: EntityManager, tandemId: string, s: SilenceState): Promise<void> {
    await m.query(
      `INSERT INTO tandem_silence (tandem_id, reminders, last_reminded_at, resting_since) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tandem_id) DO UPDATE SET reminders = $2, last_reminded_at = $3, resting_since = $4`,
      [tandemId, s.reminders, s.lastRemindedAt, s.restingSince],
    );
  }

  /** A new meeting entry ends the silence at once: count from zero, not "ruhend" any more. */
  async clearSilence(m: EntityManager, tandemId: string): Promise<void> {
    await m.query(`UPDATE tandem_silence SET reminders = 0, resting_since = NULL WHERE tandem_id = $1`, [tandemId]);
  }

  /** Of these tandems, the active ones that rest ("ruhend"), with since when. */
  async restingOf(ids: string[]): Promise<Map<string, Date>> {
    if (!ids.length) return new Map();
    const rows = await queryRows<{ id: string; since: Date }>(
      this.ds,
      `SELECT s.tandem_id AS id, s.resting_since AS since FROM tandem_silence s JOIN tandem t ON t.id = s.tandem_id
       WHERE s.tandem_id = ANY($1::uuid[]) AND s.resting_since IS NOT NULL AND t.state = 'active'`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.since]));
  }

  /** One page of the resting tandems, longest resting first (the office's filter "ruhend"). */
  async restingPage(limit: number, offset: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.ds,
      `SELECT s.tandem_id AS id FROM tandem_silence s JOIN tandem t ON t.id = s.tandem_id
       WHERE s.resting_since IS NOT NULL AND t.state = 'active' ORDER BY s.resting_since, s.tandem_id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map((r) => r.id);
  }

  async restingCount(): Promise<number> {
    const [r] = await queryRows<{ n: number }>(
      this.ds,
      `SELECT count(*)::int AS n FROM tandem_silence s JOIN tandem t ON t.id = s.tandem_id WHERE s.resting_since IS NOT NULL AND t.state = 'active'`,
    );
    return r.n;
  }

  /** Locks the town and marks it dormant unless it is already (or paused by itself, or no longer verified); false then. */
  async markDormant(m: EntityManager, townId: string, at: Date): Promise<boolean> {
    const rows = await queryRows<unknown>(
      m,
      // Through a CTE: a plain UPDATE … RETURNING answers [rows, count] here, not the rows.
      `WITH u AS (UPDATE town SET dormant_since = $2 WHERE id = $1 AND dormant_since IS NULL AND NOT opted_out AND status = 'verified'
       RETURNING id) SELECT id FROM u`,
      [townId, at],
    );
    return rows.length > 0;
  }

  /** The town's confirmed contacts (the invitation back goes to each). */
  async townContacts(m: EntityManager, townId: string): Promise<{ id: string; email: string; displayName: string }[]> {
    return queryRows<{ id: string; email: string; displayName: string }>(
      m,
      `SELECT id, email, display_name AS "displayName" FROM user_account
       WHERE town_id = $1 AND email_confirmed_at IS NOT NULL AND deleted_at IS NULL ORDER BY created_at`,
      [townId],
    );
  }

  async townName(m: EntityManager, townId: string): Promise<string> {
    const [r] = await queryRows<{ name: string } | undefined>(
      m,
      `SELECT mu.name FROM town t JOIN municipality mu ON mu.ags = t.ags WHERE t.id = $1`,
      [townId],
    );
    return r?.name ?? '';
  }
}
