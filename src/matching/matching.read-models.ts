import type { ScoreComponent } from './core/matching-input.types';

// What the matching tables answer, typed once: the repository returns these, the view model projects them.

export type RunKind = 'suggestions' | 'tandem_round' | 'workshops';
type RunStatus = 'running' | 'done' | 'failed';

/** Why a town got no tandem in a round; the page layer turns it into German. */
export type UnmatchedReason = 'no_capacity' | 'no_allowed_partner' | 'outscored';

export interface SuggestionsSummary {
  towns: number;
  suggestions: number;
  profileEmpty: number;
  uncovered: string[];
  /** Towns without free tandem capacity (suggested to nobody); missing in runs stored before it was counted. */
  full?: number;
}

export interface RoundSummary {
  towns: number;
  candidatePairs: number;
  pairs: number;
  totalScore: number;
  /** An UnmatchedReason; runs stored before the codes carry a German sentence here instead. */
  unmatched: { townId: string; name?: string; reason: string }[];
}

export interface WorkshopsSummary {
  towns: number;
  groups: number;
  leftOut: { townId: string; name?: string; reason: string }[];
}

export type RunSummary = SuggestionsSummary | RoundSummary | WorkshopsSummary | Record<string, never>;

export interface RunRow {
  id: string;
  kind: RunKind;
  status: RunStatus;
  trigger: string;
  theme: string | null;
  fingerprint: string | null;
  weights: Record<string, unknown>;
  params: Record<string, unknown>;
  seed: number;
  summary: RunSummary;
  error: string | null;
  isCurrent: boolean;
  startedAt: Date;
  finishedAt: Date | null;
}

/** A run without its inputs and results: what a list of runs shows. */
export type RunHead = Pick<RunRow, 'id' | 'kind' | 'status' | 'trigger' | 'theme' | 'seed' | 'isCurrent' | 'startedAt' | 'finishedAt'>;

/** One of a town's stored suggestions with the partner's directory facts. */
export interface SuggestionRow {
  rank: number;
  score: number;
  components: ScoreComponent[];
  /** The pair's possible tandem topic (slug), if any. */
  topic: string | null;
  /** The topic's display name (null without a topic). */
  topicName: string | null;
  /** "zuletzt vor mehr als … aktiv" where the partner's silence lowered its rank (issue 23), else null. */
  activityNote: string | null;
  partnerId: string;
  name: string;
  stateName: string;
  population: number;
  areaKm2: number;
  districtName: string | null;
  runId: string;
  computedAt: Date;
}

export interface RoundPairRow {
  score: number;
  components: ScoreComponent[];
  topic: string | null;
  townA: string;
  townB: string;
  nameA: string;
  stateA: string;
  nameB: string;
  stateB: string;
}

interface WorkshopTownRow {
  id: string;
  name: string;
  stateName: string;
  population: number;
  latitude: number | null;
  longitude: number | null;
}

export interface WorkshopGroupRow {
  groupNo: number;
  score: number;
  towns: WorkshopTownRow[];
}
