// "Berichtszahlen": one year's figures shaped like the tables of the Tätigkeitsbericht (towns in the network by
// Bundesland and size class, registrations, topics, tandems, transfer workshops, participation). Pure: the same tables feed the
// printable page and the CSV export. No Nest or database imports.
import { STATE_DE, TANDEM_STATES } from '../tandems/core/tandem-transitions.util';
import { toCsv, type CsvValue } from '../common/csv.util';
import { SIZE_CLASSES, sizeClassOf } from '../municipalities/size-class.util';
import type { ReportFigures } from './office.repository';

interface ReportRow {
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

/** A request or proposal that came about: every side agreed (approved, or a proposal both towns accepted), whatever came after. */
export const CAME_ABOUT: readonly string[] = ['approved', 'active', 'concluded', 'cancelled', 'not_a_fit'];
/** Never came about: declined, withdrawn, rejected by the office, or expired (unanswered, or approved and never begun). */
export const NOT_COME_ABOUT: readonly string[] = ['declined', 'withdrawn', 'rejected', 'expired'];
/** Still waiting for an answer or the office's approval. */
export const STILL_OPEN: readonly string[] = ['requested', 'accepted', 'proposed'];
const HELD: readonly string[] = ['held', 'documented'];

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

  // The year's requests and proposals by what came of them: a declined, withdrawn, rejected or expired request is no
  // tandem that began (it counts among the requests, never among the tandems).
  const tn = f.tandems;
  const agreed = tn.filter((t) => CAME_ABOUT.includes(t.state));
  const held = f.workshops.filter((w) => HELD.includes(w.state));

  // 3. Topics: demand (challenge) and supply (experience) in the network, and the year's tandems and workshops on them.
  const topics: ReportTable = {
    id: 'themen',
    title: 'Themen: Herausforderungen, Erfahrungen, Tandems und Werkstätten',
    note: `Kommunen im Netzwerk, die ein Thema als Herausforderung oder als Erfahrung nennen (Profile von heute). Dazu die ${y} angefragten oder vorgeschlagenen Tandems zu diesem Thema, die zustande gekommen sind, und die ${y} durchgeführten Transferwerkstätten.`,
    header: ['Thema', 'als Herausforderung', 'als Erfahrung', `Tandems ${y}`, `Werkstätten ${y}`],
    rows: f.topics.map((t) => ({
      key: t.slug,
      label: t.name,
      values: [
        t.challenge,
        t.experience,
        agreed.filter((x) => x.topicSlug === t.slug).length,
        held.filter((w) => w.themeSlug === t.slug).length,
      ],
    })),
  };

  // 4. Requests and proposals of the year, what came of them, and the tandems concluded in the year.
  const count = (states: readonly string[]) => tn.filter((t) => states.includes(t.state)).length;
  const tandems: ReportTable = {
    id: 'tandems',
    title: `Tandems ${y}`,
    note: `Anfragen der Kommunen und Vorschläge der Geschäftsstelle aus dem Jahr ${y}, nach ihrem heutigen Stand. Zustande gekommen ist ein Tandem, dem alle Seiten zugestimmt haben.`,
    header: ['Tandems', 'Anzahl'],
    rows: [
      { key: 'neu', label: `${y} angefragt oder vorgeschlagen`, values: [tn.length] },
      {
        key: 'vorschlag',
        label: 'davon von der Geschäftsstelle vorgeschlagen',
        values: [tn.filter((t) => t.origin === 'office_proposal').length],
      },
      {
        key: 'zustande',
        label: 'davon zustande gekommen (freigegeben, aktiv, abgeschlossen oder vorzeitig beendet)',
        values: [agreed.length],
      },
      {
        key: 'laenderuebergreifend',
        label: 'davon zustande gekommen über Landesgrenzen hinweg',
        values: [agreed.filter((t) => t.crossState).length],
      },
      {
        key: 'nicht-zustande',
        label: 'davon nicht zustande gekommen (abgelehnt, zurückgezogen, zurückgewiesen oder abgelaufen)',
        values: [count(NOT_COME_ABOUT)],
      },
      { key: 'offen', label: 'davon noch offen (angefragt, angenommen oder vorgeschlagen)', values: [count(STILL_OPEN)] },
      { key: 'abgeschlossen', label: `${y} abgeschlossen (gleich wann begonnen)`, values: [f.concludedInYear] },
    ],
  };
  const tandemStates: ReportTable = {
    id: 'tandem-stand',
    title: `Die ${y} gestellten Anfragen und Vorschläge nach heutigem Stand`,
    header: ['Stand', 'Anzahl'],
    rows: [
      ...TANDEM_STATES.map((s) => ({ key: s, label: STATE_DE[s], values: [tn.filter((t) => t.state === s).length] })),
      { key: 'alle', label: 'zusammen', values: [tn.length], total: true },
    ],
  };

  // 4b. What the tandems concluded in the year achieved: each town's result (issue 23).
  const rs = f.results;
  const mean = rs.length ? rs.reduce((a, r) => a + r.rating, 0) / rs.length : 0;
  const adopted = (a: string) => rs.filter((r) => r.adoption === a).length;
  const results: ReportTable = {
    id: 'tandem-ergebnisse',
    title: `Ergebnisse der ${y} abgeschlossenen Tandems`,
    note: 'Jede Kommune eines abgeschlossenen Tandems trägt ihr Ergebnis ein; gezählt sind die eingetragenen Ergebnisse.',
    header: ['Ergebnisse', 'Anzahl'],
    rows: [
      { key: 'eingetragen', label: 'Ergebnisse eingetragen', values: [rs.length] },
      {
        key: 'bewertung',
        label: 'durchschnittliche Bewertung (1 bis 5; 0: noch keine)',
        values: [Math.round(mean * 10) / 10],
      },
      { key: 'uebernommen-ja', label: 'übernommen: ja', values: [adopted('yes')] },
      { key: 'uebernommen-teilweise', label: 'übernommen: teilweise', values: [adopted('partly')] },
      { key: 'uebernommen-geplant', label: 'übernommen: geplant', values: [adopted('planned')] },
      { key: 'uebernommen-nein', label: 'übernommen: nein', values: [adopted('no')] },
      { key: 'veroeffentlichen', label: 'Veröffentlichung als Praxisbeispiel erlaubt', values: [rs.filter((r) => r.mayPublish).length] },
    ],
  };

  // 5. Transfer workshops dated in the year, and the towns that took part in the ones held.
  const participants = held.flatMap((w) => w.participants);
  const workshops: ReportTable = {
    id: 'werkstaetten',
    title: `Transferwerkstätten ${y}`,
    note: `Werkstätten mit einem Termin im Jahr ${y} (Entwürfe nicht gezählt). Teilgenommen hat eine Kommune, die zu einer durchgeführten Werkstatt zugesagt hat.`,
    header: ['Transferwerkstätten', 'Anzahl'],
    rows: [
      { key: 'durchgefuehrt', label: 'durchgeführt', values: [held.length] },
      { key: 'dokumentiert', label: 'davon mit dokumentiertem Ergebnis', values: [held.filter((w) => w.state === 'documented').length] },
      {
        key: 'geplant',
        label: 'geplant (eingeladen oder bestätigt, noch nicht durchgeführt)',
        values: [f.workshops.filter((w) => w.state === 'invited' || w.state === 'confirmed').length],
      },
      { key: 'abgesagt', label: 'abgesagt', values: [f.workshops.filter((w) => w.state === 'cancelled').length] },
      { key: 'kommunen', label: 'teilnehmende Kommunen', values: [new Set(participants.map((p) => p.townId)).size] },
      { key: 'laender', label: 'Bundesländer der teilnehmenden Kommunen', values: [new Set(participants.map((p) => p.stateCode)).size] },
      { key: 'themen', label: 'Themen der durchgeführten Werkstätten', values: [new Set(held.map((w) => w.themeSlug)).size] },
    ],
  };

  // 6. Participation.
  const p = f.participation;
  const townsOf = (list: typeof tn) => new Set(list.flatMap((t) => t.networkTowns)).size;
  const participation: ReportTable = {
    id: 'beteiligung',
    title: `Beteiligung ${y}`,
    header: ['Beteiligung', 'Anzahl'],
    rows: [
      { key: 'kommunen', label: `Kommunen im Netzwerk (Stand ${cutoff})`, values: [f.networkTowns.length] },
      { key: 'laender', label: 'Bundesländer mit Kommunen im Netzwerk', values: [byState.size] },
      { key: 'mit-tandem', label: `Kommunen mit einem ${y} zustande gekommenen Tandem`, values: [townsOf(agreed)] },
      {
        key: 'mit-anfrage',
        label: `Kommunen mit einer Anfrage oder einem Vorschlag ${y} (gleich mit welchem Ausgang)`,
        values: [townsOf(tn)],
      },
      { key: 'profil', label: `Kommunen, die ${y} ihr Profil geändert haben`, values: [p.profilesUpdated] },
      { key: 'kontakte', label: 'Ansprechpersonen mit bestätigter E-Mail-Adresse', values: [p.contacts] },
      { key: 'keine-vorschlaege', label: 'Kommunen, die keine Vorschläge wünschen (heute)', values: [p.optedOut] },
    ],
  };
  return [towns, registrations, topics, tandems, tandemStates, results, workshops, participation];
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
