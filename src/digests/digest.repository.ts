import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { townTopicsSql } from '../municipalities/visibility/town-view.repository';
import { NETWORK_LEVELS } from '../municipalities/visibility/town-visibility.util';
import type { DigestFrequency } from '../auth/user.repository';
import { queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

export interface FanOutCandidate {
  userId: string;
  frequency: DigestFrequency;
  lastMailedPeriod: string | null;
}

export interface RecipientState {
  userId: string;
  email: string;
  displayName: string;
  frequency: DigestFrequency;
  townId: string;
  townName: string;
  townVerified: boolean;
  createdAt: Date;
  lastMailedAt: Date | null;
  mailedItems: string[];
  doneThisPeriod: boolean;
}

/** A town's suggestion in the current run, with the partner's directory facts (components as scored, for the reasons). */
interface SuggestionForDigestRow {
  townId: string;
  partnerId: string;
  name: string;
  stateName: string;
  population: number;
  components: never[];
  topicName: string | null;
}

export interface RunWithCounts {
  id: string;
  period: string;
  trigger: string;
  status: 'fanning_out' | 'fanned_out';
  recipients: number;
  notDue: number;
  startedAt: Date;
  fannedOutAt: Date | null;
  sent: number;
  skipped: number;
  failed: number;
  inFlight: number;
}

@Injectable()
export class DigestRepository extends TransactionalRepository {
  /** The run row of a week, created on first use; a second trigger for the same week gets the same row. */
  async upsertRun(period: string, trigger: string, startedBy: string | null): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      this.ds,
      `INSERT INTO digest_run (period, trigger, started_by) VALUES ($1, $2, $3)
       ON CONFLICT (period) DO UPDATE SET period = EXCLUDED.period RETURNING id`,
      [period, trigger, startedBy],
    );
    return rows[0].id;
  }

  async markFannedOut(runId: string, recipients: number, notDue: number): Promise<void> {
    await this.ds.query(`UPDATE digest_run SET status = 'fanned_out', recipients = $2, not_due = $3, fanned_out_at = now() WHERE id = $1`, [
      runId,
      recipients,
      notDue,
    ]);
  }

  /** Runs whose fan-out never finished (a worker died in it), to start again. */
  async unfinishedRuns(olderThanSeconds: number): Promise<{ id: string; period: string }[]> {
    return queryRows<{ id: string; period: string }>(
      this.ds,
      `SELECT id, period FROM digest_run WHERE status = 'fanning_out' AND started_at < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    );
  }

  /** Contacts who may get a digest: confirmed address, verified town, not switched off; with their last mailed week before this one. */
  async fanOutCandidates(period: string): Promise<FanOutCandidate[]> {
    return queryRows<FanOutCandidate>(
      this.ds,
      `SELECT u.id AS "userId", u.digest_frequency AS frequency,
              (SELECT max(d.period) FROM digest_recipient d WHERE d.user_id = u.id AND d.outcome = 'mailed' AND d.period < $1) AS "lastMailedPeriod"
       FROM user_account u JOIN town t ON t.id = u.town_id
       WHERE u.role = 'town_contact' AND u.email_confirmed_at IS NOT NULL AND t.status = 'verified' AND u.digest_frequency <> 'off'
       ORDER BY u.id`,
      [period],
    );
  }

  async runExists(period: string): Promise<boolean> {
    return (await queryRows<unknown>(this.ds, `SELECT 1 FROM digest_run WHERE period = $1`, [period])).length > 0;
  }

  async lastMailedPeriod(userId: string, period: string): Promise<string | null> {
    const rows = await queryRows<{ p: string | null }>(
      this.ds,
      `SELECT max(period) AS p FROM digest_recipient WHERE user_id = $1 AND outcome = 'mailed' AND period < $2`,
      [userId, period],
    );
    return rows[0]?.p ?? null;
  }

  /** Everything the per-recipient job needs about the contact, in one query. */
  async recipientState(userId: string, period: string): Promise<RecipientState | null> {
    return (await this.recipientStates([userId], period))[0] ?? null;
  }

  /** recipientState for many contacts in one query (a batch of digest jobs); contacts that are gone are missing. */
  async recipientStates(userIds: string[], period: string): Promise<RecipientState[]> {
    return queryRows<RecipientState>(
      this.ds,
      `SELECT u.id AS "userId", u.email, u.display_name AS "displayName", u.digest_frequency AS frequency, u.town_id AS "townId",
              m.name AS "townName", (t.status = 'verified') AS "townVerified", u.created_at AS "createdAt",
              (SELECT max(d.created_at) FROM digest_recipient d WHERE d.user_id = u.id AND d.outcome = 'mailed' AND d.period < $2) AS "lastMailedAt",
              coalesce((SELECT array_agg(i) FROM digest_recipient d CROSS JOIN unnest(d.items) AS i
                        WHERE d.user_id = u.id AND d.outcome = 'mailed' AND d.period < $2), '{}') AS "mailedItems",
              EXISTS (SELECT 1 FROM digest_recipient d WHERE d.user_id = u.id AND d.period = $2) AS "doneThisPeriod"
       FROM user_account u JOIN town t ON t.id = u.town_id JOIN municipality m ON m.ags = t.ags
       WHERE u.id = ANY($1::uuid[]) AND u.role = 'town_contact'`,
      [userIds, period],
    );
  }

  /**
   * Claims many (contact, week) slots in the caller's transaction, in one statement (sorted by contact, so two
   * batches never wait for each other crosswise). Answers the contacts whose slot this call got; a slot that exists
   * already (decided before, or by a concurrent batch, which this insert waited for) is left alone.
   */
  async claimSlots(
    m: EntityManager,
    rows: {
      runId: string;
      userId: string;
      townId: string;
      period: string;
      outcome: 'mailed' | 'skipped';
      skipReason: string | null;
      items: string[];
    }[],
  ): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const sorted = [...rows].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    const col = <K extends keyof (typeof rows)[number]>(k: K) => sorted.map((r) => r[k]);
    const out = await queryRows<{ userId: string }>(
      m,
      `INSERT INTO digest_recipient (run_id, user_id, town_id, period, outcome, skip_reason, items)
       SELECT r, u, t, p, o, s, ARRAY(SELECT jsonb_array_elements_text(i))
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::varchar[], $6::varchar[], $7::jsonb[]) AS x(r, u, t, p, o, s, i)
       ON CONFLICT (user_id, period) DO NOTHING RETURNING user_id AS "userId"`,
      [
        col('runId'),
        col('userId'),
        col('townId'),
        col('period'),
        col('outcome'),
        col('skipReason'),
        sorted.map((r) => JSON.stringify(r.items)),
      ],
    );
    return new Set(out.map((r) => r.userId));
  }

  /** Links claimed slots to their mail deliveries (same transaction as the claim and the delivery rows). */
  async attachDeliveries(m: EntityManager, period: string, links: { userId: string; deliveryId: string }[]): Promise<void> {
    if (!links.length) return;
    await m.query(
      `UPDATE digest_recipient d SET delivery_id = x.delivery_id FROM unnest($1::uuid[], $2::uuid[]) AS x(user_id, delivery_id)
       WHERE d.user_id = x.user_id AND d.period = $3`,
      [links.map((l) => l.userId), links.map((l) => l.deliveryId), period],
    );
  }

  /** The towns' suggestions in the current suggestions run, with the partner's facts and scored components, by rank. */
  async currentSuggestionsFor(townIds: string[]): Promise<SuggestionForDigestRow[]> {
    return queryRows<SuggestionForDigestRow>(
      this.ds,
      `SELECT s.town_id AS "townId", s.partner_id AS "partnerId", m.name, m.state_name AS "stateName", m.population, s.components,
              tp.name AS "topicName"
       FROM matching_run r
       JOIN matching_suggestion s ON s.run_id = r.id AND s.town_id = ANY($1::uuid[])
       JOIN town t ON t.id = s.partner_id JOIN municipality m ON m.ags = t.ags
       LEFT JOIN topic tp ON tp.slug = s.topic
       WHERE r.kind = 'suggestions' AND r.is_current AND t.status = 'verified'
       ORDER BY s.town_id, s.rank`,
      [townIds],
    );
  }

  /**
   * Per ask (town, since), in one query for a batch of digests: towns verified since then that share at least one topic
   * with the town, with the shared topics' names, newest first, at most `limit`. A new town's topics count only where
   * it shows them to the network (the visibility layer's fragment).
   */
  async newlyVerifiedOnTopics(
    asks: { townId: string; since: Date }[],
    limit = 20,
  ): Promise<{ townId: string; since: Date; id: string; name: string; stateName: string; population: number; topics: string[] }[][]> {
    if (!asks.length) return [];
    // Materialised steps, each read by key: the recently verified towns (partial index on decided_at) with their
    // directory facts and the topics they show the network as one array each, the askers' topics likewise; then per ask
    // an array overlap and its newest `limit` towns. (Joining topic rows per ask instead rebuilt a hash of every recent
    // town's topics for each ask: at ten times today's network, 540 recent towns, 400 ms of a 13-digest batch; this
    // way about 50 ms under the same load. Before that, in one joined plan, PostgreSQL scanned every town and topic row per batch.)
    const rows = await queryRows<{ ask: number; id: string; name: string; stateName: string; population: number; topics: string[] }>(
      this.ds,
      `WITH ask_town AS MATERIALIZED (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS a(town_id, since, n)),
       ask_slugs AS MATERIALIZED (SELECT town_id, array_agg(topic_slug) AS slugs FROM (${townTopicsSql('$1::uuid[]', null)}) x GROUP BY town_id),
       ask AS MATERIALIZED (SELECT a.town_id, a.since, a.n, s.slugs FROM ask_town a JOIN ask_slugs s ON s.town_id = a.town_id),
       recent_town AS MATERIALIZED (
         SELECT t.id, t.decided_at, m.name, m.state_name, m.population
         FROM town t CROSS JOIN LATERAL (SELECT name, state_name, population FROM municipality WHERE ags = t.ags OFFSET 0) m
         WHERE t.status = 'verified' AND t.decided_at > (SELECT min(since) FROM ask) AND NOT t.opted_out
       ),
       recent_slugs AS MATERIALIZED (
         SELECT town_id, array_agg(topic_slug) AS slugs FROM (${townTopicsSql('ARRAY(SELECT id FROM recent_town)', NETWORK_LEVELS)}) x GROUP BY town_id
       ),
       recent AS MATERIALIZED (SELECT r.*, s.slugs FROM recent_town r JOIN recent_slugs s ON s.town_id = r.id)
       SELECT a.n::int AS ask, x.id, x.name, x.state_name AS "stateName", x.population,
              ARRAY(SELECT tp.name FROM topic tp WHERE tp.slug = ANY(x.slugs) AND tp.slug = ANY(a.slugs) ORDER BY tp.name) AS topics
       FROM ask a CROSS JOIN LATERAL (
         SELECT r.id, r.name, r.state_name, r.population, r.decided_at, r.slugs
         FROM recent r
         WHERE r.decided_at > a.since AND r.id <> a.town_id AND r.slugs && a.slugs
         ORDER BY r.decided_at DESC, r.name LIMIT $3
       ) x
       ORDER BY a.n, x.decided_at DESC, x.name`,
      [asks.map((a) => a.townId), asks.map((a) => a.since), limit],
    );
    const out = asks.map(
      () => [] as { townId: string; since: Date; id: string; name: string; stateName: string; population: number; topics: string[] }[],
    );
    for (const { ask, ...r } of rows) {
      const list = out[ask - 1];
      if (list.length < limit) list.push({ townId: asks[ask - 1].townId, since: asks[ask - 1].since, ...r });
    }
    return out;
  }

  /**
   * Per ask, the application examples first published after `since` (issue 27) that answer one of the town's challenge
   * topics or share one of its topics: current versions of other verified towns (public), newest first, at most `limit`.
   * The town's own challenges and topics are its own profile (the recipient reads all of it).
   */
  /**
   * Per ask, examples first published after `since` by another verified town on one of the ask's topic slugs (the
   * town's challenge and profile topics, read by the caller through the visibility layer), newest first.
   */
  async newExamplesOnTopics(
    asks: { townId: string; since: Date; topics: string[] }[],
    limit = 10,
  ): Promise<{ id: string; title: string; townName: string; stateName: string; topics: string[] }[][]> {
    if (!asks.length) return [];
    const rows = await queryRows<{ ask: number; id: string; title: string; townName: string; stateName: string; topics: string[] }>(
      this.ds,
      `WITH ask AS MATERIALIZED (
         SELECT a.town_id, a.since, a.n, string_to_array(a.slugs, ',') AS slugs
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) WITH ORDINALITY AS a(town_id, since, slugs, n)
       ),
       fresh AS MATERIALIZED (
         SELECT v.practice_id, v.town_id, v.topics, v.content, f.first_at
         FROM practice_version v JOIN town t ON t.id = v.town_id AND t.status = 'verified'
         CROSS JOIN LATERAL (SELECT min(published_at) AS first_at FROM practice_version x WHERE x.practice_id = v.practice_id) f
         WHERE v.is_current AND f.first_at > (SELECT min(since) FROM ask)
       )
       SELECT a.n::int AS ask, e.practice_id AS id, e.content->>'title' AS title, e.content->'context'->>'townName' AS "townName",
              e.content->'context'->>'stateName' AS "stateName", e.topics
       FROM ask a JOIN fresh e ON e.first_at > a.since AND e.town_id <> a.town_id AND e.topics::text[] && a.slugs
       ORDER BY a.n, e.first_at DESC, e.practice_id`,
      [asks.map((a) => a.townId), asks.map((a) => a.since), asks.map((a) => a.topics.join(','))],
    );
    const out = asks.map(() => [] as Omit<(typeof rows)[number], 'ask'>[]);
    for (const { ask, ...r } of rows) if (out[ask - 1].length < limit) out[ask - 1].push(r);
    return out;
  }

  async runsWithCounts(limit = 20): Promise<RunWithCounts[]> {
    const rows = await queryRows<RunWithCounts>(
      this.ds,
      `SELECT r.id, r.period, r.trigger, r.status, r.recipients, r.not_due AS "notDue", r.started_at AS "startedAt", r.fanned_out_at AS "fannedOutAt",
              count(*) FILTER (WHERE md.status = 'sent')::int AS sent,
              count(*) FILTER (WHERE d.outcome = 'skipped' OR md.status = 'cancelled')::int AS skipped, -- cancelled: the contact deleted their account
              count(*) FILTER (WHERE md.status = 'failed')::int AS failed,
              count(*) FILTER (WHERE d.outcome = 'mailed' AND (md.status IS NULL OR md.status IN ('queued', 'sending')))::int AS "inFlight"
       FROM digest_run r LEFT JOIN digest_recipient d ON d.run_id = r.id LEFT JOIN mail_delivery md ON md.id = d.delivery_id
       GROUP BY r.id ORDER BY r.period DESC LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async verifiedTowns(): Promise<{ id: string; name: string; stateName: string }[]> {
    return queryRows<{ id: string; name: string; stateName: string }>(
      this.ds,
      `SELECT t.id, m.name, m.state_name AS "stateName" FROM town t JOIN municipality m ON m.ags = t.ags WHERE t.status = 'verified' ORDER BY m.name, m.state_name`,
    );
  }

  async contactsOfTown(townId: string): Promise<{ id: string }[]> {
    return queryRows<{ id: string }>(
      this.ds,
      `SELECT id FROM user_account WHERE town_id = $1 AND role = 'town_contact' ORDER BY created_at`,
      [townId],
    );
  }
}
