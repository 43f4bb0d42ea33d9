import type { ExamplesByTown } from '../core/example-evidence.util';
import type { MatchTown } from '../core/matching-input.types';
import type { ReasonField } from '../core/reason-visibility.util';
import type { ScoringContext } from '../core/score.util';
import type { RunKind, RunRow } from '../matching.read-models';

/** What every run kind computes from: the eligible towns, the scoring context and the pair history. */
export interface RunInput {
  towns: MatchTown[];
  ctx: ScoringContext;
  tandemPairs: (readonly [string, string])[];
  declinedPairs: { a: string; b: string; at: Date }[];
  /** Pairs whose tandem holds a slot now (open or active): what a town's free capacity is counted from. */
  livePairs: (readonly [string, string])[];
  /**
   * The same towns as another verified town sees them (fields kept for the office left out), with their context: what
   * a town's own suggestions are scored and explained from, and the texts both towns of a pair read (issue 24).
   */
  network: { towns: MatchTown[]; ctx: ScoringContext };
  /** Per town, the reason-relevant fields it keeps for the office (towns without any are absent). */
  officeOnly: ReadonlyMap<string, ReadonlySet<ReasonField>>;
  /** Days since each town's last sign-in or answer (issue 23): the suggestions' activity signal. */
  silentDays: Record<string, number>;
  /** Published application examples per town with their adoptions (issue 27): public, read by every perspective. */
  examples: ExamplesByTown;
  /** Hash of everything the result depends on; stored with the run. */
  fingerprint: string;
}

/** One handler per run kind: computes its result and stores it (and makes the run current) in one transaction. */
export interface RunHandler {
  readonly kind: RunKind;
  handle(run: RunRow, input: RunInput): Promise<void>;
}
