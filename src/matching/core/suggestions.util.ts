import { MatchTown, ScoreComponent } from './matching-input.types';
import { density, DENSITY_SPAN, effectivePopulation, haversineKm, ScoringContext, scorePair, SIZE_SPAN, URGENCY_FACTOR } from './score.util';

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

function popcount(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

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
 * Candidate lists: for every town its best `m` partners by score (ties by index), with the hard rules applied.
 * Typed arrays, topic bitmasks and IDF lookup tables: one pass over the n(n-1)/2 pairs.
 */
export interface Candidates {
  partner: Int32Array;
  score: Float64Array;
  count: Int32Array;
}

export function candidateLists(ctx: ScoringContext, towns: readonly MatchTown[], m: number, excluded: Set<number>, rows = { from: 0, to: towns.length }): Candidates {
  const n = towns.length;
  const topics = [...new Set(towns.flatMap((t) => [...t.topics, ...t.challenges.map((c) => c.topic), ...t.experiences.map((e) => e.topic)]))];
  if (topics.length > 33) throw new Error('the fast path supports up to 33 topics');
  const bit = new Map(topics.map((t, i) => [t, i]));
  const mask = (list: string[]) => list.reduce((acc, t) => acc | (2 ** bit.get(t)!), 0);
  // IDF sum of a mask via three 11-bit lookup tables.
  const tables = [0, 1, 2].map((chunk) => {
    const tab = new Float64Array(2048);
    for (let v = 1; v < 2048; v++) {
      const low = v & -v;
      const b = 31 - Math.clz32(low) + chunk * 11;
      tab[v] = tab[v ^ low] + (b < topics.length ? ctx.idf.get(topics[b]) ?? 0 : 0);
    }
    return tab;
  });
  const T0 = tables[0], T1 = tables[1], T2 = tables[2];
  const idfSum = (lo: number, hi: number) => T0[lo & 2047] + T1[(lo >>> 11) & 2047] + T2[((lo >>> 22) | (hi << 10)) & 2047];

  // Masks split into a low 32-bit word and a high word (topics 32, 33).
  const tLo = new Int32Array(n), tHi = new Int32Array(n), eLo = new Int32Array(n), eHi = new Int32Array(n);
  const cLo = [new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  const cHi = [new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  const cAnyLo = new Int32Array(n), cAnyHi = new Int32Array(n);
  const idfOwn = new Float64Array(n), lnP = new Float64Array(n), lnD = new Float64Array(n), deg = new Int8Array(n), state = new Int32Array(n);
  const lat = new Float64Array(n), lon = new Float64Array(n), hasGeo = new Uint8Array(n);
  const split = (v: number) => [v % 2 ** 32 | 0, Math.floor(v / 2 ** 32)];
  const stateIdx = new Map<string, number>();
  towns.forEach((t, i) => {
    [tLo[i], tHi[i]] = split(mask([...new Set(t.topics)]));
    [eLo[i], eHi[i]] = split(mask(t.experiences.map((e) => e.topic)));
    const urg = new Map<string, number>();
    for (const c of t.challenges) urg.set(c.topic, Math.max(urg.get(c.topic) ?? 0, c.urgency));
    for (const [topic, u] of urg) {
      const [lo, hi] = split(2 ** bit.get(topic)!);
      cLo[u][i] |= lo;
      cHi[u][i] |= hi;
      cAnyLo[i] |= lo;
      cAnyHi[i] |= hi;
    }
    idfOwn[i] = idfSum(tLo[i], tHi[i]);
    lnP[i] = Math.log(effectivePopulation(t));
    lnD[i] = Math.log(density(t));
    deg[i] = t.degurba ?? 0;
    state[i] = stateIdx.get(t.stateCode) ?? (stateIdx.set(t.stateCode, stateIdx.size), stateIdx.size - 1);
    if (t.lat != null && t.lon != null) {
      lat[i] = t.lat;
      lon[i] = t.lon;
      hasGeo[i] = 1;
    }
  });
  const invSize = 1 / SIZE_SPAN, invDens = 1 / DENSITY_SPAN; // locals: module-level lookups in the hot loop cost
  const w = ctx.weights;
  const wS = w.sharedTopics, wC = w.complement, wZ = w.size, wSit = w.situation, wO = w.otherState, wD = w.distance;
  const near = ctx.raw.distancePreference === 'near' && wD > 0;
  const nearKm = ctx.raw.nearKm;
  // unmet = f1^c1 · f2^c2 · f3^c3 from a table, computed in the same order as scorePair, so results are identical.
  const K = topics.length + 1;
  const unmetTable = new Float64Array(K * K * K);
  for (let c1 = 0; c1 < K; c1++) {
    for (let c2 = 0; c2 < K; c2++) {
      for (let c3 = 0; c3 < K; c3++) {
        let unmet = 1;
        for (const [u, c] of [[1, c1], [2, c2], [3, c3]]) if (c) unmet *= URGENCY_FACTOR[u] ** c;
        unmetTable[(c1 * K + c2) * K + c3] = unmet;
      }
    }
  }
  const c1Lo = cLo[1], c2Lo = cLo[2], c3Lo = cLo[3], c1Hi = cHi[1], c2Hi = cHi[2], c3Hi = cHi[3];
  const dirComplement = (a: number, b: number) => {
    const lo = eLo[b], hi = eHi[b];
    const x1 = popcount(c1Lo[a] & lo) + (hi ? popcount(c1Hi[a] & hi) : 0);
    const x2 = popcount(c2Lo[a] & lo) + (hi ? popcount(c2Hi[a] & hi) : 0);
    const x3 = popcount(c3Lo[a] & lo) + (hi ? popcount(c3Hi[a] & hi) : 0);
    return 1 - unmetTable[(x1 * K + x2) * K + x3];
  };

  const partner = new Int32Array(n * m).fill(-1);
  const score = new Float64Array(n * m).fill(-1);
  const count = new Int32Array(n);
  const minScore = new Float64Array(n).fill(-1);
  // Min-heap per town in score[i*m .. i*m+m); ties broken towards the lower partner index.
  const less = (base: number, x: number, y: number) => score[base + x] < score[base + y] || (score[base + x] === score[base + y] && partner[base + x] > partner[base + y]);
  const push = (i: number, j: number, s: number) => {
    const base = i * m;
    let c = count[i];
    if (c < m) {
      score[base + c] = s;
      partner[base + c] = j;
      count[i] = ++c;
      let x = c - 1;
      while (x > 0) {
        const p = (x - 1) >> 1;
        if (!less(base, x, p)) break;
        swap(base, x, p);
        x = p;
      }
      if (c === m) minScore[i] = score[base];
      return;
    }
    if (s < score[base] || (s === score[base] && j > partner[base])) return;
    score[base] = s;
    partner[base] = j;
    let x = 0;
    for (;;) {
      const l = 2 * x + 1, r = l + 1;
      let sm = x;
      if (l < m && less(base, l, sm)) sm = l;
      if (r < m && less(base, r, sm)) sm = r;
      if (sm === x) break;
      swap(base, x, sm);
      x = sm;
    }
    minScore[i] = score[base];
  };
  const swap = (base: number, x: number, y: number) => {
    const s = score[base + x], p = partner[base + x];
    score[base + x] = score[base + y];
    partner[base + x] = partner[base + y];
    score[base + y] = s;
    partner[base + y] = p;
  };

  for (let i = rows.from; i < rows.to; i++) {
    const tLi = tLo[i], tHi_ = tHi[i], own = idfOwn[i], lp = lnP[i], ld = lnD[i], di = deg[i], si = state[i];
    const caLo = cAnyLo[i], caHi = cAnyHi[i], exLo = eLo[i], exHi = eHi[i];
    for (let j = i + 1; j < n; j++) {
      // Same formulas as scorePair (score.util.ts), on precomputed numbers.
      let s = 0;
      const interLo = tLi & tLo[j], interHi = tHi_ & tHi[j];
      if (interLo | interHi) {
        const inter = idfSum(interLo, interHi);
        s += (wS * inter) / (own + idfOwn[j] - inter);
      }
      if ((caLo & eLo[j]) | (caHi & eHi[j]) | (cAnyLo[j] & exLo) | (cAnyHi[j] & exHi)) {
        const ab = dirComplement(i, j), ba = dirComplement(j, i);
        s += wC * (ab > ba ? 0.75 * ab + 0.25 * ba : 0.75 * ba + 0.25 * ab); // complementSimilarity, inlined
      }
      const dz = lp - lnP[j];
      const size = 1 - (dz < 0 ? -dz : dz) * invSize;
      if (size > 0) s += wZ * size;
      const dd = (ld - lnD[j]) * invDens;
      const dens = dd >= 1 || dd <= -1 ? 0 : 1 - (dd < 0 ? -dd : dd);
      const dj = deg[j];
      s += wSit * (di > 0 && dj > 0 ? (dens + (1 - Math.abs(di - dj) / 2)) / 2 : dens);
      if (si !== state[j]) s += wO;
      if (near && hasGeo[i] && hasGeo[j]) {
        const d = 1 - haversineKm(lat[i], lon[i], lat[j], lon[j]) / nearKm;
        if (d > 0) s += wD * d;
      }
      const beatsI = s > minScore[i];
      const beatsJ = s > minScore[j];
      if ((beatsI || beatsJ) && !excluded.has(i * n + j)) {
        if (beatsI) push(i, j, s);
        if (beatsJ) push(j, i, s);
      }
    }
  }
  return { partner, score, count };
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

/** Two candidate sets over disjoint pairs → the best m per town of both (same order as one pass would give). */
export function mergeCandidates(a: Candidates, b: Candidates, m: number): Candidates {
  const n = a.count.length;
  const out: Candidates = { partner: new Int32Array(n * m).fill(-1), score: new Float64Array(n * m).fill(-1), count: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const base = i * m;
    const all: [number, number][] = [];
    for (let x = 0; x < a.count[i]; x++) all.push([a.score[base + x], a.partner[base + x]]);
    for (let x = 0; x < b.count[i]; x++) all.push([b.score[base + x], b.partner[base + x]]);
    all.sort((p, q) => q[0] - p[0] || p[1] - q[1]);
    const keep = Math.min(m, all.length);
    for (let x = 0; x < keep; x++) {
      out.score[base + x] = all[x][0];
      out.partner[base + x] = all[x][1];
    }
    out.count[i] = keep;
  }
  return out;
}

/** Picks the suggestions from the candidate lists under the exposure cap (see suggestPartners). */
export function assignSuggestions(ctx: ScoringContext, towns: readonly MatchTown[], rules: SuggestionRules, k: number, m: number, excluded: Set<number>, cand: Candidates): SuggestionResult {
  const n = towns.length;
  // Sort each candidate list best first.
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    const base = i * m;
    const idx = Array.from({ length: cand.count[i] }, (_, x) => x);
    idx.sort((x, y) => cand.score[base + y] - cand.score[base + x] || cand.partner[base + x] - cand.partner[base + y]);
    lists.push(idx.map((x) => cand.partner[base + x]));
  }
  const exposure = new Int32Array(n);
  const chosen: number[][] = Array.from({ length: n }, () => []);
  const cursor = new Int32Array(n);
  const taken = (i: number, j: number) => chosen[i].includes(j);
  for (let rank = 0; rank < k; rank++) {
    for (let i = 0; i < n; i++) {
      const list = lists[i];
      let picked = -1;
      while (cursor[i] < list.length) {
        const j = list[cursor[i]++];
        if (exposure[j] < rules.exposureCap && !taken(i, j)) {
          picked = j;
          break;
        }
      }
      if (picked < 0 && rank === 0) picked = bestUncapped(ctx, towns, i, exposure, rules.exposureCap, excluded);
      if (picked >= 0) {
        chosen[i].push(picked);
        exposure[picked]++;
      }
    }
  }
  const suggestions: Suggestion[] = [];
  const uncovered: string[] = [];
  chosen.forEach((partners, i) => {
    if (!partners.length && n > 1) uncovered.push(towns[i].id);
    const scored = partners.map((j) => ({ j, ...scorePair(ctx, towns[i], towns[j]) }));
    scored.sort((x, y) => y.score - x.score || x.j - y.j);
    scored.forEach((s, r) => suggestions.push({ townId: towns[i].id, partnerId: towns[s.j].id, rank: r + 1, score: s.score, components: s.components }));
  });
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
