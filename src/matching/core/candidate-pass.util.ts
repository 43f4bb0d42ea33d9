import { MatchTown } from './matching-input.types';
import { density, DENSITY_SPAN, effectivePopulation, haversineKm, ScoringContext, SIZE_SPAN, unmetShare, urgencyOf } from './score.util';

/**
 * Candidate lists: for every town its best `m` partners by score (ties towards the lower index), with the
 * excluded pairs left out; town i's list at [i·m, i·m + count[i]), in no particular order.
 */
export interface Candidates {
  partner: Int32Array;
  score: Float64Array;
  count: Int32Array;
}

/** Most topics a run may use: masks are two 32-bit words. */
export const MAX_TOPICS = 64;

/**
 * Everything the pair loop reads, built once per run from the towns and the weights; only typed arrays and
 * numbers, so it can be posted to worker threads as it is.
 * Per-town numbers are packed into one Int32Array and one Float64Array with a fixed stride per town.
 * Why packed: TurboFan re-checks a typed array's map and bounds on its accesses and does not hoist those checks
 * out of the loop; with a dozen separate arrays the pass took about a quarter longer. Fields are the constants
 * below.
 */
export interface PreparedPass {
  n: number;
  /** Row index → the town's index in the input (rows in rowOrder). */
  orig: Int32Array;
  /** The weights as doubles: sharedTopics, complement, size, situation, otherState, distance, distance if 'near' else 0, nearKm, SIZE_SPAN, DENSITY_SPAN. */
  W: Float64Array;
  near: boolean;
  /** Some topic has a bit in the second mask word (more than 32 topics). */
  wide: boolean;
  /** Int32 fields at town·IS: topic, experience and challenge masks (two 32-bit words each), state index, has coordinates. */
  ints: Int32Array;
  /** Float64 fields at town·FS: ln population, ln density, own IDF sum, complement cap, lat, lon, DEGURBA, latitude in 'near' units. */
  floats: Float64Array;
  /** IDF sum of a mask: six 11-bit lookup tables one after the other (low word 0..2, high word 3..5), 2048 entries each. */
  idf: Float64Array;
  /** unmetShare(c1, c2, c3) at [(c1·K + c2)·K + c3]. */
  unmet: Float64Array;
  K: number;
  /**
   * Urgency (1..3, 0: no challenge) of town i's challenge on topic b: two bits at ((b mod 16)·2) of urg[i·4 + ⌊b/16⌋]
   * (16 bytes a town rather than a 64-entry table: less to post to helper threads).
   */
  urg: Int32Array;
  /** What a matched challenge adds to the unmet-table index, by urgency: [0, K², K, 1]. */
  steps: Int32Array;
}

const IS = 8;
const I_TLO = 0, I_THI = 1, I_ELO = 2, I_EHI = 3, I_CLO = 4, I_CHI = 5, I_STATE = 6, I_GEO = 7; // GEO: 1 with coordinates
const FS = 8;
/**
 * F_CAP: 1 − unmetShare of all the town's challenges, the most one complement direction can reach.
 * F_NORTH: with the 'near' preference, the latitude in units of the 'near' distance (0 without coordinates or
 * preference): the great-circle distance is at least the north–south one, so 1 − |F_NORTH_i − F_NORTH_j| bounds the
 * distance similarity.
 */
const F_LNP = 0, F_LND = 1, F_OWN = 2, F_CAP = 3, F_LAT = 4, F_LON = 5, F_DEG = 6, F_NORTH = 7;

function buildFeatures(ctx: ScoringContext, towns: readonly MatchTown[], orig: Int32Array): PreparedPass {
  const n = towns.length;
  // Plain loops, no per-town arrays or maps: this runs on the main thread before any helper can start.
  const bit = new Map<string, number>();
  const addTopic = (topic: string) => {
    if (!bit.has(topic)) bit.set(topic, bit.size);
  };
  for (const t of towns) {
    for (const topic of t.topics) addTopic(topic);
    for (const c of t.challenges) addTopic(c.topic);
    for (const e of t.experiences) addTopic(e.topic);
  }
  const topics = [...bit.keys()];
  if (topics.length > MAX_TOPICS) throw new Error(`the candidate pass supports up to ${MAX_TOPICS} topics, got ${topics.length}`);
  const idf = new Float64Array(6 * 2048);
  for (let chunk = 0; chunk < 6; chunk++) {
    const tab = chunk * 2048;
    const offset = (chunk % 3) * 11 + (chunk >= 3 ? 32 : 0);
    for (let v = 1; v < 2048; v++) {
      const low = v & -v;
      const b = 31 - Math.clz32(low) + offset;
      // The IDF values are dyadic (see idfOf), so these sums are exact in any order, like the pair function's.
      idf[tab + v] = idf[tab + (v ^ low)] + (b < topics.length && (chunk % 3 < 2 || b - offset < 10) ? ctx.idf.get(topics[b]) ?? 0 : 0);
    }
  }
  const ints = new Int32Array(n * IS), floats = new Float64Array(n * FS), urg = new Int32Array(n * 4);
  const w = ctx.weights;
  const near = ctx.raw.distancePreference === 'near' && w.distance > 0;
  const W = Float64Array.of(w.sharedTopics, w.complement, w.size, w.situation, w.otherState, w.distance, near ? w.distance : 0, ctx.raw.nearKm, SIZE_SPAN, DENSITY_SPAN);
  const setBit = (i: number, loField: number, b: number) => {
    if (b < 32) ints[i * IS + loField] |= 1 << b;
    else ints[i * IS + loField + 1] |= 1 << (b - 32);
  };
  const stateIdx = new Map<string, number>();
  let maxChallenges = 0;
  for (let i = 0; i < n; i++) {
    const t = towns[i];
    for (const topic of t.topics) setBit(i, I_TLO, bit.get(topic)!);
    for (const e of t.experiences) setBit(i, I_ELO, bit.get(e.topic)!);
    // A topic's challenge counts once, at its highest urgency.
    let challenges = 0;
    for (const c of t.challenges) {
      const b = bit.get(c.topic)!, u = urgencyOf(c.urgency), word = i * 4 + (b >>> 4), shift = (b & 15) * 2;
      const had = (urg[word] >>> shift) & 3;
      if (had === 0) challenges++;
      if (u > had) urg[word] = (urg[word] & ~(3 << shift)) | (u << shift);
      setBit(i, I_CLO, b);
    }
    maxChallenges = Math.max(maxChallenges, challenges);
    const b = i * IS, fb = i * FS;
    floats[fb + F_OWN] = idfSum(idf, ints[b + I_TLO], ints[b + I_THI]);
    floats[fb + F_LNP] = Math.log(effectivePopulation(t));
    floats[fb + F_LND] = Math.log(density(t));
    ints[b + I_STATE] = stateIdx.get(t.stateCode) ?? (stateIdx.set(t.stateCode, stateIdx.size), stateIdx.size - 1);
    floats[fb + F_DEG] = t.degurba ?? 0;
    if (t.lat != null && t.lon != null) {
      floats[fb + F_LAT] = t.lat;
      floats[fb + F_LON] = t.lon;
      ints[b + I_GEO] = 1;
      // haversineKm's radius, a hair smaller so that rounding cannot push the bound below the computed distance.
      if (near) floats[fb + F_NORTH] = (t.lat * (Math.PI / 180) * 6371 * (1 - 1e-9)) / ctx.raw.nearKm;
    }
  }
  const K = maxChallenges + 1;
  const unmet = new Float64Array(K * K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) for (let c = 0; c < K; c++) unmet[(a * K + b) * K + c] = unmetShare(a, b, c);
  for (let i = 0; i < n; i++) {
    const c = [0, 0, 0, 0];
    for (let word = i * 4; word < i * 4 + 4; word++) for (let x = urg[word]; x !== 0; x >>>= 2) c[x & 3]++;
    floats[i * FS + F_CAP] = 1 - unmetShare(c[1], c[2], c[3]);
  }
  return { n, orig, W, near, wide: topics.length > 32, ints, floats, idf, unmet, K, urg, steps: Int32Array.of(0, K * K, K, 1) };
}

const idfSum = (tab: Float64Array, lo: number, hi: number) =>
  tab[lo & 2047] + tab[2048 + ((lo >>> 11) & 2047)] + tab[4096 + (lo >>> 22)] + tab[6144 + (hi & 2047)] + tab[8192 + ((hi >>> 11) & 2047)] + tab[10240 + (hi >>> 22)];

export function candidateLists(ctx: ScoringContext, towns: readonly MatchTown[], m: number, excluded: Set<number>): Candidates {
  return scanPass(preparePass(ctx, towns), m, excluded, { from: 0, to: towns.length });
}

/** The towns' numbers in row order (see rowOrder), for scanPass. */
export function preparePass(ctx: ScoringContext, towns: readonly MatchTown[]): PreparedPass {
  const order = rowOrder(towns);
  return buildFeatures(ctx, order.map((i) => towns[i]), Int32Array.from(order));
}

/**
 * The lists and thresholds of a pass, and which rows are still to scan. One thread uses plain arrays; several
 * threads (parallel-candidates.util.ts) share one SharedPass on SharedArrayBuffers: they claim blocks of rows
 * from `rows` with Atomics.add (a thread that runs faster, or starts earlier, takes more), push into the same
 * lists under a per-town lock and so prune with the same thresholds as one thread would.
 * `floors[t]`: row t's threshold (the m-th best score in its list, −1 while the list is not full) as fixed point
 * ·2^30 rounded down, read without a lock: Int32 reads cannot tear, and a stale value is lower, so it only lets
 * more pairs through to the exact check; the lists themselves are only touched under the lock.
 */
export interface SharedPass {
  /** [next row to claim, end of the rows to claim]. */
  rows: Int32Array;
  floors: Int32Array;
  locks: Int32Array;
  out: Candidates;
}

export function sharedPass(n: number, m: number): SharedPass {
  const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
  const rows = new Int32Array(sab(8));
  rows[1] = n;
  return {
    rows,
    floors: new Int32Array(sab(4 * n)).fill(-FIXED_ONE),
    locks: new Int32Array(sab(4 * n)),
    out: { partner: new Int32Array(sab(4 * n * m)).fill(-1), score: new Float64Array(sab(8 * n * m)).fill(-1), count: new Int32Array(sab(4 * n)) },
  };
}

const FIXED_ONE = 2 ** 30;
/** Rows per claim when threads share a pass: short enough to balance, long enough that claiming costs nothing. */
const ROW_BLOCK = 8;

/**
 * The best m partners per town among the pairs (i, j), j > i, of the given rows: a range of rows (returns new
 * lists), or the rows this thread claims from a SharedPass (returns its shared lists; complete once every thread
 * sharing it has returned).
 */
export function scanPass(prep: PreparedPass, m: number, excluded: Set<number>, rows: { from: number; to: number } | SharedPass): Candidates {
  const n = prep.n;
  const shared = 'locks' in rows;
  const out: Candidates = shared ? rows.out : { partner: new Int32Array(n * m).fill(-1), score: new Float64Array(n * m).fill(-1), count: new Int32Array(n) };
  if (n < 2 || m < 1) return out;
  const floors = shared ? rows.floors : new Int32Array(n).fill(-FIXED_ONE);
  const P: PassState = { f: prep, m, excluded, hasExcluded: excluded.size > 0, out, floors, locks: shared ? rows.locks : null };
  if (shared) {
    for (;;) {
      const from = Atomics.add(rows.rows, 0, ROW_BLOCK), to = Math.min(Atomics.load(rows.rows, 1), from + ROW_BLOCK);
      if (from >= to) break;
      scanRows(P, from, to);
    }
  } else {
    scanRows(P, rows.from, rows.to);
  }
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

/** What the pair loop shares: the prepared numbers, the lists, the thresholds, the locks when threads share the lists. */
interface PassState {
  f: PreparedPass;
  m: number;
  excluded: Set<number>;
  hasExcluded: boolean;
  out: Candidates;
  floors: Int32Array;
  locks: Int32Array | null;
}

/**
 * Pairs per call of scanRow. Short calls, so V8 optimises scanRow as a whole function instead of running a
 * long row in on-stack-replacement code, in which the loop-invariant locals are not constants and the
 * weights are unboxed again on every pair (measured: 1.5 to 2 times slower). For the same reason scanRow gets
 * its arrays as arguments rather than reading them from P: optimised code that relies on what it has seen in an
 * object's fields is thrown away when a later run creates new objects, and until V8 optimises scanRow again the
 * calls run in that slower code.
 */
const ROW_CHUNK = 256;

/**
 * Every pair (i, j), i in [from, to), j > i: a cheap upper bound for all of them (scanRow), the exact score for
 * the few that pass (scorePassing).
 */
function scanRows(P: PassState, from: number, to: number): void {
  const { n, ints, floats, idf, W, near, wide } = P.f;
  for (let i = from; i < to; i++) {
    for (let j = i + 1; j < n; j += ROW_CHUNK) scanRow(P, ints, floats, idf, W, P.floors, near, wide, i, j, j + ROW_CHUNK < n ? j + ROW_CHUNK : n);
  }
}

/**
 * The hot loop over j in [jFrom, jTo): an upper bound of the pair's score (every similarity ≤ 1) against the
 * lower of the two towns' thresholds; most pairs cannot enter either top-m list and stop here.
 * Written for V8: the only data-dependent branch is the one that decides (0/1 flags from the bit masks as
 * (x | −x) >>> 31, min and max through |x − y|; `wide` and `near` go the same way on every pair); only operations
 * that run for every pair, so the optimised code has complete type feedback and is not thrown away later (the
 * rarely taken paths live in scorePassing); the weights come from a Float64Array, so they stay unboxed doubles.
 * Each term is ≥ the pair's true component; the rounding differences are far below the 1e-9 margin.
 */
function scanRow(P: PassState, I: Int32Array, F: Float64Array, T: Float64Array, W: Float64Array, Q: Int32Array, near: boolean, wide: boolean, i: number, jFrom: number, jTo: number): void {
  const wS = W[0], wC = W[1], wZ = W[2], wSit = W[3], wO = W[4], wDmax = W[6], sizeSpan = W[8];
  // The layout again as literal locals: module-level consts are re-checked (temporal dead zone) at every use
  // in optimised code. The property tests compare with scorePair, so a mismatch would not go unnoticed.
  const IS = 8, I_TLO = 0, I_THI = 1, I_ELO = 2, I_EHI = 3, I_CLO = 4, I_CHI = 5, I_STATE = 6;
  const FS = 8, F_LNP = 0, F_OWN = 2, F_CAP = 3, F_NORTH = 7, SCALE = 1 / 2 ** 30;
  const bi = i * IS, fi = i * FS;
  const tl = I[bi + I_TLO], th = I[bi + I_THI], xl = I[bi + I_ELO], xh = I[bi + I_EHI], cal = I[bi + I_CLO], cah = I[bi + I_CHI], si = I[bi + I_STATE];
  const lp = F[fi + F_LNP], own = F[fi + F_OWN], capI = F[fi + F_CAP], north = F[fi + F_NORTH];
  for (let j = jFrom; j < jTo; j++) {
    const bj = j * IS, fj = j * FS;
    let abHit = cal & I[bj + I_ELO], baHit = I[bj + I_CLO] & xl;
    const il = tl & I[bj + I_TLO], so = si ^ I[bj + I_STATE];
    // Shared topics exactly, as scorePassing computes them (table lookups are cheaper than a looser bound that
    // lets more pairs through). Two towns without topics give 0/0 = NaN, and a NaN bound lets the pair through.
    let inter = T[il & 2047] + T[2048 + ((il >>> 11) & 2047)] + T[4096 + (il >>> 22)];
    if (wide) {
      // Topics 32–63 (the same branch on every pair costs next to nothing; most runs have fewer topics).
      const ih = th & I[bj + I_THI];
      abHit |= cah & I[bj + I_EHI];
      baHit |= I[bj + I_CHI] & xh;
      inter += T[6144 + (ih & 2047)] + T[8192 + ((ih >>> 11) & 2047)] + T[10240 + (ih >>> 22)];
    }
    const fAb = (abHit | -abHit) >>> 31, fBa = (baHit | -baHit) >>> 31, fO = (so | -so) >>> 31;
    const size = 1 - Math.abs(lp - F[fj + F_LNP]) / sizeSpan;
    // A direction's complement is at most what answering all of the town's challenges would give.
    const a = fAb * capI, b = fBa * F[fj + F_CAP];
    const union = own + F[fj + F_OWN] - inter;
    // The lower of the two thresholds (exactly: fixed-point values and their sums are exact doubles).
    const mI = Q[i] * SCALE, mJ = Q[j] * SCALE;
    const thr = 0.5 * (mI + mJ - Math.abs(mI - mJ));
    // size: wZ · max(0, size), and (x + |x|)/2 is exact.
    let ub = wSit + wZ * (0.5 * (size + Math.abs(size))) + wO * fO + wC * (0.5 * (a + b) + 0.25 * Math.abs(a - b)) + wS * (inter / union);
    if (near) {
      // The same for distance (a branch the same way on every pair costs next to nothing).
      const dist = 1 - Math.abs(north - F[fj + F_NORTH]);
      ub += wDmax * (0.5 * (dist + Math.abs(dist)));
    }
    if (ub < thr - 1e-9) continue;
    scorePassing(P, i, j);
  }
}

/**
 * A pair that passed the bound: the exact complement and shared topics, the bound again with those, then the
 * whole score with the same formulas and the same order of additions as scorePair (score.util.ts), so the
 * numbers are bit-identical; into both towns' lists if it beats their thresholds.
 */
function scorePassing(P: PassState, i: number, j: number): void {
  const { f, excluded, hasExcluded, floors: Q } = P;
  const { n, ints: I, floats: F, idf: T, urg, steps, unmet, W, near, orig } = f;
  const wS = W[0], wC = W[1], wZ = W[2], wSit = W[3], wO = W[4], wD = W[5], wDmax = W[6], nearKm = W[7], sizeSpan = W[8], densSpan = W[9];
  const IS = 8, I_TLO = 0, I_THI = 1, I_ELO = 2, I_EHI = 3, I_CLO = 4, I_CHI = 5, I_STATE = 6, I_GEO = 7;
  const FS = 8, F_LNP = 0, F_LND = 1, F_OWN = 2, F_LAT = 4, F_LON = 5, F_DEG = 6, F_NORTH = 7, SCALE = 1 / 2 ** 30;
  const bi = i * IS, bj = j * IS, fi = i * FS, fj = j * FS;
  const abMask = I[bi + I_CLO] & I[bj + I_ELO], abMaskHi = I[bi + I_CHI] & I[bj + I_EHI];
  const baMask = I[bj + I_CLO] & I[bi + I_ELO], baMaskHi = I[bj + I_CHI] & I[bi + I_EHI];
  const il = I[bi + I_TLO] & I[bj + I_TLO], ih = I[bi + I_THI] & I[bj + I_THI];
  const size = 1 - Math.abs(F[fi + F_LNP] - F[fj + F_LNP]) / sizeSpan;
  const other = I[bi + I_STATE] !== I[bj + I_STATE];
  const mI = Q[i] * SCALE, mJ = Q[j] * SCALE;
  const thr = mI < mJ ? mI : mJ;
  const dist = 1 - Math.abs(F[fi + F_NORTH] - F[fj + F_NORTH]);
  let rest = wSit;
  if (dist > 0) rest += wDmax * dist;
  if (size > 0) rest += wZ * size;
  if (other) rest += wO;
  let s = 0;
  if ((abMask | abMaskHi | baMask | baMaskHi) !== 0) {
    let ab = 0, ba = 0;
    if ((abMask | abMaskHi) !== 0) ab = 1 - unmet[unmetIndex(urg, i * 4, abMask, abMaskHi, steps)];
    if ((baMask | baMaskHi) !== 0) ba = 1 - unmet[unmetIndex(urg, j * 4, baMask, baMaskHi, steps)];
    s = wC * (0.75 * (ab > ba ? ab : ba) + 0.25 * (ab < ba ? ab : ba));
  }
  const own = F[fi + F_OWN], oj = F[fj + F_OWN];
  if ((il | ih) !== 0) {
    const inter = T[il & 2047] + T[2048 + ((il >>> 11) & 2047)] + T[4096 + (il >>> 22)] + T[6144 + (ih & 2047)] + T[8192 + ((ih >>> 11) & 2047)] + T[10240 + (ih >>> 22)];
    s += wS * (inter / (own + oj - inter));
  }
  if (s + rest < thr - 1e-9) return;
  // The rest in scorePair's order: size, situation, other state, distance.
  if (size > 0) s += wZ * size;
  const dd = (F[fi + F_LND] - F[fj + F_LND]) / densSpan;
  const ad = dd < 0 ? -dd : dd;
  const dens = 1 - (ad < 1 ? ad : 1);
  const di = F[fi + F_DEG], dj = F[fj + F_DEG];
  let sit = dens;
  if (di > 0 && dj > 0) {
    const dg = di - dj;
    sit = (dens + (1 - (dg < 0 ? -dg : dg) / 2)) / 2;
  }
  s += wSit * sit;
  if (other) s += wO;
  if (near && I[bi + I_GEO] !== 0 && I[bj + I_GEO] !== 0) {
    const d = 1 - haversineKm(F[fi + F_LAT], F[fi + F_LON], F[fj + F_LAT], F[fj + F_LON]) / nearKm;
    if (d > 0) s += wD * d;
  }
  // >=: an equal score can still win on the lower original index (heapPush decides).
  const beatsI = s >= mI;
  const beatsJ = s >= mJ;
  if (beatsI || beatsJ) {
    const oi = orig[i], oj2 = orig[j];
    if (hasExcluded && excluded.has(oi < oj2 ? oi * n + oj2 : oj2 * n + oi)) return;
    if (beatsI) push(P, i, oi, oj2, s);
    if (beatsJ) push(P, j, oj2, oi, s);
  }
}

/** Index into the unmet table for the challenges of the town at urg[base..base+4) answered on the topics of lo (0–31) and hi (32–63). */
function unmetIndex(urg: Int32Array, base: number, lo: number, hi: number, steps: Int32Array): number {
  let code = 0;
  for (let x = lo; x !== 0; x &= x - 1) {
    const b = 31 - Math.clz32(x & -x);
    code += steps[(urg[base + (b >>> 4)] >>> ((b & 15) * 2)) & 3];
  }
  for (let x = hi; x !== 0; x &= x - 1) {
    const b = 63 - Math.clz32(x & -x);
    code += steps[(urg[base + (b >>> 4)] >>> ((b & 15) * 2)) & 3];
  }
  return code;
}

/** Into row t's list (town ot, partner other), under the town's lock when threads share the lists; updates t's threshold. */
function push(P: PassState, t: number, ot: number, other: number, s: number): void {
  const { out, m, floors, locks } = P;
  if (locks !== null) lock(locks, t);
  const threshold = heapPush(out.score, out.partner, out.count, ot * m, m, ot, other, s);
  // Rounded down, so never above the list's m-th best score; -1 (not full) stays -1.
  const q = Math.floor(threshold * FIXED_ONE);
  if (q > floors[t]) floors[t] = q;
  if (locks !== null) Atomics.store(locks, t, 0);
}

/** Spins until this thread holds lock t (others hold it only for one heap insertion). */
function lock(locks: Int32Array, t: number): void {
  for (let spins = 0; Atomics.compareExchange(locks, t, 0, 1) !== 0; spins++) {
    if (spins > 1e8) throw new Error('candidate pass: a list lock was not released (a helper thread failed inside it)');
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
