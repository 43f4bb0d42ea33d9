import { MatchTown } from './matching-input.types';
import { mulberry32, shuffle } from './prng.util';
import { pairScore, ScoringContext } from './score.util';

export interface WorkshopOptions {
  minSize: number;
  maxSize: number;
  /** No two towns of one Bundesland in a group (default true). */
  distinctStates: boolean;
  seed: number;
  /** Local-search passes over all moves, swaps and group dissolutions (0: the starts and placement only). */
  maxPasses?: number;
  /** Starts to search from (the greedy one, then randomised ones); default 8 up to 100 towns, 3 up to 300, else 1. */
  restarts?: number;
  /**
   * Towns with a published application example on the theme (issue 27): they count as experienced (an example is
   * tested experience) and are preferred as a group's experienced member (the greedy start seeds groups with them first).
   */
  exampleTowns?: ReadonlySet<string>;
}

export const DEFAULT_WORKSHOP_OPTIONS: WorkshopOptions = { minSize: 4, maxSize: 6, distinctStates: true, seed: 1 };

interface WorkshopGroup {
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

const EPS = 1e-12;

/**
 * The groups of one workshop proposal with what the search needs in O(1): per group its members, states and
 * experienced towns, and per town its summed pair score with each group's members (aff), kept up to date on
 * every add and remove (O(n) each). Group slots are reused once a group is dissolved.
 */
class Grouping {
  readonly groupOf: Int32Array;
  readonly members: number[][] = [];
  private readonly aff: Float64Array;
  private readonly stateCnt: Int32Array;
  private readonly expCnt: Int32Array;

  constructor(
    readonly n: number,
    readonly w: Float64Array,
    readonly st: Int32Array,
    readonly states: number,
    readonly exp: Uint8Array,
    readonly o: WorkshopOptions,
    readonly slots: number,
  ) {
    this.groupOf = new Int32Array(n).fill(-1);
    this.aff = new Float64Array(n * slots);
    this.stateCnt = new Int32Array(slots * states);
    this.expCnt = new Int32Array(slots);
    for (let g = 0; g < slots; g++) this.members.push([]);
  }

  size = (g: number) => this.members[g].length;
  affinity = (i: number, g: number) => this.aff[i * this.slots + g];
  /** Town i's state is free in group g, not counting town `except` (−1: none). */
  stateFree(g: number, i: number, except = -1): boolean {
    if (!this.o.distinctStates) return true;
    return this.stateCnt[g * this.states + this.st[i]] - (except >= 0 && this.st[except] === this.st[i] ? 1 : 0) === 0;
  }
  expIn = (g: number) => this.expCnt[g];
  /** i may join g as it is (room and state). */
  fits = (g: number, i: number) => this.size(g) < this.o.maxSize && this.stateFree(g, i);

  add(i: number, g: number): void {
    this.members[g].push(i);
    this.groupOf[i] = g;
    this.stateCnt[g * this.states + this.st[i]]++;
    this.expCnt[g] += this.exp[i];
    const { n, w, aff, slots } = this;
    for (let x = 0; x < n; x++) aff[x * slots + g] += w[x * n + i];
  }

  remove(i: number): void {
    const g = this.groupOf[i];
    const m = this.members[g];
    m.splice(m.indexOf(i), 1);
    this.groupOf[i] = -1;
    this.stateCnt[g * this.states + this.st[i]]--;
    this.expCnt[g] -= this.exp[i];
    const { n, w, aff, slots } = this;
    for (let x = 0; x < n; x++) aff[x * slots + g] -= w[x * n + i];
  }

  freeSlot(): number {
    for (let g = 0; g < this.slots; g++) if (this.members[g].length === 0) return g;
    return -1;
  }

  /** A group with its members counts when it has minSize..maxSize towns and an experienced one. */
  valid = (g: number) => this.size(g) >= this.o.minSize && this.size(g) <= this.o.maxSize && this.expCnt[g] > 0;
  /** Town i can leave g and g stays valid. */
  canGive = (g: number, i: number) => this.size(g) > this.o.minSize && this.expCnt[g] - this.exp[i] > 0;

  total(g: number): number {
    const m = this.members[g];
    let s = 0;
    for (let a = 0; a < m.length; a++) for (let b = a + 1; b < m.length; b++) s += this.w[m[a] * this.n + m[b]];
    return s;
  }
}

/**
 * Transfer-workshop groups for one theme: towns that work on it, groups of minSize..maxSize, every group with
 * at least one experienced town, distinct states by default, maximising the summed in-group pair scores.
 * Greedy start (experienced towns as seeds, best marginal gain first) and randomised starts, each followed by local search that moves a town to
 * another group, swaps two towns (also with an unplaced one), dissolves a group into the others (fewer, larger
 * groups have more pairs) and opens a new group from unplaced towns: the number of groups is free.
 * Placement comes first: no town is left out while it fits into a group or the unplaced towns can form one;
 * each left-out town gets the reason that holds for it. Deterministic for a given seed (Fisher–Yates orders).
 */
export function workshopGroups(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  theme: string,
  options: Partial<WorkshopOptions> = {},
): WorkshopResult {
  const o = { ...DEFAULT_WORKSHOP_OPTIONS, ...options };
  if (o.minSize < 2 || o.maxSize < o.minSize) throw new Error('group sizes must satisfy 2 ≤ minSize ≤ maxSize');
  const rnd = mulberry32(o.seed);
  const cand = towns.filter((t) => involved(t, theme));
  const n = cand.length;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w[i * n + j] = w[j * n + i] = pairScore(ctx, cand[i], cand[j]);
  const stateIdx = new Map<string, number>();
  const st = Int32Array.from(cand, (t) => stateIdx.get(t.stateCode) ?? (stateIdx.set(t.stateCode, stateIdx.size), stateIdx.size - 1));
  const hasExample = Uint8Array.from(cand, (t) => (o.exampleTowns?.has(t.id) ? 1 : 0));
  const exp = Uint8Array.from(cand, (t, i) => (experienced(t, theme) || hasExample[i] ? 1 : 0));
  const slots = Math.max(1, Math.floor(n / o.minSize));
  // Several starts (the greedy one, then randomised ones with a random number of groups), each searched to a
  // local optimum; the best counts. Fewer for large themes, where one search already takes a while.
  const restarts = o.restarts ?? (n <= 100 ? 8 : n <= 300 ? 3 : 1);
  let G: Grouping | null = null,
    best = -Infinity,
    bestPlaced = -1;
  for (let r = 0; r < Math.max(1, restarts); r++) {
    // Own PRNGs per start and for its search, so a start does not depend on how far earlier searches went.
    const startRnd = mulberry32((o.seed * 7919 + r * 104729) | 0),
      searchRnd = mulberry32((o.seed * 6007 + r * 15485863 + 1) | 0);
    const H = new Grouping(n, w, st, Math.max(1, stateIdx.size), exp, o, slots);
    if (r === 0) greedyStart(H, rnd, hasExample);
    else randomStart(H, startRnd);
    // Groups that could not reach minSize give their towns back; placement below finds them a place.
    for (let g = 0; g < H.slots; g++) if (H.size(g) > 0 && !H.valid(g)) for (const i of [...H.members[g]]) H.remove(i);
    place(H, searchRnd);
    const passes = o.maxPasses ?? 20;
    for (let pass = 0; pass < passes; pass++) {
      let improved = false;
      for (const i of shuffle(
        cand.map((_, x) => x),
        searchRnd,
      ))
        if (improveTown(H, i)) improved = true;
      for (const g of shuffle(
        Array.from({ length: H.slots }, (_, x) => x),
        searchRnd,
      ))
        if (H.size(g) > 0 && dissolve(H, g)) improved = true;
      if (place(H, searchRnd)) improved = true;
      if (!improved) break;
    }
    let objective = 0,
      placedTowns = 0;
    for (let g = 0; g < H.slots; g++) [objective, placedTowns] = [objective + H.total(g), placedTowns + H.size(g)];
    // Placement comes first (as within a search): the start that places more towns wins, then the higher total.
    if (placedTowns > bestPlaced || (placedTowns === bestPlaced && objective > best + EPS))
      [bestPlaced, best, G] = [placedTowns, objective, H];
  }
  if (!G) throw new Error('unreachable: at least one start');

  const groups: WorkshopGroup[] = [];
  for (let g = 0; g < G.slots; g++)
    if (G.size(g) > 0) groups.push({ townIds: [...G.members[g]].sort((a, b) => a - b).map((i) => cand[i].id), score: G.total(g) });
  groups.sort((a, b) => b.score - a.score || (a.townIds[0] < b.townIds[0] ? -1 : 1));
  const unplaced = cand.map((_, i) => i).filter((i) => G.groupOf[i] < 0);
  const leftOut = unplaced.map((i) => ({ townId: cand[i].id, reason: leftOutReason(G, cand, i, unplaced, stateIdx.size) }));
  return { groups, leftOut };
}

/**
 * The greedy start: as many groups as seeds allow (experienced towns, those with a published example first, then the
 * strongest), filled by best marginal gain, small groups first.
 */
function greedyStart(G: Grouping, rnd: () => number, hasExample: Uint8Array): void {
  const { n, w, exp, o } = G;
  const jitter = Float64Array.from({ length: n }, () => rnd() * 1e-9);
  const strength = (i: number) => {
    let s = jitter[i];
    for (let j = 0; j < n; j++) s += w[i * n + j];
    return s;
  };
  const seeds = Array.from({ length: n }, (_, i) => i)
    .filter((i) => exp[i])
    .sort((a, b) => hasExample[b] - hasExample[a] || strength(b) - strength(a) || a - b);
  for (const s of seeds.slice(0, G.slots)) G.add(s, G.freeSlot());
  for (;;) {
    let best = -1,
      bestG = -1,
      bestGain = -Infinity;
    for (let i = 0; i < n; i++) {
      if (G.groupOf[i] >= 0) continue;
      for (let g = 0; g < G.slots; g++) {
        if (G.size(g) === 0 || !G.fits(g, i)) continue;
        const v = G.affinity(i, g) + (G.size(g) < o.minSize ? 10 : 0) + jitter[i];
        if (v > bestGain) [bestGain, best, bestG] = [v, i, g];
      }
    }
    if (best < 0) break;
    G.add(best, bestG);
  }
}

/** A randomised start: a random number of groups around random experienced seeds, the other towns in random order where they add most. */
function randomStart(G: Grouping, rnd: () => number): void {
  const order = shuffle(
    Array.from({ length: G.n }, (_, i) => i),
    rnd,
  );
  const seeds = order.filter((i) => G.exp[i]);
  const count = 1 + Math.floor(rnd() * Math.min(seeds.length, G.slots));
  for (const s of seeds.slice(0, count)) G.add(s, G.freeSlot());
  for (const i of order) {
    if (G.groupOf[i] >= 0) continue;
    let best = -1,
      bestV = -Infinity;
    for (let g = 0; g < G.slots; g++) {
      if (G.size(g) === 0 || !G.fits(g, i)) continue;
      if (G.affinity(i, g) > bestV) [bestV, best] = [G.affinity(i, g), g];
    }
    if (best >= 0) G.add(i, best);
  }
}

/** Town i's best improving move or swap, applied; true if one was found. */
function improveTown(G: Grouping, i: number): boolean {
  const A = G.groupOf[i];
  if (A < 0) return false;
  const { n, w } = G;
  let bestDelta = EPS,
    kind = 0,
    target = -1;
  const leave = G.affinity(i, A);
  if (G.canGive(A, i)) {
    for (let B = 0; B < G.slots; B++) {
      if (B === A || G.size(B) === 0 || !G.fits(B, i)) continue;
      const d = G.affinity(i, B) - leave;
      if (d > bestDelta) [bestDelta, kind, target] = [d, 1, B];
    }
  }
  for (let j = 0; j < n; j++) {
    const B = G.groupOf[j];
    if (j === i || B === A) continue;
    // j takes i's place in A: A's states and experience must still hold.
    if (!G.stateFree(A, j, i) || G.expIn(A) - G.exp[i] + G.exp[j] <= 0) continue;
    const wij = w[i * n + j];
    let d = G.affinity(j, A) - wij - leave;
    if (B >= 0) {
      if (!G.stateFree(B, i, j) || G.expIn(B) - G.exp[j] + G.exp[i] <= 0) continue;
      d += G.affinity(i, B) - wij - G.affinity(j, B);
    }
    if (d > bestDelta) [bestDelta, kind, target] = [d, 2, j];
  }
  if (kind === 0) return false;
  if (kind === 1) {
    G.remove(i);
    G.add(i, target);
    return true;
  }
  const j = target,
    B = G.groupOf[j];
  G.remove(i);
  if (B >= 0) G.remove(j);
  G.add(j, A);
  if (B >= 0) G.add(i, B);
  return true;
}

/** Dissolves group g into the other groups (each member where it adds most) if all fit and the sum rises. */
function dissolve(G: Grouping, g: number): boolean {
  const members = [...G.members[g]];
  const before = G.total(g);
  const moved: number[] = [];
  let gain = 0;
  for (const i of members) G.remove(i);
  for (const i of members) {
    let best = -1,
      bestV = -Infinity;
    for (let B = 0; B < G.slots; B++) {
      if (B === g || G.size(B) === 0 || !G.fits(B, i)) continue;
      const v = G.affinity(i, B);
      if (v > bestV) [bestV, best] = [v, B];
    }
    if (best < 0) break;
    gain += bestV;
    G.add(i, best);
    moved.push(i);
  }
  if (moved.length === members.length && gain > before + EPS) return true;
  for (const i of moved) G.remove(i);
  for (const i of members) G.add(i, g);
  return false;
}

/**
 * Placement until nothing changes: every unplaced town into the group where it adds most and fits; then a new
 * group from unplaced towns (an experienced one first, then the best-fitting towns of new states), topped up by
 * towns that other groups can spare. True if anything changed.
 */
function place(G: Grouping, rnd: () => number): boolean {
  let changed = false;
  for (let again = true; again;) {
    again = false;
    const unplaced = shuffle(
      Array.from({ length: G.n }, (_, i) => i).filter((i) => G.groupOf[i] < 0),
      rnd,
    );
    for (const i of unplaced) {
      let best = -1,
        bestV = -Infinity;
      for (let g = 0; g < G.slots; g++) {
        if (G.size(g) === 0 || !G.fits(g, i)) continue;
        if (G.affinity(i, g) > bestV) [bestV, best] = [G.affinity(i, g), g];
      }
      if (best >= 0) {
        G.add(i, best);
        again = changed = true;
      }
    }
    if (!again && openGroup(G)) again = changed = true;
  }
  return changed;
}

/** Opens one valid new group from unplaced towns (and towns other groups can spare); false if none can be formed. */
function openGroup(G: Grouping): boolean {
  const g = G.freeSlot();
  if (g < 0) return false;
  const unplaced = Array.from({ length: G.n }, (_, i) => i).filter((i) => G.groupOf[i] < 0);
  // Spare towns: members whose group stays valid without them (checked again when taken).
  const spare = Array.from({ length: G.n }, (_, i) => i).filter((i) => G.groupOf[i] >= 0 && G.canGive(G.groupOf[i], i));
  const seeds = [...unplaced.filter((i) => G.exp[i]), ...spare.filter((i) => G.exp[i])];
  for (const seed of seeds) {
    const taken: [number, number][] = []; // [town, its former group or −1]
    const take = (i: number) => {
      const from = G.groupOf[i];
      if (from >= 0) G.remove(i);
      G.add(i, g);
      taken.push([i, from]);
    };
    if (G.groupOf[seed] >= 0 && !G.canGive(G.groupOf[seed], seed)) continue;
    take(seed);
    for (const pool of [unplaced, spare]) {
      while (G.size(g) < G.o.maxSize && (pool === unplaced || G.size(g) < G.o.minSize)) {
        let best = -1,
          bestV = -Infinity;
        for (const i of pool) {
          if (G.groupOf[i] === g || !G.stateFree(g, i)) continue;
          if (G.groupOf[i] >= 0 && !G.canGive(G.groupOf[i], i)) continue;
          const v = G.affinity(i, g) - (G.groupOf[i] >= 0 ? G.affinity(i, G.groupOf[i]) : 0);
          if (v > bestV) [bestV, best] = [v, i];
        }
        if (best < 0) break;
        take(best);
      }
    }
    // Only a group that places someone counts (so placement ends: each success places at least one town).
    if (G.valid(g) && taken.some(([, from]) => from < 0)) return true;
    for (const [i, from] of taken.reverse()) {
      G.remove(i);
      if (from >= 0) G.add(i, from);
    }
  }
  return false;
}

/** Why town i is not in any group: the reason that holds for it (checked by the property tests). */
function leftOutReason(G: Grouping, cand: readonly MatchTown[], i: number, unplaced: number[], stateCount: number): string {
  const { o } = G;
  const n = cand.length;
  const expTotal = G.exp.reduce((s, e) => s + e, 0);
  const groups = Array.from({ length: G.slots }, (_, g) => g).filter((g) => G.size(g) > 0);
  if (!groups.length) {
    if (expTotal === 0) return 'Keine Kommune mit Erfahrung in diesem Thema: ohne sie entsteht keine Gruppe.';
    if (n < o.minSize)
      return `Zu wenige Kommunen für eine Gruppe: ${n} arbeiten an diesem Thema, eine Gruppe braucht mindestens ${o.minSize}.`;
    if (o.distinctStates && stateCount < o.minSize) {
      return `Die ${n} Kommunen zu diesem Thema kommen aus nur ${stateCount} Bundesländern; eine Gruppe braucht mindestens ${o.minSize} Kommunen aus verschiedenen Bundesländern.`;
    }
    // Not reached: placement opens a group whenever one can be formed.
    return 'Es lässt sich keine Gruppe bilden, die alle Regeln erfüllt.';
  }
  const full = groups.every((g) => G.size(g) >= o.maxSize);
  const sameState = groups.every((g) => !G.stateFree(g, i));
  const stateName = cand[i].stateName;
  const here = full
    ? `Alle Gruppen sind voll (je ${o.maxSize} Kommunen)`
    : sameState
      ? `Jede Gruppe hat bereits eine Kommune aus ${stateName}`
      : `Jede Gruppe ist voll (${o.maxSize} Kommunen) oder hat bereits eine Kommune aus ${stateName}`;
  const why = unplaced.some((x) => G.exp[x])
    ? o.distinctStates
      ? `für eine weitere Gruppe bleiben zu wenige Kommunen aus verschiedenen Bundesländern übrig (mindestens ${o.minSize})`
      : `für eine weitere Gruppe bleiben zu wenige Kommunen übrig (mindestens ${o.minSize})`
    : 'für eine weitere Gruppe fehlt eine nicht zugeordnete Kommune mit Erfahrung in diesem Thema';
  return `${here}; ${why}.`;
}
