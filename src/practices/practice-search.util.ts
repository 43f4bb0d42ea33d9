// Finding examples (issue 27): the text groups of the German full-text vector, the query's filters, and the order by
// relevance and by how similar the example's town is to the reader's ("aus Kommunen wie Ihrer"). Pure.
import { SIZE_CLASSES, sizeClassOf } from '../municipalities/size-class.util';
import { sizeSimilarity, situationSimilarity } from '../matching/core/score.util';
import { STATES } from '../municipalities/directory/destatis-parser.util';
import type { PracticeInput } from './practice-input.util';
import { PRACTICE_STATUSES, type PracticeStatus } from './practice-states.util';

/** The town's directory facts when the example was written or published (public record, no profile field). */
export interface PracticeContext {
  townName: string;
  ags: string;
  stateCode: string;
  stateName: string;
  population: number;
  areaKm2: number;
  /** Inhabitants per km², rounded. */
  density: number;
  sizeClass: string;
  sizeLabel: string;
  degurba: number | null;
  associationPopulation: number | null;
}

export interface DirectoryFacts {
  name: string;
  ags: string;
  stateCode: string;
  stateName: string;
  population: number;
  areaKm2: number;
  degurba: number | null;
  associationPopulation: number | null;
}

export function contextOf(f: DirectoryFacts): PracticeContext {
  const size = sizeClassOf(f.population);
  return {
    townName: f.name,
    ags: f.ags,
    stateCode: f.stateCode,
    stateName: f.stateName,
    population: f.population,
    areaKm2: f.areaKm2,
    density: Math.round(f.population / Math.max(0.01, f.areaKm2)),
    sizeClass: size.key,
    sizeLabel: size.label,
    degurba: f.degurba,
    associationPopulation: f.associationPopulation,
  };
}

/**
 * The text of a published version in four weights: A the title, B summary, questions, topics and methods, C steps,
 * results, lessons and conditions, D the town and its Land. Stemmed by PostgreSQL's `german` configuration.
 */
export function searchTexts(
  p: PracticeInput,
  ctx: PracticeContext,
  topicNames: readonly string[],
  methodNames: readonly string[],
): [string, string, string, string] {
  return [
    p.title,
    [p.summary, ...p.challenges, ...topicNames, ...methodNames].join('\n'),
    [
      ...p.steps.flatMap((s) => [s.what, s.actor, s.effort, s.budget, s.funding, s.duration]),
      ...p.results.flatMap((r) => [r.text, r.figure]),
      p.notWorked,
      p.transferConditions,
    ]
      .filter(Boolean)
      .join('\n'),
    [ctx.townName, ctx.stateName].join('\n'),
  ];
}

export const SORTS = ['relevance', 'similar', 'newest'] as const;
export type PracticeSort = (typeof SORTS)[number];
export const SORT_DE: Record<PracticeSort, string> = {
  relevance: 'Relevanz',
  similar: 'Kommunen wie Ihre zuerst',
  newest: 'Neueste zuerst',
};

export interface PracticeQuery {
  q: string;
  topic: string | null;
  method: string | null;
  land: string | null;
  size: string | null;
  status: PracticeStatus | null;
  sort: PracticeSort | null;
  page: number;
}
export interface QueryProblem {
  field: string;
  en: string;
  de: string;
}
const QUERY_MAX = 200;

/** The query parameters by the names the caller uses (the API's English, the page's German). */
export type QueryNames = Record<Exclude<keyof PracticeQuery, never>, string>;
export const API_QUERY_NAMES: QueryNames = {
  q: 'q',
  topic: 'topic',
  method: 'method',
  land: 'land',
  size: 'size',
  status: 'status',
  sort: 'sort',
  page: 'page',
};
export const PAGE_QUERY_NAMES: QueryNames = {
  q: 'q',
  topic: 'thema',
  method: 'methode',
  land: 'land',
  size: 'groesse',
  status: 'status',
  sort: 'sortierung',
  page: 'seite',
};

const one = (v: unknown): string | null => (typeof v === 'string' ? v.trim() : null);

/** A Land by its two-digit code or its name (any case). */
export function landCode(v: string): string | null {
  if (/^\d{1,2}$/.test(v)) {
    const code = v.padStart(2, '0');
    return STATES[code] ? code : null;
  }
  const hit = Object.entries(STATES).find(([, name]) => name.toLowerCase() === v.toLowerCase());
  return hit?.[0] ?? null;
}

export function parseQuery(
  raw: Record<string, unknown>,
  names: QueryNames,
  known: { topics: ReadonlySet<string>; methods: ReadonlySet<string> },
): { query: PracticeQuery; problems: QueryProblem[] } {
  const problems: QueryProblem[] = [];
  const get = (k: keyof PracticeQuery) => {
    const v = raw[names[k]];
    if (v !== undefined && typeof v !== 'string') {
      problems.push({ field: names[k], en: `${names[k]} must be given once`, de: 'Ein Suchfeld wurde mehrfach übergeben.' });
      return null;
    }
    const s = one(v);
    return s ? s : null;
  };
  const q = get('q') ?? '';
  if (q.length > QUERY_MAX)
    problems.push({
      field: names.q,
      en: `The search text is longer than ${QUERY_MAX} characters`,
      de: `Der Suchtext darf höchstens ${QUERY_MAX} Zeichen lang sein.`,
    });
  const topic = get('topic');
  if (topic && !known.topics.has(topic)) problems.push({ field: names.topic, en: 'Unknown topic', de: 'Dieses Thema gibt es nicht.' });
  const method = get('method');
  if (method && !known.methods.has(method))
    problems.push({ field: names.method, en: 'Unknown method', de: 'Diese Methode gibt es nicht.' });
  const landRaw = get('land');
  const land = landRaw ? landCode(landRaw) : null;
  if (landRaw && !land)
    problems.push({ field: names.land, en: 'Unknown Land (use its two-digit code or its name)', de: 'Dieses Bundesland gibt es nicht.' });
  const size = get('size');
  if (size && !SIZE_CLASSES.some((c) => c.key === size))
    problems.push({
      field: names.size,
      en: `Unknown size class (one of ${SIZE_CLASSES.map((c) => c.key).join(', ')})`,
      de: 'Diese Größenklasse gibt es nicht.',
    });
  const status = get('status');
  if (status && !(PRACTICE_STATUSES as readonly string[]).includes(status))
    problems.push({
      field: names.status,
      en: `Unknown status (one of ${PRACTICE_STATUSES.join(', ')})`,
      de: 'Diesen Stand gibt es nicht.',
    });
  const sort = get('sort');
  if (sort && !(SORTS as readonly string[]).includes(sort))
    problems.push({ field: names.sort, en: `Unknown order (one of ${SORTS.join(', ')})`, de: 'Diese Sortierung gibt es nicht.' });
  const pageRaw = get('page');
  const page = pageRaw === null ? 1 : /^\d{1,5}$/.test(pageRaw) && Number(pageRaw) >= 1 ? Number(pageRaw) : NaN;
  if (Number.isNaN(page))
    problems.push({ field: names.page, en: 'page must be a positive whole number', de: 'Die Seitenzahl ist ungültig.' });
  return {
    query: {
      q: q.slice(0, QUERY_MAX),
      topic,
      method,
      land,
      size,
      status: status as PracticeStatus | null,
      sort: sort as PracticeSort | null,
      page: Number.isNaN(page) ? 1 : page,
    },
    problems,
  };
}

/** The facts similarity compares: the size (the Verband's where it has one, as the matcher does) and the situation. */
export interface SimilarityFacts {
  population: number;
  associationPopulation: number | null;
  areaKm2: number;
  degurba: number | null;
}

/** Threshold from which an example counts as "aus einer Kommune wie Ihrer". */
export const SIMILAR_FROM = 0.6;

/** How similar two towns are in size and situation, in [0, 1] — the matcher's size and situation components. */
export function townSimilarity(a: SimilarityFacts, b: SimilarityFacts): number {
  const ln = (t: SimilarityFacts) => Math.log(Math.max(1, t.associationPopulation ?? t.population));
  const lnDens = (t: SimilarityFacts) => Math.log(Math.max(1, t.population) / Math.max(0.01, t.areaKm2));
  const size = sizeSimilarity(ln(a), ln(b));
  const situation = situationSimilarity(a.degurba ?? 0, b.degurba ?? 0, lnDens(a), lnDens(b));
  return Math.round((0.6 * size + 0.4 * situation) * 1000) / 1000;
}

export interface RankedHit {
  id: string;
  rank: number;
  publishedAt: Date;
  similarity: number | null;
  /** Towns that took the example over (follow-up answered yes or partly). */
  adoptions?: number;
}

/** How much having been taken over counts in the order, against relevance and similarity (1 − ADOPTION_WEIGHT). */
const ADOPTION_WEIGHT = 0.2;
/** 0 for none, then half of the rest per town that took it over (1: 0.5, 2: 0.75, …). */
const adoptionBoost = (n: number | undefined) => 1 - 0.5 ** Math.max(0, n ?? 0);

/**
 * The order of the hits. With a search text: relevance (normalised to the best hit), blended with similarity to the
 * reader's town where there is one (¾ relevance, ¼ similarity). "similar": most similar towns first. Without a search
 * text the default is the most similar first for a town, else the newest. In "relevance" and "similar" an example that
 * was taken over ranks higher (ADOPTION_WEIGHT of the blend); "newest" is by date alone.
 */
export function orderHits<T extends RankedHit>(hits: readonly T[], q: string, sort: PracticeSort | null): T[] {
  const hasTown = hits.some((h) => h.similarity !== null);
  // Without a text or a town, "relevance" is adoption first, then the newest: without adoptions the same as newest.
  const effective: PracticeSort = sort ?? (q ? 'relevance' : hasTown ? 'similar' : 'relevance');
  const maxRank = Math.max(0, ...hits.map((h) => h.rank));
  const rel = (h: T) => (maxRank > 0 ? h.rank / maxRank : 0);
  const sim = (h: T) => h.similarity ?? 0;
  const adopted = (h: T, base: number) => (1 - ADOPTION_WEIGHT) * base + ADOPTION_WEIGHT * adoptionBoost(h.adoptions);
  const newest = (a: T, b: T) => b.publishedAt.getTime() - a.publishedAt.getTime() || (a.id < b.id ? -1 : 1);
  const score = (h: T) => adopted(h, q ? (hasTown ? 0.75 * rel(h) + 0.25 * sim(h) : rel(h)) : sim(h));
  const similar = (h: T) => adopted(h, sim(h));
  const by: Record<PracticeSort, (a: T, b: T) => number> = {
    relevance: (a, b) => score(b) - score(a) || newest(a, b),
    similar: (a, b) => similar(b) - similar(a) || rel(b) - rel(a) || newest(a, b),
    newest,
  };
  return [...hits].sort(by[effective]);
}
