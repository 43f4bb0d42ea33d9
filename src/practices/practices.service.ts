import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError, reviewComment } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import type { NewDelivery } from '../mail/mail-delivery.repository';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';
import { OFFICE_VIEWER } from '../municipalities/visibility/town-visibility.util';
import { PracticeRepository, type PracticeRow, type VersionContent } from './practice.repository';
import {
  checkPractice,
  EMPTY_PRACTICE,
  fromApi,
  fromForm,
  type InputProblem,
  type PracticeInput,
  submitProblems,
} from './practice-input.util';
import { contextOf, searchTexts } from './practice-search.util';
import { type PracticeAction, PRACTICE_ORIGIN_DE, practiceStep } from './practice-states.util';

export type PracticeSource = { origin: 'own' } | { origin: 'tandem'; tandemId: string } | { origin: 'workshop'; workshopId: string };

/** A refused input: the first problem as the API's message, all of them (German) for the page's summary. */
export class PracticeInputError extends DomainError {
  constructor(readonly problems: InputProblem[]) {
    super(HttpStatus.BAD_REQUEST, 'invalid_practice', problems.map((p) => p.en).join('; '), problems[0].de, problems[0].field);
  }
}

export const practiceNotFound = () =>
  new DomainError(HttpStatus.NOT_FOUND, 'practice_not_found', 'Example not found', 'Dieses Anwendungsbeispiel wurde nicht gefunden.');
const notOwn = () =>
  new DomainError(
    HttpStatus.FORBIDDEN,
    'not_own_practice',
    'Only the town that wrote an example edits it',
    'Ein Anwendungsbeispiel bearbeitet nur die Kommune, die es geschrieben hat.',
  );
const townNotVerified = () =>
  new DomainError(
    HttpStatus.FORBIDDEN,
    'town_not_verified',
    'Your town must be verified by the office first',
    'Sobald die Geschäftsstelle Ihre Kommune bestätigt hat, können Sie Anwendungsbeispiele schreiben.',
  );
const officeReviewsOnly = () =>
  new DomainError(
    HttpStatus.FORBIDDEN,
    'office_reviews_only',
    'The office reviews examples; towns write them',
    'Die Geschäftsstelle prüft Anwendungsbeispiele; schreiben können sie die Kommunen.',
  );

export const COMMENT_LIMITS = { min: 10, max: 2000 } as const;
const uniq = <T>(xs: T[]) => [...new Set(xs)];

/**
 * The Methodenkoffer's writes (issue 27): drafts (own, from a concluded tandem or a documented workshop), edits,
 * submission, the office's review (publish with a new version, or return with a comment). One transaction per step
 * with its audit row and the promised mails; the mails go out after commit.
 */
@Injectable()
export class PracticesService {
  constructor(
    private readonly repo: PracticeRepository,
    private readonly views: TownViewRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly recompute: RecomputeTrigger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new draft for the user's town, pre-filled from its source; the same source again opens the existing draft. */
  async createDraft(user: SessionUser, source: PracticeSource): Promise<{ id: string; created: boolean }> {
    if (isOffice(user)) throw officeReviewsOnly();
    if (!user.townId) throw townNotVerified();
    const townId = user.townId;
    return this.repo.transaction(async (m) => {
      const facts = await this.repo.townFacts(townId, m);
      if (!facts?.verified) throw townNotVerified();
      const existing = await this.repo.existingDraftFor(townId, sourceIds(source), m);
      if (existing) return { id: existing, created: false };
      const input = await this.prefill(user, townId, source, m);
      const id = await this.repo.insert(
        {
          townId,
          createdBy: user.id,
          origin: source.origin,
          tandemId: source.origin === 'tandem' ? source.tandemId : null,
          workshopId: source.origin === 'workshop' ? source.workshopId : null,
          context: contextOf(facts),
          input,
          methodIds: [],
        },
        m,
      );
      if (!id) return { id: (await this.repo.existingDraftFor(townId, sourceIds(source), m))!, created: false };
      await this.audit.write(m, {
        actorId: user.id,
        action: 'practice.drafted',
        subjectType: 'practice',
        subjectId: id,
        data: { origin: source.origin, ...sourceIds(source) },
      });
      return { id, created: true };
    });
  }

  /**
   * The office turns a documented event into a draft of `source.townId` (the host town, or a town the office chose):
   * pre-filled with the event's title, its results as the summary, its topics and the town's own challenges on them.
   * One draft per event: a second call answers the existing one. `alsoInTx` writes the event's side (its audit row) in
   * the same transaction.
   */
  async draftFromEvent(
    user: SessionUser,
    source: { eventId: string; townId: string; title: string; summary: string; topics: string[] },
    alsoInTx?: (m: EntityManager, practiceId: string) => Promise<void>,
  ): Promise<{ id: string; created: boolean }> {
    if (!isOffice(user))
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'office_only',
        'Only the office drafts from an event',
        'Das kann nur die Geschäftsstelle.',
      );
    return this.repo.transaction(async (m) => {
      const existing = await this.repo.forEvent(source.eventId, m);
      if (existing) return { id: existing.id, created: false };
      const facts = await this.repo.townFacts(source.townId, m);
      if (!facts?.verified)
        throw new DomainError(
          HttpStatus.CONFLICT,
          'town_not_verified',
          'An example belongs to a verified town',
          'Ein Anwendungsbeispiel gehört einer Kommune, deren Registrierung bestätigt ist.',
        );
      const topics = new Set((await this.repo.topics(m)).map((t) => t.slug));
      const input: PracticeInput = { ...EMPTY_PRACTICE };
      input.title = source.title.slice(0, 200);
      input.summary = source.summary.slice(0, 2000);
      input.topics = uniq(source.topics.filter((t) => topics.has(t))).slice(0, 5);
      input.contactUserId = (await this.repo.contacts(source.townId, m))[0]?.id ?? null;
      // The town's challenges on the event's topics, as the office reads them (the draft is the town's to complete).
      const profile = await this.views.profile(OFFICE_VIEWER, source.townId, m);
      input.challenges = (profile?.challenges ?? [])
        .filter((c) => !input.topics.length || input.topics.includes(c.topic))
        .slice(0, 3)
        .map((c) => c.text.slice(0, 300));
      const id = await this.repo.insert(
        {
          townId: source.townId,
          createdBy: user.id,
          origin: 'event',
          tandemId: null,
          workshopId: null,
          eventId: source.eventId,
          context: contextOf(facts),
          input,
          methodIds: [],
        },
        m,
      );
      if (!id) return { id: (await this.repo.forEvent(source.eventId, m))!.id, created: false };
      await this.audit.write(m, {
        actorId: user.id,
        action: 'practice.drafted',
        subjectType: 'practice',
        subjectId: id,
        data: { origin: 'event', eventId: source.eventId },
      });
      await alsoInTx?.(m, id);
      return { id, created: true };
    });
  }

  private async prefill(user: SessionUser, townId: string, source: PracticeSource, m: EntityManager): Promise<PracticeInput> {
    const input: PracticeInput = { ...EMPTY_PRACTICE };
    const contacts = await this.repo.contacts(townId, m);
    input.contactUserId = contacts.some((c) => c.id === user.id) ? user.id : (contacts[0]?.id ?? null);
    if (source.origin === 'tandem') {
      const t = await this.repo.tandemSource(source.tandemId, townId, m);
      if (!t) throw new DomainError(HttpStatus.NOT_FOUND, 'tandem_not_found', 'Tandem not found', 'Dieses Tandem wurde nicht gefunden.');
      if (t.state !== 'concluded')
        throw new DomainError(
          HttpStatus.CONFLICT,
          'tandem_not_concluded',
          'Only a concluded tandem becomes an example',
          'Ein Anwendungsbeispiel entsteht aus einem abgeschlossenen Tandem.',
        );
      input.title = `Erfahrungen aus dem Tandem mit ${t.partnerName}`.slice(0, 200);
      input.summary = t.workedOn ?? '';
      input.steps = t.takenOver ? [{ what: t.takenOver.slice(0, 500), actor: '', effort: '', budget: '', funding: '', duration: '' }] : [];
      input.topics = uniq([...(t.topic ? [t.topic] : []), ...t.resultTopics]).slice(0, 5);
    } else if (source.origin === 'workshop') {
      const w = await this.repo.workshopSource(source.workshopId, townId, m);
      if (!w)
        throw new DomainError(HttpStatus.NOT_FOUND, 'workshop_not_found', 'Workshop not found', 'Diese Werkstatt wurde nicht gefunden.');
      if (w.state !== 'documented' || w.invitation !== 'accepted')
        throw new DomainError(
          HttpStatus.CONFLICT,
          'workshop_not_documented',
          'Only a documented workshop your town took part in becomes an example',
          'Ein Anwendungsbeispiel entsteht aus einer dokumentierten Werkstatt, an der Ihre Kommune teilgenommen hat.',
        );
      input.title = `Aus der Transferwerkstatt „${w.title}“`.slice(0, 200);
      input.summary = w.presented ?? '';
      input.steps = w.willTry ? [{ what: w.willTry.slice(0, 500), actor: '', effort: '', budget: '', funding: '', duration: '' }] : [];
      input.topics = uniq([w.theme, ...w.resultTopics]).slice(0, 5);
    }
    // The town's own challenges (it reads all of its own profile) on the example's topics become its questions.
    const own = await this.views.profile({ kind: 'town', townId, verified: true }, townId, m);
    const challenges = (own?.challenges ?? []).filter((c) => !input.topics.length || input.topics.includes(c.topic));
    input.challenges = challenges.slice(0, 3).map((c) => c.text.slice(0, 300));
    return input;
  }

  /** Saves the town's working copy (the API merges a partial body; the page sends the whole form). */
  async update(user: SessionUser, id: string, body: unknown, via: 'api' | 'form'): Promise<void> {
    await this.repo.transaction(async (m) => {
      const row = await this.owned(user, id, 'edit', m);
      const parsed =
        via === 'api' ? fromApi(body, inputOf(row)) : { input: fromForm((body ?? {}) as Record<string, unknown>), problems: [] };
      const { input, methodIds } = await this.checked(row.townId, parsed.input, parsed.problems, m);
      await this.repo.update(id, input, methodIds, 'draft', m);
      await this.audit.write(m, {
        actorId: user.id,
        action: 'practice.edited',
        subjectType: 'practice',
        subjectId: id,
        data: { from: row.state },
      });
    });
  }

  private async checked(townId: string, input: PracticeInput, earlier: InputProblem[], m: EntityManager) {
    const [topics, methods, contacts] = await Promise.all([this.repo.topics(m), this.repo.methods(m), this.repo.contacts(townId, m)]);
    const problems = [
      ...earlier,
      ...checkPractice(input, {
        topics: new Set(topics.map((t) => t.slug)),
        methods: new Set(methods.map((x) => x.slug)),
        contacts: new Set(contacts.map((c) => c.id)),
      }),
    ];
    if (problems.length) throw new PracticeInputError(problems);
    const methodIds = input.methods.map((slug) => methods.find((x) => x.slug === slug)!.id);
    return { input, methodIds, topics, methods };
  }

  /** The town hands its example to the office; all office accounts get a mail. */
  async submit(user: SessionUser, id: string): Promise<{ recipients: number }> {
    const ids = await this.repo.transaction(async (m) => {
      const row = await this.owned(user, id, 'submit', m);
      const input = inputOf(row);
      const problems = submitProblems(input);
      if (problems.length) throw new PracticeInputError(problems);
      await this.checked(row.townId, input, [], m);
      await this.repo.setState(id, 'submitted', { submitted: true, reviewComment: null }, m);
      await this.audit.write(m, { actorId: user.id, action: 'practice.submitted', subjectType: 'practice', subjectId: id });
      const after = await this.repo.find(id, m);
      const office = await this.repo.officeRecipients(m);
      const deliveries: NewDelivery[] = office.map((o) => ({
        dedupeKey: `practice-submitted:${id}:${after!.submittedAt!.toISOString()}:${o.id}`,
        recipient: o.email,
        template: 'practice-submitted',
        context: {
          displayName: o.displayName,
          townName: row.context.townName,
          title: row.title,
          link: `${this.config.appUrl}/methodenkoffer/${id}`,
          queueLink: `${this.config.appUrl}/geschaeftsstelle/methodenkoffer`,
        },
      }));
      return this.mail.recordMany(deliveries, m);
    });
    await this.mail.dispatch(ids);
    return { recipients: ids.length };
  }

  /** The office publishes: a new current version (the earlier ones stay as history); the town's contacts get a mail. */
  async publish(user: SessionUser, id: string): Promise<{ version: number; recipients: number }> {
    const out = await this.repo.transaction(async (m) => {
      const row = await this.reviewed(user, id, 'publish', m);
      const { input, methodIds, topics, methods } = await this.checked(row.townId, inputOf(row), [], m);
      const facts = await this.repo.townFacts(row.townId, m);
      const context = facts ? contextOf(facts) : row.context;
      const topicNames = input.topics.map((s) => topics.find((t) => t.slug === s)?.name ?? '').filter(Boolean);
      const methodNames = input.methods.map((s) => methods.find((x) => x.slug === s)?.name ?? '').filter(Boolean);
      const version = (row.publishedVersion ?? 0) + 1;
      const content: VersionContent = {
        ...input,
        context,
        origin: row.origin,
        originLabel: PRACTICE_ORIGIN_DE[row.origin],
        topicNames,
        methodNames,
      };
      await this.repo.insertVersion(
        {
          practiceId: id,
          version,
          townId: row.townId,
          content,
          methodIds,
          texts: searchTexts(input, context, topicNames, methodNames),
          publishedBy: user.id,
        },
        m,
      );
      await this.repo.setState(id, 'published', { publishedVersion: version, context, reviewComment: null }, m);
      await this.audit.write(m, {
        actorId: user.id,
        action: 'practice.published',
        subjectType: 'practice',
        subjectId: id,
        data: { version },
      });
      const ids = await this.townMails(m, row, 'practice-published', `v${version}`, {
        version,
        versionNote: version > 1 ? ` (Fassung ${version})` : '',
        link: `${this.config.appUrl}/methodenkoffer/${id}`,
      });
      return { version, ids };
    });
    await this.mail.dispatch(out.ids);
    // A published example is evidence for its town as a partner (issue 27): the suggestions take it in.
    await this.recompute.request('practice');
    return { version: out.version, recipients: out.ids.length };
  }

  /** The office gives the example back with a comment; the town's contacts get it by mail. */
  async returnToTown(user: SessionUser, id: string, comment: unknown): Promise<{ recipients: number }> {
    const text = reviewComment(comment, COMMENT_LIMITS);
    const ids = await this.repo.transaction(async (m) => {
      const row = await this.reviewed(user, id, 'return', m);
      await this.repo.setState(id, 'returned', { reviewComment: text }, m);
      await this.audit.write(m, { actorId: user.id, action: 'practice.returned', subjectType: 'practice', subjectId: id, reason: text });
      return this.townMails(m, row, 'practice-returned', row.submittedAt?.toISOString() ?? 'x', {
        comment: text,
        link: `${this.config.appUrl}/methodenkoffer/${id}/bearbeiten`,
      });
    });
    await this.mail.dispatch(ids);
    return { recipients: ids.length };
  }

  private async townMails(m: EntityManager, row: PracticeRow, template: string, key: string, extra: Record<string, unknown>) {
    const contacts = await this.repo.contacts(row.townId, m);
    return this.mail.recordMany(
      contacts.map((c) => ({
        dedupeKey: `${template}:${row.id}:${key}:${c.id}`,
        recipient: c.email,
        template,
        context: { displayName: c.displayName, townName: row.context.townName, title: row.title, ...extra },
      })),
      m,
    );
  }

  /** The row, locked, for a step of its own town (others: 404 or 403; the office: 403). */
  private async owned(user: SessionUser, id: string, action: PracticeAction, m: EntityManager): Promise<PracticeRow> {
    const row = await this.repo.find(id, m, true);
    if (!row) throw practiceNotFound();
    if (isOffice(user)) throw officeReviewsOnly();
    if (user.townId !== row.townId) throw row.publishedVersion ? notOwn() : practiceNotFound();
    return this.allowed(row, action, 'own_town');
  }

  private async reviewed(user: SessionUser, id: string, action: PracticeAction, m: EntityManager): Promise<PracticeRow> {
    const row = await this.repo.find(id, m, true);
    if (!row) throw practiceNotFound();
    if (!isOffice(user))
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'office_only',
        'Only the office reviews examples',
        'Nur die Geschäftsstelle prüft Anwendungsbeispiele.',
      );
    return this.allowed(row, action, 'office');
  }

  private allowed(row: PracticeRow, action: PracticeAction, actor: 'own_town' | 'office'): PracticeRow {
    const step = practiceStep(action, actor, row.state);
    if (!step.ok)
      throw new DomainError(step.code === 'office_only' || step.code === 'office_reviews_only' ? 403 : 409, step.code, step.en, step.de);
    return row;
  }
}

const sourceIds = (s: PracticeSource) =>
  s.origin === 'tandem' ? { tandemId: s.tandemId } : s.origin === 'workshop' ? { workshopId: s.workshopId } : {};

export function inputOf(r: PracticeRow): PracticeInput {
  return {
    title: r.title,
    summary: r.summary,
    challenges: r.challenges,
    topics: r.topics,
    steps: r.steps,
    results: r.results,
    notWorked: r.notWorked,
    transferConditions: r.transferConditions,
    status: r.status,
    contactUserId: r.contactUserId,
    openForVisits: r.openForVisits,
    methods: r.methods,
    licence: r.licence,
  };
}
