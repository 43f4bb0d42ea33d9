import { ComponentKey, MatchTown, ScoreComponent } from './matching-input.types';
import { MatchWeights, normalisedWeights } from './weights';

/** Built once per run: topic rarity (IDF) over all towns of the run, normalised weights, topic names. */
export interface ScoringContext {
  weights: Record<ComponentKey, number>;
  raw: MatchWeights;
  idf: Map<string, number>;
  topicNames: Record<string, string>;
}

export function buildContext(towns: readonly MatchTown[], weights: MatchWeights, topicNames: Record<string, string> = {}): ScoringContext {
  const df = new Map<string, number>();
  for (const t of towns) for (const topic of new Set(t.topics)) df.set(topic, (df.get(topic) ?? 0) + 1);
  const idf = new Map<string, number>();
  const n = towns.length;
  for (const [topic, d] of df) idf.set(topic, idfOf(n, d));
  return { weights: normalisedWeights(weights), raw: weights, idf, topicNames };
}

// Rare shared topics count more than common ones; +0.1 keeps a topic everyone has from counting zero.
// Rounded to a multiple of 2^-20: sums of such numbers are exact in any order, so the fast candidate pass
// (table lookups) and this pair function give bit-identical scores.
export const idfOf = (towns: number, withTopic: number) => Math.round((Math.log((towns + 1) / (withTopic + 1)) + 0.1) * 2 ** 20) / 2 ** 20;

// Per matched topic a challenge of urgency u leaves (1 - 0.3u) of the "unmet" share: 1 match at urgency 3 ≈ 0.9.
export const URGENCY_FACTOR = [1, 0.7, 0.4, 0.1];

/** Share of a town's challenges left unmet after c1, c2, c3 answered challenges of urgency 1, 2, 3. One formula for both paths. */
/** Urgency clamped to 1..3, so odd input cannot break the lookup tables. */
export const urgencyOf = (u: number) => (u >= 3 ? 3 : u >= 2 ? 2 : 1);

export const unmetShare = (c1: number, c2: number, c3: number) => URGENCY_FACTOR[1] ** c1 * URGENCY_FACTOR[2] ** c2 * URGENCY_FACTOR[3] ** c3;
export const SIZE_SPAN = Math.log(4); // 4× the population → size similarity 0
export const DENSITY_SPAN = Math.log(10);

export const effectivePopulation = (t: MatchTown) => Math.max(1, t.associationPopulation ?? t.population);
export const density = (t: MatchTown) => Math.max(1, t.population) / Math.max(0.01, t.areaKm2);

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 12742 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export const sizeSimilarity = (lnA: number, lnB: number) => Math.max(0, 1 - Math.abs(lnA - lnB) / SIZE_SPAN);
export function situationSimilarity(degA: number, degB: number, lnDensA: number, lnDensB: number): number {
  const dens = 1 - Math.min(1, Math.abs(lnDensA - lnDensB) / DENSITY_SPAN);
  return degA > 0 && degB > 0 ? (dens + (1 - Math.abs(degA - degB) / 2)) / 2 : dens;
}

/** Symmetric: one answered direction already counts strongly; both directions count most. */
export const complementSimilarity = (ab: number, ba: number) => 0.75 * Math.max(ab, ba) + 0.25 * Math.min(ab, ba);

/** Per-town lookups built once and reused for every pair the town takes part in. */
interface TownSets {
  topics: Set<string>;
  urgency: Map<string, number>;
  experience: Set<string>;
}
// Towns are treated as immutable while a run scores them.
const setsCache = new WeakMap<MatchTown, TownSets>();
function setsOf(t: MatchTown): TownSets {
  let s = setsCache.get(t);
  if (!s) {
    const urgency = new Map<string, number>();
    for (const c of t.challenges) urgency.set(c.topic, Math.max(urgency.get(c.topic) ?? 0, urgencyOf(c.urgency)));
    s = { topics: new Set(t.topics), urgency, experience: new Set(t.experiences.map((e) => e.topic)) };
    setsCache.set(t, s);
  }
  return s;
}

/** One direction of complement: how well `b`'s experience answers `a`'s challenges, in [0, 1). */
function complementDirection(a: MatchTown, b: MatchTown): { value: number; topics: string[] } {
  const urgency = setsOf(a).urgency;
  const exp = setsOf(b).experience;
  const count = [0, 0, 0, 0];
  const topics: string[] = [];
  for (const [topic, u] of urgency) {
    if (exp.has(topic)) {
      count[u]++;
      topics.push(topic);
    }
  }
  return { value: 1 - unmetShare(count[1], count[2], count[3]), topics };
}

// Hand-rolled: Intl formatting dominated the cost of explaining 100,000 suggestions.
const fmt = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.'); // German thousands separator
const roughly = (n: number) => {
  const digits = Math.max(0, Math.floor(Math.log10(n)) - 1);
  return fmt(Math.round(n / 10 ** digits) * 10 ** digits);
};
const DEGURBA_DE = ['', 'dicht besiedelt', 'mittlere Besiedlungsdichte', 'gering besiedelt'];

/**
 * The explainable pair score, from `viewer`'s perspective for the texts; the numbers are symmetric.
 * Score = Σ component.value, each value = normalised weight × similarity, so the score lies in [0, 1].
 */
export function scorePair(ctx: ScoringContext, viewer: MatchTown, other: MatchTown): { score: number; components: ScoreComponent[] } {
  const name = (t: string) => ctx.topicNames[t] ?? t;
  const sims: Record<ComponentKey, { s: number; reason: string }> = {} as never;

  // Shared topics: IDF-weighted Jaccard.
  const a = setsOf(viewer).topics, b = setsOf(other).topics;
  let inter = 0, union = 0;
  const shared: string[] = [];
  for (const t of a) {
    const w = ctx.idf.get(t) ?? 0;
    union += w;
    if (b.has(t)) {
      inter += w;
      shared.push(t);
    }
  }
  for (const t of b) if (!a.has(t)) union += ctx.idf.get(t) ?? 0;
  sims.sharedTopics = { s: union > 0 ? inter / union : 0, reason: shared.length ? `Gemeinsame Themen: ${shared.map(name).join(', ')}` : '' };

  const mine = complementDirection(viewer, other);
  const theirs = complementDirection(other, viewer);
  const parts = [
    ...mine.topics.map((t) => `Ihr Thema ${name(t)} ↔ deren Erfahrung mit ${name(t)}`),
    ...theirs.topics.map((t) => `deren Thema ${name(t)} ↔ Ihre Erfahrung mit ${name(t)}`),
  ];
  sims.complement = { s: complementSimilarity(mine.value, theirs.value), reason: parts.join(' · ') };

  const pa = effectivePopulation(viewer), pb = effectivePopulation(other);
  const size = sizeSimilarity(Math.log(pa), Math.log(pb));
  sims.size = {
    s: size,
    reason: size >= 0.6 ? `Beide ca. ${roughly((pa + pb) / 2)} Einwohner` : size > 0 ? `vergleichbare Größe (${roughly(pa)} und ${roughly(pb)} Einwohner)` : '',
  };

  const da = viewer.degurba ?? 0, db = other.degurba ?? 0;
  const situation = situationSimilarity(da, db, Math.log(density(viewer)), Math.log(density(other)));
  sims.situation = {
    s: situation,
    reason: situation >= 0.6 ? (da > 0 && da === db ? `ähnliche Lage (beide ${DEGURBA_DE[da]})` : 'ähnliche Siedlungsdichte') : '',
  };

  const otherState = viewer.stateCode !== other.stateCode;
  sims.otherState = { s: otherState ? 1 : 0, reason: otherState ? `anderes Bundesland (${other.stateName})` : '' };

  let dist = 0, distReason = '';
  if (ctx.raw.distancePreference === 'near' && viewer.lat != null && viewer.lon != null && other.lat != null && other.lon != null) {
    const km = haversineKm(viewer.lat, viewer.lon, other.lat, other.lon);
    dist = Math.max(0, 1 - km / ctx.raw.nearKm);
    distReason = dist > 0 ? `gut erreichbar (ca. ${fmt(Math.round(km / 10) * 10)} km)` : '';
  }
  sims.distance = { s: dist, reason: distReason };

  // Built field by field (no keyed lookups): this runs once per final suggestion, 100,000 times per run.
  const W = ctx.weights;
  const component = (key: ComponentKey, weight: number, c: { s: number; reason: string }): ScoreComponent => {
    const value = weight * c.s;
    return { key, weight, similarity: c.s, value, reason: value > 0 ? c.reason : '' };
  };
  const components = [
    component('complement', W.complement, sims.complement), component('sharedTopics', W.sharedTopics, sims.sharedTopics),
    component('size', W.size, sims.size), component('situation', W.situation, sims.situation),
    component('otherState', W.otherState, sims.otherState), component('distance', W.distance, sims.distance),
  ];
  // Summed in COMPONENT_KEYS order, as the fast candidate pass does: both give the same number.
  let score = 0;
  for (const c of components) score += c.value;
  return { score, components };
}

/** "Beide ca. 10.000 Einwohner · anderes Bundesland (Hessen) · …", strongest contribution first. */
export function reasonLine(components: ScoreComponent[]): string {
  return [...components].filter((c) => c.reason).sort((x, y) => y.value - x.value).map((c) => c.reason).join(' · ');
}
