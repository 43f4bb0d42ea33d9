import { HttpStatus, Injectable } from '@nestjs/common';
import { toCsv } from '../common/csv.util';
import { SIZE_CLASSES } from '../municipalities/size-class.util';
import { AuditRepository } from '../audit/audit.repository';
import { auditActionLabel } from '../audit/audit-actions';
import { contactFunctionLabel } from '../auth/contact-function.util';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { pageOf } from '../common/paging.util';
import { STATES } from '../municipalities/directory/destatis-parser.util';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';
import type { Viewer } from '../municipalities/visibility/town-visibility.util';
import { PracticeFollowUpRepository } from './practice-follow-up.repository';
import { adoptionLabel } from './practice-follow-up.util';
import { PracticeRepository, type PracticeRow, type VersionContent, type VersionRow } from './practice.repository';
import { FORM_ROWS, PRACTICE_LIMITS } from './practice-input.util';
import {
  orderHits,
  parseQuery,
  type QueryNames,
  SIMILAR_FROM,
  SORT_DE,
  SORTS,
  townSimilarity,
  type SimilarityFacts,
} from './practice-search.util';
import { LICENCE_DE, LICENCES, PRACTICE_STATE_DE, PRACTICE_STATUS_DE, PRACTICE_STATUSES, practiceActions } from './practice-states.util';
import { inputOf, practiceNotFound } from './practices.service';

const PRACTICE_PAGE_SIZE = 20;

/** One hit of the list (API and page): the published version's headline facts. */
export interface PracticeListItem {
  id: string;
  title: string;
  summary: string;
  townName: string;
  stateName: string;
  sizeLabel: string;
  population: number;
  status: string;
  statusLabel: string;
  topics: string[];
  topicNames: string[];
  methodNames: string[];
  challenges: string[];
  version: number;
  publishedAt: Date;
  licence: string;
  /** Similarity of the example's town to the reader's (0–1), null without a town. */
  similarity: number | null;
  /** "aus einer Kommune wie Ihrer" */
  similarTown: boolean;
  rank: number;
  /** Towns that took it over (follow-up: yes or partly), and "übernommen in N Kommunen" (null for none). */
  adoptions: number;
  adoptionLabel: string | null;
}

const excerpt = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

/** What the Methodenkoffer's pages and its API show (issue 27); reads through PracticeRepository and the visibility layer. */
@Injectable()
export class PracticesViewModel {
  constructor(
    private readonly repo: PracticeRepository,
    private readonly views: TownViewRepository,
    private readonly audit: AuditRepository,
    private readonly followUps: PracticeFollowUpRepository,
  ) {}

  viewerOf(user: SessionUser | undefined): Promise<Viewer> {
    return this.views.viewerOf(user);
  }

  async choices() {
    const [topics, methods] = await Promise.all([this.repo.topics(), this.repo.methods()]);
    return {
      topics,
      methods: methods.map((x) => ({ slug: x.slug, name: x.name })),
      lands: Object.entries(STATES).map(([code, name]) => ({ code, name })),
      sizes: SIZE_CLASSES.map((c) => ({ key: c.key, label: c.label })),
      statuses: PRACTICE_STATUSES.map((s) => ({ key: s, label: PRACTICE_STATUS_DE[s] })),
      sorts: SORTS.map((s) => ({ key: s, label: SORT_DE[s] })),
    };
  }

  /** Parses the filters (400 with the field's message on bad input) and returns one page of hits in their order. */
  async search(user: SessionUser | undefined, raw: Record<string, unknown>, names: QueryNames) {
    const [topics, methods] = await Promise.all([this.repo.topics(), this.repo.methods()]);
    const { query, problems } = parseQuery(raw, names, {
      topics: new Set(topics.map((t) => t.slug)),
      methods: new Set(methods.map((x) => x.slug)),
    });
    if (problems.length) {
      const p = problems[0];
      throw new DomainError(HttpStatus.BAD_REQUEST, 'invalid_query', problems.map((x) => x.en).join('; '), p.de, p.field);
    }
    const methodId = query.method ? methods.find((x) => x.slug === query.method)!.id : null;
    const rows = await this.repo.search({ ...query, methodId });
    const [mine, adoptions] = await Promise.all([this.ownFacts(user), this.followUps.adoptions(rows.map((r) => r.practiceId))]);
    const hits = orderHits(
      rows.map((r) => this.item(r, r.rank, mine, adoptions.get(r.practiceId) ?? 0)),
      query.q,
      query.sort,
    );
    const page = pageOf(hits.length, query.page, PRACTICE_PAGE_SIZE);
    return {
      query,
      hasTown: mine !== null,
      total: hits.length,
      page: page.page,
      pages: page.pages,
      from: page.from,
      to: page.to,
      items: hits.slice(page.offset, page.offset + page.limit),
    };
  }

  /** The reader's town's directory facts (for "Kommunen wie Ihre"), or null for the office and the public. */
  private async ownFacts(user: SessionUser | undefined): Promise<SimilarityFacts | null> {
    if (!user?.townId || isOffice(user)) return null;
    return this.repo.townFacts(user.townId);
  }

  private item(v: VersionRow, rank: number, mine: SimilarityFacts | null, adoptions: number): PracticeListItem {
    const c = v.content;
    const similarity = mine ? townSimilarity(mine, c.context) : null;
    return {
      id: v.practiceId,
      title: c.title,
      summary: excerpt(c.summary),
      townName: c.context.townName,
      stateName: c.context.stateName,
      sizeLabel: c.context.sizeLabel,
      population: c.context.population,
      status: c.status,
      statusLabel: PRACTICE_STATUS_DE[c.status],
      topics: c.topics,
      topicNames: c.topicNames,
      methodNames: c.methodNames,
      challenges: c.challenges,
      version: v.version,
      publishedAt: v.publishedAt,
      licence: LICENCE_DE[c.licence].name,
      similarity,
      similarTown: similarity !== null && similarity >= SIMILAR_FROM,
      rank,
      adoptions,
      adoptionLabel: adoptionLabel(adoptions),
    };
  }

  async methods() {
    return (await this.repo.methods()).map(({ id: _id, ...m }) => m);
  }

  /**
   * One example. Everybody reads the current published version (directory facts, the example's own text, the contact's
   * name and role; the contact's address only for verified towns and the office). Its own town and the office also read
   * the working copy with its state, comment and timeline. Anyone else gets 404 for an unpublished example.
   */
  async detail(user: SessionUser | undefined, id: string) {
    const viewer = await this.views.viewerOf(user);
    const [row, current] = await Promise.all([this.repo.find(id), this.repo.currentVersion(id)]);
    if (!row) throw practiceNotFound();
    const own = viewer.kind === 'town' && viewer.townId === row.townId;
    const office = viewer.kind === 'office';
    if (!current && !own && !office) throw practiceNotFound();
    const mayReadAddress = office || (viewer.kind === 'town' && viewer.verified);
    const published = current ? await this.versionView(current, mayReadAddress) : null;
    const history = current ? await this.repo.history(id) : [];
    const working = own || office ? await this.workingView(row, office ? 'office' : 'own_town', mayReadAddress) : null;
    return { id, published, history, working };
  }

  private async contactView(userId: string | null, townId: string, mayReadAddress: boolean) {
    const c = userId ? await this.repo.contactById(userId, townId) : null;
    if (!c) return null;
    return {
      name: c.displayName,
      role: contactFunctionLabel(c.contactFunction, 'Ansprechperson'),
      email: mayReadAddress ? c.email : null,
    };
  }

  private async versionView(v: VersionRow, mayReadAddress: boolean) {
    const c: VersionContent = v.content;
    const [allMethods, adopted] = await Promise.all([this.repo.methods(), this.followUps.adoptions([v.practiceId])]);
    const adoptions = adopted.get(v.practiceId) ?? 0;
    return {
      version: v.version,
      publishedAt: v.publishedAt,
      adoptions,
      adoptionLabel: adoptionLabel(adoptions),
      ...this.contentView(c),
      context: c.context,
      origin: c.origin,
      originLabel: c.originLabel,
      methods: allMethods.filter((x) => c.methods.includes(x.slug)).map(({ id: _id, ...m }) => m),
      contact: await this.contactView(c.contactUserId, v.townId, mayReadAddress),
    };
  }

  private contentView(
    c: Omit<VersionContent, 'context' | 'origin' | 'originLabel' | 'topicNames' | 'methodNames'> & { topicNames?: string[] },
  ) {
    const { contactUserId: _contact, ...rest } = c;
    return {
      ...rest,
      statusLabel: PRACTICE_STATUS_DE[c.status],
      licenceName: LICENCE_DE[c.licence].name,
      licenceUrl: LICENCE_DE[c.licence].url,
      licenceText: LICENCE_DE[c.licence].text,
    };
  }

  private async workingView(row: PracticeRow, actor: 'own_town' | 'office', mayReadAddress: boolean) {
    const [topics, timeline] = await Promise.all([this.repo.topics(), this.audit.forSubject('practice', row.id)]);
    const input = inputOf(row);
    return {
      state: row.state,
      stateLabel: PRACTICE_STATE_DE[row.state],
      reviewComment: row.reviewComment,
      submittedAt: row.submittedAt,
      updatedAt: row.updatedAt,
      townName: row.context.townName,
      context: row.context,
      origin: row.origin,
      tandemId: row.tandemId,
      workshopId: row.workshopId,
      ...this.contentView({ ...input, topicNames: input.topics.map((s) => topics.find((t) => t.slug === s)?.name ?? s) }),
      contact: await this.contactView(row.contactUserId, row.townId, mayReadAddress),
      actions: practiceActions(actor, row.state),
      timeline: timeline.map((a) => ({ at: a.createdAt, label: auditActionLabel(a.action), reason: a.reason })),
    };
  }

  /** The town's own examples with their state. */
  async mine(user: SessionUser) {
    if (!user.townId) return [];
    return (await this.repo.forTown(user.townId)).map((r) => ({
      id: r.id,
      title: r.title || 'Ohne Titel',
      state: r.state,
      stateLabel: PRACTICE_STATE_DE[r.state],
      publishedVersion: r.publishedVersion,
      reviewComment: r.reviewComment,
      updatedAt: r.updatedAt,
    }));
  }

  async reviewQueue() {
    return (await this.repo.reviewQueue()).map((r) => ({
      id: r.id,
      title: r.title,
      townName: r.context.townName,
      stateName: r.context.stateName,
      submittedAt: r.submittedAt,
      republication: r.publishedVersion !== null,
    }));
  }

  /** The edit form: the working copy and the choices (topics, methods, the town's contact persons), rows padded. */
  async editForm(user: SessionUser, id: string) {
    const row = await this.repo.find(id);
    if (!row) throw practiceNotFound();
    if (isOffice(user) || user.townId !== row.townId) throw practiceNotFound();
    const [topics, methods, contacts] = await Promise.all([this.repo.topics(), this.repo.methods(), this.repo.contacts(row.townId)]);
    return { row, input: inputOf(row), topics, methods, contacts, limits: PRACTICE_LIMITS, rows: FORM_ROWS, licences: LICENCES };
  }

  async exportJson(appUrl: string) {
    const rows = await this.repo.search({ q: '', topic: null, methodId: null, land: null, size: null, status: null }, 100_000);
    return {
      source: 'Methodenkoffer der Kleinstadtakademie (Kleinstadt-Tandem)',
      exportedAt: new Date().toISOString(),
      note: 'Each example is published under the licence named with it; attribute the town named as its author.',
      examples: rows.map((v) => {
        const { contactUserId: _c, licence, ...c } = v.content;
        return {
          id: v.practiceId,
          url: `${appUrl}/methodenkoffer/${v.practiceId}`,
          version: v.version,
          publishedAt: v.publishedAt,
          licence: { id: licence, name: LICENCE_DE[licence].name, url: LICENCE_DE[licence].url },
          attribution: `${c.context.townName} (${c.context.stateName}), Methodenkoffer der Kleinstadtakademie`,
          ...c,
        };
      }),
    };
  }

  async exportCsv(appUrl: string): Promise<string> {
    const json = await this.exportJson(appUrl);
    return toCsv(
      [
        'Titel',
        'Kommune',
        'AGS',
        'Bundesland',
        'Größenklasse',
        'Einwohner',
        'Stand',
        'Themen',
        'Methoden',
        'Fragen',
        'Kurzbeschreibung',
        'Schritte',
        'Ergebnisse',
        'Was nicht funktioniert hat',
        'Voraussetzungen für eine Übertragung',
        'Offen für Besuche',
        'Fassung',
        'Veröffentlicht am',
        'Lizenz',
        'Lizenztext',
        'Namensnennung',
        'Adresse',
      ],
      json.examples.map((e) => [
        e.title,
        e.context.townName,
        e.context.ags,
        e.context.stateName,
        e.context.sizeLabel,
        e.context.population,
        PRACTICE_STATUS_DE[e.status],
        e.topicNames.join(', '),
        e.methodNames.join(', '),
        e.challenges.join(' | '),
        e.summary,
        e.steps
          .map((s, i) => `${i + 1}. ${[s.what, s.actor, s.effort, s.budget, s.funding, s.duration].filter(Boolean).join(' – ')}`)
          .join(' | '),
        e.results.map((r) => [r.text, r.figure].filter(Boolean).join(': ')).join(' | '),
        e.notWorked,
        e.transferConditions,
        e.openForVisits ? 'ja' : 'nein',
        e.version,
        new Date(e.publishedAt),
        e.licence.name,
        e.licence.url,
        e.attribution,
        e.url,
      ]),
    );
  }
}
