import { Injectable } from '@nestjs/common';
import type { MatchTown, ScoreComponent } from './core/matching-input.types';
import { officeOnlyOf, visiblePartOf } from './core/reason-visibility.util';
import { buildContext, scorePair, type ScoringContext } from './core/score.util';
import { toMatchTown } from './matching.repository';
import { MatchingService } from './matching.service';
import { TownReadRepository } from '../municipalities/town-read.repository';

/** Every eligible town scored as the office reads it (`towns`, `ctx`) and as another verified town may see it (`network`). */
export interface Scoring {
  ctx: ScoringContext;
  towns: MatchTown[];
  network: MatchTown[];
  networkCtx: ScoringContext;
}

/** A pair explained as the tandem round explains its pairs: office texts, and the texts both towns may read. */
export interface PairExplanation {
  score: number;
  /** With `reasonOffice` (the office's page) and `reasonNetwork` (what both towns read: mail, tandem page). */
  components: ScoreComponent[];
  /** The topic the matcher would choose for the pair, from what both towns may see of each other. */
  topic: string | null;
}

const SCORING_TTL_MS = 5 * 60_000;

/**
 * Scores over every eligible town for the office's hand-made groups and pairs (workshop replacements and "why chosen",
 * a pair outside the tandem round). Reading and preparing them all is the costly part, so the result is kept while the
 * current suggestions run and the weights stay the same (a profile change, a verification or an opt-out starts a new
 * run), for at most SCORING_TTL_MS. Rules are always checked on fresh rows by the callers.
 */
@Injectable()
export class MatchScoringService {
  private cache: { key: string; at: number; value: Promise<Scoring> } | null = null;

  constructor(
    private readonly matching: MatchingService,
    private readonly townReads: TownReadRepository,
  ) {}

  async scoring(): Promise<Scoring> {
    const [run, weights] = await Promise.all([this.matching.currentRunHead('suggestions'), this.matching.weights()]);
    const key = run ? `${run.id}|${JSON.stringify(weights)}` : null;
    const hit = this.cache;
    if (key && hit?.key === key && Date.now() - hit.at < SCORING_TTL_MS) return hit.value;
    const value = (async () => {
      const [rows, names] = await Promise.all([this.townReads.eligibleTowns(), this.townReads.topicNames()]);
      const towns = rows.map(toMatchTown);
      // The texts a town reads name the others only as a verified town may see them (issue 24).
      const network = rows.map((r, i) => visiblePartOf(towns[i], officeOnlyOf(r.visibility)));
      return { ctx: buildContext(towns, weights, names), towns, network, networkCtx: buildContext(network, weights, names) };
    })();
    if (key) {
      this.cache = { key, at: Date.now(), value };
      value.catch(() => {
        if (this.cache?.value === value) this.cache = null;
      });
    }
    return value;
  }

  /**
   * Two towns explained as the round explains a pair (TandemRoundRunHandler): the numbers and office texts from
   * everything, the texts both towns read (`reasonNetwork`) and the topic from what each may see of the other. Null
   * when either town is not one the matcher reads (not verified, paused, dormant).
   */
  async explainPair(a: string, b: string): Promise<PairExplanation | null> {
    const { ctx, towns, network, networkCtx } = await this.scoring();
    const ia = towns.findIndex((t) => t.id === a),
      ib = towns.findIndex((t) => t.id === b);
    if (ia < 0 || ib < 0 || a === b) return null;
    const s = scorePair(ctx, towns[ia], towns[ib], true);
    const seen = scorePair(networkCtx, network[ia], network[ib], true);
    const networkText = new Map(seen.components.map((c) => [c.key, c.reasonOffice ?? '']));
    return {
      score: s.score,
      components: s.components.map((c) => ({ ...c, reasonNetwork: networkText.get(c.key) ?? '' })),
      topic: seen.topic,
    };
  }
}
