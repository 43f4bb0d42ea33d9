// The candidate pass, part 3 of 3: the per-town top-m lists, one thread's or shared by several (see SharedPass).

/**
 * Candidate lists: for every town its best `m` partners by score (ties towards the lower index), with the
 * excluded pairs left out; town i's list at [i·m, i·m + count[i]), in no particular order.
 */
export interface Candidates {
  partner: Int32Array;
  score: Float64Array;
  count: Int32Array;
}

/** Thresholds are kept as fixed point ·2^30 (see SharedPass.floors). */
export const FIXED_ONE = 2 ** 30;

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
    out: {
      partner: new Int32Array(sab(4 * n * m)).fill(-1),
      score: new Float64Array(sab(8 * n * m)).fill(-1),
      count: new Int32Array(sab(4 * n)),
    },
  };
}

/** Into row t's list (town ot, partner other), under the town's lock when threads share the lists; updates t's threshold. */
export function push(
  out: Candidates,
  m: number,
  floors: Int32Array,
  locks: Int32Array | null,
  t: number,
  ot: number,
  other: number,
  s: number,
): void {
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
function heapPush(
  score: Float64Array,
  partner: Int32Array,
  count: Int32Array,
  base: number,
  m: number,
  i: number,
  j: number,
  s: number,
): number {
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
    if (r < m && (score[base + r] < score[base + l] || (score[base + r] === score[base + l] && partner[base + r] > partner[base + l])))
      c2 = r;
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
