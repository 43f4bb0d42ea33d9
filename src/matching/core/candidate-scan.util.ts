import { haversineKm } from './score.util';
import { PreparedPass } from './candidate-features.util';
import { Candidates, push } from './candidate-lists.util';

// The candidate pass, part 2 of 3: the pair scan (a cheap bound for every pair, the exact score for the few that pass).

/** What the pair loop shares: the prepared numbers, the lists, the thresholds, the locks when threads share the lists. */
export interface PassState {
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
export function scanRows(P: PassState, from: number, to: number): void {
  const { n, ints, floats, idf, W, near, wide } = P.f;
  for (let i = from; i < to; i++) {
    for (let j = i + 1; j < n; j += ROW_CHUNK)
      scanRow(P, ints, floats, idf, W, P.floors, near, wide, i, j, j + ROW_CHUNK < n ? j + ROW_CHUNK : n);
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
function scanRow(
  P: PassState,
  I: Int32Array,
  F: Float64Array,
  T: Float64Array,
  W: Float64Array,
  Q: Int32Array,
  near: boolean,
  wide: boolean,
  i: number,
  jFrom: number,
  jTo: number,
): void {
  const wS = W[0],
    wC = W[1],
    wZ = W[2],
    wSit = W[3],
    wO = W[4],
    wDmax = W[6],
    sizeSpan = W[8];
  // The layout again as literal locals: module-level consts are re-checked (temporal dead zone) at every use
  // in optimised code. The property tests compare with scorePair, so a mismatch would not go unnoticed.
  const IS = 8,
    I_TLO = 0,
    I_THI = 1,
    I_ELO = 2,
    I_EHI = 3,
    I_CLO = 4,
    I_CHI = 5,
    I_STATE = 6;
  const FS = 8,
    F_LNP = 0,
    F_OWN = 2,
    F_CAP = 3,
    F_NORTH = 7,
    SCALE = 1 / 2 ** 30;
  const bi = i * IS,
    fi = i * FS;
  const tl = I[bi + I_TLO],
    th = I[bi + I_THI],
    xl = I[bi + I_ELO],
    xh = I[bi + I_EHI],
    cal = I[bi + I_CLO],
    cah = I[bi + I_CHI],
    si = I[bi + I_STATE];
  const lp = F[fi + F_LNP],
    own = F[fi + F_OWN],
    capI = F[fi + F_CAP],
    north = F[fi + F_NORTH];
  for (let j = jFrom; j < jTo; j++) {
    const bj = j * IS,
      fj = j * FS;
    let abHit = cal & I[bj + I_ELO],
      baHit = I[bj + I_CLO] & xl;
    const il = tl & I[bj + I_TLO],
      so = si ^ I[bj + I_STATE];
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
    const fAb = (abHit | -abHit) >>> 31,
      fBa = (baHit | -baHit) >>> 31,
      fO = (so | -so) >>> 31;
    const size = 1 - Math.abs(lp - F[fj + F_LNP]) / sizeSpan;
    // A direction's complement is at most what answering all of the town's challenges would give.
    const a = fAb * capI,
      b = fBa * F[fj + F_CAP];
    const union = own + F[fj + F_OWN] - inter;
    // The lower of the two thresholds (exactly: fixed-point values and their sums are exact doubles).
    const mI = Q[i] * SCALE,
      mJ = Q[j] * SCALE;
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
  const { n, ints: I, floats: F, W, orig } = f;
  const wZ = W[2],
    wSit = W[3],
    wO = W[4],
    wDmax = W[6],
    sizeSpan = W[8];
  const IS = 8,
    I_STATE = 6;
  const FS = 8,
    F_LNP = 0,
    F_NORTH = 7,
    SCALE = 1 / 2 ** 30;
  let s = topicalScore(f, i, j);
  // No topical basis while the rule is on: no candidate.
  if (s < 0) return;
  const bi = i * IS,
    bj = j * IS,
    fi = i * FS,
    fj = j * FS;
  const size = 1 - Math.abs(F[fi + F_LNP] - F[fj + F_LNP]) / sizeSpan;
  const mI = Q[i] * SCALE,
    mJ = Q[j] * SCALE;
  const thr = mI < mJ ? mI : mJ;
  const dist = 1 - Math.abs(F[fi + F_NORTH] - F[fj + F_NORTH]);
  let rest = wSit;
  if (dist > 0) rest += wDmax * dist;
  if (size > 0) rest += wZ * size;
  if (I[bi + I_STATE] !== I[bj + I_STATE]) rest += wO;
  if (s + rest < thr - 1e-9) return;
  s = restScore(f, i, j, s);
  // >=: an equal score can still win on the lower original index (heapPush decides).
  const beatsI = s >= mI;
  const beatsJ = s >= mJ;
  if (beatsI || beatsJ) {
    const oi = orig[i],
      oj2 = orig[j];
    if (hasExcluded && excluded.has(oi < oj2 ? oi * n + oj2 : oj2 * n + oi)) return;
    if (beatsI) push(P.out, P.m, Q, P.locks, i, oi, oj2, s);
    if (beatsJ) push(P.out, P.m, Q, P.locks, j, oj2, oi, s);
  }
}

/**
 * Rows i and j: complement plus shared topics, added as scorePair adds them (complement first), or −1 when the
 * topical-basis rule is on and the pair has none (no shared topic, no challenge ↔ experience; hasTopicalBasis).
 */
function topicalScore(f: PreparedPass, i: number, j: number): number {
  const { ints: I, floats: F, idf: T, urg, steps, unmet, W } = f;
  const wS = W[0],
    wC = W[1];
  const IS = 8,
    I_TLO = 0,
    I_THI = 1,
    I_ELO = 2,
    I_EHI = 3,
    I_CLO = 4,
    I_CHI = 5;
  const FS = 8,
    F_OWN = 2;
  const bi = i * IS,
    bj = j * IS;
  const abMask = I[bi + I_CLO] & I[bj + I_ELO],
    abMaskHi = I[bi + I_CHI] & I[bj + I_EHI];
  const baMask = I[bj + I_CLO] & I[bi + I_ELO],
    baMaskHi = I[bj + I_CHI] & I[bi + I_EHI];
  const il = I[bi + I_TLO] & I[bj + I_TLO],
    ih = I[bi + I_THI] & I[bj + I_THI];
  if (f.basis && (abMask | abMaskHi | baMask | baMaskHi | il | ih) === 0) return -1;
  let s = 0;
  if ((abMask | abMaskHi | baMask | baMaskHi) !== 0) {
    let ab = 0,
      ba = 0;
    if ((abMask | abMaskHi) !== 0) ab = 1 - unmet[unmetIndex(urg, i * 4, abMask, abMaskHi, steps)];
    if ((baMask | baMaskHi) !== 0) ba = 1 - unmet[unmetIndex(urg, j * 4, baMask, baMaskHi, steps)];
    s = wC * (0.75 * (ab > ba ? ab : ba) + 0.25 * (ab < ba ? ab : ba));
  }
  if ((il | ih) !== 0) {
    const inter =
      T[il & 2047] +
      T[2048 + ((il >>> 11) & 2047)] +
      T[4096 + (il >>> 22)] +
      T[6144 + (ih & 2047)] +
      T[8192 + ((ih >>> 11) & 2047)] +
      T[10240 + (ih >>> 22)];
    s += wS * (inter / (F[i * FS + F_OWN] + F[j * FS + F_OWN] - inter));
  }
  return s;
}

/** s (topicalScore) plus size, situation, other state and distance in scorePair's order: the exact score. */
function restScore(f: PreparedPass, i: number, j: number, s: number): number {
  const { ints: I, floats: F, W, near } = f;
  const wZ = W[2],
    wSit = W[3],
    wO = W[4],
    wD = W[5],
    nearKm = W[7],
    sizeSpan = W[8],
    densSpan = W[9],
    sitMin = W[10];
  const IS = 8,
    I_STATE = 6,
    I_GEO = 7;
  const FS = 8,
    F_LNP = 0,
    F_LND = 1,
    F_LAT = 4,
    F_LON = 5,
    F_DEG = 6;
  const bi = i * IS,
    bj = j * IS,
    fi = i * FS,
    fj = j * FS;
  const size = 1 - Math.abs(F[fi + F_LNP] - F[fj + F_LNP]) / sizeSpan;
  if (size > 0) s += wZ * size;
  const dd = (F[fi + F_LND] - F[fj + F_LND]) / densSpan;
  const ad = dd < 0 ? -dd : dd;
  const dens = 1 - (ad < 1 ? ad : 1);
  const di = F[fi + F_DEG],
    dj = F[fj + F_DEG];
  let sit = dens;
  if (di > 0 && dj > 0) {
    const dg = di - dj;
    sit = (dens + (1 - (dg < 0 ? -dg : dg) / 2)) / 2;
  }
  // Situation counts only from SITUATION_MIN on, as in scorePair.
  if (sit >= sitMin) s += wSit * sit;
  if (I[bi + I_STATE] !== I[bj + I_STATE]) s += wO;
  if (near && I[bi + I_GEO] !== 0 && I[bj + I_GEO] !== 0) {
    const d = 1 - haversineKm(F[fi + F_LAT], F[fi + F_LON], F[fj + F_LAT], F[fj + F_LON]) / nearKm;
    if (d > 0) s += wD * d;
  }
  return s;
}

/**
 * The best `count` partners of the town at `row` among all rows whose town is not `blocked` (indexed by the
 * original index: at its exposure limit, already in the list, the town itself), not excluded and, where the rule
 * is on, with a topical basis; best first by score, then lower original index (as a scan of all towns with
 * pairScore would pick them: the scores are bit-identical). The same cheap bound as the pass skips the pairs that
 * cannot beat the count-th best found so far. Writes original indices into `out`, returns how many.
 */
export function bestAvailableRow(
  f: PreparedPass,
  row: number,
  count: number,
  blocked: Uint8Array,
  excluded: Set<number>,
  out: Int32Array,
  outScore: Float64Array,
): number {
  const { n, ints: I, floats: F, idf: T, W, near, wide, orig } = f;
  const wS = W[0],
    wC = W[1],
    wZ = W[2],
    wSit = W[3],
    wO = W[4],
    wDmax = W[6],
    sizeSpan = W[8];
  const IS = 8,
    I_TLO = 0,
    I_THI = 1,
    I_ELO = 2,
    I_EHI = 3,
    I_CLO = 4,
    I_CHI = 5,
    I_STATE = 6;
  const FS = 8,
    F_LNP = 0,
    F_OWN = 2,
    F_CAP = 3,
    F_NORTH = 7;
  const hasExcluded = excluded.size > 0;
  const i = row,
    oi = orig[i],
    bi = i * IS,
    fi = i * FS;
  const tl = I[bi + I_TLO],
    th = I[bi + I_THI],
    xl = I[bi + I_ELO],
    xh = I[bi + I_EHI],
    cal = I[bi + I_CLO],
    cah = I[bi + I_CHI],
    si = I[bi + I_STATE];
  const lp = F[fi + F_LNP],
    own = F[fi + F_OWN],
    capI = F[fi + F_CAP],
    north = F[fi + F_NORTH];
  let found = 0;
  // The count-th best score so far (−1 until count are found: every pair passes).
  let thr = -1;
  if (count <= 0) return 0;
  for (let j = 0; j < n; j++) {
    const oj = orig[j];
    if (blocked[oj] !== 0) continue;
    const bj = j * IS,
      fj = j * FS;
    let abHit = cal & I[bj + I_ELO],
      baHit = I[bj + I_CLO] & xl;
    const il = tl & I[bj + I_TLO],
      so = si ^ I[bj + I_STATE];
    let inter = T[il & 2047] + T[2048 + ((il >>> 11) & 2047)] + T[4096 + (il >>> 22)];
    if (wide) {
      const ih = th & I[bj + I_THI];
      abHit |= cah & I[bj + I_EHI];
      baHit |= I[bj + I_CHI] & xh;
      inter += T[6144 + (ih & 2047)] + T[8192 + ((ih >>> 11) & 2047)] + T[10240 + (ih >>> 22)];
    }
    const fAb = (abHit | -abHit) >>> 31,
      fBa = (baHit | -baHit) >>> 31,
      fO = (so | -so) >>> 31;
    const size = 1 - Math.abs(lp - F[fj + F_LNP]) / sizeSpan;
    const a = fAb * capI,
      b = fBa * F[fj + F_CAP];
    const union = own + F[fj + F_OWN] - inter;
    let ub = wSit + wZ * (0.5 * (size + Math.abs(size))) + wO * fO + wC * (0.5 * (a + b) + 0.25 * Math.abs(a - b)) + wS * (inter / union);
    if (near) {
      const dist = 1 - Math.abs(north - F[fj + F_NORTH]);
      ub += wDmax * (0.5 * (dist + Math.abs(dist)));
    }
    if (ub < thr - 1e-9) continue;
    let s = topicalScore(f, i, j);
    if (s < 0) continue;
    s = restScore(f, i, j, s);
    if (found === count && (s < thr || (s === thr && oj > out[count - 1]))) continue;
    if (hasExcluded && excluded.has(oi < oj ? oi * n + oj : oj * n + oi)) continue;
    // Insertion into the short sorted list: score descending, then lower original index.
    let x = found < count ? found++ : count - 1;
    for (; x > 0 && (outScore[x - 1] < s || (outScore[x - 1] === s && out[x - 1] > oj)); x--) {
      out[x] = out[x - 1];
      outScore[x] = outScore[x - 1];
    }
    out[x] = oj;
    outScore[x] = s;
    if (found === count) thr = outScore[count - 1];
  }
  return found;
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
