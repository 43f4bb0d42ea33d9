import type { MatchTown } from './matching-input.types';

/** The profile fields a reason text can mention about the partner. */
export type ReasonField = 'topics' | 'challenges' | 'experiences';
export const REASON_FIELDS: readonly ReasonField[] = ['topics', 'challenges', 'experiences'];

/**
 * Rule (issue 24, replacing issue 9's): what a town reads about another — its suggestions' scores and reasons, a
 * proposal's text and topic — is computed from the other town as a verified town may see it. A field kept for the
 * office counts only where the office reads (the tandem round's and workshops' numbers); it can then show neither
 * in a text nor through a number.
 */
export function visiblePartOf(town: MatchTown, hidden: ReadonlySet<ReasonField>): MatchTown {
  return {
    ...town,
    topics: hidden.has('topics') ? [] : town.topics,
    challenges: hidden.has('challenges') ? [] : town.challenges,
    experiences: hidden.has('experiences') ? [] : town.experiences,
  };
}

/** The reason-relevant fields a town keeps for the office, from its stored visibility settings. */
export const officeOnlyOf = (visibility: Record<string, string> | null | undefined): Set<ReasonField> =>
  new Set(REASON_FIELDS.filter((f) => visibility?.[f] === 'office'));
