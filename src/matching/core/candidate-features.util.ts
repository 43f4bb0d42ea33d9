import { MatchTown } from './matching-input.types';
import { density, DENSITY_SPAN, effectivePopulation, ScoringContext, SITUATION_MIN, SIZE_SPAN, unmetShare, urgencyOf } from './score.util';

// The candidate pass, part 1 of 3: per-town features in typed arrays (this file), the pair scan
// (candidate-scan.util.ts), the shared top-m lists (candidate-lists.util.ts); candidate-pass.util.ts drives them.

/** Most topics a run may use: masks are two 32-bit words. */
const MAX_TOPICS = 64;

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
  /** The weights as doubles: sharedTopics, complement, size, situation, otherState, distance, distance if 'near' else 0, nearKm, SIZE_SPAN, DENSITY_SPAN, SITUATION_MIN. */
  W: Float64Array;
  near: boolean;
  /** Pairs without a topical basis (no shared topic, no challenge ↔ experience) are left out (the office's rule). */
  basis: boolean;
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
// Int32 layout per town: topics lo/hi 0–1, experiences lo/hi 2–3, challenges lo/hi 4–5 (setBit writes a high
// word at its low field + 1), state 6, GEO 7 (1 with coordinates). The scan repeats it as literal locals.
const I_TLO = 0,
  I_THI = 1,
  I_ELO = 2,
  I_CLO = 4,
  I_STATE = 6,
  I_GEO = 7;
const FS = 8;
/**
 * F_CAP: 1 − unmetShare of all the town's challenges, the most one complement direction can reach.
 * F_NORTH: with the 'near' preference, the latitude in units of the 'near' distance (0 without coordinates or
 * preference): the great-circle distance is at least the north–south one, so 1 − |F_NORTH_i − F_NORTH_j| bounds the
 * distance similarity.
 */
const F_LNP = 0,
  F_LND = 1,
  F_OWN = 2,
  F_CAP = 3,
  F_LAT = 4,
  F_LON = 5,
  F_DEG = 6,
  F_NORTH = 7;

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
      idf[tab + v] = idf[tab + (v ^ low)] + (b < topics.length && (chunk % 3 < 2 || b - offset < 10) ? (ctx.idf.get(topics[b]) ?? 0) : 0);
    }
  }
  const ints = new Int32Array(n * IS),
    floats = new Float64Array(n * FS),
    urg = new Int32Array(n * 4);
  const w = ctx.weights;
  const near = ctx.raw.distancePreference === 'near' && w.distance > 0;
  const W = Float64Array.of(
    w.sharedTopics,
    w.complement,
    w.size,
    w.situation,
    w.otherState,
    w.distance,
    near ? w.distance : 0,
    ctx.raw.nearKm,
    SIZE_SPAN,
    DENSITY_SPAN,
    SITUATION_MIN,
  );
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
      const b = bit.get(c.topic)!,
        u = urgencyOf(c.urgency),
        word = i * 4 + (b >>> 4),
        shift = (b & 15) * 2;
      const had = (urg[word] >>> shift) & 3;
      if (had === 0) challenges++;
      if (u > had) urg[word] = (urg[word] & ~(3 << shift)) | (u << shift);
      setBit(i, I_CLO, b);
    }
    maxChallenges = Math.max(maxChallenges, challenges);
    const b = i * IS,
      fb = i * FS;
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
  return {
    n,
    orig,
    W,
    near,
    basis: ctx.raw.requireTopicalBasis !== false,
    wide: topics.length > 32,
    ints,
    floats,
    idf,
    unmet,
    K,
    urg,
    steps: Int32Array.of(0, K * K, K, 1),
  };
}

const idfSum = (tab: Float64Array, lo: number, hi: number) =>
  tab[lo & 2047] +
  tab[2048 + ((lo >>> 11) & 2047)] +
  tab[4096 + (lo >>> 22)] +
  tab[6144 + (hi & 2047)] +
  tab[8192 + ((hi >>> 11) & 2047)] +
  tab[10240 + (hi >>> 22)];

/** The towns' numbers in row order (see rowOrder), for scanPass. */
export function preparePass(ctx: ScoringContext, towns: readonly MatchTown[]): PreparedPass {
  const order = rowOrder(towns);
  return buildFeatures(
    ctx,
    order.map((i) => towns[i]),
    Int32Array.from(order),
  );
}

/**
 * Rows in order of how good a partner a town tends to be (experience on topics others struggle with, and
 * the reverse): the lists then fill with strong partners early, their thresholds rise fast and the bound in
 * scanRows skips most later pairs. Results do not depend on the order (ties go to the lower original index).
 */
function rowOrder(towns: readonly MatchTown[]): number[] {
  const challenged = new Map<string, number>(),
    experienced = new Map<string, number>();
  for (const t of towns) {
    for (const c of t.challenges) challenged.set(c.topic, (challenged.get(c.topic) ?? 0) + 1);
    for (const e of t.experiences) experienced.set(e.topic, (experienced.get(e.topic) ?? 0) + 1);
  }
  const potential = towns.map(
    (t) =>
      t.experiences.reduce((s, e) => s + (challenged.get(e.topic) ?? 0), 0) +
      t.challenges.reduce((s, c) => s + (experienced.get(c.topic) ?? 0), 0),
  );
  return towns.map((_, i) => i).sort((a, b) => potential[b] - potential[a] || a - b);
}
