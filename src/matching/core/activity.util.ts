// The activity signal of the suggestions ranking (issue 23): a partner town that has not signed in or answered for a
// long time ranks a little lower. Pure and deterministic: the caller passes each town's days of silence.

/** Up to this many days of silence nothing changes (a town that signs in every few weeks is simply active). */
export const ACTIVITY_GRACE_DAYS = 60;
/** From this many days of silence on the penalty is full. */
export const ACTIVITY_FULL_DAYS = 180;
/**
 * The full penalty, on scores in [0, 1]: small against the fit itself (a shared topic alone is worth more), so it
 * reorders near-equal partners and lets a clearly better fit stay ahead, but an active town wins a close call.
 */
export const ACTIVITY_MAX_PENALTY = 0.05;

/** How much a partner's silence lowers its ranking score: 0 within the grace, growing linearly to the full penalty. */
export function activityPenalty(silentDays: number | null | undefined): number {
  if (silentDays == null || !Number.isFinite(silentDays) || silentDays <= ACTIVITY_GRACE_DAYS) return 0;
  const share = Math.min(1, (silentDays - ACTIVITY_GRACE_DAYS) / (ACTIVITY_FULL_DAYS - ACTIVITY_GRACE_DAYS));
  return ACTIVITY_MAX_PENALTY * share;
}

const NUMBER_DE = ['', 'einem', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf', 'zwölf'];

/**
 * The German note shown with a suggestion whose rank the penalty lowered. True by construction: n whole months of at
 * most 31 days lie within the silence ("vor mehr als drei Monaten" only after at least 93 days).
 */
export function activityNote(silentDays: number): string {
  const months = Math.floor(silentDays / 31);
  if (months >= 12) return 'zuletzt vor mehr als einem Jahr aktiv';
  if (months >= 1) return `zuletzt vor mehr als ${NUMBER_DE[months]} ${months === 1 ? 'Monat' : 'Monaten'} aktiv`;
  return `zuletzt vor ${Math.floor(silentDays)} Tagen aktiv`;
}

/**
 * Orders one town's chosen partners by score minus penalty (ties: lower index first) and names those the penalty put
 * behind a partner that would have come after them without it (a lower score, or the same score and a higher index):
 * only there does the note "zuletzt vor mehr als … aktiv" tell the truth.
 */
export function rankWithActivity<T extends { j: number; score: number }>(
  scored: readonly T[],
  penalty: (j: number) => number,
): { ranked: T[]; lowered: Set<number> } {
  const ranked = [...scored].sort((x, y) => y.score - penalty(y.j) - (x.score - penalty(x.j)) || x.j - y.j);
  const lowered = new Set<number>();
  for (let r = 0; r < ranked.length; r++) {
    if (penalty(ranked[r].j) <= 0) continue;
    for (let q = 0; q < r; q++) {
      if (ranked[q].score < ranked[r].score || (ranked[q].score === ranked[r].score && ranked[q].j > ranked[r].j)) {
        lowered.add(ranked[r].j);
        break;
      }
    }
  }
  return { ranked, lowered };
}
