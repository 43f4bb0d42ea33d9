import { Injectable } from '@nestjs/common';
import { suggestPartnersParallel } from '../core/parallel-candidates.util';
import { freeCapacity } from '../core/suggestions.util';
import { MatchingRepository } from '../matching.repository';
import type { RunRow, SuggestionsSummary } from '../matching.read-models';
import { COOLDOWN_MONTHS, EXPOSURE_CAP, SUGGESTIONS_K } from '../matching-rules';
import type { RunHandler, RunInput } from './run-handler';

/** Top-k suggestions for every town, stored as one run. */
@Injectable()
export class SuggestionsRunHandler implements RunHandler {
  readonly kind = 'suggestions' as const;

  constructor(private readonly repo: MatchingRepository) {}

  async handle(
    run: RunRow,
    { network, tandemPairs, declinedPairs, livePairs, silentDays, examples, fingerprint }: RunInput,
  ): Promise<void> {
    // Read by the towns themselves: scores and reasons from what a verified town may see of the others (issue 24), so
    // neither a number nor a text depends on a field a partner keeps for the office.
    const { ctx, towns } = network;
    const r = await suggestPartnersParallel(ctx, towns, {
      k: SUGGESTIONS_K,
      exposureCap: EXPOSURE_CAP,
      tandemPairs,
      declinedPairs,
      cooldownMonths: COOLDOWN_MONTHS,
      freeCapacity: freeCapacity(towns, livePairs),
      // Long-silent partners rank a little lower (issue 23; see core/activity.util.ts).
      silentDays,
      // A partner whose published example answers the town's challenge gains (issue 27; core/example-evidence.util.ts).
      examples,
    });
    const suggestions = r.suggestions;
    const summary: SuggestionsSummary = {
      towns: towns.length,
      suggestions: r.suggestions.length,
      profileEmpty: r.profileEmpty.length,
      uncovered: r.uncovered,
      full: r.full.length,
    };
    await this.repo.completeRun(run.id, 'suggestions', { fingerprint, summary }, (m) =>
      this.repo.insertSuggestions(m, run.id, suggestions),
    );
  }
}
