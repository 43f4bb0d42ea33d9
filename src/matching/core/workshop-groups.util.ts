import { MatchTown } from './matching-input.types';
import { mulberry32 } from './prng.util';
import { ScoringContext, scorePair } from './score.util';

export interface WorkshopOptions {
  minSize: number;
  maxSize: number;
  /** No two towns of one Bundesland in a group (default true). */
  distinctStates: boolean;
  seed: number;
  /** Local-search passes over all swap/move candidates. */
  maxPasses?: number;
}

export const DEFAULT_WORKSHOP_OPTIONS: WorkshopOptions = { minSize: 4, maxSize: 6, distinctStates: true, seed: 1 };

export interface WorkshopGroup {
  townIds: string[];
  /** Sum of the pair scores inside the group. */
  score: number;
}

export interface WorkshopResult {
  groups: WorkshopGroup[];
  leftOut: { townId: string; reason: string }[];
}

const involved = (t: MatchTown, theme: string) =>
  t.topics.includes(theme) || t.challenges.some((c) => c.topic === theme) || t.experiences.some((e) => e.topic === theme);
const experienced = (t: MatchTown, theme: string) => t.experiences.some((e) => e.topic === theme);

/**
 * Transfer-workshop groups for one theme: towns that work on it, groups of minSize..maxSize, every group with
 * at least one experienced town, distinct states by default, maximising the summed in-group pair scores.
 * Greedy start (experienced towns as seeds, best marginal gain first), then local search with moves and
 * swaps that keep every rule. Deterministic for a given seed.
 */
export function workshopGroups(ctx: ScoringContext, towns: readonly MatchTown[], theme: string, options: Partial<WorkshopOptions> = {}): WorkshopResult {
  const o = { ...DEFAULT_WORKSHOP_OPTIONS, ...options };
  if (o.minSize < 2 || o.maxSize < o.minSize) throw new Error('group sizes must satisfy 2 ≤ minSize ≤ maxSize');
  const rnd = mulberry32(o.seed);
  const cand = towns.filter((t) => involved(t, theme));
  const n = cand.length;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w[i * n + j] = w[j * n + i] = scorePair(ctx, cand[i], cand[j]).score;

  const exp = cand.map((t) => experienced(t, theme));
  const expIdx = cand.map((_, i) => i).filter((i) => exp[i]);
  const groupCount = Math.min(expIdx.length, Math.floor(n / o.minSize));
  // Seeds: experienced towns, preferring those that fit many others (ties broken by the seeded PRNG).
  const jitter = cand.map(() => rnd() * 1e-9);
  const strength = (i: number) => cand.reduce((s, _, j) => s + w[i * n + j], 0) + jitter[i];
  const seeds = [...expIdx].sort((a, b) => strength(b) - strength(a));
  const groups: number[][] = [];
  const usedState = (g: number[], i: number) => o.distinctStates && g.some((j) => cand[j].stateCode === cand[i].stateCode);
  for (const s of seeds) {
    if (groups.length === groupCount) break;
    groups.push([s]);
  }
  const groupOf = new Int32Array(n).fill(-1);
  groups.forEach((g, gi) => (groupOf[g[0]] = gi));
  const gain = (g: number[], i: number) => g.reduce((s, j) => s + w[i * n + j], 0);

  // Greedy fill: repeatedly place the (town, group) with the best marginal gain.
  for (;;) {
    let best = -1, bestG = -1, bestGain = -Infinity;
    for (let i = 0; i < n; i++) {
      if (groupOf[i] >= 0) continue;
      for (let gi = 0; gi < groups.length; gi++) {
        const g = groups[gi];
        if (g.length >= o.maxSize || usedState(g, i)) continue;
        // Fill small groups first so that every group can reach minSize.
        const v = gain(g, i) + (g.length < o.minSize ? 10 : 0) + jitter[i];
        if (v > bestGain) {
          bestGain = v;
          best = i;
          bestG = gi;
        }
      }
    }
    if (best < 0) break;
    groups[bestG].push(best);
    groupOf[best] = bestG;
  }

  const valid = (g: number[]) =>
    g.length >= o.minSize && g.length <= o.maxSize && g.some((i) => exp[i]) && (!o.distinctStates || new Set(g.map((i) => cand[i].stateCode)).size === g.length);
  const total = (g: number[]) => {
    let s = 0;
    for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) s += w[g[a] * n + g[b]];
    return s;
  };

  // Local search: swap two towns of different groups, or swap a member with an unplaced town, when it helps.
  const passes = o.maxPasses ?? 20;
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    const order = cand.map((_, i) => i).sort(() => rnd() - 0.5);
    for (const i of order) {
      const gi = groupOf[i];
      if (gi < 0) continue;
      for (const j of order) {
        const gj = groupOf[j];
        if (j === i || gj === gi) continue;
        const A = groups[gi];
        const A2 = A.map((x) => (x === i ? j : x));
        const before = total(A) + (gj >= 0 ? total(groups[gj]) : 0);
        if (!valid(A2)) continue;
        let after = total(A2);
        let B2: number[] | null = null;
        if (gj >= 0) {
          B2 = groups[gj].map((x) => (x === j ? i : x));
          if (!valid(B2)) continue;
          after += total(B2);
        }
        if (after > before + 1e-12) {
          groups[gi] = A2;
          groupOf[j] = gi;
          if (B2) {
            groups[gj] = B2;
            groupOf[i] = gj;
          } else groupOf[i] = -1;
          improved = true;
          break; // i has moved: continue with the next town
        }
      }
    }
    if (!improved) break;
  }

  const result: WorkshopGroup[] = [];
  const leftOut: WorkshopResult['leftOut'] = [];
  for (const g of groups) {
    if (valid(g)) result.push({ townIds: g.map((i) => cand[i].id), score: total(g) });
    else for (const i of g) groupOf[i] = -1;
  }
  for (let i = 0; i < n; i++) {
    if (groupOf[i] >= 0 && result.some((r) => r.townIds.includes(cand[i].id))) continue;
    const reason = groupCount === 0
      ? expIdx.length === 0
        ? 'Keine Kommune mit Erfahrung in diesem Thema: ohne sie entsteht keine Gruppe.'
        : `Zu wenige Kommunen für eine Gruppe (mindestens ${o.minSize}).`
      : o.distinctStates && result.every((r) => r.townIds.length >= o.maxSize || r.townIds.some((id) => towns.find((t) => t.id === id)!.stateCode === cand[i].stateCode))
        ? `Alle Gruppen sind voll oder haben bereits eine Kommune aus ${cand[i].stateName}.`
        : 'Alle Gruppen sind voll.';
    leftOut.push({ townId: cand[i].id, reason });
  }
  return { groups: result, leftOut };
}
