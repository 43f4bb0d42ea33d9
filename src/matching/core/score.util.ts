import { MatchTown, ScoreComponent, WeightedKey } from './matching-input.types';
import { MatchWeights, normalisedWeights } from './weights';
/** " (…)", or " – …" where the text holds parentheses itself (a name like "Mücheln (Geiseltal)"): never nested. */
const aside = (text: string) => (/[()]/.test(text) ? ` – ${text}` : ` (${text})`);

/** Built once per run: topic rarity (IDF) over all towns of the run, normalised weights, topic names. */
export interface ScoringContext {
  weights: Record<WeightedKey, number>;
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

export const unmetShare = (c1: number, c2: number, c3: number) =>
  URGENCY_FACTOR[1] ** c1 * URGENCY_FACTOR[2] ** c2 * URGENCY_FACTOR[3] ** c3;
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
/**
 * Situation counts only from this similarity on: below it no German sentence is true of the pair ("ähnliche Lage"
 * with densities 10× apart or DEGURBA 1 vs 3 would not be), and a component without a reason adds nothing.
 * At or above it either both towns share their DEGURBA class or their densities are within about 2.5× of each other.
 */
export const SITUATION_MIN = 0.6;
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
  /** The Verband's population is the one compared (effectivePopulation), so the size text must say so. */
  association: boolean;
  /** "Penkun ca. 1.800 Einwohner, im Amt Löcknitz-Penkun zusammen 10.615 Einwohner": the town's own and, where used, the Verband's. */
  sizePart: string;
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
      topics: new Set(t.topics),
      challenged: [...urgency.keys()],
      urgency: [...urgency.values()],
      experience: new Set(t.experiences.map((e) => e.topic)),
      population,
      lnPopulation: Math.log(population),
      lnDensity: Math.log(density(t)),
      association: usesAssociation(t),
      sizePart: sizePartOf(t),
    };
    factsCache.set(t, s);
  }
  return s;
}

// Destatis Gemeindeverband types (51 Amt, 52 Samtgemeinde, …) in the dative ("im Amt …", "in der Verbandsgemeinde …").
const ASSOCIATION_IN_DE: Record<number, string> = {
  51: 'im Amt',
  52: 'in der Samtgemeinde',
  53: 'in der Verbandsgemeinde',
  54: 'in der Verwaltungsgemeinschaft',
  55: 'in der Kirchspielslandgemeinde',
  56: 'im Verwaltungsverband',
  57: 'in der Verbandsgemeinde',
  58: 'in der Verwaltungsgemeinschaft',
};
/** The size component compares the Gemeindeverband's population instead of the town's own. */
const usesAssociation = (t: MatchTown) => t.associationPopulation != null && t.associationPopulation !== t.population;
function sizePartOf(t: MatchTown): string {
  const own = `${t.name ?? 'Die Kommune'} ca. ${fmt(rough(Math.max(1, t.population)))} Einwohner`;
  if (!usesAssociation(t)) return own;
  const where = t.associationName
    ? `${ASSOCIATION_IN_DE[t.associationType ?? 0] ?? 'im Gemeindeverband'} ${t.associationName}`
    : 'mit ihrem Gemeindeverband';
  return `${own}, ${where} zusammen ${fmt(t.associationPopulation!)} Einwohner`;
}

/** A shared topic, or one town's challenge meeting the other's experience: what a tandem works on. */
export function hasTopicalBasis(a: MatchTown, b: MatchTown): boolean {
  const A = factsOf(a),
    B = factsOf(b);
  for (const t of A.topics) if (B.topics.has(t)) return true;
  for (const t of A.challenged) if (B.experience.has(t)) return true;
  for (const t of B.challenged) if (A.experience.has(t)) return true;
  return false;
}

/**
 * The topic the pair would work on (a slug), or null without a topical basis: a challenge that the other's
 * experience answers (most urgent first, then the rarer topic), else the rarest shared topic.
 */
export function pairTopic(ctx: ScoringContext, a: MatchTown, b: MatchTown): string | null {
  const A = factsOf(a),
    B = factsOf(b);
  let best: string | null = null,
    bestRank = -1;
  const consider = (topic: string, rank: number) => {
    if (rank > bestRank || (rank === bestRank && best !== null && topic < best)) {
      best = topic;
      bestRank = rank;
    }
  };
  const idf = (t: string) => Math.min(9, ctx.idf.get(t) ?? 0);
  for (let x = 0; x < A.challenged.length; x++)
    if (B.experience.has(A.challenged[x])) consider(A.challenged[x], 100 + 10 * A.urgency[x] + idf(A.challenged[x]));
  for (let x = 0; x < B.challenged.length; x++)
    if (A.experience.has(B.challenged[x])) consider(B.challenged[x], 100 + 10 * B.urgency[x] + idf(B.challenged[x]));
  if (best === null) for (const t of A.topics) if (B.topics.has(t)) consider(t, idf(t));
  return best;
}

/** One direction of complement: how well `b`'s experience answers `a`'s challenges, in [0, 1). */
function complementDirection(a: TownFacts, b: TownFacts): number {
  let c1 = 0,
    c2 = 0,
    c3 = 0;
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
  const digits = Math.max(0, Math.floor(Math.log10(Math.max(1, n))) - 1);
  return Math.round(n / 10 ** digits) * 10 ** digits;
};
const DEGURBA_DE = ['', 'dicht besiedelt', 'mit mittlerer Besiedlungsdichte', 'gering besiedelt'];
const SAME_SITUATION_DE = DEGURBA_DE.map((d) => `ähnliche Lage (beide ${d})`);

/**
 * The reason texts of one scoring context, each built once and then shared. They repeat a lot (the same topic,
 * state, rounded population, distance); built anew for each of ~100,000 suggestions they left millions of small
 * strings that the garbage collector copied out of the young generation, most of the time spent explaining
 * suggestions. The office's third-person texts name towns and are only built for the few pairs it reads.
 */
interface Texts {
  mine: Map<string, string>;
  theirs: Map<string, string>;
  shared: Map<string, string>;
  sizes: Map<number, Map<number, string>>;
  densities: Map<number, Map<number, string>>;
  states: Map<string, string>;
  km: Map<number, string>;
}
const textsCache = new WeakMap<ScoringContext, Texts>();
function textsOf(ctx: ScoringContext): Texts {
  let t = textsCache.get(ctx);
  if (!t)
    textsCache.set(
      ctx,
      (t = {
        mine: new Map(),
        theirs: new Map(),
        shared: new Map(),
        sizes: new Map(),
        densities: new Map(),
        states: new Map(),
        km: new Map(),
      }),
    );
  return t;
}
const topicName = (ctx: ScoringContext, t: string) => ctx.topicNames[t] ?? t;
/** A two-level cache for texts keyed by two numbers. */
function cached2(m: Map<number, Map<number, string>>, a: number, b: number, make: () => string): string {
  let row = m.get(a);
  if (!row) m.set(a, (row = new Map<number, string>()));
  let text = row.get(b);
  if (text === undefined) row.set(b, (text = make()));
  return text;
}

/**
 * "Ihre Herausforderung X ↔ deren Erfahrung mit X · …" for `a`'s challenges that `b`'s experience answers, appended to
 * `text` (a challenge, not just a topic: the profile names X as a Herausforderung).
 */
function answeredText(ctx: ScoringContext, text: string, a: TownFacts, b: TownFacts, mine: boolean): string {
  const lines = mine ? textsOf(ctx).mine : textsOf(ctx).theirs;
  for (const t of a.challenged) {
    if (!b.experience.has(t)) continue;
    let line = lines.get(t);
    if (line === undefined) {
      const n = topicName(ctx, t);
      lines.set(
        t,
        (line = mine ? `Ihre Herausforderung ${n} ↔ deren Erfahrung mit ${n}` : `deren Herausforderung ${n} ↔ Ihre Erfahrung mit ${n}`),
      );
    }
    text = text ? text + ' · ' + line : line;
  }
  return text;
}

/** The office's variant: "Herausforderung von A: X ↔ Erfahrung von B", appended to `text`. */
function answeredOffice(ctx: ScoringContext, text: string, a: TownFacts, b: TownFacts, nameA: string, nameB: string): string {
  for (const t of a.challenged) {
    if (!b.experience.has(t)) continue;
    const line = `${nameA} hat die Herausforderung ${topicName(ctx, t)} ↔ ${nameB} hat Erfahrung damit`;
    text = text ? text + ' · ' + line : line;
  }
  return text;
}

function sharedList(ctx: ScoringContext, a: TownFacts, b: TownFacts): string {
  let list = '',
    first = true;
  for (const t of a.topics) {
    if (!b.topics.has(t)) continue;
    list = first ? topicName(ctx, t) : list + ', ' + topicName(ctx, t);
    first = false;
  }
  return list;
}

function sharedText(ctx: ScoringContext, a: TownFacts, b: TownFacts): string {
  const list = sharedList(ctx, a, b);
  const texts = textsOf(ctx).shared;
  let text = texts.get(list);
  if (text === undefined) texts.set(list, (text = `Gemeinsame Themen: ${list}`));
  return text;
}

/**
 * Words that fit the ratio of the two (effective) populations: "Beide ca. …" only when both round to the same
 * number, "ähnlich groß" up to 1.5×, else the ratio itself ("Größenverhältnis etwa 1:3"). The size component
 * counts up to 4× (SIZE_SPAN), so every pair with a size contribution gets one of these.
 */
function sizeWords(pa: number, pb: number): string {
  const ra = rough(pa),
    rb = rough(pb);
  if (ra === rb) return `Beide ca. ${fmt(ra)} Einwohner`;
  const ratio = Math.max(pa, pb) / Math.min(pa, pb);
  const numbers = `ca. ${fmt(ra)} und ${fmt(rb)} Einwohner`;
  return ratio < 1.5 ? `ähnlich groß (${numbers})` : `Größenverhältnis etwa 1:${Math.round(ratio)} (${numbers})`;
}

function sizeText(ctx: ScoringContext, a: TownFacts, b: TownFacts): string {
  if (a.association || b.association) return sizeWithAssociation(a, b);
  const texts = textsOf(ctx);
  return cached2(texts.sizes, rough(a.population), rough(b.population), () => sizeWords(a.population, b.population));
}

/**
 * Where a Gemeindeverband's population is compared, the words say so and each town's own population stays its own:
 * "etwa gleich groß, mit Gemeindeverband gerechnet (Olbernhau ca. 2.000 Einwohner, im Amt X zusammen 15.000 Einwohner;
 * Y ca. 15.000 Einwohner)", never "Beide ca. 15.000 Einwohner" for a town of 2,000. Both perspectives read it.
 */
function sizeWithAssociation(a: TownFacts, b: TownFacts): string {
  const ra = rough(a.population),
    rb = rough(b.population);
  const ratio = Math.max(a.population, b.population) / Math.min(a.population, b.population);
  const verdict = ra === rb ? 'etwa gleich groß' : ratio < 1.5 ? 'ähnlich groß' : `Größenverhältnis etwa 1:${Math.round(ratio)}`;
  return `${verdict}, mit Gemeindeverband gerechnet${aside(`${a.sizePart}; ${b.sizePart}`)}`;
}

function sizeOffice(a: TownFacts, b: TownFacts, nameA: string, nameB: string): string {
  if (a.association || b.association) return sizeWithAssociation(a, b);
  const ra = rough(a.population),
    rb = rough(b.population);
  const ratio = Math.max(a.population, b.population) / Math.min(a.population, b.population);
  const numbers = `${nameA} ca. ${fmt(ra)}, ${nameB} ca. ${fmt(rb)} Einwohner`;
  if (ra === rb) return `${nameA} und ${nameB} beide ca. ${fmt(ra)} Einwohner`;
  return ratio < 1.5 ? `ähnlich groß${aside(numbers)}` : `Größenverhältnis etwa 1:${Math.round(ratio)}${aside(numbers)}`;
}

/**
 * Densities are called similar only up to this ratio (of the rounded numbers the text shows), as sizes are
 * ("ähnlich groß" up to 1.5×). The situation component still counts from SITUATION_MIN on (about 2.5× apart without a
 * shared DEGURBA class); past this ratio its text states the ratio instead of calling the towns similar.
 */
export const SIMILAR_DENSITY_RATIO = 1.5;
const densityRatio = (ra: number, rb: number) => Math.max(ra, rb) / Math.max(1, Math.min(ra, rb));
const GERMAN_DECIMAL = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });
/** "etwa 1:1,8" below 2.5×, "etwa 1:3" above (as the size words do). */
const ratioWords = (ratio: number) => `etwa 1:${ratio < 2.5 ? GERMAN_DECIMAL.format(ratio) : fmt(ratio)}`;

function situationWords(da: number, db: number, ra: number, rb: number, numbers: string): string {
  const ratio = densityRatio(ra, rb);
  const similar = ratio < SIMILAR_DENSITY_RATIO;
  if (da > 0 && da === db) {
    // Same DEGURBA class: that much is true whatever the ratio; "ähnlich" only when the densities are, too.
    return similar
      ? SAME_SITUATION_DE[da]
      : `beide ${DEGURBA_DE[da]}${aside(`Siedlungsdichte ${numbers}, Verhältnis ${ratioWords(ratio)}`)}`;
  }
  return similar ? `ähnliche Siedlungsdichte${aside(numbers)}` : `Siedlungsdichte im Verhältnis ${ratioWords(ratio)}${aside(numbers)}`;
}

function situationText(ctx: ScoringContext, da: number, db: number, densA: number, densB: number): string {
  const ra = rough(densA),
    rb = rough(densB);
  // Keyed by the rounded densities and the shared DEGURBA class (0: none), which the words depend on.
  const shared = da > 0 && da === db ? da : 0;
  return cached2(textsOf(ctx).densities, ra * 4 + shared, rb, () =>
    situationWords(shared, shared, ra, rb, `ca. ${fmt(ra)} und ${fmt(rb)} Einwohner je km²`),
  );
}

function situationOffice(da: number, db: number, densA: number, densB: number, nameA: string, nameB: string): string {
  const ra = rough(densA),
    rb = rough(densB);
  const numbers = `${nameA} ca. ${fmt(ra)}, ${nameB} ca. ${fmt(rb)} Einwohner je km²`;
  if (da > 0 && da === db && densityRatio(ra, rb) < SIMILAR_DENSITY_RATIO)
    return `ähnliche Lage${aside(`${nameA} und ${nameB} beide ${DEGURBA_DE[da] ?? ''}`)}`;
  return situationWords(da, db, ra, rb, numbers);
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

/** The numbers of one pair, computed by pairValues into one reused object (no allocation per pair). */
interface PairValues {
  sharedS: number;
  sharedV: number;
  complementS: number;
  complementV: number;
  sizeS: number;
  sizeV: number;
  situationS: number;
  situationV: number;
  otherStateS: number;
  otherStateV: number;
  distS: number;
  distV: number;
  km: number;
  score: number;
}
const scratch: PairValues = {
  sharedS: 0,
  sharedV: 0,
  complementS: 0,
  complementV: 0,
  sizeS: 0,
  sizeV: 0,
  situationS: 0,
  situationV: 0,
  otherStateS: 0,
  otherStateV: 0,
  distS: 0,
  distV: 0,
  km: 0,
  score: 0,
};

function pairValues(ctx: ScoringContext, viewer: MatchTown, other: MatchTown, A: TownFacts, B: TownFacts, v: PairValues): PairValues {
  const W = ctx.weights;
  // Shared topics: IDF-weighted Jaccard.
  let inter = 0,
    union = 0;
  for (const t of A.topics) {
    const w = ctx.idf.get(t) ?? 0;
    union += w;
    if (B.topics.has(t)) inter += w;
  }
  for (const t of B.topics) if (!A.topics.has(t)) union += ctx.idf.get(t) ?? 0;
  v.sharedS = union > 0 ? inter / union : 0;
  v.sharedV = W.sharedTopics * v.sharedS;

  v.complementS = complementSimilarity(complementDirection(A, B), complementDirection(B, A));
  v.complementV = W.complement * v.complementS;

  v.sizeS = sizeSimilarity(A.lnPopulation, B.lnPopulation);
  v.sizeV = W.size * v.sizeS;

  v.situationS = situationSimilarity(viewer.degurba ?? 0, other.degurba ?? 0, A.lnDensity, B.lnDensity);
  v.situationV = v.situationS >= SITUATION_MIN ? W.situation * v.situationS : 0;

  v.otherStateS = viewer.stateCode !== other.stateCode ? 1 : 0;
  v.otherStateV = W.otherState * v.otherStateS;

  v.distS = 0;
  v.km = 0;
  if (ctx.raw.distancePreference === 'near' && viewer.lat != null && viewer.lon != null && other.lat != null && other.lon != null) {
    v.km = haversineKm(viewer.lat, viewer.lon, other.lat, other.lon);
    v.distS = Math.max(0, 1 - v.km / ctx.raw.nearKm);
  }
  v.distV = W.distance * v.distS;
  // Summed in COMPONENT_KEYS order, as the fast candidate pass does: both give the same number.
  v.score = 0 + v.complementV + v.sharedV + v.sizeV + v.situationV + v.otherStateV + v.distV;
  return v;
}

/** The pair's score alone (bit-identical to scorePair's), without building reasons: for scans over many partners. */
export function pairScore(ctx: ScoringContext, a: MatchTown, b: MatchTown): number {
  return pairValues(ctx, a, b, factsOf(a), factsOf(b), scratch).score;
}

/**
 * The explainable pair score, from `viewer`'s perspective for the texts; the numbers are symmetric.
 * Score = Σ component.value, each value = normalised weight × similarity, so the score lies in [0, 1].
 * Every component with a value > 0 carries a German reason, the others carry '' (a component without a true
 * sentence, like situation below SITUATION_MIN, adds nothing). With `office`, each component also carries the
 * third-person text naming both towns (reasonOffice). `topic` is what the pair would work on (pairTopic).
 * Runs once per final suggestion (about 100,000 per run): texts are looked up where their component counts, see Texts.
 */
export function scorePair(
  ctx: ScoringContext,
  viewer: MatchTown,
  other: MatchTown,
  office = false,
): { score: number; components: ScoreComponent[]; topic: string | null } {
  const W = ctx.weights;
  const A = factsOf(viewer),
    B = factsOf(other);
  const v = pairValues(ctx, viewer, other, A, B, scratch);
  const {
    complementS,
    complementV,
    sharedS,
    sharedV,
    sizeS,
    sizeV,
    situationS,
    situationV,
    otherStateS,
    otherStateV,
    distS,
    distV,
    km,
    score,
  } = v;
  const da = viewer.degurba ?? 0,
    db = other.degurba ?? 0;
  const components: ScoreComponent[] = [
    {
      key: 'complement',
      weight: W.complement,
      similarity: complementS,
      value: complementV,
      reason: complementV > 0 ? answeredText(ctx, answeredText(ctx, '', A, B, true), B, A, false) : '',
    },
    { key: 'sharedTopics', weight: W.sharedTopics, similarity: sharedS, value: sharedV, reason: sharedV > 0 ? sharedText(ctx, A, B) : '' },
    { key: 'size', weight: W.size, similarity: sizeS, value: sizeV, reason: sizeV > 0 ? sizeText(ctx, A, B) : '' },
    {
      key: 'situation',
      weight: W.situation,
      similarity: situationS,
      value: situationV,
      reason: situationV > 0 ? situationText(ctx, da, db, density(viewer), density(other)) : '',
    },
    {
      key: 'otherState',
      weight: W.otherState,
      similarity: otherStateS,
      value: otherStateV,
      reason: otherStateV > 0 ? stateText(ctx, other.stateName) : '',
    },
    { key: 'distance', weight: W.distance, similarity: distS, value: distV, reason: distV > 0 ? distanceText(ctx, km) : '' },
  ];
  if (office) {
    const na = viewer.name ?? 'Kommune A',
      nb = other.name ?? 'Kommune B';
    const texts: Record<string, string> = {
      complement: complementV > 0 ? answeredOffice(ctx, answeredOffice(ctx, '', A, B, na, nb), B, A, nb, na) : '',
      sharedTopics: sharedV > 0 ? `Gemeinsame Themen von ${na} und ${nb}: ${sharedList(ctx, A, B)}` : '',
      size: sizeV > 0 ? sizeOffice(A, B, na, nb) : '',
      situation: situationV > 0 ? situationOffice(da, db, density(viewer), density(other), na, nb) : '',
      otherState: otherStateV > 0 ? `verschiedene Bundesländer${aside(`${na}: ${viewer.stateName}, ${nb}: ${other.stateName}`)}` : '',
      distance: distV > 0 ? `gut erreichbar${aside(`${na} – ${nb} ca. ${fmt(Math.round(km / 10) * 10)} km`)}` : '',
    };
    for (const c of components) c.reasonOffice = texts[c.key];
  }
  return { score, components, topic: pairTopic(ctx, viewer, other) };
}

/**
 * "Beide ca. 10.000 Einwohner · anderes Bundesland (Hessen) · …", strongest contribution first; the office's variant
 * where asked for; `network`: the third-person text built from what both towns may see of each other (for texts both
 * read — none when the components were stored without it).
 */
export function reasonLine(components: ScoreComponent[], perspective: 'town' | 'office' | 'network' = 'town'): string {
  const text = (c: ScoreComponent) =>
    perspective === 'office' ? (c.reasonOffice ?? c.reason) : perspective === 'network' ? (c.reasonNetwork ?? '') : c.reason;
  return [...components]
    .filter((c) => text(c))
    .sort((x, y) => y.value - x.value)
    .map(text)
    .join(' · ');
}
