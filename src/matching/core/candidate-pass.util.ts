import { MatchTown } from './matching-input.types';
import { density, DENSITY_SPAN, effectivePopulation, haversineKm, ScoringContext, SIZE_SPAN, unmetShare, urgencyOf } from './score.util';

/**
 * Candidate lists: for every town its best `m` partners by score (ties towards the lower index), with the
 * excluded pairs left out. Row slices [from, to) of the pair triangle can run on separate threads and be merged.
 */
export interface Candidates {
  partner: Int32Array;
  score: Float64Array;
  count: Int32Array;
}

/** Most topics a run may use: masks are two 32-bit words. */
export const MAX_TOPICS = 64;

/** Per-town numbers for the hot loop: topic masks as two 32-bit words (cAny: challenges), logs, state index. */
interface Features {
  n: number;
  tLo: Int32Array; tHi: Int32Array; eLo: Int32Array; eHi: Int32Array;
  cAnyLo: Int32Array; cAnyHi: Int32Array;
  idfOwn: Float64Array; lnP: Float64Array; lnD: Float64Array; deg: Int8Array; state: Int32Array;
  lat: Float64Array; lon: Float64Array; hasGeo: Uint8Array;
  /** IDF sum of a mask: three 11-bit lookup tables per word (low word 0..2, high word 3..5). */
  idf: Float64Array[];
  /** unmetShare(c1, c2, c3) at [(c1·K + c2)·K + c3]. */
  unmet: Float64Array;
  K: number;
  /** inc[i·64 + topic]: what a matched challenge of town i on that topic adds to the unmet-table index (K², K or 1 by urgency). */
  inc: Int32Array;
  /** 1 − unmetShare of all the town's challenges: the most one complement direction can reach. */
  capC: Float64Array;
}

function buildFeatures(ctx: ScoringContext, towns: readonly MatchTown[]): Features {
  const n = towns.length;
  const topics = [...new Set(towns.flatMap((t) => [...t.topics, ...t.challenges.map((c) => c.topic), ...t.experiences.map((e) => e.topic)]))];
  if (topics.length > MAX_TOPICS) throw new Error(`the candidate pass supports up to ${MAX_TOPICS} topics, got ${topics.length}`);
  const bit = new Map(topics.map((t, i) => [t, i]));
  const idf = [0, 1, 2, 3, 4, 5].map((chunk) => {
    const tab = new Float64Array(2048);
    const offset = (chunk % 3) * 11 + (chunk >= 3 ? 32 : 0);
    for (let v = 1; v < 2048; v++) {
      const low = v & -v;
      const b = 31 - Math.clz32(low) + offset;
      // The IDF values are dyadic (see idfOf), so these sums are exact in any order, like the pair function's.
      tab[v] = tab[v ^ low] + (b < topics.length && (chunk % 3 < 2 || b - offset < 10) ? ctx.idf.get(topics[b]) ?? 0 : 0);
    }
    return tab;
  });
  const f: Features = {
    n, idf, K: 0, unmet: new Float64Array(0), inc: new Int32Array(n * 64), capC: new Float64Array(n),
    tLo: new Int32Array(n), tHi: new Int32Array(n), eLo: new Int32Array(n), eHi: new Int32Array(n),
    cAnyLo: new Int32Array(n), cAnyHi: new Int32Array(n),
    idfOwn: new Float64Array(n), lnP: new Float64Array(n), lnD: new Float64Array(n), deg: new Int8Array(n), state: new Int32Array(n),
    lat: new Float64Array(n), lon: new Float64Array(n), hasGeo: new Uint8Array(n),
  };
  const stateIdx = new Map<string, number>();
  let maxChallenges = 0;
  const setBit = (lo: Int32Array, hi: Int32Array, i: number, topic: string) => {
    const b = bit.get(topic)!;
    if (b < 32) lo[i] |= 1 << b;
    else hi[i] |= 1 << (b - 32);
  };
  const urgencies: [number, number][][] = [];
  towns.forEach((t, i) => {
    for (const topic of t.topics) setBit(f.tLo, f.tHi, i, topic);
    for (const e of t.experiences) setBit(f.eLo, f.eHi, i, e.topic);
    const urg = new Map<string, number>();
    for (const c of t.challenges) urg.set(c.topic, Math.max(urg.get(c.topic) ?? 0, urgencyOf(c.urgency)));
    maxChallenges = Math.max(maxChallenges, urg.size);
    urgencies.push([...urg].map(([topic, u]) => [bit.get(topic)!, u]));
    for (const [topic, u] of urg) {
      setBit(f.cAnyLo, f.cAnyHi, i, topic);
    }
    f.idfOwn[i] = idfSum(f.idf, f.tLo[i], f.tHi[i]);
    f.lnP[i] = Math.log(effectivePopulation(t));
    f.lnD[i] = Math.log(density(t));
    f.deg[i] = t.degurba ?? 0;
    f.state[i] = stateIdx.get(t.stateCode) ?? (stateIdx.set(t.stateCode, stateIdx.size), stateIdx.size - 1);
    if (t.lat != null && t.lon != null) {
      f.lat[i] = t.lat;
      f.lon[i] = t.lon;
      f.hasGeo[i] = 1;
    }
  });
  const K = (f.K = maxChallenges + 1);
  f.unmet = new Float64Array(K * K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) for (let c = 0; c < K; c++) f.unmet[(a * K + b) * K + c] = unmetShare(a, b, c);
  urgencies.forEach((list, i) => {
    const c = [0, 0, 0, 0];
    for (const [b, u] of list) {
      f.inc[i * 64 + b] = u === 1 ? K * K : u === 2 ? K : 1;
      c[u]++;
    }
    f.capC[i] = 1 - unmetShare(c[1], c[2], c[3]);
  });
  return f;
}

const idfSum = (tab: Float64Array[], lo: number, hi: number) =>
  tab[0][lo & 2047] + tab[1][(lo >>> 11) & 2047] + tab[2][lo >>> 22] + tab[3][hi & 2047] + tab[4][(hi >>> 11) & 2047] + tab[5][hi >>> 22];

export function candidateLists(ctx: ScoringContext, towns: readonly MatchTown[], m: number, excluded: Set<number>, rows = { from: 0, to: towns.length }): Candidates {
  const n = towns.length;
  const out: Candidates = { partner: new Int32Array(n * m).fill(-1), score: new Float64Array(n * m).fill(-1), count: new Int32Array(n) };
  if (n < 2 || m < 1) return out;
  const order = rowOrder(towns);
  scanRows(buildFeatures(ctx, order.map((i) => towns[i])), Int32Array.from(order), ctx, m, excluded, rows.from, rows.to, out);
  return out;
}

/**
 * Rows in order of how good a partner a town tends to be (experience on topics others struggle with, and
 * the reverse): the lists then fill with strong partners early, their thresholds rise fast and the bound in
 * scanRows skips most later pairs. Results do not depend on the order (ties go to the lower original index).
 */
export function rowOrder(towns: readonly MatchTown[]): number[] {
  const challenged = new Map<string, number>(), experienced = new Map<string, number>();
  for (const t of towns) {
    for (const c of t.challenges) challenged.set(c.topic, (challenged.get(c.topic) ?? 0) + 1);
    for (const e of t.experiences) experienced.set(e.topic, (experienced.get(e.topic) ?? 0) + 1);
  }
  const potential = towns.map((t) =>
    t.experiences.reduce((s, e) => s + (challenged.get(e.topic) ?? 0), 0) + t.challenges.reduce((s, c) => s + (experienced.get(c.topic) ?? 0), 0));
  return towns.map((_, i) => i).sort((a, b) => potential[b] - potential[a] || a - b);
}

/**
 * The hot loop: every pair (i, j), i in [from, to), j > i, scored with the same formulas and the same order of
 * additions as scorePair (score.util.ts), so the numbers are bit-identical. Everything is a local typed array or
 * a small integer; no closures returning doubles, which would allocate a heap number per pair.
 */
function scanRows(f: Features, orig: Int32Array, ctx: ScoringContext, m: number, excluded: Set<number>, from: number, to: number, out: Candidates): void {
  const { n, tLo, tHi, eLo, eHi, cAnyLo, cAnyHi, inc, capC, idfOwn, lnP, lnD, deg, state, lat, lon, hasGeo, unmet } = f;
  const [A0, A1, A2, B0, B1, B2] = f.idf;
  const w = ctx.weights;
  const wS = w.sharedTopics, wC = w.complement, wZ = w.size, wSit = w.situation, wO = w.otherState, wD = w.distance;
  const near = ctx.raw.distancePreference === 'near' && wD > 0;
  const nearKm = ctx.raw.nearKm;
  const wDmax = near ? wD : 0;
  const sizeSpan = SIZE_SPAN, densSpan = DENSITY_SPAN;
  const { partner, score, count } = out;
  const minScore = new Float64Array(n).fill(-1);
  const hasExcluded = excluded.size > 0;

  for (let i = from; i < to; i++) {
    const tl = tLo[i], th = tHi[i], own = idfOwn[i], lp = lnP[i], ld = lnD[i], di = deg[i], si = state[i];
    const cal = cAnyLo[i], cah = cAnyHi[i], xl = eLo[i], xh = eHi[i], ib = i * 64;
    const gi = hasGeo[i] === 1, lati = lat[i], loni = lon[i];
    for (let j = i + 1; j < n; j++) {
      const el = eLo[j], eh = eHi[j];
      const abHit = (cal & el) | (cah & eh), baHit = (cAnyLo[j] & xl) | (cAnyHi[j] & xh);
      const il = tl & tLo[j], ih = th & tHi[j];
      const dz = lp - lnP[j];
      const size = 1 - (dz < 0 ? -dz : dz) / sizeSpan;
      const other = si !== state[j];
      // Upper bounds (every similarity ≤ 1): most pairs cannot enter either town's top-m list and are skipped
      // here, first on bits alone, then with the exact complement and shared topics.
      const thr = minScore[i] < minScore[j] ? minScore[i] : minScore[j];
      let rest = wSit + wDmax;
      if (size > 0) rest += wZ * size;
      if (other) rest += wO;
      if (thr > 0) {
        // A direction's complement is at most what answering all of the town's challenges would give.
        const abMax = abHit !== 0 ? capC[i] : 0, baMax = baHit !== 0 ? capC[j] : 0;
        let ub = rest + wC * (0.75 * (abMax > baMax ? abMax : baMax) + 0.25 * (abMax < baMax ? abMax : baMax));
        if ((il | ih) !== 0) {
          const oj = idfOwn[j];
          ub += wS * (own < oj ? own / oj : oj / own); // shared ≤ smaller own IDF sum / larger one
        }
        if (ub < thr - 1e-9) continue;
      }
      let s = 0;
      if ((abHit | baHit) !== 0) {
        let ab = 0, ba = 0;
        if (abHit !== 0) {
          let code = 0;
          for (let x = cal & el; x !== 0; x &= x - 1) code += inc[ib + 31 - Math.clz32(x & -x)];
          for (let x = cah & eh; x !== 0; x &= x - 1) code += inc[ib + 63 - Math.clz32(x & -x)];
          ab = 1 - unmet[code];
        }
        if (baHit !== 0) {
          const jb = j * 64;
          let code = 0;
          for (let x = cAnyLo[j] & xl; x !== 0; x &= x - 1) code += inc[jb + 31 - Math.clz32(x & -x)];
          for (let x = cAnyHi[j] & xh; x !== 0; x &= x - 1) code += inc[jb + 63 - Math.clz32(x & -x)];
          ba = 1 - unmet[code];
        }
        s = wC * (0.75 * (ab > ba ? ab : ba) + 0.25 * (ab < ba ? ab : ba));
      }
      if ((il | ih) !== 0) {
        const inter = A0[il & 2047] + A1[(il >>> 11) & 2047] + A2[il >>> 22] + B0[ih & 2047] + B1[(ih >>> 11) & 2047] + B2[ih >>> 22];
        s += wS * (inter / (own + idfOwn[j] - inter));
      }
      if (thr > 0 && s + rest < thr - 1e-9) continue;
      if (size > 0) s += wZ * size;
      const dd = (ld - lnD[j]) / densSpan;
      const ad = dd < 0 ? -dd : dd;
      const dens = 1 - (ad < 1 ? ad : 1);
      const dj = deg[j];
      let sit = dens;
      if (di > 0 && dj > 0) {
        const dg = di - dj;
        sit = (dens + (1 - (dg < 0 ? -dg : dg) / 2)) / 2;
      }
      s += wSit * sit;
      if (other) s += wO;
      if (near && gi && hasGeo[j] === 1) {
        const d = 1 - haversineKm(lati, loni, lat[j], lon[j]) / nearKm;
        if (d > 0) s += wD * d;
      }
      // >=: an equal score can still win on the lower original index (heapPush decides).
      const beatsI = s >= minScore[i];
      const beatsJ = s >= minScore[j];
      if (beatsI || beatsJ) {
        const oi = orig[i], oj = orig[j];
        if (hasExcluded && excluded.has(oi < oj ? oi * n + oj : oj * n + oi)) continue;
        if (beatsI) minScore[i] = heapPush(score, partner, count, oi * m, m, oi, oj, s);
        if (beatsJ) minScore[j] = heapPush(score, partner, count, oj * m, m, oj, oi, s);
      }
    }
  }
}

/** Fixed-size min-heap per town at [base, base+m): returns the new threshold (-1 while not full). */
function heapPush(score: Float64Array, partner: Int32Array, count: Int32Array, base: number, m: number, i: number, j: number, s: number): number {
  let c = count[i];
  if (c < m) {
    let x = c;
    count[i] = ++c;
    // sift up
    while (x > 0) {
      const p = (x - 1) >> 1;
      const ps = score[base + p];
      if (!(s < ps || (s === ps && j > partner[base + p]))) break;
      score[base + x] = ps;
      partner[base + x] = partner[base + p];
      x = p;
    }
    score[base + x] = s;
    partner[base + x] = j;
    return c === m ? score[base] : -1;
  }
  // Full: replace the root if (s, j) beats it (higher score, or equal score and lower index).
  if (s < score[base] || (s === score[base] && j > partner[base])) return score[base];
  let x = 0;
  for (;;) {
    const l = 2 * x + 1;
    if (l >= m) break;
    let c2 = l;
    const r = l + 1;
    if (r < m && (score[base + r] < score[base + l] || (score[base + r] === score[base + l] && partner[base + r] > partner[base + l]))) c2 = r;
    const cs = score[base + c2];
    if (!(cs < s || (cs === s && partner[base + c2] > j))) break;
    score[base + x] = cs;
    partner[base + x] = partner[base + c2];
    x = c2;
  }
  score[base + x] = s;
  partner[base + x] = j;
  return score[base];
}
