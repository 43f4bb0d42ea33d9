import { MatchTown, ScoreComponent } from './matching-input.types';
import { Candidates, candidateLists } from './candidate-pass.util';
import { ScoringContext, scorePair } from './score.util';


export interface SuggestionRules {
  k: number;
  /** A town appears in at most this many other towns' lists per run. */
  exposureCap: number;
  /** Pairs that already form a tandem: never suggested. */
  tandemPairs?: Iterable<readonly [string, string]>;
  /** Declined pairs with the decline date: not suggested within the cool-down. */
  declinedPairs?: Iterable<{ a: string; b: string; at: Date }>;
  now?: Date;
  cooldownMonths?: number;
}

export interface Suggestion {
  townId: string;
  partnerId: string;
  rank: number;
  score: number;
  components: ScoreComponent[];
}

export interface SuggestionResult {
  suggestions: Suggestion[];
  /** Towns with an empty profile: suggested from size and situation only, with a hint to fill the profile. */
  profileEmpty: string[];
  /** Towns left without any suggestion (no allowed partner under the rules). */
  uncovered: string[];
}

export const profileIsEmpty = (t: MatchTown) => !t.topics.length && !t.challenges.length && !t.experiences.length;

/** The set of excluded pair keys (i*n+j with i<j) from tandems and recent declines. */
function excludedPairs(towns: readonly MatchTown[], rules: SuggestionRules): Set<number> {
  const index = new Map(towns.map((t, i) => [t.id, i]));
  const n = towns.length;
  const out = new Set<number>();
  const add = (a: string, b: string) => {
    const i = index.get(a), j = index.get(b);
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
 * Top-k suggestions per town under the hard rules and the exposure cap. Round-robin over ranks so every
 * town gets its best still-available partner before anyone gets a second; a town whose candidates are
 * all at the cap falls back to a scan of all towns, so every town with an allowed partner is covered.
 */
export function suggestPartners(ctx: ScoringContext, towns: readonly MatchTown[], rules: SuggestionRules): SuggestionResult {
  const { k, m, excluded } = planSuggestions(towns, rules);
  const cand = towns.length > 1 ? candidateLists(ctx, towns, m, excluded) : emptyCandidates(towns.length);
  return assignSuggestions(ctx, towns, rules, k, m, excluded, cand);
}

/** Shared set-up: k bounded by the number of towns, candidate list length m, excluded pairs. */
export function planSuggestions(towns: readonly MatchTown[], rules: SuggestionRules) {
  const n = towns.length;
  const k = Math.min(rules.k, Math.max(0, n - 1));
  return { k, m: Math.min(Math.max(k * 3, k + 10), Math.max(1, n - 1)), excluded: excludedPairs(towns, rules) };
}

export const emptyCandidates = (n: number): Candidates => ({ partner: new Int32Array(0), score: new Float64Array(0), count: new Int32Array(n) });

/** Picks the suggestions from the candidate lists under the exposure cap (see suggestPartners). */
export function assignSuggestions(ctx: ScoringContext, towns: readonly MatchTown[], rules: SuggestionRules, k: number, m: number, excluded: Set<number>, cand: Candidates): SuggestionResult {
  const n = towns.length;
  // Each candidate list best first (score descending, then lower index), sorted in place in flat arrays:
  // insertion sort, as a list holds at most m (30) entries.
  const partner = Int32Array.from(cand.partner), score = Float64Array.from(cand.score);
  for (let i = 0; i < n; i++) {
    const base = i * m;
    for (let x = base + 1; x < base + cand.count[i]; x++) {
      const s = score[x], p = partner[x];
      let y = x;
      for (; y > base && (score[y - 1] < s || (score[y - 1] === s && partner[y - 1] > p)); y--) {
        score[y] = score[y - 1];
        partner[y] = partner[y - 1];
      }
      score[y] = s;
      partner[y] = p;
    }
  }
  const exposure = new Int32Array(n);
  const chosen = new Int32Array(n * Math.max(k, 1)), chosenCount = new Int32Array(n);
  const cursor = new Int32Array(n);
  const taken = (i: number, j: number) => {
    for (let x = i * k; x < i * k + chosenCount[i]; x++) if (chosen[x] === j) return true;
    return false;
  };
  for (let rank = 0; rank < k; rank++) {
    for (let i = 0; i < n; i++) {
      const end = i * m + cand.count[i];
      let picked = -1;
      while (i * m + cursor[i] < end) {
        const j = partner[i * m + cursor[i]++];
        if (exposure[j] < rules.exposureCap && !taken(i, j)) {
          picked = j;
          break;
        }
      }
      if (picked < 0 && rank === 0) picked = bestUncapped(ctx, towns, i, exposure, rules.exposureCap, excluded);
      if (picked >= 0) {
        chosen[i * k + chosenCount[i]++] = picked;
        exposure[picked]++;
      }
    }
  }
  const suggestions: Suggestion[] = [];
  const uncovered: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = chosenCount[i];
    if (c === 0 && n > 1) uncovered.push(towns[i].id);
    const scored: { j: number; score: number; components: ScoreComponent[] }[] = [];
    for (let x = 0; x < c; x++) {
      const j = chosen[i * k + x];
      const r = scorePair(ctx, towns[i], towns[j]);
      scored.push({ j, score: r.score, components: r.components });
    }
    scored.sort((x, y) => y.score - x.score || x.j - y.j);
    for (let r = 0; r < scored.length; r++) {
      suggestions.push({ townId: towns[i].id, partnerId: towns[scored[r].j].id, rank: r + 1, score: scored[r].score, components: scored[r].components });
    }
  }
  return { suggestions, profileEmpty: towns.filter(profileIsEmpty).map((t) => t.id), uncovered };
}

function bestUncapped(ctx: ScoringContext, towns: readonly MatchTown[], i: number, exposure: Int32Array, cap: number, excluded: Set<number>): number {
  const n = towns.length;
  let best = -1, bestScore = -1;
  for (let j = 0; j < n; j++) {
    if (j === i || exposure[j] >= cap || excluded.has(i < j ? i * n + j : j * n + i)) continue;
    const s = scorePair(ctx, towns[i], towns[j]).score;
    if (s > bestScore) {
      bestScore = s;
      best = j;
    }
  }
  return best;
}

/** The plain first version: score every pair with the explainable function, sort, take k (no cap). For the benchmark. */
export function baselineTopK(ctx: ScoringContext, towns: readonly MatchTown[], k: number, only?: number[]): { townId: string; partners: { id: string; score: number }[] }[] {
  return (only ?? towns.map((_, i) => i)).map((i) => {
    const scored: { id: string; score: number }[] = [];
    for (let j = 0; j < towns.length; j++) if (j !== i) scored.push({ id: towns[j].id, score: scorePair(ctx, towns[i], towns[j]).score });
    scored.sort((a, b) => b.score - a.score);
    return { townId: towns[i].id, partners: scored.slice(0, k) };
  });
}

/** The tandem round's input: every town's top-m candidates as one undirected edge list (each pair once). */
export function candidateGraph(ctx: ScoringContext, towns: readonly MatchTown[], m: number, excluded: Set<number> = new Set()): [string, string, number][] {
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
export function excludedPairKeys(towns: readonly MatchTown[], rules: Pick<SuggestionRules, 'tandemPairs' | 'declinedPairs' | 'now' | 'cooldownMonths'>): Set<number> {
  return excludedPairs(towns, { k: 0, exposureCap: 0, ...rules });
}
