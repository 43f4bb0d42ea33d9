// "Berichtszahlen": one year's figures shaped like the tables of the Tätigkeitsbericht (towns in the network by
// Bundesland and size class, registrations, topics, tandems, participation). Pure: the same tables feed the
// printable page and the CSV export. No Nest or database imports.
import { STATE_DE, TANDEM_STATES } from '../tandems/tandem-transitions.util';
import { SIZE_CLASSES, sizeClassOf, toCsv, type CsvValue } from './office-format.util';
import type { ReportFigures } from './office.repository';

export interface ReportRow {
  label: string;
  /** Stable key for tests and CSS hooks (a state code, topic slug, size class …); never shown. */
  key: string;
  values: number[];
  total?: boolean;
}
export interface ReportTable {
  id: string;
  title: string;
  note?: string;
  /** Header of the first column, then one per value. */
  header: string[];
  rows: ReportRow[];
}

/** The years the office can ask for: from the pilot phase's start to next year. */
export const REPORT_FIRST_YEAR = 2019;

const berlinDate = (d: Date) =>
  d.toLocaleDateString('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric' });

/** "31.12.2025", or today's date while the year is still running. */
export function reportCutoff(year: number, now: Date): string {
  const nowYear = Number(now.toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' }).slice(0, 4));
  return year >= nowYear ? berlinDate(now) : `31.12.${year}`;
}

export function reportTables(f: ReportFigures, cutoff: string): ReportTable[] {
  const y = f.year;
  // 1. Towns by Bundesland and size class, with the new ones of the year.
  const byState = new Map<string, { name: string; counts: number[]; total: number; fresh: number }>();
  for (const t of f.networkTowns) {
    const r = byState.get(t.stateCode) ?? { name: t.stateName, counts: SIZE_CLASSES.map(() => 0), total: 0, fresh: 0 };
    r.counts[SIZE_CLASSES.indexOf(sizeClassOf(t.population))]++;
    r.total++;
    if (t.newInYear) r.fresh++;
    byState.set(t.stateCode, r);
  }
  const stateRows: ReportRow[] = [...byState.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, r]) => ({ key: code, label: r.name, values: [...r.counts, r.total, r.fresh] }));
  const sum = (i: number) => stateRows.reduce((s, r) => s + r.values[i], 0);
  const towns: ReportTable = {
    id: 'kommunen',
    title: `Kommunen im Netzwerk nach Bundesland und Größenklasse (Stand ${cutoff})`,
    note: `Bestätigte Kommunen aus ${byState.size} Bundesländern. „Neu ${y}“: im Jahr ${y} bestätigt.`,
    header: ['Bundesland', ...SIZE_CLASSES.map((c) => c.short), 'zusammen', `neu ${y}`],
    rows: [
      ...stateRows,
      {
        key: 'alle',
        label: 'Alle Länder',
        values: stateRows[0] ? stateRows[0].values.map((_, i) => sum(i)) : SIZE_CLASSES.map(() => 0).concat(0, 0),
        total: true,
      },
    ],
  };

  // 2. Registrations of the year.
  const reg = f.registrations;
  const registrations: ReportTable = {
    id: 'registrierungen',
    title: `Registrierungen ${y}`,
    header: ['Registrierungen', 'Anzahl'],
    rows: [
      { key: 'eingegangen', label: `im Jahr ${y} eingegangen`, values: [reg.received] },
      { key: 'bestaetigt', label: `im Jahr ${y} bestätigt`, values: [reg.verified] },
      { key: 'abgelehnt', label: `im Jahr ${y} abgelehnt`, values: [reg.rejected] },
      { key: 'offen', label: `aus ${y}, noch nicht geprüft`, values: [reg.pending] },
    ],
  };

  // 3. Topics: demand (challenge) and supply (experience) in the network, and the year's tandems on them.
  const topics: ReportTable = {
    id: 'themen',
    title: 'Themen: Herausforderungen, Erfahrungen und Tandems',
    note: `Kommunen im Netzwerk, die ein Thema als Herausforderung oder als Erfahrung nennen (Profile von heute), und die ${y} begonnenen Tandems zu diesem Thema.`,
    header: ['Thema', 'als Herausforderung', 'als Erfahrung', `Tandems ${y}`],
    rows: f.topics.map((t) => ({ key: t.slug, label: t.name, values: [t.challenge, t.experience, t.tandems] })),
  };

  // 4. Tandems begun in the year, and where they stand today.
  const tn = f.tandems;
  const tandems: ReportTable = {
    id: 'tandems',
    title: `Tandems ${y}`,
    header: ['Tandems', 'Anzahl'],
    rows: [
      { key: 'neu', label: `${y} angefragt oder vorgeschlagen`, values: [tn.length] },
      {
        key: 'vorschlag',
        label: 'davon von der Geschäftsstelle vorgeschlagen',
        values: [tn.filter((t) => t.origin === 'office_proposal').length],
      },
      { key: 'laenderuebergreifend', label: 'davon über Landesgrenzen hinweg', values: [tn.filter((t) => t.crossState).length] },
      { key: 'abgeschlossen', label: `${y} abgeschlossen (gleich wann begonnen)`, values: [f.concludedInYear] },
    ],
  };
  const tandemStates: ReportTable = {
    id: 'tandem-stand',
    title: `Die ${y} begonnenen Tandems nach heutigem Stand`,
    header: ['Stand', 'Anzahl'],
    rows: [
      ...TANDEM_STATES.map((s) => ({ key: s, label: STATE_DE[s], values: [tn.filter((t) => t.state === s).length] })),
      { key: 'alle', label: 'zusammen', values: [tn.length], total: true },
    ],
  };

  // 5. Participation.
  const p = f.participation;
  const participation: ReportTable = {
    id: 'beteiligung',
    title: `Beteiligung ${y}`,
    header: ['Beteiligung', 'Anzahl'],
    rows: [
      { key: 'kommunen', label: `Kommunen im Netzwerk (Stand ${cutoff})`, values: [f.networkTowns.length] },
      { key: 'laender', label: 'Bundesländer mit Kommunen im Netzwerk', values: [byState.size] },
      { key: 'mit-tandem', label: `Kommunen mit einem ${y} begonnenen Tandem oder einer Anfrage`, values: [p.townsWithTandem] },
      { key: 'profil', label: `Kommunen, die ${y} ihr Profil geändert haben`, values: [p.profilesUpdated] },
      { key: 'kontakte', label: 'Ansprechpersonen mit bestätigter E-Mail-Adresse', values: [p.contacts] },
      { key: 'keine-vorschlaege', label: 'Kommunen, die keine Vorschläge wünschen (heute)', values: [p.optedOut] },
    ],
  };
  return [towns, registrations, topics, tandems, tandemStates, participation];
}

/** All tables in one CSV for German Excel: a title line per table, its header, its rows, an empty line between. */
export function reportCsv(year: number, cutoff: string, tables: ReportTable[]): string {
  const lines: CsvValue[][] = [[`Berichtszahlen ${year} (Stand ${cutoff})`]];
  for (const t of tables) {
    lines.push([], [t.title]);
    if (t.note) lines.push([t.note]);
    lines.push(t.header, ...t.rows.map((r) => [r.label, ...r.values]));
  }
  const [head, ...rest] = lines;
  return toCsv(head as string[], rest);
}
