import { AuditRepository } from '../audit/audit.repository';
import { HttpStatus, Injectable } from '@nestjs/common';
import { compareGerman } from '../common/collation.util';
import { DomainError, townNotFound, unknownSort } from '../common/domain-error';
import { pickSort, sortOptions, TOWN_SORTS } from '../common/list-sort.util';
import { asText } from '../common/form.util';
import type { SessionUser } from '../auth/session-user';
import { contactFunctionLabel } from '../auth/contact-function.util';
import { MatchingViewModel } from '../matching/matching.view-model';
import { renderGermanyMap } from '../maps/germany-map.util';
import { STATE_DE, TANDEM_STATES, type TandemState } from '../tandems/core/tandem-transitions.util';
import { ORIGIN_DE } from '../tandems/tandems.view-model';
import { ADOPTION_DE, type Adoption } from '../tandems/tandem-result.util';
import { STATE_DE as WORKSHOP_STATE_DE, WORKSHOP_STATES, type WorkshopState } from '../workshops/workshop-transitions.util';
import { AUDIT_ACTIONS, AUDIT_SUBJECT_DE, auditActionLabel, TOWN_STATUS_DE, VISIBILITY_DE } from './office-format.util';
import { barChartSvg } from '../common/bar-chart.util';
import { toCsv } from '../common/csv.util';
import { SIZE_CLASSES, sizeClassOf } from '../municipalities/size-class.util';
import { AuditFilter, OfficeRepository, TownFilter } from './office.repository';
import { REPORT_FIRST_YEAR, reportCsv, reportCutoff, reportTables } from './report-figures.util';

const PROFILE_FIELD_DE: Record<string, string> = {
  description: 'Beschreibung',
  topics: 'Themen',
  challenges: 'Herausforderungen',
  experiences: 'Erfahrungen',
};
const NOTE_MAX = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** "2026-03" → "März 2026". */
const monthLabel = (ym: string) =>
  new Date(`${ym}-15T12:00:00Z`).toLocaleDateString('de-DE', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const bad = (en: string, de: string, field: string) => new DomainError(HttpStatus.BAD_REQUEST, 'invalid_filter', en, de, field);
const one = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Builds what the office's workspace pages (and the CSV exports) show; figures come from OfficeRepository only. */
@Injectable()
export class OfficeOverviewViewModel {
  constructor(
    private readonly repo: OfficeRepository,
    private readonly matching: MatchingViewModel,
    private readonly audit: AuditRepository,
  ) {}

  async overview() {
    const [todo, failed, towns, topics, tandems, perMonth, points, workshops, workshopMonths] = await Promise.all([
      this.repo.todoCounts(),
      this.repo.failedMails(),
      this.repo.verifiedTownsByState(),
      this.repo.topicDemandSupply(),
      this.repo.tandemsByState(),
      this.repo.tandemsPerMonth(),
      this.repo.verifiedTownPoints(),
      this.repo.workshopsByState(),
      this.repo.workshopsPerMonth(),
    ]);
    const workshopCounts = new Map(workshops.map((r) => [r.state, r.n]));
    const workshopRows = WORKSHOP_STATES.map((s) => ({ state: s, label: WORKSHOP_STATE_DE[s], n: workshopCounts.get(s) ?? 0 }));
    const wMonths = workshopMonths.map((r) => ({ ...r, label: monthLabel(r.month) }));
    const months = perMonth.map((r) => ({ ...r, label: monthLabel(r.month) }));

    const byState = new Map<string, { stateName: string; counts: number[]; total: number }>();
    for (const t of towns) {
      const row = byState.get(t.stateCode) ?? { stateName: t.stateName, counts: SIZE_CLASSES.map(() => 0), total: 0 };
      row.counts[SIZE_CLASSES.indexOf(sizeClassOf(t.population))]++;
      row.total++;
      byState.set(t.stateCode, row);
    }
    const stateRows = [...byState.entries()].map(([code, r]) => ({ code, ...r }));
    const sizeTotals = SIZE_CLASSES.map((_, i) => stateRows.reduce((s, r) => s + r.counts[i], 0));

    const namedTopics = topics
      .filter((t) => t.challenge + t.experience > 0)
      .sort((a, b) => b.challenge + b.experience - (a.challenge + a.experience) || compareGerman(a.name, b.name));
    const tandemCounts = new Map(tandems.map((r) => [r.state, r.n]));
    const tandemRows = TANDEM_STATES.map((s) => ({ state: s, label: STATE_DE[s], n: tandemCounts.get(s) ?? 0 }));

    return {
      todo: { ...todo, failedList: failed.map((f) => ({ ...f, subject: f.subject ?? 'E-Mail ohne Betreff' })) },
      network: {
        total: towns.length,
        sizeClasses: SIZE_CLASSES.map((c, i) => ({ key: c.key, label: c.label, short: c.short, total: sizeTotals[i] })),
        states: stateRows,
        map: renderGermanyMap({
          title: 'Karte: bestätigte Kommunen in Deutschland',
          description: `${points.length} bestätigte Kommunen, farbig nach Größenklasse. Die Zahlen je Größenklasse stehen in der Tabelle neben der Karte.`,
          points: points.map((p) => ({
            latitude: p.latitude,
            longitude: p.longitude,
            label: p.name,
            groupKey: sizeClassOf(p.population).key,
          })),
          groups: SIZE_CLASSES.map((c) => ({ key: c.key, label: c.label })),
          labelAll: false,
          idPrefix: 'office-map',
          linkBase: true,
        }),
        chart: barChartSvg(
          'Bestätigte Kommunen je Bundesland',
          [{ name: 'Kommunen', color: '#1f5f8b' }],
          stateRows.map((r) => ({ label: r.stateName, values: [r.total] })),
        ),
      },
      topics: {
        rows: namedTopics.map((t) => ({ ...t, gap: t.challenge > 0 && t.experience === 0 })),
        chart: barChartSvg(
          'Themen als Herausforderung und als Erfahrung',
          [
            { name: 'Herausforderung', color: '#a4262c' },
            { name: 'Erfahrung', color: '#1e7b34' },
          ],
          namedTopics.slice(0, 12).map((t) => ({ label: t.name, values: [t.challenge, t.experience] })),
        ),
      },
      tandems: {
        total: tandems.reduce((s, r) => s + r.n, 0),
        rows: tandemRows,
        months,
        monthChart: barChartSvg(
          'Neue Tandems je Monat',
          [{ name: 'Tandems', color: '#1f5f8b' }],
          months.map((m) => ({ label: m.label, values: [m.n] })),
        ),
        chart: barChartSvg(
          'Tandems nach Stand',
          [{ name: 'Tandems', color: '#1f5f8b' }],
          tandemRows.filter((r) => r.n > 0).map((r) => ({ label: r.label, values: [r.n] })),
        ),
      },
      workshops: {
        total: workshops.reduce((s, r) => s + r.n, 0),
        rows: workshopRows,
        months: wMonths,
        monthChart: barChartSvg(
          'Werkstätten je Monat (Termin)',
          [{ name: 'Werkstätten', color: '#1e7b34' }],
          wMonths.map((m) => ({ label: m.label, values: [m.n] })),
        ),
        chart: barChartSvg(
          'Werkstätten nach Stand',
          [{ name: 'Werkstätten', color: '#1e7b34' }],
          workshopRows.filter((r) => r.n > 0).map((r) => ({ label: r.label, values: [r.n] })),
        ),
      },
    };
  }

  /** Reads the list filters from a query string; anything malformed is a 400 with a German message, never a 5xx. */
  async parseTownFilter(query: Record<string, unknown>): Promise<TownFilter & { raw: Record<string, string> }> {
    const raw = {
      q: one(query.q),
      land: one(query.land),
      groesse: one(query.groesse),
      thema: one(query.thema),
      status: one(query.status),
      abgemeldet: one(query.abgemeldet),
      sortierung: one(query.sortierung),
    };
    if (raw.q.length > 100) throw bad('Search text too long', 'Der Suchtext ist zu lang (höchstens 100 Zeichen).', 'q');
    if (raw.land && !/^\d{2}$/.test(raw.land)) throw bad('Unknown state', 'Dieses Bundesland gibt es nicht.', 'land');
    if (raw.groesse && !SIZE_CLASSES.some((c) => c.key === raw.groesse))
      throw bad('Unknown size class', 'Diese Größenklasse gibt es nicht.', 'groesse');
    if (raw.thema && !(await this.repo.topics()).some((t) => t.slug === raw.thema))
      throw bad('Unknown topic', 'Dieses Thema gibt es nicht.', 'thema');
    if (raw.status && !TOWN_STATUS_DE[raw.status]) throw bad('Unknown status', 'Diesen Status gibt es nicht.', 'status');
    if (raw.abgemeldet && !['ja', 'nein'].includes(raw.abgemeldet))
      throw bad('Unknown opt-out filter', 'Bitte wählen Sie „ja“ oder „nein“.', 'abgemeldet');
    const sort = pickSort(TOWN_SORTS, raw.sortierung);
    if (!sort) throw unknownSort();
    return {
      raw,
      q: raw.q || undefined,
      stateCode: raw.land || undefined,
      sizeClass: raw.groesse || undefined,
      topic: raw.thema || undefined,
      status: raw.status || undefined,
      optedOut: raw.abgemeldet ? raw.abgemeldet === 'ja' : undefined,
      orderBy: sort.orderBy,
    };
  }

  async townList(filter: TownFilter & { raw: Record<string, string> }) {
    const [rows, states, topics] = await Promise.all([this.repo.listTowns(filter), this.repo.states(), this.repo.topics()]);
    const opts = (list: { value: string; label: string }[], sel: string) => list.map((o) => ({ ...o, selected: o.value === sel }));
    return {
      filter: filter.raw,
      exportQuery: new URLSearchParams(Object.entries(filter.raw).filter(([, v]) => v)).toString(),
      options: {
        states: opts(
          states.map((s) => ({ value: s.code, label: s.name })),
          filter.raw.land,
        ),
        sizes: opts(
          SIZE_CLASSES.map((c) => ({ value: c.key, label: c.label })),
          filter.raw.groesse,
        ),
        topics: opts(
          topics.map((t) => ({ value: t.slug, label: t.name })),
          filter.raw.thema,
        ),
        statuses: opts(
          Object.entries(TOWN_STATUS_DE).map(([value, label]) => ({ value, label })),
          filter.raw.status,
        ),
        optedOut: opts(
          [
            { value: 'ja', label: 'ja, keine Vorschläge' },
            { value: 'nein', label: 'nein' },
          ],
          filter.raw.abgemeldet,
        ),
        sorts: sortOptions(TOWN_SORTS, pickSort(TOWN_SORTS, filter.raw.sortierung) ?? TOWN_SORTS[0]),
      },
      towns: rows.map((r) => ({ ...r, sizeLabel: sizeClassOf(r.population).label, statusLabel: TOWN_STATUS_DE[r.status] ?? 'unbekannt' })),
    };
  }

  async townsCsv(filter: TownFilter): Promise<string> {
    const rows = await this.repo.listTowns(filter, 100000);
    return toCsv(
      [
        'AGS',
        'Kommune',
        'Bundesland',
        'Kreis',
        'Einwohner',
        'Größenklasse',
        'Status',
        'Demo',
        'Keine Vorschläge',
        'Themen',
        'Herausforderungen',
        'Erfahrungen',
        'Kontakte',
        'Registriert am',
      ],
      rows.map((r) => [
        r.ags,
        r.name,
        r.stateName,
        r.districtName,
        r.population,
        sizeClassOf(r.population).label,
        TOWN_STATUS_DE[r.status] ?? '',
        r.isDemo ? 'ja' : 'nein',
        r.optedOut ? 'ja' : 'nein',
        (r.topics ?? []).join(', '),
        (r.challenges ?? []).join(', '),
        (r.experiences ?? []).join(', '),
        r.contacts,
        r.createdAt,
      ]),
    );
  }

  async tandemsCsv(): Promise<string> {
    const rows = await this.repo.tandemsForExport();
    return toCsv(
      [
        'Kommune A',
        'Bundesland A',
        'Kommune B',
        'Bundesland B',
        'Thema',
        'Herkunft',
        'Stand',
        'Angelegt am',
        'Letzte Änderung',
        'Bewertung A (1–5)',
        'Übernommen A',
        'Veröffentlichen erlaubt A',
        'Bewertung B (1–5)',
        'Übernommen B',
        'Veröffentlichen erlaubt B',
      ],
      rows.map((r) => [
        r.townA,
        r.stateA,
        r.townB,
        r.stateB,
        r.topic ?? '',
        ORIGIN_DE[r.origin as keyof typeof ORIGIN_DE] ?? '',
        STATE_DE[r.state as TandemState] ?? '',
        r.createdAt,
        r.stateChangedAt,
        ...[r.resultA, r.resultB].flatMap((x) =>
          x ? [x.rating, ADOPTION_DE[x.adoption as Adoption] ?? '', x.mayPublish ? 'ja' : 'nein'] : ['', '', ''],
        ),
      ]),
    );
  }

  async workshopsCsv(): Promise<string> {
    const rows = await this.repo.workshopsForExport();
    return toCsv(
      ['Titel', 'Thema', 'Termin', 'Format', 'Gastgebende Kommune', 'Stand', 'Eingeladen', 'Zugesagt', 'Abgesagt', 'Angelegt am'],
      rows.map((r) => [
        r.title,
        r.theme,
        r.startsAt ?? '',
        r.format === 'in_person' ? 'vor Ort' : 'online',
        r.hostTown ?? '',
        WORKSHOP_STATE_DE[r.state as WorkshopState] ?? '',
        r.invited,
        (r.accepted ?? []).join(', '),
        r.declined,
        r.createdAt,
      ]),
    );
  }

  /** The year the "Berichtszahlen" are asked for: a whole number from 2019 to this year; default this year (Berlin). */
  parseReportYear(raw: unknown, now = new Date()): number {
    const thisYear = Number(now.toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' }).slice(0, 4));
    const v = one(raw);
    if (!v) return thisYear;
    const year = /^\d{4}$/.test(v) ? Number(v) : NaN;
    if (!(year >= REPORT_FIRST_YEAR && year <= thisYear))
      throw bad('Unknown year', `Bitte wählen Sie ein Jahr von ${REPORT_FIRST_YEAR} bis ${thisYear}.`, 'jahr');
    return year;
  }

  async reportFigures(year: number, now = new Date()) {
    const cutoff = reportCutoff(year, now);
    const tables = reportTables(await this.repo.reportFigures(year), cutoff);
    const thisYear = Number(now.toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' }).slice(0, 4));
    const years = [];
    for (let y = thisYear; y >= REPORT_FIRST_YEAR; y--) years.push({ value: y, selected: y === year });
    return { year, cutoff, tables, years };
  }

  async reportCsv(year: number, now = new Date()): Promise<string> {
    const { cutoff, tables } = await this.reportFigures(year, now);
    return reportCsv(year, cutoff, tables);
  }

  /** Null when there is no such town. */
  async town(id: string, viewer: SessionUser) {
    const t = await this.repo.town(id);
    if (!t) return null;
    const visibility = t.visibility as Record<string, string>;
    // The town's current suggestions through the same read path as its own page and the API, so the reasons are
    // exactly the ones the town reads (built under the reason-visibility rule); the office sees all profile fields above.
    const [audit, suggestions] = await Promise.all([this.repo.audit({ townId: id }), this.matching.townSuggestions(viewer, id)]);
    return {
      ...t,
      statusLabel: TOWN_STATUS_DE[t.status] ?? 'unbekannt',
      sizeLabel: sizeClassOf(t.population).label,
      visibility: Object.entries(PROFILE_FIELD_DE).map(([field, label]) => ({
        label,
        value: VISIBILITY_DE[visibility?.[field] ?? 'network'] ?? 'für das Netzwerk',
      })),
      contacts: t.contacts.map((c: { contactFunction: string | null }) => ({
        ...c,
        roleLabel: contactFunctionLabel(c.contactFunction, 'Kontakt'),
      })),
      tandems: t.tandems.map((x: { state: TandemState }) => ({ ...x, stateLabel: STATE_DE[x.state] ?? 'unbekannt' })),
      audit: audit.map((a) => this.auditItem(a)),
      suggestions: {
        computedAt: suggestions.computedAt,
        full: suggestions.full,
        profileEmpty: suggestions.profileEmpty,
        items: suggestions.suggestions.map((s) => ({
          rank: s.rank,
          partner: s.partner,
          percent: Math.round(s.score * 100),
          topicName: s.topic?.name ?? null,
          reasons: s.reasons,
          reasonList: s.reasonList,
        })),
      },
    };
  }

  /** Checks and stores an internal note; German message for empty or too long text, 404 for an unknown town. */
  async addNote(townId: string, authorId: string, raw: unknown): Promise<void> {
    const text = asText(raw).trim();
    if (!text) throw bad('Note is empty', 'Bitte schreiben Sie eine Notiz.', 'text');
    if (text.length > NOTE_MAX)
      throw bad('Note too long', `Die Notiz ist zu lang (${text.length} Zeichen, höchstens ${NOTE_MAX}).`, 'text');
    const added = await this.repo.transaction(async (m) => {
      if (!(await this.repo.insertNote(m, townId, authorId, text))) return false;
      await this.audit.write(m, { actorId: authorId, action: 'town.note_added', subjectType: 'town', subjectId: townId });
      return true;
    });
    if (!added) throw townNotFound();
  }

  parseAuditFilter(query: Record<string, unknown>): AuditFilter & { raw: Record<string, string> } {
    const raw = {
      kommune: one(query.kommune),
      akteur: one(query.akteur),
      aktion: one(query.aktion),
      von: one(query.von),
      bis: one(query.bis),
    };
    if (raw.kommune && !UUID.test(raw.kommune)) throw bad('Unknown town', 'Diese Kommune gibt es nicht.', 'kommune');
    if (raw.akteur && !UUID.test(raw.akteur)) throw bad('Unknown actor', 'Diese Person gibt es nicht.', 'akteur');
    if (raw.aktion && !AUDIT_ACTIONS.some((a) => a.value === raw.aktion))
      throw bad('Unknown action', 'Diese Aktion gibt es nicht.', 'aktion');
    for (const [k, label] of [
      ['von', 'Von'],
      ['bis', 'Bis'],
    ] as const) {
      const v = raw[k];
      if (
        v &&
        (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)
      ) {
        throw bad(`Invalid date in ${k}`, `Bitte geben Sie bei „${label}“ ein gültiges Datum an.`, k);
      }
    }
    if (raw.von && raw.bis && raw.von > raw.bis) throw bad('from after to', '„Von“ liegt nach „Bis“.', 'von');
    return {
      raw,
      townId: raw.kommune || undefined,
      actorId: raw.akteur || undefined,
      action: raw.aktion || undefined,
      from: raw.von || undefined,
      to: raw.bis || undefined,
    };
  }

  async auditTrail(filter: AuditFilter & { raw: Record<string, string> }) {
    const [rows, towns, actors] = await Promise.all([this.repo.audit(filter), this.repo.auditTowns(), this.repo.auditActors()]);
    const opts = (list: { value: string; label: string }[], sel: string) => list.map((o) => ({ ...o, selected: o.value === sel }));
    return {
      filter: filter.raw,
      options: {
        towns: opts(
          towns.map((t) => ({ value: t.id, label: t.name })),
          filter.raw.kommune,
        ),
        actors: opts(
          actors.map((a) => ({ value: a.id, label: a.name })),
          filter.raw.akteur,
        ),
        actions: opts(AUDIT_ACTIONS, filter.raw.aktion),
      },
      entries: rows.map((a) => this.auditItem(a)),
      limited: rows.length >= 200,
    };
  }

  private auditItem(a: Awaited<ReturnType<OfficeRepository['audit']>>[number]) {
    const actor = a.actorName ?? (a.actorRole ? null : 'System');
    return {
      createdAt: a.createdAt,
      label: auditActionLabel(a.action),
      reason: a.reason,
      actor: actor ?? 'unbekannt',
      subject:
        a.subjectType === 'tandem'
          ? `Tandem ${a.tandemTowns ?? ''}`.trim()
          : a.subjectType === 'town'
            ? (a.townName ?? 'Kommune')
            : a.subjectType === 'workshop' && a.workshopTitle
              ? `Transferwerkstatt „${a.workshopTitle}“`
              : (AUDIT_SUBJECT_DE[a.subjectType] ?? 'Eintrag'),
      link:
        a.subjectType === 'tandem'
          ? `/tandems/${a.subjectId}`
          : a.subjectType === 'town' && a.townId
            ? `/geschaeftsstelle/kommunen/${a.townId}`
            : a.subjectType === 'workshop' && a.workshopTitle
              ? `/geschaeftsstelle/werkstaetten/${a.subjectId}`
              : null,
    };
  }
}
