// The hard numbers of matching, shared by the run handlers and the service.
export const SUGGESTIONS_K = 10;
export const EXPOSURE_CAP = 20;
export const COOLDOWN_MONTHS = 12;
/** Candidates per town in the tandem round's graph. */
export const ROUND_CANDIDATES = 20;
