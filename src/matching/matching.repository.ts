import { Injectable } from '@nestjs/common';
import { LIVE_STATES } from '../tandems/core/tandem-transitions.util';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ownTownHintsLateral, topicJoin, townDirectoryJoin, townFactsLateral, type TownRow } from '../municipalities/town-read.repository';
import type { MatchTown } from './core/matching-input.types';
import type { RoundPairRow, RunHead, RunKind, RunRow, RunSummary, SuggestionRow, WorkshopGroupRow } from './matching.read-models';
import { queryRows } from '../database/typed-query.util';

export type { TownRow } from '../municipalities/town-read.repository';

/** What the suggestions page says about the asking town itself. */
export interface OwnTownHints {
  capacity: number;
  /** Open and active tandems: what uses the capacity. */
  tandems: number;
  profileEmpty: boolean;
}

export const toMatchTown = (t: TownRow): MatchTown => ({
  id: t.id,
  name: t.name,
  stateCode: t.stateCode,
  stateName: t.stateName,
  population: t.population,
  associationPopulation: t.associationPopulation,
  associationName: t.associationName,
  associationType: t.associationType,
  areaKm2: t.areaKm2,
  degurba: t.degurba,
  lat: t.latitude,
  lon: t.longitude,
  topics: t.topics,
  challenges: t.challenges,
  experiences: t.experiences,
  capacity: t.capacity,
});

const HEAD_COLUMNS = `id, kind, status, trigger, theme, seed, is_current AS "isCurrent", started_at AS "startedAt", finished_at AS "finishedAt"`;
const RUN_COLUMNS = `${HEAD_COLUMNS}, fingerprint, weights, params, summary, error`;

// Rows per statement when writing results or deleting old runs: bounded statements, short locks.
const BATCH = 2000;

interface PairHistoryRow {
  townA: string;
  townB: string;
  kind: 'tandem' | 'declined';
  at: Date;
}

@Injectable()
export class MatchingRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Pairs that hard rules exclude: existing tandems (any time) and declines (with their date, for the cool-down). */
  async pairHistory(): Promise<PairHistoryRow[]> {
    return queryRows<PairHistoryRow>(this.ds, `SELECT town_a AS "townA", town_b AS "townB", kind, at FROM pair_history`);
  }

  /**
   * The pairs of every tandem that holds a slot now (requested, proposed, accepted, approved, active): a town's free
   * capacity is its capacity minus these, as the request check counts (issue 23); ended tandems free their slot.
   */
  async liveTandemPairs(): Promise<[string, string][]> {
    const rows = await queryRows<{ a: string; b: string }>(this.ds, `SELECT town_a AS a, town_b AS b FROM tandem WHERE state = ANY($1)`, [
      LIVE_STATES,
    ]);
    return rows.map((r) => [r.a, r.b]);
  }

  /**
   * The current published application examples of verified towns with their adoptions (issue 27): public facts only
   * (title, the town's directory name, topics), what the matching reads as evidence for a partner.
   */
  async publishedExamples(): Promise<{ townId: string; practiceTitle: string; townName: string; topics: string[]; adoptions: number }[]> {
    return this.ds.query(
      `SELECT v.town_id AS "townId", v.content->>'title' AS "practiceTitle", v.content->'context'->>'townName' AS "townName", v.topics,
              coalesce(a.adoptions, 0) AS adoptions
       FROM practice_version v JOIN town t ON t.id = v.town_id AND t.status = 'verified'
       LEFT JOIN practice_adoption a ON a.practice_id = v.practice_id
       WHERE v.is_current ORDER BY v.town_id, v.practice_id`,
    );
  }

  async loadWeights(): Promise<Record<string, unknown> | null> {
    const rows = await queryRows<{ weights: Record<string, unknown> }>(this.ds, `SELECT weights FROM matching_settings WHERE id = 1`);
    return rows[0]?.weights ?? null;
  }

  async saveWeights(weights: object, actorId: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO matching_settings (id, weights, updated_by, updated_at) VALUES (1, $1, $2, now())
       ON CONFLICT (id) DO UPDATE SET weights = EXCLUDED.weights, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [JSON.stringify(weights), actorId],
    );
  }

  /** Inserts a running run; the partial unique index makes a second concurrent run of the same kind fail (23505). */
  async startRun(r: {
    kind: RunKind;
    trigger: string;
    theme?: string | null;
    weights: object;
    params: object;
    seed: number;
    startedBy?: string | null;
  }): Promise<string> {
    // A run left 'running' by a crashed worker must not block the kind forever.
    await this.ds.query(
      `UPDATE matching_run SET status = 'failed', error = 'abandoned (worker stopped)', finished_at = now()
      WHERE kind = $1 AND status = 'running' AND started_at < now() - interval '30 minutes'`,
      [r.kind],
    );
    const rows = await queryRows<{ id: string }>(
      this.ds,
      `INSERT INTO matching_run (kind, trigger, theme, weights, params, seed, started_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [r.kind, r.trigger, r.theme ?? null, JSON.stringify(r.weights), JSON.stringify(r.params), r.seed, r.startedBy ?? null],
    );
    return rows[0].id;
  }

  async findRun(id: string): Promise<RunRow | null> {
    const rows = await queryRows<RunRow>(this.ds, `SELECT ${RUN_COLUMNS} FROM matching_run WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The current run of a kind (and theme) without its weights, parameters and summary (a round's lists every unmatched town). */
  async currentRunHead(kind: RunKind, theme?: string): Promise<RunHead | null> {
    const rows = await queryRows<RunHead>(
      this.ds,
      `SELECT ${HEAD_COLUMNS} FROM matching_run WHERE kind = $1 AND is_current AND ($2::varchar IS NULL OR theme = $2)
       ORDER BY finished_at DESC LIMIT 1`,
      [kind, theme ?? null],
    );
    return rows[0] ?? null;
  }

  /**
   * What a town's suggestions need besides the kept list, in one round trip: the current suggestions run's head and the
   * town's own hints (null when the town is not eligible). Same rows as currentRunHead('suggestions').
   */
  async suggestionsHead(townId: string): Promise<{ run: RunHead | null; own: OwnTownHints | null }> {
    const rows = await queryRows<
      Partial<RunHead> & { ownCapacity: number | null; ownTandems: number | null; ownProfileEmpty: boolean | null }
    >(
      this.ds,
      `SELECT r.*, h.capacity AS "ownCapacity", h.tandems AS "ownTandems", h."profileEmpty" AS "ownProfileEmpty"
       FROM (SELECT 1) one
       LEFT JOIN LATERAL (SELECT ${HEAD_COLUMNS} FROM matching_run WHERE kind = 'suggestions' AND is_current ORDER BY finished_at DESC LIMIT 1) r ON true
       ${ownTownHintsLateral('$1::uuid', 'h')}`,
      [townId],
    );
    const { ownCapacity, ownTandems, ownProfileEmpty, ...run } = rows[0];
    return {
      run: run.id ? (run as RunHead) : null,
      own: ownCapacity === null ? null : { capacity: ownCapacity, tandems: ownTandems!, profileEmpty: ownProfileEmpty! },
    };
  }

  /**
   * What the office's matching page reads, in one round trip: the current tandem round's head, the current workshop
   * proposal's head (for `theme`, or the newest of any theme), the newest `limit` run heads and the stored weights
   * (null: none saved). Same rows as currentRunHead, the newest run heads and loadWeights.
   */
  async officePageHeads(
    theme: string | undefined,
    limit: number,
  ): Promise<{ round: RunHead | null; workshop: RunHead | null; latest: RunHead[]; weights: Record<string, unknown> | null }> {
    const rows = await queryRows<
      RunHead & { slot: 'round' | 'workshop' | 'latest' | 'settings'; settings: Record<string, unknown> | null }
    >(
      this.ds,
      `(SELECT 'round' AS slot, ${HEAD_COLUMNS}, NULL::jsonb AS settings FROM matching_run WHERE kind = 'tandem_round' AND is_current
        ORDER BY finished_at DESC LIMIT 1)
       UNION ALL
       (SELECT 'workshop', ${HEAD_COLUMNS}, NULL FROM matching_run WHERE kind = 'workshops' AND is_current AND ($1::varchar IS NULL OR theme = $1)
        ORDER BY finished_at DESC LIMIT 1)
       UNION ALL
       (SELECT 'latest', ${HEAD_COLUMNS}, NULL FROM matching_run ORDER BY started_at DESC LIMIT $2)
       UNION ALL
       SELECT 'settings', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, weights FROM matching_settings WHERE id = 1`,
      [theme ?? null, limit],
    );
    const head = ({ slot: _slot, settings: _settings, ...h }: (typeof rows)[number]): RunHead => h;
    const one = (slot: string) => rows.find((r) => r.slot === slot);
    const round = one('round'),
      workshop = one('workshop');
    return {
      round: round ? head(round) : null,
      workshop: workshop ? head(workshop) : null,
      latest: rows.filter((r) => r.slot === 'latest').map(head),
      weights: one('settings')?.settings ?? null,
    };
  }

  latestRuns(limit = 20): Promise<RunRow[]> {
    return queryRows<RunRow>(this.ds, `SELECT ${RUN_COLUMNS} FROM matching_run ORDER BY started_at DESC LIMIT $1`, [limit]);
  }

  async failRun(id: string, error: string): Promise<void> {
    await this.ds.query(`UPDATE matching_run SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`, [
      id,
      error.slice(0, 2000),
    ]);
  }

  /**
   * Stores a finished run's results and makes it current in ONE transaction: readers see the previous
   * run or this one, never a mix.
   */
  async completeRun(
    id: string,
    kind: RunKind,
    done: { fingerprint: string; summary: RunSummary; theme?: string | null },
    write: (m: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.ds.transaction(async (m) => {
      await write(m);
      await m.query(
        `UPDATE matching_run SET is_current = false WHERE kind = $1 AND is_current AND id <> $2 AND ($3::varchar IS NULL OR theme = $3)`,
        [kind, id, done.theme ?? null],
      );
      await m.query(
        `UPDATE matching_run SET status = 'done', is_current = true, fingerprint = $2, summary = $3, finished_at = now() WHERE id = $1`,
        [id, done.fingerprint, JSON.stringify(done.summary)],
      );
    });
  }

  async insertSuggestions(
    m: EntityManager,
    runId: string,
    rows: {
      townId: string;
      partnerId: string;
      rank: number;
      score: number;
      components: unknown;
      topic: string | null;
      activityNote?: string;
    }[],
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      await m.query(
        `INSERT INTO matching_suggestion (run_id, town_id, partner_id, rank, score, components, topic, activity_note)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::smallint[], $5::float8[], $6::jsonb[], $7::varchar[], $8::varchar[])`,
        [
          runId,
          chunk.map((r) => r.townId),
          chunk.map((r) => r.partnerId),
          chunk.map((r) => r.rank),
          chunk.map((r) => r.score),
          chunk.map((r) => JSON.stringify(r.components)),
          chunk.map((r) => r.topic),
          chunk.map((r) => r.activityNote ?? null),
        ],
      );
    }
  }

  async insertRoundPairs(
    m: EntityManager,
    runId: string,
    rows: { townA: string; townB: string; score: number; components: unknown; topic: string | null }[],
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      await m.query(
        `INSERT INTO tandem_round_pair (run_id, town_a, town_b, score, components, topic)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::float8[], $5::jsonb[], $6::varchar[])`,
        [
          runId,
          chunk.map((r) => r.townA),
          chunk.map((r) => r.townB),
          chunk.map((r) => r.score),
          chunk.map((r) => JSON.stringify(r.components)),
          chunk.map((r) => r.topic),
        ],
      );
    }
  }

  async insertWorkshopGroups(
    m: EntityManager,
    runId: string,
    rows: { groupNo: number; townIds: string[]; score: number }[],
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      // unnest flattens a 2-D array, so each group's towns travel as one JSON array and are cast back.
      await m.query(
        `INSERT INTO workshop_proposal (run_id, group_no, town_ids, score)
         SELECT $1, g, ARRAY(SELECT jsonb_array_elements_text(ids))::uuid[], s FROM unnest($2::smallint[], $3::jsonb[], $4::float8[]) AS u(g, ids, s)`,
        [runId, chunk.map((r) => r.groupNo), chunk.map((r) => JSON.stringify(r.townIds)), chunk.map((r) => r.score)],
      );
    }
  }

  /**
   * The town's suggestions from one run (the current one, whose id the caller looked up), with the partner's directory
   * facts. The partner is a LATERAL lookup from the municipalities module (its LIMIT keeps the planner from turning it
   * into a hash join over every town): index lookups only.
   */
  async suggestionsOfRun(runId: string, townId: string): Promise<SuggestionRow[]> {
    return queryRows<SuggestionRow>(
      this.ds,
      `
      SELECT s.rank, s.score, s.components, s.topic, s.activity_note AS "activityNote", tp.name AS "topicName", s.partner_id AS "partnerId", p.name, p."stateName", p.population,
             p."areaKm2", p."districtName", r.id AS "runId", r.finished_at AS "computedAt"
      FROM matching_run r
      JOIN matching_suggestion s ON s.run_id = r.id AND s.town_id = $2
      ${topicJoin('s.topic', 'tp')}
      ${townFactsLateral('s.partner_id')} p
      WHERE r.id = $1
      ORDER BY s.rank`,
      [runId, townId],
    );
  }

  /** A round's pairs, best first; `limit`/`offset` give one page of them. */
  async roundPairs(runId: string, limit: number | null = null, offset = 0): Promise<RoundPairRow[]> {
    return queryRows<RoundPairRow>(
      this.ds,
      `
      SELECT p.score, p.components, p.topic, p.town_a AS "townA", p.town_b AS "townB", ma.name AS "nameA", ma.state_name AS "stateA",
             mb.name AS "nameB", mb.state_name AS "stateB"
      FROM tandem_round_pair p
      ${townDirectoryJoin('p.town_a', 'ta', 'ma')}
      ${townDirectoryJoin('p.town_b', 'tb', 'mb')}
      WHERE p.run_id = $1 ORDER BY p.score DESC, p.town_a, p.town_b LIMIT $2 OFFSET $3`,
      [runId, limit, offset],
    );
  }

  /** A proposal's groups in order; `limit` bounds what a page shows. */
  async workshopGroups(runId: string, limit: number | null = null): Promise<WorkshopGroupRow[]> {
    return queryRows<WorkshopGroupRow>(
      this.ds,
      `
      SELECT w.group_no AS "groupNo", w.score,
             (SELECT json_agg(json_build_object('id', t.id, 'name', m.name, 'stateName', m.state_name, 'population', m.population,
                                                'latitude', m.latitude, 'longitude', m.longitude) ORDER BY m.name)
              FROM unnest(w.town_ids) AS u(town_id) ${townDirectoryJoin('u.town_id', 't', 'm')}) AS towns
      FROM workshop_proposal w
      WHERE w.run_id = $1 ORDER BY w.group_no LIMIT $2`,
      [runId, limit],
    );
  }

  /**
   * Finished runs beyond the newest `keep` per kind that are not current (a workshop run stays current for its
   * theme), oldest first. Running runs are never touched.
   */
  async prunableRuns(keep: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.ds,
      `
      SELECT id FROM (
        SELECT id, started_at, row_number() OVER (PARTITION BY kind ORDER BY started_at DESC) AS n
        FROM matching_run WHERE status <> 'running' AND NOT is_current
      ) r WHERE n > $1 ORDER BY started_at`,
      [keep],
    );
    return rows.map((r) => r.id);
  }

  /** Deletes up to `batch` result rows of one run from one table; returns how many went (0 = none left). */
  async deleteRunRows(
    table: 'matching_suggestion' | 'tandem_round_pair' | 'workshop_proposal',
    runId: string,
    batch = BATCH,
  ): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      this.ds,
      `WITH gone AS (
         DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE run_id = $1 LIMIT $2)) RETURNING 1
       ) SELECT count(*)::int AS n FROM gone`,
      [runId, batch],
    );
    return rows[0].n;
  }

  /** Removes the run row itself once its results are gone; a run that became current meanwhile stays. */
  async deleteRun(runId: string): Promise<boolean> {
    // Counted in SQL: for a DELETE, TypeORM's query() answers [rows, affectedCount], never an empty array.
    const [{ n }] = await queryRows<{ n: number }>(
      this.ds,
      `WITH gone AS (DELETE FROM matching_run WHERE id = $1 AND NOT is_current AND status <> 'running' RETURNING id)
       SELECT count(*)::int AS n FROM gone`,
      [runId],
    );
    return n > 0;
  }
}
