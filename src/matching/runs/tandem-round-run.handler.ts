import { Injectable } from '@nestjs/common';
import { scorePair } from '../core/score.util';
import { candidateGraph, excludedPairKeys, freeCapacity } from '../core/suggestions.util';
import { tandemRound } from '../core/tandem-round.util';
import { MatchingRepository } from '../matching.repository';
import type { RoundSummary, RunRow, UnmatchedReason } from '../matching.read-models';
import { COOLDOWN_MONTHS, ROUND_CANDIDATES } from '../matching-rules';
import type { RunHandler, RunInput } from './run-handler';

/** The exact tandem round over each town's best candidates, within every town's free capacity. */
@Injectable()
export class TandemRoundRunHandler implements RunHandler {
  readonly kind = 'tandem_round' as const;

  constructor(private readonly repo: MatchingRepository) {}

  async handle(run: RunRow, { ctx, towns, network, tandemPairs, declinedPairs, livePairs, fingerprint }: RunInput): Promise<void> {
    const free = freeCapacity(towns, livePairs);
    // A pair with an open or active tandem is not paired again (the proposal would only be refused).
    const excluded = excludedPairKeys(towns, {
      tandemPairs: [...tandemPairs, ...livePairs],
      declinedPairs,
      cooldownMonths: COOLDOWN_MONTHS,
    });
    const edges = candidateGraph(ctx, towns, ROUND_CANDIDATES, excluded);
    const result = tandemRound(edges, free);
    const byId = new Map(towns.map((t) => [t.id, t]));
    const seenById = new Map(network.towns.map((t) => [t.id, t]));
    const pairs = result.pairs.map(([a, b]) => {
      // With the office's third-person texts: the round is read by the Geschäftsstelle. A proposal goes to both towns:
      // its texts (reasonNetwork) and its topic come from what each may see of the other.
      const s = scorePair(ctx, byId.get(String(a))!, byId.get(String(b))!, true);
      const seen = scorePair(network.ctx, seenById.get(String(a))!, seenById.get(String(b))!, true);
      const networkText = new Map(seen.components.map((c) => [c.key, c.reasonOffice ?? '']));
      const components = s.components.map((c) => ({ ...c, reasonNetwork: networkText.get(c.key) ?? '' }));
      return { townA: String(a), townB: String(b), score: s.score, components, topic: seen.topic };
    });
    const matched = new Set(pairs.flatMap((p) => [p.townA, p.townB]));
    const hasCandidate = new Set(edges.flatMap(([a, b]) => [String(a), String(b)]));
    const why = (id: string): UnmatchedReason =>
      free[id] === 0 ? 'no_capacity' : !hasCandidate.has(id) ? 'no_allowed_partner' : 'outscored';
    const summary: RoundSummary = {
      towns: towns.length,
      candidatePairs: edges.length,
      pairs: pairs.length,
      totalScore: result.weight,
      unmatched: towns.filter((t) => !matched.has(t.id)).map((t) => ({ townId: t.id, name: t.name, reason: why(t.id) })),
    };
    await this.repo.completeRun(run.id, 'tandem_round', { fingerprint, summary }, (m) => this.repo.insertRoundPairs(m, run.id, pairs));
  }
}
