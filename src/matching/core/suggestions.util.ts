import { MatchTown, ScoreComponent } from './matching-input.types';
import { Candidates } from './candidate-lists.util';
import { preparePass, PreparedPass } from './candidate-features.util';
import { bestAvailableRow } from './candidate-scan.util';
import { candidateLists, scanPass } from './candidate-pass.util';
import { hasTopicalBasis, ScoringContext, scorePair } from './score.util';
import { activityNote, activityPenalty, rankWithActivity } from './activity.util';
import { exampleComponent, exampleEvidence, type ExamplesByTown, exampleStrength, exampleValue } from './example-evidence.util';
import { exampleStrengths, withExampleGain } from './example-candidates.util';

export interface SuggestionRules {
  k: number;
  /** A town appears in at most this many other towns' lists per run. */
  exposureCap: number;
  /**
   * Tandems each town can still take on (its capacity minus its tandems; see freeCapacity). A town with none is
   * suggested to nobody; one with f free places to at most min(exposureCap, f × exposurePerFreePlace) towns.
   * Default: each town's capacity.
   */
  freeCapacity?: Record<string, number>;
  /** Lists per free tandem place (default exposureCap: any free place allows the full exposure). */
  exposurePerFreePlace?: number;
  /** Pairs that already form a tandem: never suggested. */
  tandemPairs?: Iterable<readonly [string, string]>;
  /** Declined pairs with the decline date: not suggested within the cool-down. */
  declinedPairs?: Iterable<{ a: string; b: string; at: Date }>;
  now?: Date;
  cooldownMonths?: number;
  /**
   * Days since each town's last sign-in or answer (issue 23). A long-silent partner ranks a little lower in the lists
   * (activityPenalty: a small deduction in the ordering, never in the stored score); absent: no town is penalised.
   */
  silentDays?: Record<string, number>;
  /**
   * Published application examples per town (issue 27): a partner whose example answers one of the town's challenges
   * gains an 'example' component in that town's list (see example-evidence.util.ts); absent: nobody gains.
   */
  examples?: ExamplesByTown;
}

export interface Suggestion {
  townId: string;
  partnerId: string;
  rank: number;
  score: number;
  components: ScoreComponent[];
  /** The topic the pair would work on (a slug; null only without a topical basis, when the office allows that). */
  topic: string | null;
  /** "zuletzt vor mehr als drei Monaten aktiv": only where the partner's silence lowered its rank in this list. */
  activityNote?: string;
}

export interface SuggestionResult {
  suggestions: Suggestion[];
  /** Towns with an empty profile: suggested from size and situation only, with a hint to fill the profile. */
  profileEmpty: string[];
  /** Towns left without any suggestion (no allowed partner under the rules). */
  uncovered: string[];
  /** Towns with no free tandem capacity: suggested to nobody. */
  full: string[];
}

/** Tandems a town can still take on: its capacity minus the tandems it is in (never below 0). */
export function freeCapacity(towns: readonly MatchTown[], tandemPairs: Iterable<readonly [string, string]> = []): Record<string, number> {
  const inTandem = new Map<string, number>();
  for (const [a, b] of tandemPairs) for (const id of [a, b]) inTandem.set(id, (inTandem.get(id) ?? 0) + 1);
  return Object.fromEntries(towns.map((t) => [t.id, Math.max(0, t.capacity - (inTandem.get(t.id) ?? 0))]));
}

/** How many lists each town may appear in (see SuggestionRules.freeCapacity). */
export function exposureLimits(towns: readonly MatchTown[], rules: SuggestionRules): Int32Array {
  const perPlace = rules.exposurePerFreePlace ?? rules.exposureCap;
  return Int32Array.from(towns, (t) => {
    const free = rules.freeCapacity?.[t.id] ?? Math.max(0, t.capacity);
    return free <= 0 ? 0 : Math.min(rules.exposureCap, free * perPlace);
  });
}

export const profileIsEmpty = (t: MatchTown) => !t.topics.length && !t.challenges.length && !t.experiences.length;

/** The set of excluded pair keys (i*n+j with i<j) from tandems and recent declines. */
function excludedPairs(towns: readonly MatchTown[], rules: SuggestionRules): Set<number> {
  const index = new Map(towns.map((t, i) => [t.id, i]));
  const n = towns.length;
  const out = new Set<number>();
  const add = (a: string, b: string) => {
    const i = index.get(a),
      j = index.get(b);
    if (i === undefined || j === undefined) return;
    out.add(i < j ? i * n + j : j * n + i);
  };
  for (const [a, b] of rules.tandemPairs ?? []) add(a, b);
  const now = rules.now ?? new Date();
  const cutoff = new Date(now);
  cutoff.setMonth(cutoff.getMonth() - (rules.cooldownMonths ?? 12));
  for (const d of rules.declinedPairs ?? []) if (d.at > cutoff) add(d.a, d.b);
  return out;
}

/**
 * Top-k suggestions per town under the hard rules (no tandem pair, no recent decline, a topical basis unless the
 * office turned that rule off), the exposure cap and each partner's free capacity. Round-robin over ranks so every
 * town gets its best still-available partner before anyone gets a second; a town whose candidates are all taken
 * falls back to a scan of all towns (at rank 0, so coverage comes first), and every list still short after the
 * round-robin is filled from such a scan: a list ends shorter than k only when no allowed partner is left.
 */
export function suggestPartners(ctx: ScoringContext, towns: readonly MatchTown[], rules: SuggestionRules): SuggestionResult {
  const { k, m, excluded } = planSuggestions(towns, rules);
  if (towns.length < 2) return assignSuggestions(ctx, towns, rules, k, m, excluded, emptyCandidates(towns.length));
  const prep = preparePass(ctx, towns);
  const cand = scanPass(prep, m, excluded, { from: 0, to: towns.length });
  return assignSuggestions(ctx, towns, rules, k, m, excluded, cand, prep);
}

/** Shared set-up: k bounded by the number of towns, candidate list length m, excluded pairs. */
export function planSuggestions(towns: readonly MatchTown[], rules: SuggestionRules) {
  const n = towns.length;
  const k = Math.min(rules.k, Math.max(0, n - 1));
  return { k, m: Math.min(Math.max(k * 3, k + 10), Math.max(1, n - 1)), excluded: excludedPairs(towns, rules) };
}

export const emptyCandidates = (n: number): Candidates => ({
  partner: new Int32Array(0),
  score: new Float64Array(0),
  count: new Int32Array(n),
});

/** Picks the suggestions from the candidate lists under the exposure cap (see suggestPartners). */
export function assignSuggestions(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  rules: SuggestionRules,
  k: number,
  m: number,
  excluded: Set<number>,
  cand: Candidates,
  prep?: PreparedPass,
): SuggestionResult {
  const n = towns.length;
  // The activity signal: a long-silent partner's score counts a little less when lists are ordered (0 for everyone
  // without silentDays, which leaves the order exactly as before).
  const pen = Float64Array.from(towns, (t) => activityPenalty(rules.silentDays?.[t.id]));
  // Published examples: each list's entries raised by their gain, and the partners with a fitting example added.
  const strengths = rules.examples && Object.keys(rules.examples).length ? exampleStrengths(towns, rules.examples, exampleStrength) : null;
  const lists = strengths ? withExampleGain(ctx, towns, strengths, m, excluded, cand) : { ...cand, stride: m };
  const S = lists.stride;
  // Each candidate list best first (score minus the partner's penalty descending, then lower index), sorted in place
  // in flat arrays: insertion sort, as a list holds at most m (30) entries (2m with examples).
  const partner = Int32Array.from(lists.partner),
    score = Float64Array.from(lists.score);
  const ranked = (x: number) => score[x] - pen[partner[x]];
  for (let i = 0; i < n; i++) {
    const base = i * S;
    for (let x = base + 1; x < base + lists.count[i]; x++) {
      const s = score[x],
        p = partner[x],
        key = s - pen[p];
      let y = x;
      for (; y > base && (ranked(y - 1) < key || (ranked(y - 1) === key && partner[y - 1] > p)); y--) {
        score[y] = score[y - 1];
        partner[y] = partner[y - 1];
      }
      score[y] = s;
      partner[y] = p;
    }
  }
  const exposure = new Int32Array(n);
  const limit = exposureLimits(towns, rules);
  const chosen = new Int32Array(n * Math.max(k, 1)),
    chosenCount = new Int32Array(n);
  const cursor = new Int32Array(n);
  // Per town (original index): FULL once its exposure reaches its limit; MARK while a scan for a town runs on the
  // town itself and the partners already in its list.
  const FULL = 1,
    MARK = 2;
  const blocked = new Uint8Array(n);
  for (let j = 0; j < n; j++) if (limit[j] <= 0) blocked[j] = FULL;
  const taken = (i: number, j: number) => {
    for (let x = i * k; x < i * k + chosenCount[i]; x++) if (chosen[x] === j) return true;
    return false;
  };
  const choose = (i: number, j: number) => {
    chosen[i * k + chosenCount[i]++] = j;
    if (++exposure[j] >= limit[j]) blocked[j] |= FULL;
  };
  // The scans of all towns for lists that their candidates cannot fill, on the candidate pass's numbers.
  let pass: PreparedPass | undefined = prep,
    rowOf: Int32Array | undefined;
  const found = new Int32Array(Math.max(k, 1)),
    foundScore = new Float64Array(Math.max(k, 1));
  const fill = (i: number, count: number) => {
    if (count <= 0) return;
    if (pass === undefined) pass = preparePass(ctx, towns);
    if (rowOf === undefined) {
      rowOf = new Int32Array(n);
      for (let r = 0; r < n; r++) rowOf[pass.orig[r]] = r;
    }
    blocked[i] |= MARK;
    for (let x = i * k; x < i * k + chosenCount[i]; x++) blocked[chosen[x]] |= MARK;
    const c = bestAvailableRow(pass, rowOf[i], count, blocked, excluded, found, foundScore);
    blocked[i] &= ~MARK;
    for (let x = i * k; x < i * k + chosenCount[i]; x++) blocked[chosen[x]] &= ~MARK;
    for (let x = 0; x < c; x++) choose(i, found[x]);
  };
  for (let rank = 0; rank < k; rank++) {
    for (let i = 0; i < n; i++) {
      const end = i * S + lists.count[i];
      let picked = -1;
      while (i * S + cursor[i] < end) {
        const j = partner[i * S + cursor[i]++];
        if (exposure[j] < limit[j] && !taken(i, j)) {
          picked = j;
          break;
        }
      }
      if (picked >= 0) choose(i, picked);
      else if (rank === 0) fill(i, 1);
    }
  }
  // Lists still short: their candidates went to others or were used up; the best partners still available.
  for (let i = 0; i < n; i++) if (chosenCount[i] < k) fill(i, k - chosenCount[i]);
  const suggestions: Suggestion[] = [];
  const uncovered: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = chosenCount[i];
    if (c === 0 && n > 1) uncovered.push(towns[i].id);
    const scored: { j: number; score: number; components: ScoreComponent[]; topic: string | null }[] = [];
    for (let x = 0; x < c; x++) {
      const j = chosen[i * k + x];
      const r = scorePair(ctx, towns[i], towns[j]);
      const ev = strengths?.[i].has(j) ? exampleEvidence(towns[i], rules.examples![towns[j].id], ctx.topicNames) : null;
      if (ev) {
        const c = exampleComponent(r.score, ev);
        scored.push({ j, score: r.score + c.value, components: [...r.components, c], topic: r.topic });
      } else scored.push({ j, score: r.score, components: r.components, topic: r.topic });
    }
    const { ranked: order, lowered } = rankWithActivity(scored, (j) => pen[j]);
    for (let r = 0; r < order.length; r++) {
      const partnerId = towns[order[r].j].id;
      suggestions.push({
        townId: towns[i].id,
        partnerId,
        rank: r + 1,
        score: order[r].score,
        components: order[r].components,
        topic: order[r].topic,
        ...(lowered.has(order[r].j) ? { activityNote: activityNote(rules.silentDays![partnerId]) } : {}),
      });
    }
  }
  return {
    suggestions,
    profileEmpty: towns.filter(profileIsEmpty).map((t) => t.id),
    uncovered,
    full: towns.filter((_, i) => limit[i] === 0).map((t) => t.id),
  };
}

/** The plain first version: score every allowed pair with the explainable function, sort, take k (no cap). For the benchmark. */
export function baselineTopK(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  k: number,
  only?: number[],
  examples?: ExamplesByTown,
): { townId: string; partners: { id: string; score: number }[] }[] {
  return (only ?? towns.map((_, i) => i)).map((i) => {
    const scored: { id: string; score: number }[] = [];
    const basis = ctx.raw.requireTopicalBasis !== false;
    for (let j = 0; j < towns.length; j++) {
      if (j !== i && (!basis || hasTopicalBasis(towns[i], towns[j]))) {
        const base = scorePair(ctx, towns[i], towns[j]).score;
        // The example's gain, straight from the evidence (the oracle of the raised candidate lists).
        const ev = exampleEvidence(towns[i], examples?.[towns[j].id], ctx.topicNames);
        scored.push({ id: towns[j].id, score: ev ? base + exampleValue(base, ev.strength) : base });
      }
    }
    scored.sort((a, b) => b.score - a.score);
    return { townId: towns[i].id, partners: scored.slice(0, k) };
  });
}

/** The tandem round's input: every town's top-m candidates as one undirected edge list (each pair once). */
export function candidateGraph(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  m: number,
  excluded: Set<number> = new Set(),
): [string, string, number][] {
  const n = towns.length;
  if (n < 2) return [];
  const mm = Math.min(m, n - 1);
  const c = candidateLists(ctx, towns, mm, excluded);
  const seen = new Set<number>();
  const edges: [string, string, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let x = 0; x < c.count[i]; x++) {
      const j = c.partner[i * mm + x];
      const key = i < j ? i * n + j : j * n + i;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push([towns[i].id, towns[j].id, c.score[i * mm + x]]);
    }
  }
  return edges;
}

/** Pair keys (i*n+j, i<j) of excluded pairs, for callers that build their own candidate set. */
export function excludedPairKeys(
  towns: readonly MatchTown[],
  rules: Pick<SuggestionRules, 'tandemPairs' | 'declinedPairs' | 'now' | 'cooldownMonths'>,
): Set<number> {
  return excludedPairs(towns, { k: 0, exposureCap: 0, ...rules });
}
