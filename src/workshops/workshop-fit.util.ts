// How well towns fit a workshop group, with the matching engine's own pair scores and German reason texts
// (score.util): why a town was chosen (the invitation mail) and the best replacements for a town that declined.
// Plain TypeScript.
import type { MatchTown } from '../matching/core/matching-input.types';
import { pairScore, reasonLine, scorePair, ScoringContext } from '../matching/core/score.util';

const involved = (t: MatchTown, theme: string) =>
  t.topics.includes(theme) || t.challenges.some((c) => c.topic === theme) || t.experiences.some((e) => e.topic === theme);
const experiencedIn = (t: MatchTown, theme: string) => t.experiences.some((e) => e.topic === theme);

/** The reasons from `town`'s side ("Ihr …"), with the two members it fits best; plus what it brings to the theme. */
export function chosenBecause(
  ctx: ScoringContext,
  town: MatchTown,
  others: readonly MatchTown[],
  theme: string,
  themeName: string,
): string {
  const lines: string[] = [];
  if (experiencedIn(town, theme)) lines.push(`Ihre Kommune hat Erfahrung mit dem Thema „${themeName}“, von der die anderen lernen können.`);
  else if (town.challenges.some((c) => c.topic === theme)) lines.push(`Ihre Kommune hat „${themeName}“ als Herausforderung genannt.`);
  else if (town.topics.includes(theme)) lines.push(`Ihre Kommune arbeitet am Thema „${themeName}“.`);
  const best = others
    .map((o) => ({ o, s: scorePair(ctx, town, o) }))
    .sort((a, b) => b.s.score - a.s.score)
    .slice(0, 2);
  for (const { o, s } of best) {
    const line = reasonLine(s.components);
    if (line) lines.push(`Mit ${o.name ?? 'einer weiteren Kommune'}: ${line}`);
  }
  return lines.join('\n');
}

export interface Replacement {
  townId: string;
  name: string;
  stateName: string;
  experienced: boolean;
  /** Mean pair score with the remaining members (0..1). */
  fit: number;
  /** German reasons for the office, naming the members it fits best. */
  reasons: string[];
}

/**
 * Towns that could take a free place: on the theme, not yet in the workshop, from a Bundesland no remaining member
 * has, experienced where no remaining member is; ranked by their mean pair score with the remaining members.
 */
export function rankReplacements(
  ctx: ScoringContext,
  members: readonly MatchTown[],
  candidates: readonly MatchTown[],
  excluded: ReadonlySet<string>,
  theme: string,
  themeName: string,
  limit = 5,
): Replacement[] {
  const states = new Set(members.map((m) => m.stateCode));
  const needExperience = !members.some((m) => experiencedIn(m, theme));
  return candidates
    .filter((c) => !excluded.has(c.id) && involved(c, theme) && !states.has(c.stateCode) && (!needExperience || experiencedIn(c, theme)))
    .map((c) => ({ c, fit: members.length ? members.reduce((s, m) => s + pairScore(ctx, c, m), 0) / members.length : 0 }))
    .sort((a, b) => b.fit - a.fit || a.c.id.localeCompare(b.c.id))
    .slice(0, limit)
    .map(({ c, fit }) => {
      const reasons: string[] = [];
      if (experiencedIn(c, theme)) reasons.push(`${c.name} hat Erfahrung mit „${themeName}“.`);
      else if (c.challenges.some((x) => x.topic === theme)) reasons.push(`${c.name} hat „${themeName}“ als Herausforderung genannt.`);
      reasons.push(`anderes Bundesland als alle übrigen Kommunen (${c.stateName})`);
      const best = members
        .map((m) => ({ m, s: scorePair(ctx, c, m, true) }))
        .sort((a, b) => b.s.score - a.s.score)
        .slice(0, 2);
      for (const { s } of best) {
        const line = reasonLine(s.components, 'office');
        if (line) reasons.push(line);
      }
      return { townId: c.id, name: c.name ?? '', stateName: c.stateName, experienced: experiencedIn(c, theme), fit, reasons };
    });
}
