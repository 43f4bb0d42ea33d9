import { MatchTown } from './matching-input.types';
import { ScoringContext } from './score.util';
import { preparePass, PreparedPass } from './candidate-features.util';
import { Candidates, FIXED_ONE, SharedPass } from './candidate-lists.util';
import { PassState, scanRows } from './candidate-scan.util';

/**
 * The candidate pass: for every town its best m partners by score, without scoring all n² pairs one by one.
 * Features (candidate-features.util.ts) → scan (candidate-scan.util.ts) → lists (candidate-lists.util.ts).
 */

export function candidateLists(ctx: ScoringContext, towns: readonly MatchTown[], m: number, excluded: Set<number>): Candidates {
  return scanPass(preparePass(ctx, towns), m, excluded, { from: 0, to: towns.length });
}

/** Rows per claim when threads share a pass: short enough to balance, long enough that claiming costs nothing. */
const ROW_BLOCK = 8;

/**
 * The best m partners per town among the pairs (i, j), j > i, of the given rows: a range of rows (returns new
 * lists), or the rows this thread claims from a SharedPass (returns its shared lists; complete once every thread
 * sharing it has returned).
 */
export function scanPass(
  prep: PreparedPass,
  m: number,
  excluded: Set<number>,
  rows: { from: number; to: number } | SharedPass,
): Candidates {
  const n = prep.n;
  const shared = 'locks' in rows;
  const out: Candidates = shared
    ? rows.out
    : { partner: new Int32Array(n * m).fill(-1), score: new Float64Array(n * m).fill(-1), count: new Int32Array(n) };
  if (n < 2 || m < 1) return out;
  const floors = shared ? rows.floors : new Int32Array(n).fill(-FIXED_ONE);
  const P: PassState = { f: prep, m, excluded, hasExcluded: excluded.size > 0, out, floors, locks: shared ? rows.locks : null };
  if (shared) {
    for (;;) {
      const from = Atomics.add(rows.rows, 0, ROW_BLOCK),
        to = Math.min(Atomics.load(rows.rows, 1), from + ROW_BLOCK);
      if (from >= to) break;
      scanRows(P, from, to);
    }
  } else {
    scanRows(P, rows.from, rows.to);
  }
  return out;
}
