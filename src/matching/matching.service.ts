import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createHash, randomInt } from 'node:crypto';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { JOBS, QUEUES } from '../queue/queue-names';
import { MatchTown } from './core/matching-input.types';
import { REASON_FIELDS, withVisibleReasons } from './core/reason-visibility.util';
import { buildContext, reasonLine, scorePair } from './core/score.util';
import { suggestPartnersParallel } from './core/parallel-candidates.util';
import { candidateGraph, excludedPairKeys, freeCapacity, profileIsEmpty } from './core/suggestions.util';
import { tandemRound } from './core/tandem-round.util';
import { DEFAULT_WEIGHTS, MatchWeights, validateWeights } from './core/weights';
import { DEFAULT_WORKSHOP_OPTIONS, workshopGroups } from './core/workshop-groups.util';
import { MatchingRepository, RunKind, TownRow } from './matching.repository';

export const SUGGESTIONS_K = 10;
export const EXPOSURE_CAP = 20;
export const COOLDOWN_MONTHS = 12;
const ROUND_CANDIDATES = 20;
// Profile edits within this window share one recomputation.
export const RECOMPUTE_DEBOUNCE_MS = 60_000;

const toMatchTown = (t: TownRow): MatchTown => ({
  id: t.id, name: t.name, stateCode: t.stateCode, stateName: t.stateName, population: t.population, associationPopulation: t.associationPopulation,
  associationName: t.associationName, associationType: t.associationType, areaKm2: t.areaKm2, degurba: t.degurba, lat: t.latitude, lon: t.longitude, topics: t.topics, challenges: t.challenges, experiences: t.experiences,
  capacity: t.capacity,
});

/** Per town, the reason-relevant fields it keeps for the office. */
const officeOnlyFields = (rows: TownRow[]) => new Map(rows
  .map((t) => [t.id, new Set(REASON_FIELDS.filter((f) => t.visibility?.[f] === 'office'))] as const)
  .filter(([, hidden]) => hidden.size > 0));

@Injectable()
export class MatchingService {
  private readonly logger = new Logger(MatchingService.name);

  constructor(
    private readonly repo: MatchingRepository,
    @InjectQueue(QUEUES.matching) private readonly queue: Queue,
  ) {}

  async weights(): Promise<MatchWeights> {
    return { ...DEFAULT_WEIGHTS, ...((await this.repo.loadWeights()) ?? {}) } as MatchWeights;
  }

  async setWeights(actor: SessionUser, patch: Record<string, unknown>): Promise<MatchWeights> {
    const errors = validateWeights(patch);
    if (errors.length) {
      throw new DomainError(HttpStatus.BAD_REQUEST, 'invalid_weights', errors.join('; '), `Ungültige Gewichte: ${errors.join('; ')}`);
    }
    const merged = { ...(await this.weights()), ...patch } as MatchWeights;
    await this.repo.saveWeights(merged as never, actor.id);
    return merged;
  }

  /** Creates the run row (refused while one of the same kind runs) and queues the job that carries its id. */
  async startRun(kind: RunKind, opts: { trigger: string; actorId?: string | null; theme?: string; seed?: number; params?: Record<string, unknown> }): Promise<string> {
    if (kind === 'workshops') {
      if (!opts.theme || !(await this.repo.topicExists(opts.theme))) {
        throw new DomainError(HttpStatus.BAD_REQUEST, 'unknown_theme', `Unknown theme: ${opts.theme ?? '(none)'}`, 'Dieses Thema gibt es nicht.');
      }
    }
    const runId = await this.startRunRow(kind, opts.trigger, opts);
    await this.queue.add(kind === 'suggestions' ? JOBS.recomputeMatches : kind === 'tandem_round' ? JOBS.tandemRound : JOBS.workshopProposal,
      { runId }, { jobId: `run-${runId}`, attempts: 1 });
    return runId;
  }

  async startRunRow(kind: RunKind, trigger: string, opts: { actorId?: string | null; theme?: string; seed?: number; params?: Record<string, unknown> } = {}): Promise<string> {
    const seed = opts.seed ?? randomInt(1, 2 ** 31 - 1);
    try {
      return await this.repo.startRun({ kind, trigger, theme: opts.theme ?? null, weights: await this.weights(), params: opts.params ?? {}, seed, startedBy: opts.actorId });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new DomainError(HttpStatus.CONFLICT, 'run_in_progress', `A ${kind} run is already in progress`,
          'Es läuft bereits eine Berechnung dieser Art. Bitte warten Sie, bis sie abgeschlossen ist.');
      }
      throw err;
    }
  }

  /** Debounced: many profile edits in a minute lead to one recomputation (BullMQ deduplication on a fixed id). */
  async requestRecompute(trigger: string): Promise<void> {
    try {
      await this.queue.add(JOBS.recomputeMatches, { trigger }, {
        delay: RECOMPUTE_DEBOUNCE_MS, deduplication: { id: 'recompute-suggestions', ttl: RECOMPUTE_DEBOUNCE_MS }, attempts: 3,
      });
    } catch (err) {
      // The nightly run catches up; a profile save must not fail because the queue is briefly away.
      this.logger.warn(`Could not schedule a recomputation (${(err as Error).message})`);
    }
  }

  /** The job body. A run that is no longer 'running' (done, failed, or a re-delivered job) is left alone. */
  async execute(runId: string): Promise<void> {
    const run = await this.repo.findRun(runId);
    if (!run || run.status !== 'running') return;
    try {
      const [rows, history, names] = await Promise.all([this.repo.eligibleTowns(), this.repo.pairHistory(), this.repo.topicNames()]);
      const towns = rows.map(toMatchTown);
      const weights = { ...DEFAULT_WEIGHTS, ...run.weights } as MatchWeights;
      const ctx = buildContext(towns, weights, names);
      const tandemPairs = history.filter((h) => h.kind === 'tandem').map((h) => [h.townA, h.townB] as const);
      const declinedPairs = history.filter((h) => h.kind === 'declined').map((h) => ({ a: h.townA, b: h.townB, at: new Date(h.at) }));
      const fingerprint = createHash('sha256').update(JSON.stringify({ towns, history, weights, seed: run.seed, theme: run.theme })).digest('hex');

      if (run.kind === 'suggestions') {
        const r = await suggestPartnersParallel(ctx, towns, {
          k: SUGGESTIONS_K, exposureCap: EXPOSURE_CAP, tandemPairs, declinedPairs, cooldownMonths: COOLDOWN_MONTHS, freeCapacity: freeCapacity(towns, tandemPairs),
        });
        // Stored reasons are read by the towns themselves: none may disclose a partner's office-only field.
        const suggestions = withVisibleReasons(ctx, towns, r.suggestions, officeOnlyFields(rows));
        await this.repo.completeRun(runId, 'suggestions', {
          fingerprint, summary: { towns: towns.length, suggestions: r.suggestions.length, profileEmpty: r.profileEmpty.length, uncovered: r.uncovered, full: r.full.length },
        }, (m) => this.repo.insertSuggestions(m, runId, suggestions));
      } else if (run.kind === 'tandem_round') {
        const free = freeCapacity(towns, tandemPairs);
        const excluded = excludedPairKeys(towns, { tandemPairs, declinedPairs, cooldownMonths: COOLDOWN_MONTHS });
        const edges = candidateGraph(ctx, towns, ROUND_CANDIDATES, excluded);
        const result = tandemRound(edges, free);
        const byId = new Map(towns.map((t) => [t.id, t]));
        const pairs = result.pairs.map(([a, b]) => {
          // With the office's third-person texts: the round is read by the Geschäftsstelle.
          const s = scorePair(ctx, byId.get(String(a))!, byId.get(String(b))!, true);
          return { townA: String(a), townB: String(b), score: s.score, components: s.components, topic: s.topic };
        });
        const matched = new Set(pairs.flatMap((p) => [p.townA, p.townB]));
        const hasCandidate = new Set(edges.flatMap(([a, b]) => [a, b]));
        const unmatched = towns.filter((t) => !matched.has(t.id)).map((t) => ({
          townId: t.id, name: t.name,
          reason: free[t.id] === 0 ? 'keine freie Tandem-Kapazität' : !hasCandidate.has(t.id) ? 'kein zulässiger Partner (Regeln)' : 'andere Paare ergaben zusammen eine höhere Gesamtpunktzahl',
        }));
        await this.repo.completeRun(runId, 'tandem_round', {
          fingerprint, summary: { towns: towns.length, candidatePairs: edges.length, pairs: pairs.length, totalScore: result.weight, unmatched },
        }, (mgr) => this.repo.insertRoundPairs(mgr, runId, pairs));
      } else {
        const params = { ...DEFAULT_WORKSHOP_OPTIONS, ...run.params, seed: run.seed };
        const r = workshopGroups(ctx, towns, run.theme!, params);
        const names2 = new Map(towns.map((t) => [t.id, t.name]));
        await this.repo.completeRun(runId, 'workshops', {
          fingerprint, theme: run.theme,
          summary: { towns: towns.length, groups: r.groups.length, leftOut: r.leftOut.map((l) => ({ ...l, name: names2.get(l.townId) })) },
        }, (mgr) => this.repo.insertWorkshopGroups(mgr, runId, r.groups.map((g, i) => ({ groupNo: i + 1, townIds: g.townIds, score: g.score }))));
      }
    } catch (err) {
      await this.repo.failRun(runId, (err as Error).message);
      throw err;
    }
  }

  /** A town's current suggestions, with partner facts and the German reasons. Own town or the office only. */
  async suggestionsFor(viewer: SessionUser, townId: string) {
    if (viewer.townId !== townId && !isOffice(viewer)) {
      throw new DomainError(HttpStatus.FORBIDDEN, 'not_your_town', 'You can only see the suggestions of your own town',
        'Sie können nur die Vorschläge Ihrer eigenen Kommune sehen.');
    }
    const rows = await this.repo.suggestionsFor(townId);
    const own = (await this.repo.eligibleTowns()).find((t) => t.id === townId);
    const tandems = own ? (await this.repo.pairHistory()).filter((h) => h.kind === 'tandem').map((h) => [h.townA, h.townB] as const) : [];
    const names = rows.length ? await this.repo.topicNames() : {};
    return {
      townId,
      computedAt: rows[0]?.computedAt ?? null,
      profileEmpty: own ? profileIsEmpty(toMatchTown(own)) : false,
      /** No free tandem capacity: the town is suggested to nobody (its page says so). */
      full: own ? freeCapacity([toMatchTown(own)], tandems)[own.id] === 0 : false,
      suggestions: rows.map((r: { rank: number; score: number; components: never[]; topic: string | null; partnerId: string; name: string; stateName: string; population: number; areaKm2: number; districtName: string | null; runId: string }) => ({
        rank: r.rank, score: r.score, partner: { id: r.partnerId, name: r.name, stateName: r.stateName, population: r.population, areaKm2: r.areaKm2, districtName: r.districtName },
        reasons: reasonLine(r.components), components: r.components, runId: r.runId,
        topic: r.topic ? { slug: r.topic, name: names[r.topic] ?? r.topic } : null,
      })),
    };
  }

  async runResult(runId: string) {
    const run = await this.repo.findRun(runId);
    if (!run) throw new DomainError(HttpStatus.NOT_FOUND, 'run_not_found', 'Run not found', 'Diese Berechnung gibt es nicht.');
    const base = { id: run.id, kind: run.kind, status: run.status, trigger: run.trigger, theme: run.theme, seed: run.seed, weights: run.weights,
      fingerprint: run.fingerprint, summary: run.summary, error: run.error, isCurrent: run.isCurrent, startedAt: run.startedAt, finishedAt: run.finishedAt };
    if (run.status !== 'done') return base;
    if (run.kind === 'tandem_round') {
      const pairs = await this.repo.roundPairs(run.id);
      const names = await this.repo.topicNames();
      return { ...base, pairs: pairs.map((p: { components: never[]; topic: string | null }) => ({ ...p, topicName: p.topic ? names[p.topic] ?? p.topic : null, reasons: reasonLine(p.components, 'office') })) };
    }
    if (run.kind === 'workshops') return { ...base, groups: await this.repo.workshopGroups(run.id) };
    return base;
  }

  latestRuns() {
    return this.repo.latestRuns();
  }

  currentRun(kind: RunKind, theme?: string) {
    return this.repo.currentRun(kind, theme);
  }
}
