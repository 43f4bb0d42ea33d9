import { WeightedKey } from './matching-input.types';

/** The one place with the scoring weights' defaults; the Geschäftsstelle edits a copy stored in the database. */
export interface MatchWeights {
  complement: number;
  sharedTopics: number;
  size: number;
  situation: number;
  otherState: number;
  distance: number;
  /** 'near' favours towns within visiting distance; 'none' ignores distance (the distance weight then counts 0). */
  distancePreference: 'near' | 'none';
  /** Distance at which the 'near' preference reaches zero. */
  nearKm: number;
  /**
   * A tandem is "two towns, one shared topic": when true (the default), only pairs with a topical basis (a shared
   * topic, or one town's challenge meeting the other's experience) are suggested or paired in a round.
   */
  requireTopicalBasis: boolean;
}

// Complement (challenge ↔ experience) weighs most, as the report's mayors ask for it first.
export const DEFAULT_WEIGHTS: MatchWeights = {
  complement: 0.35,
  sharedTopics: 0.2,
  size: 0.2,
  situation: 0.1,
  otherState: 0.1,
  distance: 0.05,
  distancePreference: 'none',
  nearKm: 250,
  requireTopicalBasis: true,
};

export const COMPONENT_KEYS: WeightedKey[] = ['complement', 'sharedTopics', 'size', 'situation', 'otherState', 'distance'];

/** English messages, one per problem; empty when valid. Each weight lies in [0, 1]; at least one is positive. */
export function validateWeights(w: Partial<Record<string, unknown>>): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(w)) {
    if (![...COMPONENT_KEYS, 'distancePreference', 'nearKm', 'requireTopicalBasis'].includes(key)) errors.push(`unknown weight "${key}"`);
  }
  for (const key of COMPONENT_KEYS) {
    const v = w[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) errors.push(`${key} must be a number between 0 and 1`);
  }
  if (w.distancePreference !== undefined && w.distancePreference !== 'near' && w.distancePreference !== 'none') {
    errors.push('distancePreference must be "near" or "none"');
  }
  if (w.requireTopicalBasis !== undefined && typeof w.requireTopicalBasis !== 'boolean')
    errors.push('requireTopicalBasis must be true or false');
  if (w.nearKm !== undefined && (typeof w.nearKm !== 'number' || !(w.nearKm >= 10 && w.nearKm <= 1000)))
    errors.push('nearKm must be between 10 and 1000');
  if (!errors.length) {
    const merged = { ...DEFAULT_WEIGHTS, ...w };
    if (activeWeightSum(merged) <= 0) errors.push('at least one weight must be greater than 0');
  }
  return errors;
}

export function activeWeightSum(w: MatchWeights): number {
  return COMPONENT_KEYS.reduce((s, k) => s + (k === 'distance' && w.distancePreference !== 'near' ? 0 : w[k]), 0);
}

/** Normalised weights (sum 1) so that scores stay in [0, 1] whatever the office sets. */
export function normalisedWeights(w: MatchWeights): Record<WeightedKey, number> {
  const sum = activeWeightSum(w);
  const out = {} as Record<WeightedKey, number>;
  for (const k of COMPONENT_KEYS) out[k] = (k === 'distance' && w.distancePreference !== 'near' ? 0 : w[k]) / sum;
  return out;
}
