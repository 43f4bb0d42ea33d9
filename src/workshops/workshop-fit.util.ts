// How well towns fit a workshop group, with the matching engine's own pair scores and German reason texts
// (score.util): why a town was chosen (the invitation mail) and the best replacements for a town that declined.
// Plain TypeScript.
import type { MatchTown } from '../matching/core/matching-input.types';
import { reasonList, ReasonList, reasonListLines } from '../matching/core/reason-list.util';
import { pairScore, reasonLine, scorePair, ScoringContext } from '../matching/core/score.util';

const involved = (t: MatchTown, theme: string) =>
  t.topics.includes(theme) || t.challenges.some((c) => c.topic === theme) || t.experiences.some((e) => e.topic === theme);
const experiencedIn = (t: MatchTown, theme: string) => t.experiences.some((e) => e.topic === theme);

/**
 * The reasons from `town`'s side ("Ihr …"), with the two members it fits best, each as a list (one line per criterion
 * with its share of the pair's score, strongest first); plus what it brings to the theme. Plain text, one line each.
 */
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
    const list = reasonList(s.components);
    if (list.items.length) lines.push(`Mit ${o.name ?? 'einer weiteren Kommune'}:`, ...reasonListLines(list, '  '));
  }
  return lines.join('\n');
}

/** A sentence or a "Mit Seelow:" line of `chosenBecause`, with the reason lines under it (text and share). */
export interface ChosenBecauseBlock {
  text: string;
  items: { text: string; percent: number }[];
}

/**
 * The stored "why chosen" text back as blocks for a page (the town's Werkstätten page shows what its invitation mail
 * said): each line, with the indented "– … (40 %)" reason lines under the line before them. A text stored before the
 * reasons became lists ("Mit Seelow: a · b") comes back as blocks without items.
 */
export function chosenBecauseBlocks(text: string | null | undefined): ChosenBecauseBlock[] {
  const blocks: ChosenBecauseBlock[] = [];
  for (const line of (text ?? '').split('\n')) {
    const item = /^\s+– (.+) \((\d{1,3}) %\)$/.exec(line);
    if (item && blocks.length) blocks[blocks.length - 1].items.push({ text: item[1], percent: Number(item[2]) });
    else if (line.trim()) blocks.push({ text: line.trim(), items: [] });
  }
  return blocks;
}

export interface Replacement {
  townId: string;
  name: string;
  stateName: string;
  experienced: boolean;
  /** Mean pair score with the remaining members (0..1). */
  fit: number;
  /** German reasons for the office, naming the members it fits best (the notes, then one line per member). */
  reasons: string[];
  /** What it brings (experience or challenge) and the Bundesland rule, one sentence each. */
  notes: string[];
  /** How it fits the members it fits best: per member the reasons as a list with their shares (office's texts). */
  fits: { townName: string; list: ReasonList }[];
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
      const notes: string[] = [];
      if (experiencedIn(c, theme)) notes.push(`${c.name} hat Erfahrung mit „${themeName}“.`);
      else if (c.challenges.some((x) => x.topic === theme)) notes.push(`${c.name} hat „${themeName}“ als Herausforderung genannt.`);
      notes.push(`anderes Bundesland als alle übrigen Kommunen (${c.stateName})`);
      const best = members
        .map((m) => ({ m, s: scorePair(ctx, c, m, true) }))
        .sort((a, b) => b.s.score - a.s.score)
        .slice(0, 2);
      const reasons = [...notes];
      const fits: Replacement['fits'] = [];
      for (const { m, s } of best) {
        const line = reasonLine(s.components, 'office');
        if (!line) continue;
        reasons.push(line);
        fits.push({ townName: m.name ?? '', list: reasonList(s.components, 'office') });
      }
      return { townId: c.id, name: c.name ?? '', stateName: c.stateName, experienced: experiencedIn(c, theme), fit, reasons, notes, fits };
    });
}
