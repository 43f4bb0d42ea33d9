import { HttpStatus, Injectable } from '@nestjs/common';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import type { ScoreComponent, WeightedKey } from './core/matching-input.types';
import { reasonList, ReasonList } from './core/reason-list.util';
import { reasonLine } from './core/score.util';
import type { RoundPairRow, RoundSummary, RunRow, UnmatchedReason, WorkshopGroupRow, WorkshopsSummary } from './matching.read-models';
import { TownReadRepository } from '../municipalities/town-read.repository';
import { MatchingRepository } from './matching.repository';
import { effectiveWeights } from './matching.service';
import { compareGerman } from '../common/collation.util';
import { renderGermanyMap } from '../maps/germany-map.util';
import { LRUCache } from 'lru-cache';

/** One suggested partner as the API returns it and the page shows it. */
export interface SuggestionView {
  rank: number;
  score: number;
  partner: { id: string; name: string; stateName: string; population: number; areaKm2: number; districtName: string | null };
  reasons: string;
  /** The same reasons as a list: one line per criterion with its share of the score, strongest first, topic on top. */
  reasonList: ReasonList;
  components: ScoreComponent[];
  runId: string;
  /** The pair's possible tandem topic. */
  topic: { slug: string; name: string } | null;
  /** "zuletzt vor mehr als drei Monaten aktiv": shown only where the partner's long silence lowered its rank (issue 23). */
  activityNote: string | null;
}

export interface TownSuggestionsView {
  townId: string;
  computedAt: Date | null;
  profileEmpty: boolean;
  /** No free tandem capacity: the town is suggested to nobody (its page says so). */
  full: boolean;
  suggestions: SuggestionView[];
}

type RoundPairView = RoundPairRow & { reasons: string; reasonList: ReasonList; topicName: string | null; passung: string };
export type RunView = Omit<RunRow, 'params'> & { pairs?: RoundPairView[]; groups?: WorkshopGroupRow[] };

/** Rows of the round shown per page of the office page (the API has the whole round). */
export const ROUND_PAGE_SIZE = 20;
/** Workshop groups and left-out towns shown on the office page. */
const PAGE_LIST_LIMIT = 20;

const UNMATCHED_DE: Record<UnmatchedReason, string> = {
  no_capacity: 'keine freie Tandem-Kapazität',
  no_allowed_partner: 'kein zulässiger Partner (Regeln)',
  outscored: 'andere Paare ergaben zusammen eine höhere Gesamtpunktzahl',
};

const WEIGHT_FIELDS: Array<[WeightedKey, string]> = [
  ['complement', 'Herausforderung trifft Erfahrung'],
  ['sharedTopics', 'Gemeinsame Themen'],
  ['size', 'Vergleichbare Größe'],
  ['situation', 'Vergleichbare Lage'],
  ['otherState', 'Anderes Bundesland'],
  ['distance', 'Nähe (nur bei Vorliebe „nah“)'],
];
export const WEIGHT_KEYS = WEIGHT_FIELDS.map(([key]) => key);

/** What started a run, in words (never the stored code). */
const TRIGGER_DE: Record<string, string> = {
  office: 'von der Geschäftsstelle gestartet',
  startup: 'beim Start des Dienstes',
  nightly: 'nächtliche Neuberechnung',
  profile: 'nach einer Profiländerung',
  verified: 'nach einer bestätigten Registrierung',
  tandem: 'nach einer Änderung an einem Tandem',
  paused: 'eine Kommune wünscht keine Vorschläge mehr',
  resumed: 'eine Kommune wünscht wieder Vorschläge',
  debounced: 'nach Änderungen im Netzwerk',
  practice: 'nach einer Veröffentlichung im Methodenkoffer',
  practice_follow_up: 'nach einer Rückmeldung zu einem Anwendungsbeispiel',
};
const triggerLabel = (trigger: string) => TRIGGER_DE[trigger] ?? 'automatisch';
/** A score in [0, 1] as the pages show it: "Passung 66 von 100". */
const passung = (score: number) => `Passung ${Math.round(Math.max(0, Math.min(1, score)) * 100)} von 100`;
/** A stored weight (0..1) as the percentage the form shows, one decimal at most. */
const percentOf = (w: unknown) => Math.round(Number(w) * 1000) / 10;

export interface OfficeMatchingQuery {
  theme?: string;
  page?: number;
  started?: boolean;
  weightsSaved?: boolean;
  errors?: string[];
}

/** Read side of matching, shared by the API and the pages; every method reads only what its answer shows. */
@Injectable()
export class MatchingViewModel {
  // Page sections of done runs (see doneRunSection): a few runs × pages × themes.
  private readonly sections = new LRUCache<string, object>({ max: 64 });
  // Each town's list of the current run (see suggestionList): a network of ~2,100 towns fits.
  private readonly suggestionLists = new LRUCache<string, SuggestionView[]>({ max: 2500 });

  constructor(
    private readonly repo: MatchingRepository,
    private readonly towns: TownReadRepository,
  ) {}

  /** A town's current suggestions with partner facts and German reasons. Own town or the office only. */
  async townSuggestions(viewer: SessionUser, townId: string): Promise<TownSuggestionsView> {
    if (viewer.townId !== townId && !isOffice(viewer)) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_your_town',
        'You can only see the suggestions of your own town',
        'Sie können nur die Vorschläge Ihrer eigenen Kommune sehen.',
      );
    }
    // One statement of index lookups (the current run's head, this town's hints) and, unless kept, its list.
    const { run, own } = await this.repo.suggestionsHead(townId);
    const suggestions = run ? await this.suggestionList(run.id, townId) : [];
    return {
      townId,
      computedAt: suggestions.length ? run!.finishedAt : null,
      profileEmpty: own?.profileEmpty ?? false,
      full: own ? own.capacity - own.tandems <= 0 : false,
      suggestions,
    };
  }

  /**
   * A done run's suggestions never change (partners' facts come from the official directory): each town's list, with
   * its German reasons, is kept per run, so Monday's many page views read it once.
   */
  private async suggestionList(runId: string, townId: string): Promise<SuggestionView[]> {
    const key = `${runId}|${townId}`;
    const hit = this.suggestionLists.get(key);
    if (hit) return hit;
    const rows = await this.repo.suggestionsOfRun(runId, townId);
    const list = rows.map((r): SuggestionView => ({
      rank: r.rank,
      score: r.score,
      partner: {
        id: r.partnerId,
        name: r.name,
        stateName: r.stateName,
        population: r.population,
        areaKm2: r.areaKm2,
        districtName: r.districtName,
      },
      reasons: reasonLine(r.components),
      reasonList: reasonList(r.components, 'town', r.topic ? (r.topicName ?? r.topic) : null),
      components: r.components,
      runId: r.runId,
      topic: r.topic ? { slug: r.topic, name: r.topicName ?? r.topic } : null,
      activityNote: r.activityNote ?? null,
    }));
    this.suggestionLists.set(key, list);
    return list;
  }

  async suggestionsPage(viewer: SessionUser) {
    const data = await this.townSuggestions(viewer, viewer.townId!);
    return { title: 'Vorschläge', ...data, cards: data.suggestions.map((s) => ({ ...s, percent: Math.round(s.score * 100) })) };
  }

  /** A run's inputs and, when done, its whole result (the API). */
  async run(runId: string): Promise<RunView> {
    const run = await this.repo.findRun(runId);
    if (!run) throw new DomainError(HttpStatus.NOT_FOUND, 'run_not_found', 'Run not found', 'Diese Berechnung gibt es nicht.');
    const base = runBase(run);
    if (run.status !== 'done') return base;
    if (run.kind === 'tandem_round') {
      const [pairs, names] = await Promise.all([this.repo.roundPairs(run.id), this.towns.topicNames()]);
      return { ...base, pairs: withReasons(pairs, names) };
    }
    if (run.kind === 'workshops') return { ...base, groups: await this.repo.workshopGroups(run.id) };
    return base;
  }

  /** The office's page: current round (one page of it), the workshop proposal for a theme, weights, recent runs. */
  async officePage(q: OfficeMatchingQuery) {
    // Topic names are kept for 2 s (TownReadRepository); the rest is one statement.
    const names = await this.towns.topicNames();
    const chosenTheme = q.theme && names[q.theme] ? q.theme : undefined;
    const heads = await this.repo.officePageHeads(chosenTheme, 8);
    const { round, workshop: ws, latest: runs } = heads;
    const weights = effectiveWeights(heads.weights);
    const page = Math.max(1, Math.floor(q.page ?? 1));
    const namesKey = Object.entries(names).join('|');
    return {
      title: 'Tandemrunde und Transferwerkstätten',
      weights: WEIGHT_FIELDS.map(([key, label]) => ({ key, label, percent: percentOf(weights[key]) })),
      nearPreferred: weights.distancePreference === 'near',
      nearKm: weights.nearKm,
      requireTopicalBasis: weights.requireTopicalBasis !== false,
      weightsSaved: q.weightsSaved ?? false,
      topics: Object.entries(names)
        .map(([slug, name]) => ({ slug, name, selected: slug === (ws?.theme ?? chosenTheme) }))
        .sort((a, b) => compareGerman(a.name, b.name)),
      round: round
        ? await this.doneRunSection(`round|${round.id}|${page}|${chosenTheme ?? ''}|${namesKey}`, round.id, (run) =>
            this.roundSection(run, page, chosenTheme, names),
          )
        : null,
      workshop: ws ? await this.doneRunSection(`ws|${ws.id}|${namesKey}`, ws.id, (run) => this.workshopSection(run, names)) : null,
      runs: runs.map((r) => ({
        id: r.id,
        kind: r.kind,
        status: r.status,
        startedAt: r.startedAt,
        seed: r.seed,
        triggerLabel: triggerLabel(r.trigger),
        themeName: r.theme ? (names[r.theme] ?? 'Thema nicht mehr vorhanden') : null,
      })),
      started: q.started ?? false,
      errors: q.errors ?? [],
    };
  }

  /**
   * A current run is done, and a done run's results never change: its page section (pairs with reasons, groups on
   * the map) is built once per run, page and topic names and kept, instead of per request.
   */
  private async doneRunSection<T extends object>(key: string, runId: string, build: (run: RunRow) => Promise<T>): Promise<T | null> {
    const hit = this.sections.get(key);
    if (hit) return hit as T;
    const run = await this.repo.findRun(runId);
    if (!run) return null;
    const section = await build(run);
    if (run.status === 'done') this.sections.set(key, section);
    return section;
  }

  private async roundSection(run: RunRow, page: number, theme: string | undefined, names: Record<string, string>) {
    const summary = run.summary as RoundSummary;
    const pages = Math.max(1, Math.ceil((summary.pairs ?? 0) / ROUND_PAGE_SIZE));
    const current = Math.min(page, pages);
    const pairs = withReasons(await this.repo.roundPairs(run.id, ROUND_PAGE_SIZE, (current - 1) * ROUND_PAGE_SIZE), names);
    const unmatched = (summary.unmatched ?? []).map((u) => ({
      name: u.name,
      reason: UNMATCHED_DE[u.reason as UnmatchedReason] ?? u.reason,
    }));
    return {
      ...runBase(run),
      pairs,
      averagePassung: summary.pairs ? passung((summary.totalScore ?? 0) / summary.pairs) : null,
      unmatched: unmatched.slice(0, PAGE_LIST_LIMIT),
      unmatchedMore: Math.max(0, unmatched.length - PAGE_LIST_LIMIT),
      paging:
        pages > 1
          ? {
              page: current,
              pages,
              from: (current - 1) * ROUND_PAGE_SIZE + 1,
              to: (current - 1) * ROUND_PAGE_SIZE + pairs.length,
              prevHref: current > 1 ? pageHref(current - 1, theme) : null,
              nextHref: current < pages ? pageHref(current + 1, theme) : null,
            }
          : null,
    };
  }

  private async workshopSection(run: RunRow, names: Record<string, string>) {
    const summary = run.summary as WorkshopsSummary;
    const groups = (await this.repo.workshopGroups(run.id, PAGE_LIST_LIMIT)).map((g) => ({
      ...g,
      // The group's score sums its pair scores; the page shows the mean pair's fit.
      passung: g.towns.length > 1 ? passung(g.score / ((g.towns.length * (g.towns.length - 1)) / 2)) : null,
    }));
    const themeName = (run.theme && names[run.theme]) ?? run.theme;
    // The groups on a map of Germany with state borders; the lists beside it name every town.
    const map = groups.length
      ? renderGermanyMap({
          title: `Vorgeschlagene Gruppen${themeName ? ` zum Thema ${themeName}` : ''} auf der Karte`,
          description: `${groups.length} Gruppen, jede mit eigener Farbe und Form. Die Listen neben der Karte nennen alle Kommunen jeder Gruppe.`,
          points: groups.flatMap((g) =>
            g.towns
              .filter((t) => t.latitude != null && t.longitude != null)
              .map((t) => ({ latitude: t.latitude!, longitude: t.longitude!, label: t.name, groupKey: `g${g.groupNo}` })),
          ),
          groups: groups.map((g) => ({ key: `g${g.groupNo}`, label: `Gruppe ${g.groupNo}` })),
          idPrefix: 'ws-map',
          linkBase: true,
        })
      : null;
    const leftOut = summary.leftOut ?? [];
    return {
      ...runBase(run),
      themeName,
      groups,
      map,
      groupsMore: Math.max(0, (summary.groups ?? 0) - groups.length),
      leftOut: leftOut.slice(0, PAGE_LIST_LIMIT),
      leftOutMore: Math.max(0, leftOut.length - PAGE_LIST_LIMIT),
    };
  }
}

const runBase = (run: RunRow): RunView => ({
  id: run.id,
  kind: run.kind,
  status: run.status,
  trigger: run.trigger,
  theme: run.theme,
  seed: run.seed,
  weights: run.weights,
  fingerprint: run.fingerprint,
  summary: run.summary,
  error: run.error,
  isCurrent: run.isCurrent,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
});

const pageHref = (page: number, theme: string | undefined) =>
  `/geschaeftsstelle/matching?seite=${page}${theme ? `&thema=${encodeURIComponent(theme)}` : ''}`;

// The round is read by the Geschäftsstelle: third-person reasons.
const withReasons = (pairs: RoundPairRow[], names: Record<string, string>): RoundPairView[] =>
  pairs.map((p) => ({
    ...p,
    topicName: p.topic ? (names[p.topic] ?? null) : null,
    reasons: reasonLine(p.components, 'office'),
    reasonList: reasonList(p.components, 'office'),
    passung: passung(p.score),
  }));
