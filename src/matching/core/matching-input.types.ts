// What the matcher knows about a town: directory facts plus the profile. No database or framework types.
export interface MatchTown {
  id: string;
  name?: string;
  stateCode: string;
  stateName: string;
  population: number;
  /** Gemeindeverband population; size comparisons use it where the town belongs to one. */
  associationPopulation?: number | null;
  /** The Gemeindeverband's name and Destatis type (51 Amt, 52 Samtgemeinde, 53 Verbandsgemeinde, …), for the reason texts. */
  associationName?: string | null;
  associationType?: number | null;
  areaKm2: number;
  /** DEGURBA: 1 dense, 2 intermediate, 3 thinly populated. */
  degurba?: number | null;
  lat?: number | null;
  lon?: number | null;
  topics: string[];
  challenges: { topic: string; urgency: number }[];
  experiences: { topic: string }[];
  capacity: number;
}

export interface ScoreComponent {
  key: ComponentKey;
  /** Normalised weight of this component (the weights in use sum to 1). */
  weight: number;
  /** Similarity in [0, 1] before weighting. */
  similarity: number;
  /** weight × similarity: the components of a pair sum to its score. */
  value: number;
  /** German reason from the viewer's perspective ("Ihre Herausforderung …"); empty exactly when the component contributes nothing. */
  reason: string;
  /**
   * The same reason in the third person naming both towns, for the office's pages (tandem round, workshops);
   * only filled where the caller asks for it (scorePair's `office` flag), '' where the component contributes nothing.
   */
  reasonOffice?: string;
  /**
   * The third-person text as both towns of the pair may read it (built from what each may see of the other): what a
   * proposal mail and a proposed tandem's page show to the towns. Filled by the tandem round only.
   */
  reasonNetwork?: string;
}

/** The weighted components of the pair score (the office sets their weights). */
export type WeightedKey = 'complement' | 'sharedTopics' | 'size' | 'situation' | 'otherState' | 'distance';
/** 'example': a partner's published example answers the viewer's challenge (issue 27; added to a town's own suggestions). */
export type ComponentKey = WeightedKey | 'example';
