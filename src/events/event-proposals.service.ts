import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { addToReport, emptyMailReport, type MailReport } from '../accounts/address-book/town-recipients.util';
import { AuditRepository } from '../audit/audit.repository';
import { isOffice, type SessionUser } from '../auth/session-user';
import { UserRepository } from '../auth/user.repository';
import { formatBerlin } from '../common/berlin-time.util';
import { DomainError, reviewComment } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { EVENT_KIND_DE, EventTransitionError, nextEventState, REVIEW_COMMENT_LIMITS } from './core/event-transitions.util';
import { checkAhead, EventInput, fieldsOf, parseEventInput } from './event-input.util';
import { EventRepository, EventRow } from './event.repository';
import { eventNotFound, placeOf } from './events.service';

const forbidden = (code: string, en: string, de: string) => new DomainError(HttpStatus.FORBIDDEN, code, en, de);
const officeCreatesDirectly = () =>
  forbidden(
    'office_creates_directly',
    'Proposals come from towns; the office creates events directly',
    'Vorschläge kommen von den Kommunen; die Geschäftsstelle legt Veranstaltungen direkt an.',
  );
const townNotVerified = () =>
  forbidden(
    'town_not_verified',
    'Only verified towns propose events',
    'Veranstaltungen vorschlagen können Kommunen, deren Registrierung die Geschäftsstelle bestätigt hat.',
  );
const asTransition = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EventTransitionError) throw new DomainError(HttpStatus.CONFLICT, err.code, err.message, err.messageDe);
    throw err;
  }
};

/** What a proposal step reports: whom its mail reached (the office's accounts, or the host town's). */
export interface ProposalOutcome {
  id: string;
  report: MailReport;
  officeRecipients: number;
}

/**
 * Events a town hosts ("Wir laden ein", issue 28 phase 2): a verified town proposes an event with the office's fields;
 * the office approves it (→ draft, the office's from then on: the host edits it no more) or returns it with a comment;
 * the host revises a returned proposal and proposes it again. Each step locks the event row in one transaction with its
 * audit row and its mails (the office's accounts on a proposal, the host's accounts on approval and return).
 */
@Injectable()
export class EventProposalsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: EventRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly users: UserRepository,
    private readonly recipients: TownRecipientsRepository,
  ) {}

  /** Whether the user may propose events (a contact of a verified town): the list page offers the form then. */
  async mayHost(user: SessionUser): Promise<boolean> {
    return !isOffice(user) && !!user.townId && (await this.repo.townIsVerified(user.townId));
  }

  /** A town contact's town, if it may host: signed in for a verified town (the office: 403; others: 403). */
  async hostTownOf(user: SessionUser): Promise<string> {
    if (isOffice(user)) throw officeCreatesDirectly();
    if (!user.townId || !(await this.repo.townIsVerified(user.townId))) throw townNotVerified();
    return user.townId;
  }

  /** The town proposes an event (same fields and rules as the office's form; start and deadline ahead). */
  async propose(user: SessionUser, input: EventInput, now = new Date()): Promise<ProposalOutcome> {
    const townId = await this.hostTownOf(user);
    const fields = parseEventInput(input, await this.repo.vocabulary(), null);
    checkAhead(fields, now);
    const out = await this.repo.transaction(async (m) => {
      const id = await this.repo.insert(m, fields, user.id, { townId, at: now });
      await this.audit.writeStep(m, 'event', id, user.id, 'event.propose', null, 'proposed', null, {
        title: fields.title,
        hostTownId: townId,
      });
      const e = (await this.repo.findForUpdate(m, id))!;
      return { id, mails: await this.officeMails(m, e) };
    });
    await this.mail.dispatch(out.mails);
    return { id: out.id, report: emptyMailReport(), officeRecipients: out.mails.length };
  }

  /** The host revises its returned proposal (fields given) and proposes it again; the office is told once more. */
  async resubmit(user: SessionUser, id: string, input: EventInput | null, now = new Date()): Promise<ProposalOutcome> {
    const townId = await this.hostTownOf(user);
    const vocab = await this.repo.vocabulary();
    const mails = await this.repo.transaction(async (m) => {
      const e = await this.repo.findForUpdate(m, id);
      if (!e || e.hostTownId !== townId) throw eventNotFound();
      let fields = fieldsOf(e);
      if (input && Object.values(input).some((v) => v !== undefined)) {
        asTransition(() => nextEventState(e.state, 'edit', 'host'));
        fields = parseEventInput(input, vocab, fields);
        const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter((k) => JSON.stringify(fields[k]) !== JSON.stringify(e[k]));
        if (changed.length) {
          await this.repo.update(m, id, fields);
          await this.audit.writeStep(m, 'event', id, user.id, 'event.edit', e.state, e.state, null, { changed });
        }
      }
      const to = asTransition(() => nextEventState(e.state, 'propose', 'host'));
      checkAhead(fields, now);
      await this.repo.update(m, id, { state: to, stateChangedAt: now, proposedAt: now, reviewComment: null });
      await this.audit.writeStep(m, 'event', id, user.id, 'event.propose', e.state, to, null, {});
      return this.officeMails(m, { ...e, ...fields, proposedAt: now });
    });
    await this.mail.dispatch(mails);
    return { id, report: emptyMailReport(), officeRecipients: mails.length };
  }

  /** The office takes the proposal over as its draft (then edits, publishes and invites as with its own events). */
  async approve(user: SessionUser, id: string, now = new Date()): Promise<ProposalOutcome> {
    if (!isOffice(user)) throw forbidden('office_only', 'Only the office reviews proposals', 'Nur die Geschäftsstelle prüft Vorschläge.');
    const out = await this.repo.transaction(async (m) => {
      const e = await this.repo.findForUpdate(m, id);
      if (!e) throw eventNotFound();
      const to = asTransition(() => nextEventState(e.state, 'approve', 'office'));
      await this.repo.update(m, id, { state: to, stateChangedAt: now, reviewComment: null });
      await this.audit.writeStep(m, 'event', id, user.id, 'event.approve', e.state, to, null, { hostTownId: e.hostTownId });
      return this.hostMails(m, e, 'event-proposal-approved', 'approved', {});
    });
    await this.mail.dispatch(out.ids);
    return { id, report: out.report, officeRecipients: 0 };
  }

  /** The office returns the proposal with a comment (10–1000 characters); the host's accounts get it by mail. */
  async returnToHost(user: SessionUser, id: string, comment: unknown, now = new Date()): Promise<ProposalOutcome> {
    if (!isOffice(user)) throw forbidden('office_only', 'Only the office reviews proposals', 'Nur die Geschäftsstelle prüft Vorschläge.');
    const text = reviewComment(comment, REVIEW_COMMENT_LIMITS);
    const out = await this.repo.transaction(async (m) => {
      const e = await this.repo.findForUpdate(m, id);
      if (!e) throw eventNotFound();
      const to = asTransition(() => nextEventState(e.state, 'return', 'office'));
      await this.repo.update(m, id, { state: to, stateChangedAt: now, reviewComment: text });
      await this.audit.writeStep(m, 'event', id, user.id, 'event.return', e.state, to, text, { hostTownId: e.hostTownId });
      return this.hostMails(m, e, 'event-proposal-returned', `returned:${(e.proposedAt ?? e.createdAt).toISOString()}`, {
        comment: text,
      });
    });
    await this.mail.dispatch(out.ids);
    return { id, report: out.report, officeRecipients: 0 };
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private context(e: EventRow) {
    return {
      title: e.title,
      kindLabel: EVENT_KIND_DE[e.kind],
      when: formatBerlin(e.startsAt),
      place: placeOf(e),
      townName: e.hostTownName ?? '',
    };
  }

  /** Every office account is told of a (re)proposal, once per proposal (keyed by when it was proposed). */
  private async officeMails(m: EntityManager, e: EventRow): Promise<string[]> {
    const office = await this.users.officeContacts(m);
    const at = (e.proposedAt ?? e.createdAt).toISOString();
    return this.mail.recordMany(
      office.map((o) => ({
        dedupeKey: `event:${e.id}:proposed:${at}:${o.id}`,
        recipient: o.email,
        template: 'event-proposed',
        replyTo: this.config.mailReplyTo,
        context: {
          displayName: o.displayName,
          ...this.context(e),
          link: `${this.config.appUrl}/geschaeftsstelle/veranstaltungen/${e.id}`,
          queueLink: `${this.config.appUrl}/geschaeftsstelle/veranstaltungen#vorschlaege-h`,
        },
      })),
      m,
    );
  }

  /** The host town's accounts (those who sign in and act on the proposal) get the office's answer. */
  private async hostMails(m: EntityManager, e: EventRow, template: string, key: string, extra: Record<string, unknown>) {
    const report = emptyMailReport();
    if (!e.hostTownId) return { ids: [] as string[], report };
    const people = (await this.recipients.forTown(m, e.hostTownId)).filter((r) => r.kind === 'account');
    addToReport(report, { id: e.hostTownId, name: e.hostTownName ?? '' }, people);
    const ids = await this.mail.recordMany(
      people.map((p) => ({
        dedupeKey: `event:${e.id}:${key}:${p.id}`,
        recipient: p.email,
        template,
        replyTo: this.config.mailReplyTo,
        context: { displayName: p.displayName, ...this.context(e), link: `${this.config.appUrl}/veranstaltungen/${e.id}`, ...extra },
      })),
      m,
    );
    return { ids, report };
  }
}
