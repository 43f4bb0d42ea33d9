import { HttpStatus, Injectable } from '@nestjs/common';
import { compareGerman } from '../common/collation.util';
import { DomainError, unknownSort } from '../common/domain-error';
import { pickSort, sortOptions, type SortChoice } from '../common/list-sort.util';
import { STATES } from '../municipalities/directory/destatis-parser.util';
import { toCsv } from '../common/csv.util';
import { SIZE_CLASSES } from '../municipalities/size-class.util';
import { SeismographRepository } from './seismograph.repository';
import {
  CHART_MAX_LINES,
  chartTopics,
  lineChartSvg,
  parseQuarter,
  quarterKey,
  quarterLabel,
  quarterWindow,
  seismograph,
  shortQuarterLabel,
  sortTopics,
  TREND_DE,
  type SeismoSort,
  type SeismoTopic,
} from './seismograph.util';

/** Quarters shown, the last one included. */
const SEISMO_QUARTERS = 8;
const FIRST_QUARTER = '2019-Q1';

// The table's orders for ?sortierung=; sorted in TypeScript (the figures are aggregated there), so `orderBy` names
// the comparator of seismograph.util's sortTopics instead of SQL.
const SEISMO_SORTS: readonly SortChoice[] = [
  { value: 'bedarf', label: 'Bedarf an Beispielen (größter zuerst)', orderBy: 'need' },
  { value: 'anstieg', label: 'Stärkster Anstieg zuerst', orderBy: 'rising' },
  { value: 'herausforderungen', label: 'Meiste Herausforderungen zuerst', orderBy: 'challenges' },
  { value: 'thema', label: 'Thema (A–Z)', orderBy: 'name' },
];

export interface SeismoQuery {
  stateCode: string | null;
  sizeClass: string | null;
  /** The window's last quarter ("2025-Q3"). */
  until: string;
  sort: SortChoice;
  /** What the page's form shows again. */
  raw: { land: string; groesse: string; bis: string; sortierung: string };
}

type Names = { land: string; size: string; until: string; sort: string };
const API_NAMES: Names = { land: 'land', size: 'size', until: 'until', sort: 'sort' };
const PAGE_NAMES: Names = { land: 'land', size: 'groesse', until: 'bis', sort: 'sortierung' };

const bad = (en: string, de: string, field: string) => new DomainError(HttpStatus.BAD_REQUEST, 'invalid_filter', en, de, field);

/** The office's Seismograph (issue 27): one model for the page, the JSON API and the CSV. */
@Injectable()
export class SeismographViewModel {
  constructor(private readonly repo: SeismographRepository) {}

  /** Land (two-digit code), size class and last quarter; anything else is a 400 (English for the API, German on pages). */
  parse(query: Record<string, unknown>, by: 'api' | 'page', now = new Date()): SeismoQuery {
    const names = by === 'api' ? API_NAMES : PAGE_NAMES;
    const get = (k: keyof Names): string => {
      const v = query[names[k]];
      if (v === undefined) return '';
      if (typeof v !== 'string') throw bad(`${names[k]} must be given once`, 'Ein Filter wurde mehrfach übergeben.', names[k]);
      return v.trim();
    };
    const land = get('land');
    const size = get('size');
    const until = get('until');
    const sort = get('sort');
    if (land && !STATES[land]) throw bad('Unknown Land (use its two-digit code)', 'Dieses Bundesland gibt es nicht.', names.land);
    if (size && !SIZE_CLASSES.some((c) => c.key === size))
      throw bad(
        `Unknown size class (one of ${SIZE_CLASSES.map((c) => c.key).join(', ')})`,
        'Diese Größenklasse gibt es nicht.',
        names.size,
      );
    const current = quarterKey(now);
    if (until && !(parseQuarter(until) && until >= FIRST_QUARTER && until <= current))
      throw bad(
        `until must be a quarter like 2025-Q3 from ${FIRST_QUARTER} to ${current}`,
        `Bitte wählen Sie ein Quartal von ${quarterLabel(FIRST_QUARTER)} bis ${quarterLabel(current)}.`,
        names.until,
      );
    const chosen = pickSort(SEISMO_SORTS, sort);
    if (!chosen) throw unknownSort();
    return {
      stateCode: land || null,
      sizeClass: size || null,
      until: until || current,
      sort: chosen,
      raw: { land, groesse: size, bis: until, sortierung: sort },
    };
  }

  private async figures(q: SeismoQuery, now: Date) {
    const size = SIZE_CLASSES.find((c) => c.key === q.sizeClass) ?? null;
    const [counts, topics] = await Promise.all([
      this.repo.counts({
        stateCode: q.stateCode,
        sizeClass: q.sizeClass,
        minPopulation: size?.min ?? null,
        maxPopulation: size?.max ?? null,
      }),
      this.repo.topics(),
    ]);
    const keys = quarterWindow(q.until, SEISMO_QUARTERS);
    const current = quarterKey(now);
    const rows = sortTopics(seismograph(counts, topics, keys), q.sort.orderBy as SeismoSort, compareGerman);
    return {
      quarters: keys.map((key) => ({ key, label: quarterLabel(key), short: shortQuarterLabel(key), running: key === current })),
      rows,
      chart: chartTopics(rows, CHART_MAX_LINES, compareGerman),
    };
  }

  async api(q: SeismoQuery, now = new Date()) {
    const f = await this.figures(q, now);
    return {
      filter: { land: q.stateCode, size: q.sizeClass, until: q.until, sort: q.sort.value },
      quarters: f.quarters.map((x) => ({ key: x.key, running: x.running })),
      topics: f.rows.map((t) => ({
        topic: t.slug,
        name: t.name,
        newChallenges: t.series.challenge,
        newInterest: t.series.interest,
        newExamples: t.series.example,
        challenges: t.total.challenge,
        interest: t.total.interest,
        examples: t.total.example,
        trend: t.trend,
        needsExamples: t.needsExamples,
      })),
    };
  }

  async page(q: SeismoQuery, now = new Date()) {
    const f = await this.figures(q, now);
    const last = f.quarters[f.quarters.length - 1];
    const prev = f.quarters[f.quarters.length - 2];
    const opts = (list: { value: string; label: string }[], sel: string) => list.map((o) => ({ ...o, selected: o.value === sel }));
    const current = quarterKey(now);
    const untilOptions = quarterWindow(current, 12)
      .filter((k) => k >= FIRST_QUARTER)
      .reverse()
      .map((k) => ({
        value: k === current ? '' : k,
        label: quarterLabel(k) + (k === current ? ' (laufend)' : ''),
        selected: k === q.until,
      }));
    const where = [q.stateCode ? STATES[q.stateCode] : null, SIZE_CLASSES.find((c) => c.key === q.sizeClass)?.label ?? null].filter(
      Boolean,
    );
    const chartTitle = `Neu genannte Herausforderungen je Quartal${where.length ? ` (${where.join(', ')})` : ''}`;
    return {
      filter: q.raw,
      exportQuery: new URLSearchParams(Object.entries(q.raw).filter(([k, v]) => v && k !== 'sortierung')).toString(),
      selection: where.length ? where.join(', ') : 'alle Länder und Größenklassen',
      last,
      prev,
      options: {
        states: opts(
          Object.entries(STATES).map(([value, label]) => ({ value, label })),
          q.raw.land,
        ),
        sizes: opts(
          SIZE_CLASSES.map((c) => ({ value: c.key, label: c.label })),
          q.raw.groesse,
        ),
        quarters: untilOptions,
        sorts: sortOptions(SEISMO_SORTS, q.sort),
      },
      quarters: f.quarters,
      rows: f.rows.map((t) => this.row(t)),
      chart: {
        title: chartTitle,
        svg: lineChartSvg(
          chartTitle,
          f.quarters.map((x) => x.short),
          f.chart.map((t) => ({ name: t.name, values: t.series.challenge })),
        ),
        topics: f.chart.map((t) => ({ name: t.name, values: t.series.challenge })),
      },
      needCount: f.rows.filter((t) => t.needsExamples).length,
    };
  }

  private row(t: SeismoTopic) {
    const lastTwo = (s: number[]) => s.slice(-2);
    return {
      slug: t.slug,
      name: t.name,
      challenges: t.total.challenge,
      interest: t.total.interest,
      examples: t.total.example,
      challengeLastTwo: lastTwo(t.series.challenge),
      interestLastTwo: lastTwo(t.series.interest),
      examplesLast: t.series.example[t.series.example.length - 1],
      challengeTrend: { key: t.trend.challenge, label: TREND_DE[t.trend.challenge] },
      interestTrend: { key: t.trend.interest, label: TREND_DE[t.trend.interest] },
      needsExamples: t.needsExamples,
    };
  }

  /** One line per topic and quarter (long format for pivot tables), German headers, the selection in each line. */
  async csv(q: SeismoQuery, now = new Date()): Promise<string> {
    const f = await this.figures(q, now);
    const land = q.stateCode ? STATES[q.stateCode] : 'alle';
    const size = SIZE_CLASSES.find((c) => c.key === q.sizeClass)?.label ?? 'alle';
    return toCsv(
      [
        'Thema',
        'Quartal',
        'Bundesland',
        'Größenklasse',
        'Neu genannte Herausforderungen',
        'Neu genanntes Themeninteresse',
        'Neu veröffentlichte Beispiele',
        'Herausforderungen bis Ende des Zeitraums',
        'Veröffentlichte Beispiele bis Ende des Zeitraums',
        'Trend Herausforderungen',
        'Trend Themeninteresse',
        'Bedarf an Beispielen',
      ],
      f.rows.flatMap((t) =>
        f.quarters.map((x, i) => [
          t.name,
          x.label + (x.running ? ' (laufend)' : ''),
          land,
          size,
          t.series.challenge[i],
          t.series.interest[i],
          t.series.example[i],
          t.total.challenge,
          t.total.example,
          TREND_DE[t.trend.challenge],
          TREND_DE[t.trend.interest],
          t.needsExamples ? 'ja' : 'nein',
        ]),
      ),
    );
  }
}
