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

/** Per-town facts built once and reused for every pair the town takes part in. */
interface TownFacts {
  topics: Set<string>;
  /** Challenge topics (each once, in the profile's order) and their highest urgency (1..3). */
  challenged: string[];
  urgency: number[];
  experience: Set<string>;
  /** effectivePopulation and the logs of population and density. */
  population: number;
  lnPopulation: number;
  lnDensity: number;
}
// Towns are treated as immutable while a run scores them.
const factsCache = new WeakMap<MatchTown, TownFacts>();
function factsOf(t: MatchTown): TownFacts {
  let s = factsCache.get(t);
  if (!s) {
    const urgency = new Map<string, number>();
    for (const c of t.challenges) urgency.set(c.topic, Math.max(urgency.get(c.topic) ?? 0, urgencyOf(c.urgency)));
    const population = effectivePopulation(t);
    s = {
      topics: new Set(t.topics), challenged: [...urgency.keys()], urgency: [...urgency.values()], experience: new Set(t.experiences.map((e) => e.topic)),
      population, lnPopulation: Math.log(population), lnDensity: Math.log(density(t)),
    };
    factsCache.set(t, s);
  }
  return s;
}

/** One direction of complement: how well `b`'s experience answers `a`'s challenges, in [0, 1). */
function complementDirection(a: TownFacts, b: TownFacts): number {
  let c1 = 0, c2 = 0, c3 = 0;
  for (let x = 0; x < a.challenged.length; x++) {
    if (b.experience.has(a.challenged[x])) {
      const u = a.urgency[x];
      if (u === 1) c1++;
      else if (u === 2) c2++;
      else c3++;
    }
  }
  return 1 - unmetShare(c1, c2, c3);
}
// Reason texts are cached per distinct number (textsOf), so the formatter runs only for new values.
const GERMAN_NUMBER = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const fmt = (n: number) => GERMAN_NUMBER.format(Math.round(n));
/** Rounded to two significant digits (the number that "ca." texts show). */
const rough = (n: number) => {
  const digits = Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.round(n / 10 ** digits) * 10 ** digits;
};
const DEGURBA_DE = ['', 'dicht besiedelt', 'mittlere Besiedlungsdichte', 'gering besiedelt'];
const SAME_SITUATION_DE = DEGURBA_DE.map((d) => `ähnliche Lage (beide ${d})`);

/**
 * The reason texts of one scoring context, each built once and then shared. They repeat a lot (the same topic,
 * state, rounded population, distance); built anew for each of ~100,000 suggestions they left millions of small
 * strings that the garbage collector copied out of the young generation, most of the time spent explaining
 * suggestions.
 */
interface Texts {
  mine: Map<string, string>;
  theirs: Map<string, string>;
  shared: Map<string, string>;
  both: Map<number, string>;
  sizes: Map<number, Map<number, string>>;
  states: Map<string, string>;
  km: Map<number, string>;
}
const textsCache = new WeakMap<ScoringContext, Texts>();
function textsOf(ctx: ScoringContext): Texts {
  let t = textsCache.get(ctx);
  if (!t) textsCache.set(ctx, (t = { mine: new Map(), theirs: new Map(), shared: new Map(), both: new Map(), sizes: new Map(), states: new Map(), km: new Map() }));
  return t;
}
const topicName = (ctx: ScoringContext, t: string) => ctx.topicNames[t] ?? t;

/** "Ihr Thema X ↔ deren Erfahrung mit X · …" for `a`'s challenges that `b`'s experience answers, appended to `text`. */
function answeredText(ctx: ScoringContext, text: string, a: TownFacts, b: TownFacts, mine: boolean): string {
  const lines = mine ? textsOf(ctx).mine : textsOf(ctx).theirs;
  for (const t of a.challenged) {
    if (!b.experience.has(t)) continue;
    let line = lines.get(t);
    if (line === undefined) {
      const n = topicName(ctx, t);
      lines.set(t, (line = mine ? `Ihr Thema ${n} ↔ deren Erfahrung mit ${n}` : `deren Thema ${n} ↔ Ihre Erfahrung mit ${n}`));
    }
    text = text ? text + ' · ' + line : line;
  }
  return text;
}

function sharedText(ctx: ScoringContext, a: TownFacts, b: TownFacts): string {
  let list = '', first = true;
  for (const t of a.topics) {
    if (!b.topics.has(t)) continue;
    list = first ? topicName(ctx, t) : list + ', ' + topicName(ctx, t);
    first = false;
  }
  const texts = textsOf(ctx).shared;
  let text = texts.get(list);
  if (text === undefined) texts.set(list, (text = `Gemeinsame Themen: ${list}`));
  return text;
}

function sizeText(ctx: ScoringContext, pa: number, pb: number, similarity: number): string {
  const texts = textsOf(ctx);
  if (similarity >= 0.6) {
    const both = rough((pa + pb) / 2);
    let text = texts.both.get(both);
    if (text === undefined) texts.both.set(both, (text = `Beide ca. ${fmt(both)} Einwohner`));
    return text;
  }
  const ra = rough(pa), rb = rough(pb);
  let row = texts.sizes.get(ra);
  if (!row) texts.sizes.set(ra, (row = new Map()));
  let text = row.get(rb);
  if (text === undefined) row.set(rb, (text = `vergleichbare Größe (${fmt(ra)} und ${fmt(rb)} Einwohner)`));
  return text;
}

function stateText(ctx: ScoringContext, stateName: string): string {
  const texts = textsOf(ctx).states;
  let text = texts.get(stateName);
  if (text === undefined) texts.set(stateName, (text = `anderes Bundesland (${stateName})`));
  return text;
}

function distanceText(ctx: ScoringContext, km: number): string {
  const tens = Math.round(km / 10) * 10;
  const texts = textsOf(ctx).km;
  let text = texts.get(tens);
  if (text === undefined) texts.set(tens, (text = `gut erreichbar (ca. ${fmt(tens)} km)`));
  return text;
}

/**
 * The explainable pair score, from `viewer`'s perspective for the texts; the numbers are symmetric.
 * Score = Σ component.value, each value = normalised weight × similarity, so the score lies in [0, 1].
 * Runs once per final suggestion (about 100,000 per run): no intermediate objects, and a reason text is
 * only looked up where its component counts (value > 0; the others carry ''), see Texts.
 */
export function scorePair(ctx: ScoringContext, viewer: MatchTown, other: MatchTown): { score: number; components: ScoreComponent[] } {
  const W = ctx.weights;
  const A = factsOf(viewer), B = factsOf(other);

  // Shared topics: IDF-weighted Jaccard.
  let inter = 0, union = 0;
  for (const t of A.topics) {
    const w = ctx.idf.get(t) ?? 0;
    union += w;
    if (B.topics.has(t)) inter += w;
  }
  for (const t of B.topics) if (!A.topics.has(t)) union += ctx.idf.get(t) ?? 0;
  const sharedS = union > 0 ? inter / union : 0;
  const sharedV = W.sharedTopics * sharedS;

  const complementS = complementSimilarity(complementDirection(A, B), complementDirection(B, A));
  const complementV = W.complement * complementS;

  const pa = A.population, pb = B.population;
  const sizeS = sizeSimilarity(A.lnPopulation, B.lnPopulation);
  const sizeV = W.size * sizeS;

  const da = viewer.degurba ?? 0, db = other.degurba ?? 0;
  const situationS = situationSimilarity(da, db, A.lnDensity, B.lnDensity);
  const situationV = W.situation * situationS;

  const otherState = viewer.stateCode !== other.stateCode;
  const otherStateS = otherState ? 1 : 0;
  const otherStateV = W.otherState * otherStateS;

  let distS = 0, km = 0;
  if (ctx.raw.distancePreference === 'near' && viewer.lat != null && viewer.lon != null && other.lat != null && other.lon != null) {
    km = haversineKm(viewer.lat, viewer.lon, other.lat, other.lon);
    distS = Math.max(0, 1 - km / ctx.raw.nearKm);
  }
  const distV = W.distance * distS;

  const components: ScoreComponent[] = [
    {
      key: 'complement', weight: W.complement, similarity: complementS, value: complementV,
      reason: complementV > 0 ? answeredText(ctx, answeredText(ctx, '', A, B, true), B, A, false) : '',
    },
    {
      key: 'sharedTopics', weight: W.sharedTopics, similarity: sharedS, value: sharedV,
      reason: sharedV > 0 ? sharedText(ctx, A, B) : '',
    },
    {
      key: 'size', weight: W.size, similarity: sizeS, value: sizeV,
      reason: sizeV > 0 ? sizeText(ctx, pa, pb, sizeS) : '',
    },
    {
      key: 'situation', weight: W.situation, similarity: situationS, value: situationV,
      reason: situationV > 0 && situationS >= 0.6 ? (da > 0 && da === db ? SAME_SITUATION_DE[da] ?? `ähnliche Lage (beide ${DEGURBA_DE[da]})` : 'ähnliche Siedlungsdichte') : '',
    },
    { key: 'otherState', weight: W.otherState, similarity: otherStateS, value: otherStateV, reason: otherStateV > 0 ? stateText(ctx, other.stateName) : '' },
    { key: 'distance', weight: W.distance, similarity: distS, value: distV, reason: distV > 0 ? distanceText(ctx, km) : '' },
  ];
  // Summed in COMPONENT_KEYS order, as the fast candidate pass does: both give the same number.
  const score = 0 + complementV + sharedV + sizeV + situationV + otherStateV + distV;
  return { score, components };
}

/** "Beide ca. 10.000 Einwohner · anderes Bundesland (Hessen) · …", strongest contribution first. */
export function reasonLine(components: ScoreComponent[]): string {
  return [...components].filter((c) => c.reason).sort((x, y) => y.value - x.value).map((c) => c.reason).join(' · ');
}
