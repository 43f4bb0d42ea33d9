import type { MatchTown, ScoreComponent } from './matching-input.types';
import { ScoringContext, scorePair } from './score.util';

/** The profile fields a reason text can mention about the partner. */
export type ReasonField = 'topics' | 'challenges' | 'experiences';
export const REASON_FIELDS: readonly ReasonField[] = ['topics', 'challenges', 'experiences'];

/**
 * Rule (issue 9): a field the partner keeps for the office ("office" visibility) still counts in the score — the
 * office set it so that matching can use it — but no reason text the other town reads may disclose it. The reasons
 * are therefore built from the partner as the viewer may see it (hidden fields empty), the numbers from the whole
 * profile. A component whose only grounds are hidden keeps its value and says only that (issue 11: every component
 * that adds to the score has a reason), never which field or topic.
 */
export const HIDDEN_GROUNDS_DE = 'weitere passende Angaben im Profil, die nur die Geschäftsstelle sieht';

export function visiblePartOf(town: MatchTown, hidden: ReadonlySet<ReasonField>): MatchTown {
  return {
    ...town,
    topics: hidden.has('topics') ? [] : town.topics,
    challenges: hidden.has('challenges') ? [] : town.challenges,
    experiences: hidden.has('experiences') ? [] : town.experiences,
  };
}

interface Explained {
  townId: string;
  partnerId: string;
  components: ScoreComponent[];
}

/** The suggestions with each reason rebuilt from what the viewer may see of the partner; values unchanged. */
export function withVisibleReasons<S extends Explained>(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  suggestions: S[],
  hiddenByTown: ReadonlyMap<string, ReadonlySet<ReasonField>>,
): S[] {
  if (!hiddenByTown.size) return suggestions;
  const byId = new Map(towns.map((t) => [t.id, t]));
  return suggestions.map((s) => {
    const hidden = hiddenByTown.get(s.partnerId);
    const viewer = byId.get(s.townId),
      partner = byId.get(s.partnerId);
    if (!hidden?.size || !viewer || !partner) return s;
    const seen = scorePair(ctx, viewer, visiblePartOf(partner, hidden));
    const visible = new Map(seen.components.map((c) => [c.key, c.reason]));
    const components = s.components.map((c) => ({ ...c, reason: c.reason ? visible.get(c.key) || HIDDEN_GROUNDS_DE : '' }));
    // The pair's topic is named to the town too: only one it may see (none if the basis is hidden).
    return 'topic' in s ? { ...s, components, topic: seen.topic } : { ...s, components };
  });
}
