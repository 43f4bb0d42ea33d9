import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuditAction } from '../audit/audit-actions';
import { addressBookUnsubscribeUrl } from '../accounts/address-book/address-book-unsubscribe.util';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import {
  addToReport,
  emptyMailReport,
  recipientMeta,
  withAddressBookVariant,
  type MailReport,
  type MailVariant,
} from '../accounts/address-book/town-recipients.util';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { MailAttachment } from '../mail/mail-delivery.repository';
import { MailService } from '../mail/mail.service';
import { MatchScoringService } from '../matching/match-scoring.service';
import { TownReadRepository } from '../municipalities/town-read.repository';
import { MailContact, UserRepository } from '../auth/user.repository';
import { formatBerlin, parseBerlin } from '../common/berlin-time.util';
import { workshopCalendar } from './workshop-calendar.util';
import { chosenBecause, rankReplacements, Replacement } from './workshop-fit.util';
import { checkInvitable, checkWorkshopRules, MAX_TOWNS, RuleViolation } from './workshop-rules.util';
import {
  holdRefusal,
  INVITATION_STATE_DE,
  InvitationAction,
  MIN_ACCEPTED,
  nextInvitationState,
  nextWorkshopState,
  REASON_MAX_LENGTH,
  RESULT_MAX_LENGTH,
  STATE_DE,
  WORKSHOP_FORMATS,
  WorkshopAction,
  WorkshopFormat,
  WorkshopTransitionError,
} from './workshop-transitions.util';
import { InvitationRow, WorkshopPatch, WorkshopRepository, WorkshopRow } from './workshop.repository';
import { intInRange, isUuid } from '../common/input.util';

/** A proposed group's number (the column is a smallint; the API's DTO allows the same range). */
const MAX_GROUP_NO = 10000;

const REMINDERS = [
  { kind: '7d', days: 7 },
  { kind: '1d', days: 1 },
] as const;

export interface WorkshopEdit {
  title?: unknown;
  startsAt?: unknown;
  durationMinutes?: unknown;
  format?: unknown;
  hostTownId?: unknown;
  address?: unknown;
  onlineLink?: unknown;
}

export interface WorkshopResultInput {
  presented?: unknown;
  willTry?: unknown;
  topics?: unknown;
}

const conflict = (code: string, en: string, de: string) => new DomainError(HttpStatus.CONFLICT, code, en, de);
const badRequest = (code: string, en: string, de: string, field?: string) => new DomainError(HttpStatus.BAD_REQUEST, code, en, de, field);
export const workshopNotFound = () =>
  new DomainError(HttpStatus.NOT_FOUND, 'workshop_not_found', 'Workshop not found', 'Diese Werkstatt gibt es nicht.');

/** Broken group rules as one 409: the first rule's code; the message lists every rule and the towns it names. */
function rulesError(violations: RuleViolation[]): DomainError {
  const err = new DomainError(
    HttpStatus.CONFLICT,
    violations[0].code,
    violations.map((v) => v.message).join('; '),
    violations.map((v) => v.messageDe).join(' '),
  );
  Object.assign(err.getResponse() as object, { violations: violations.map((v) => ({ code: v.code, towns: v.towns, message: v.message })) });
  return err;
}

const asTransition = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WorkshopTransitionError) throw conflict(err.code, err.message, err.messageDe);
    throw err;
  }
};

@Injectable()
export class WorkshopsService {
  private readonly logger = new Logger(WorkshopsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WorkshopRepository,
    private readonly people: UserRepository,
    private readonly townReads: TownReadRepository,
    private readonly scorer: MatchScoringService,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly recipients: TownRecipientsRepository,
  ) {}

  link(id: string, office = false): string {
    return office ? `${this.config.appUrl}/geschaeftsstelle/werkstaetten/${id}` : `${this.config.appUrl}/werkstaetten`;
  }

  /** A draft from one group of the engine's proposal (runId + groupNo), or an empty one for a theme. */
  async createDraft(
    user: SessionUser,
    input: { runId?: string | null; groupNo?: unknown; theme?: string | null; title?: unknown },
  ): Promise<string> {
    let theme = input.theme ?? null;
    let townIds: string[] = [];
    let groupNo: number | null = null;
    if (input.runId) {
      if (!isUuid(input.runId))
        throw badRequest('invalid_run', 'runId must be a uuid', 'Dieser Werkstatt-Vorschlag wurde nicht gefunden.', 'runId');
      groupNo = intInRange(input.groupNo, 1, MAX_GROUP_NO);
      if (groupNo === null)
        throw badRequest(
          'invalid_group',
          `groupNo must be a whole number from 1 to ${MAX_GROUP_NO}`,
          `Die Gruppennummer muss eine ganze Zahl von 1 bis ${MAX_GROUP_NO} sein.`,
          'groupNo',
        );
      const group = await this.repo.proposalGroup(input.runId, groupNo);
      if (!group)
        throw new DomainError(
          HttpStatus.NOT_FOUND,
          'group_not_found',
          'This group is not part of that workshop proposal',
          'Diese Gruppe gehört nicht zu dem Werkstatt-Vorschlag.',
        );
      theme = group.theme;
      townIds = group.townIds;
    }
    const themeName = theme ? await this.repo.topicName(theme) : null;
    if (!theme || !themeName)
      throw badRequest('unknown_topic', 'Choose a theme from the list', 'Bitte wählen Sie ein Thema aus der Liste.', 'theme');
    const title = this.text(input.title, 200, 'title', 'The title', 'Der Titel') || `Transferwerkstatt ${themeName}`;
    const reasons = await this.reasonsFor(theme, themeName, townIds);
    return this.repo.transaction(async (m) => {
      const id = await this.repo.insert(m, {
        themeSlug: theme,
        title,
        runId: input.runId ?? null,
        groupNo,
        createdBy: user.id,
      });
      const now = new Date();
      for (const t of townIds) await this.repo.insertInvitation(m, id, t, reasons.get(t) ?? '', now);
      await this.writeAudit(m, id, user.id, 'workshop.created', null, 'draft', null, {
        runId: input.runId ?? null,
        groupNo,
      });
      return id;
    });
  }

  /** Title, date, duration, format and place. A change of date or place after publishing raises SEQUENCE and tells the towns. */
  async update(user: SessionUser, id: string, input: WorkshopEdit, now = new Date()): Promise<void> {
    const patch = this.parseEdit(input, now);
    if (patch.hostTownId && !(await this.repo.townName(patch.hostTownId)))
      throw badRequest('unknown_town', 'The host town does not exist', 'Die gastgebende Kommune wurde nicht gefunden.', 'hostTownId');
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      asTransition(() => nextWorkshopState(w.state, 'edit', 'office'));
      const changed = (['title', 'startsAt', 'durationMinutes', 'format', 'hostTownId', 'address', 'onlineLink'] as const).filter(
        (k) =>
          patch[k] !== undefined &&
          String(patch[k] instanceof Date ? (patch[k] as Date).getTime() : patch[k]) !==
            String(w[k] instanceof Date ? (w[k] as Date).getTime() : w[k]),
      );
      if (!changed.length) return [];
      const published = w.state !== 'draft';
      const after: WorkshopRow = { ...w, ...patch, sequence: published ? w.sequence + 1 : w.sequence };
      if (published) this.checkSchedule(after, now);
      await this.repo.update(m, id, { ...patch, sequence: after.sequence });
      await this.writeAudit(m, id, user.id, 'workshop.edit', w.state, w.state, null, { changed });
      if (!published) return [];
      const invs = (await this.repo.invitations(id, m)).filter((i) => i.state === 'invited' || i.state === 'accepted');
      return this.recordForTowns(m, after, invs, 'workshop-update', `update:${after.sequence}`, 'REQUEST', { changed: changed.join(',') });
    });
    await this.mail.dispatch(mails);
  }

  /** Adds a town. In a published workshop it gets the invitation as things stand now (date, place, state). */
  async invite(user: SessionUser, id: string, townId: string, now = new Date()): Promise<void> {
    if (!isUuid(townId))
      throw badRequest('invalid_town', 'townId must be a town id (uuid)', 'Bitte wählen Sie eine Kommune aus.', 'townId');
    const w0 = await this.repo.findById(id);
    if (!w0) throw workshopNotFound();
    // A page form without a chosen town posts an empty field: a clear 400, never a query with an invalid uuid.
    if (typeof townId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(townId))
      throw badRequest('invalid_town', 'townId must be the id of a town', 'Bitte wählen Sie eine Kommune aus.', 'townId');
    const [town] = await this.repo.ruleTowns([townId], w0.themeSlug);
    if (!town) throw new DomainError(HttpStatus.NOT_FOUND, 'town_not_found', 'Town not found', 'Diese Kommune wurde nicht gefunden.');
    const bad = checkInvitable(town);
    if (bad.length) throw rulesError(bad);
    const others = (await this.repo.invitations(id)).filter((i) => i.state !== 'withdrawn' && i.townId !== townId).map((i) => i.townId);
    const reasons = await this.reasonsFor(w0.themeSlug, w0.themeName, [...others, townId]);
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      asTransition(() => nextWorkshopState(w.state, 'invite', 'office'));
      const live = (await this.repo.invitations(id, m)).filter((i) => i.state !== 'withdrawn');
      if (live.some((i) => i.townId === townId))
        throw conflict('already_invited', `${town.name} is already invited`, `${town.name} ist bereits eingeladen.`);
      if (live.filter((i) => i.state !== 'declined').length >= MAX_TOWNS)
        throw conflict(
          'group_full',
          `A workshop has at most ${MAX_TOWNS} towns; withdraw an invitation first`,
          `Eine Werkstatt hat höchstens ${MAX_TOWNS} Kommunen; nehmen Sie zuerst eine Einladung zurück.`,
        );
      // Published: the invitation goes out at once, and confirming checks the Länder of the accepted towns — a second
      // town from one Land blocks here. In a draft the editor shows the broken rule and publishing waits for it.
      const sameLand = sameLandAs(town, live);
      if (w.state !== 'draft' && sameLand) throw sameLandError(town.name, sameLand, town.stateName);
      const invId = await this.repo.insertInvitation(m, id, townId, reasons.get(townId) ?? '', now);
      await this.writeAudit(m, id, user.id, 'workshop.invite', w.state, w.state, null, { townId, townName: town.name });
      if (w.state === 'draft' || !invId) return [];
      const inv = (await this.repo.invitations(id, m)).find((i) => i.id === invId)!;
      return this.recordForTowns(m, w, [inv], 'workshop-invitation', `invite:${inv.id}:${now.getTime()}`, 'REQUEST', { later: true });
    });
    await this.mail.dispatch(mails);
  }

  /**
   * The office takes an invitation back (in a draft the town simply leaves the list). In a published workshop the
   * town's contacts get a mail with a calendar cancellation (same UID, the workshop's SEQUENCE raised, so a later
   * invitation of the same town is newer again); the other towns' calendar entries stay as they are.
   */
  async withdrawInvitation(user: SessionUser, id: string, townId: string, input: { reason?: unknown } = {}): Promise<void> {
    if (!isUuid(townId))
      throw badRequest('invalid_town', 'townId must be a town id (uuid)', 'Bitte wählen Sie eine Kommune aus.', 'townId');
    const reason = this.text(input.reason, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung') || null;
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      const inv = (await this.repo.invitations(id, m)).find((i) => i.townId === townId && i.state !== 'withdrawn');
      if (!inv)
        throw new DomainError(
          HttpStatus.NOT_FOUND,
          'invitation_not_found',
          'This town is not invited',
          'Diese Kommune ist nicht eingeladen.',
        );
      asTransition(() => nextWorkshopState(w.state, 'invite', 'office'));
      if (w.state === 'draft') {
        await this.repo.deleteInvitation(m, inv.id);
        await this.writeAudit(m, id, user.id, 'workshop.withdraw_invitation', w.state, w.state, reason, { townId, townName: inv.name });
        return [];
      }
      const to = asTransition(() =>
        nextInvitationState(inv.state, 'withdraw', 'office', { workshopState: w.state, invitationsClosed: !!w.invitationsClosedAt }),
      );
      const sequence = w.sequence + 1;
      await this.repo.updateInvitation(m, inv.id, { state: to });
      await this.repo.update(m, id, { sequence });
      await this.writeAudit(m, id, user.id, 'workshop.withdraw_invitation', inv.state, to, reason, {
        townId,
        townName: inv.name,
        sequence,
      });
      // Every published invitation went out with the calendar entry (publishing needs a date): it is cancelled.
      return this.recordForTowns(
        m,
        { ...w, sequence },
        [{ ...inv, state: to }],
        'workshop-withdrawn',
        `withdraw:${inv.id}:${sequence}`,
        'CANCEL',
        {
          reason,
        },
      );
    });
    await this.mail.dispatch(mails);
  }

  /**
   * Verified towns by name for the editor's "Kommune hinzufügen", each with what it brings to the theme (the office
   * reads every field), whether it is invited already and the rule it would break (another town of its Land).
   */
  async searchTowns(id: string, q: string, limit = 15) {
    const w = await this.repo.findById(id);
    if (!w) throw workshopNotFound();
    const [hits, invs, { towns }] = await Promise.all([this.townReads.searchVerified(q, limit), this.repo.invitations(id), this.scoring()]);
    const live = invs.filter((i) => i.state !== 'withdrawn');
    const byId = new Map(towns.map((t) => [t.id, t]));
    return hits.map((h) => {
      const t = byId.get(h.id);
      const sameLand = sameLandAs(h, live);
      return {
        ...h,
        invited: live.some((i) => i.townId === h.id),
        theme: !t
          ? null
          : t.experiences.some((e) => e.topic === w.themeSlug)
            ? `Erfahrung mit „${w.themeName}“`
            : t.challenges.some((c) => c.topic === w.themeSlug)
              ? `„${w.themeName}“ als Herausforderung genannt`
              : t.topics.includes(w.themeSlug)
                ? `arbeitet am Thema „${w.themeName}“`
                : null,
        warning: h.optedOut
          ? `${h.name} nimmt derzeit nicht teil.`
          : sameLand
            ? `Aus demselben Bundesland wie ${sameLand} (${h.stateName}).`
            : null,
      };
    });
  }

  /** The broken rules of the current group (invited and accepted towns), for the editor before publishing. */
  async violations(id: string): Promise<RuleViolation[]> {
    const w = await this.repo.findById(id);
    if (!w) throw workshopNotFound();
    const ids = (await this.repo.invitations(id)).filter((i) => i.state === 'invited' || i.state === 'accepted').map((i) => i.townId);
    return checkWorkshopRules(await this.repo.ruleTowns(ids, w.themeSlug));
  }

  /** draft → invited: the rules must hold, date and place be set; every town gets its invitation with the calendar entry. */
  async publish(user: SessionUser, id: string, now = new Date()): Promise<MailReport> {
    const w0 = await this.repo.findById(id);
    if (!w0) throw workshopNotFound();
    const ids0 = (await this.repo.invitations(id)).filter((i) => i.state !== 'withdrawn').map((i) => i.townId);
    const reasons = await this.reasonsFor(w0.themeSlug, w0.themeName, ids0);
    const report = emptyMailReport();
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      const to = asTransition(() => nextWorkshopState(w.state, 'publish', 'office'));
      this.checkSchedule(w, now);
      const invs = (await this.repo.invitations(id, m)).filter((i) => i.state !== 'withdrawn');
      const bad = checkWorkshopRules(
        await this.repo.ruleTowns(
          invs.map((i) => i.townId),
          w.themeSlug,
          m,
        ),
      );
      if (bad.length) throw rulesError(bad);
      for (const i of invs) {
        if (reasons.has(i.townId))
          await m.query(`UPDATE workshop_invitation SET chosen_because = $2, invited_at = $3 WHERE id = $1`, [
            i.id,
            reasons.get(i.townId),
            now,
          ]);
      }
      await this.repo.update(m, id, { state: to, stateChangedAt: now });
      await this.writeAudit(m, id, user.id, 'workshop.publish', w.state, to, null, { towns: invs.map((i) => i.name) });
      const fresh = await this.repo.invitations(id, m);
      return this.recordForTowns(
        m,
        { ...w, state: to },
        fresh.filter((i) => i.state === 'invited'),
        'workshop-invitation',
        'invite',
        'REQUEST',
        {},
        report,
      );
    });
    await this.mail.dispatch(mails);
    return report;
  }

  /**
   * A town contact answers for their own town ("Zusagen"/"Absagen"). Answering again with the same answer (a double
   * click) changes nothing and sends nothing.
   */
  async answer(
    user: SessionUser,
    id: string,
    action: 'accept' | 'decline',
    input: { reason?: unknown } = {},
    now = new Date(),
  ): Promise<void> {
    if (!user.townId)
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_a_town_contact',
        'Only a contact of an invited town can answer',
        'Nur Ansprechpersonen einer eingeladenen Kommune können antworten.',
      );
    const reason = this.text(input.reason, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung') || null;
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      const inv = (await this.repo.invitations(id, m)).find((i) => i.townId === user.townId && i.state !== 'withdrawn');
      if (!inv || w.state === 'draft') throw workshopNotFound();
      const to = asTransition(() =>
        nextInvitationState(inv.state, action as InvitationAction, 'town', {
          workshopState: w.state,
          invitationsClosed: !!w.invitationsClosedAt,
        }),
      );
      if (to === inv.state) return [];
      await this.repo.updateInvitation(m, inv.id, { state: to, answerReason: reason ?? '', answeredBy: user.id, answeredAt: now });
      await this.writeAudit(m, id, user.id, `workshop.${action}`, inv.state, to, reason, { townId: inv.townId, townName: inv.name });
      const office = await this.people.officeContacts(m);
      return this.recordMany(m, w, office, null, 'workshop-answered', `answer:${inv.id}:${now.getTime()}`, null, {
        townName: inv.name,
        accepted: to === 'accepted',
        reason,
        forOffice: true,
        link: this.link(id, true),
      });
    });
    await this.mail.dispatch(mails);
  }

  /** A workshop step by the office: close, confirm, hold, document, cancel. */
  async act(
    user: SessionUser,
    id: string,
    action: Exclude<WorkshopAction, 'edit' | 'invite' | 'publish'>,
    input: { reason?: unknown; result?: WorkshopResultInput } = {},
    now = new Date(),
  ): Promise<void> {
    const reason = this.text(input.reason, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung');
    if (action === 'cancel' && reason.length < 3)
      throw badRequest(
        'reason_required',
        'Please give a reason (at least 3 characters)',
        'Bitte geben Sie eine kurze Begründung an (mindestens 3 Zeichen).',
        'reason',
      );
    let result: { presented: string; willTry: string; topics: string[] } | null = null;
    if (action === 'document') result = await this.parseResult(input.result ?? {});
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      const to = asTransition(() => nextWorkshopState(w.state, action, 'office'));
      const invs = await this.repo.invitations(id, m);
      const patch: WorkshopPatch = { state: to, stateChangedAt: to !== w.state ? now : undefined };
      if (action === 'close') {
        if (w.invitationsClosedAt) return [];
        patch.invitationsClosedAt = now;
      }
      if (action === 'confirm') {
        const accepted = invs.filter((i) => i.state === 'accepted');
        if (accepted.length < MIN_ACCEPTED)
          throw conflict(
            'too_few_accepted',
            `A workshop needs at least ${MIN_ACCEPTED} accepted towns to be confirmed; ${accepted.length} accepted so far`,
            `Für die Bestätigung braucht es mindestens ${MIN_ACCEPTED} Zusagen; bisher sind es ${accepted.length}.`,
          );
        const bad = checkWorkshopRules(
          await this.repo.ruleTowns(
            accepted.map((i) => i.townId),
            w.themeSlug,
            m,
          ),
        );
        if (bad.length) throw rulesError(bad);
        this.checkSchedule(w, now);
      }
      if (action === 'hold') {
        const refused = holdRefusal(w.startsAt, now, formatBerlin);
        if (refused) throw conflict(refused.code, refused.message, refused.messageDe);
      }
      if (action === 'cancel') {
        patch.cancelReason = reason;
        if (w.state !== 'draft') patch.sequence = w.sequence + 1;
      }
      if (result) Object.assign(patch, { resultPresented: result.presented, resultWillTry: result.willTry, resultTopics: result.topics });
      await this.repo.update(m, id, patch);
      await this.writeAudit(m, id, user.id, `workshop.${action}`, w.state, to, reason || null, {});
      const after = { ...w, ...patch, state: to };
      if (action === 'confirm')
        return this.recordForTowns(
          m,
          after,
          invs.filter((i) => i.state === 'accepted'),
          'workshop-confirmed',
          'confirmed',
          'REQUEST',
          {},
        );
      if (action === 'cancel' && w.state !== 'draft')
        return this.recordForTowns(
          m,
          after,
          invs.filter((i) => i.state === 'invited' || i.state === 'accepted'),
          'workshop-cancelled',
          'cancel',
          'CANCEL',
          { reason },
        );
      return [];
    });
    await this.mail.dispatch(mails);
  }

  /** The best towns to take a free place (after a decline), with German reasons; the office invites one with one click. */
  async replacements(id: string, limit = 5): Promise<Replacement[]> {
    const w = await this.repo.findById(id);
    if (!w) throw workshopNotFound();
    const invs = await this.repo.invitations(id);
    const { ctx, towns } = await this.scoring();
    const remaining = new Set(invs.filter((i) => i.state === 'invited' || i.state === 'accepted').map((i) => i.townId));
    const members = towns.filter((t) => remaining.has(t.id));
    return rankReplacements(ctx, members, towns, new Set(invs.map((i) => i.townId)), w.themeSlug, w.themeName, limit);
  }

  /** The scheduler's job body: reminders 7 days and 1 day before a confirmed workshop, each at most once (reminder row). */
  async runReminders(now = new Date()): Promise<number> {
    let sent = 0;
    for (const r of REMINDERS) {
      for (const { id } of await this.repo.dueForReminder(r.kind, now, r.days)) {
        const mails = await this.repo.transaction(async (m) => {
          const w = await this.lock(m, id);
          if (w.state !== 'confirmed' || !(await this.repo.claimReminder(m, id, r.kind))) return [];
          // The 7-day reminder is pointless once the 1-day one is due: mark it sent without mailing twice in one day.
          if (r.kind === '7d' && w.startsAt && w.startsAt.getTime() - now.getTime() <= 86_400_000) return [];
          const invs = (await this.repo.invitations(id, m)).filter((i) => i.state === 'accepted');
          return this.recordForTowns(m, w, invs, 'workshop-reminder', `reminder-${r.kind}`, null, { days: r.days, tomorrow: r.days === 1 });
        });
        sent += mails.length;
        await this.mail.dispatch(mails);
      }
    }
    return sent;
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private async lock(m: EntityManager, id: string): Promise<WorkshopRow> {
    const w = await this.repo.findForUpdate(m, id);
    if (!w) throw workshopNotFound();
    return w;
  }

  /** Date in the future, and a place: host town and address in person, a link online. */
  private checkSchedule(w: WorkshopRow, now: Date): void {
    if (!w.startsAt)
      throw badRequest('date_required', 'Set the date and time first', 'Bitte legen Sie zuerst Datum und Uhrzeit fest.', 'startsAt');
    if (w.startsAt.getTime() <= now.getTime())
      throw badRequest('date_in_past', 'The date must be in the future', 'Das Datum muss in der Zukunft liegen.', 'startsAt');
    if (w.format === 'in_person' && (!w.hostTownId || w.address.length < 5))
      throw badRequest(
        'place_required',
        'An in-person workshop needs a host town and an address',
        'Eine Werkstatt vor Ort braucht eine gastgebende Kommune und eine Adresse.',
        'address',
      );
    if (w.format === 'online' && !/^https:\/\/\S+$/.test(w.onlineLink))
      throw badRequest(
        'link_required',
        'An online workshop needs an https link',
        'Eine Online-Werkstatt braucht einen Link (https://…).',
        'onlineLink',
      );
  }

  private parseEdit(input: WorkshopEdit, now: Date): WorkshopPatch {
    const patch: WorkshopPatch = {};
    if (input.title !== undefined) {
      const title = this.text(input.title, 200, 'title', 'The title', 'Der Titel');
      if (title.length < 3)
        throw badRequest('title_required', 'The title needs at least 3 characters', 'Der Titel braucht mindestens 3 Zeichen.', 'title');
      patch.title = title;
    }
    if (input.startsAt !== undefined && input.startsAt !== '') {
      const d = parseBerlin(input.startsAt);
      if (!d)
        throw badRequest(
          'invalid_date',
          'startsAt must be a date and time (ISO 8601)',
          'Bitte geben Sie Datum und Uhrzeit an.',
          'startsAt',
        );
      if (d.getTime() <= now.getTime())
        throw badRequest('date_in_past', 'The date must be in the future', 'Das Datum muss in der Zukunft liegen.', 'startsAt');
      patch.startsAt = d;
    }
    if (input.durationMinutes !== undefined && input.durationMinutes !== '') {
      const n = Number(input.durationMinutes);
      if (!Number.isInteger(n) || n < 15 || n > 1440)
        throw badRequest(
          'invalid_duration',
          'durationMinutes must be a whole number from 15 to 1440',
          'Die Dauer muss zwischen 15 und 1440 Minuten liegen.',
          'durationMinutes',
        );
      patch.durationMinutes = n;
    }
    if (input.format !== undefined) {
      if (!WORKSHOP_FORMATS.includes(input.format as WorkshopFormat))
        throw badRequest('invalid_format', 'format must be in_person or online', 'Bitte wählen Sie „vor Ort“ oder „online“.', 'format');
      patch.format = input.format as WorkshopFormat;
    }
    if (input.hostTownId !== undefined) {
      if (input.hostTownId !== null && typeof input.hostTownId !== 'string')
        throw badRequest('invalid_town', 'hostTownId must be a town id', 'Bitte wählen Sie eine gastgebende Kommune.', 'hostTownId');
      const v = input.hostTownId || null;
      if (v && !isUuid(v))
        throw badRequest('invalid_town', 'hostTownId must be a town id', 'Bitte wählen Sie eine gastgebende Kommune.', 'hostTownId');
      patch.hostTownId = v;
    }
    if (input.address !== undefined) patch.address = this.text(input.address, 500, 'address', 'The address', 'Die Adresse');
    if (input.onlineLink !== undefined) {
      const link = this.text(input.onlineLink, 500, 'onlineLink', 'The link', 'Der Link');
      if (link && !/^https:\/\/\S+$/.test(link))
        throw badRequest('invalid_link', 'The online link must start with https://', 'Der Link muss mit https:// beginnen.', 'onlineLink');
      patch.onlineLink = link;
    }
    return patch;
  }

  private async parseResult(r: WorkshopResultInput): Promise<{ presented: string; willTry: string; topics: string[] }> {
    const presented = this.text(r.presented, RESULT_MAX_LENGTH, 'presented', 'What was presented', 'Was vorgestellt wurde');
    const willTry = this.text(r.willTry, RESULT_MAX_LENGTH, 'willTry', 'What towns will try', 'Was die Kommunen ausprobieren wollen');
    if (presented.length < 3 || willTry.length < 3)
      throw badRequest(
        'result_required',
        'A documented workshop needs what was presented and what towns will try',
        'Bitte beschreiben Sie kurz, was vorgestellt wurde und was die Kommunen ausprobieren wollen.',
        'result',
      );
    const raw = r.topics == null ? [] : Array.isArray(r.topics) ? r.topics : [r.topics];
    const topics = [...new Set(raw.map(String))];
    const known = new Set((await this.repo.topics()).map((t) => t.slug));
    if (topics.length > 10 || topics.some((t) => !known.has(t)))
      throw badRequest(
        'unknown_topic',
        'Result topics must be known topics (at most 10)',
        'Bitte wählen Sie die Themen aus der Liste.',
        'topics',
      );
    return { presented, willTry, topics };
  }

  /** Scores over every eligible town (for replacements and "why chosen"), shared with the office's pairing (cached there). */
  private scoring() {
    return this.scorer.scoring();
  }

  /** Per town, the German reasons why it was chosen for this group (empty for towns the matcher does not see). */
  private async reasonsFor(theme: string, themeName: string, townIds: string[]): Promise<Map<string, string>> {
    if (!townIds.length) return new Map();
    const { ctx, towns, network } = await this.scoring();
    const group = towns.filter((t) => townIds.includes(t.id));
    const seenGroup = network.filter((t) => townIds.includes(t.id));
    return new Map(
      group.map((t) => [
        t.id,
        chosenBecause(
          ctx,
          t,
          seenGroup.filter((o) => o.id !== t.id),
          theme,
          themeName,
        ),
      ]),
    );
  }

  private async writeAudit(
    m: EntityManager,
    id: string,
    actorId: string | null,
    action: AuditAction & `workshop.${string}`,
    from: string | null,
    to: string,
    reason: string | null,
    data: Record<string, unknown>,
  ) {
    await this.audit.write(m, { actorId, action, subjectType: 'workshop', subjectId: id, reason, data: { from, to, ...data } });
  }

  /** Mails to the contacts of each invitation's town, each with the calendar entry as it stands (or none for `method` null). */
  private async recordForTowns(
    m: EntityManager,
    w: WorkshopRow,
    invs: InvitationRow[],
    template: string,
    event: string,
    method: 'REQUEST' | 'CANCEL' | null,
    extra: Record<string, unknown>,
    report?: MailReport,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const inv of invs) {
      const ctx = { ...extra, townName: inv.name, chosenBecause: inv.chosenBecause, invitationLabel: INVITATION_STATE_DE[inv.state] };
      if (template !== 'workshop-invitation') {
        ids.push(
          ...(await this.recordMany(m, w, await this.people.confirmedContactsOfTown(m, inv.townId), inv, template, event, method, ctx)),
        );
        continue;
      }
      // The invitation reaches a town without an account too: the office's address-book entries (issue 25), with the
      // variant that says so, how to answer, and the one-click "keine weiteren Mails" link. Later workshop mails (update,
      // confirmation, reminders, cancellation) stay with the accounts.
      const all = await this.recipients.forTown(m, inv.townId);
      if (report) addToReport(report, { id: inv.townId, name: inv.name }, all);
      const recipients = withAddressBookVariant(all, 'workshop-invitation-address-book', (id) =>
        addressBookUnsubscribeUrl(this.config.appUrl, this.config.digest.unsubscribeSecret, id),
      );
      ids.push(...(await this.recordMany(m, w, recipients, inv, template, event, method, ctx)));
    }
    return ids;
  }

  private async recordMany(
    m: EntityManager,
    w: WorkshopRow,
    recipients: (MailContact & { variant?: MailVariant })[],
    inv: InvitationRow | null,
    template: string,
    event: string,
    method: 'REQUEST' | 'CANCEL' | null,
    extra: Record<string, unknown>,
  ): Promise<string[]> {
    if (!recipients.length) return [];
    const themeName = (await this.repo.topicName(w.themeSlug, m)) ?? w.themeSlug;
    const hostName = w.hostTownId ? await this.repo.townName(w.hostTownId, m) : null;
    const place = w.format === 'online' ? `Online: ${w.onlineLink}` : `Vor Ort in ${hostName ?? '–'}: ${w.address}`;
    const when = w.startsAt ? formatBerlin(w.startsAt) : 'noch offen';
    const domain = this.config.appUrl.replace(/^https?:\/\//, '').replace(/[:/].*$/, '') || 'kleinstadt-tandem.local';
    const ids: string[] = [];
    for (const r of recipients) {
      const attachments: MailAttachment[] =
        method && w.startsAt
          ? [
              {
                filename: method === 'CANCEL' ? 'werkstatt-abgesagt.ics' : 'werkstatt.ics',
                contentType: 'text/calendar; charset=utf-8',
                method,
                content: workshopCalendar({
                  workshopId: w.id,
                  domain,
                  sequence: w.sequence,
                  method,
                  title: w.title,
                  description: `Transferwerkstatt zum Thema „${themeName}“ im Kleinstadt-Tandem.\n${this.link(w.id)}`,
                  startsAt: w.startsAt,
                  durationMinutes: w.durationMinutes,
                  location: w.format === 'online' ? w.onlineLink : `${w.address} (${hostName ?? ''})`,
                  url: this.link(w.id),
                  organizer: this.config.mailReplyTo,
                  attendee: { name: r.displayName || r.email, email: r.email },
                }),
              },
            ]
          : [];
      ids.push(
        await this.mail.record(
          {
            dedupeKey: `workshop:${w.id}:${event}:${r.id}`,
            recipient: r.email,
            template: r.variant?.template ?? template,
            replyTo: this.config.mailReplyTo,
            attachments,
            headers: r.variant?.headers,
            context: {
              displayName: r.displayName,
              title: w.title,
              themeName,
              when,
              durationMinutes: w.durationMinutes,
              place,
              online: w.format === 'online',
              stateLabel: STATE_DE[w.state],
              confirmed: w.state === 'confirmed',
              link: this.link(w.id, false),
              // Who it went to, for the office's page (MailRecipientsRepository reads it back; issue 25).
              ...recipientMeta(r),
              ...extra,
              ...r.variant?.extra,
            },
          },
          m,
        ),
      );
    }
    return ids;
  }

  private text(v: unknown, max: number, field: string, en: string, de: string): string {
    if (v == null) return '';
    if (typeof v !== 'string') throw badRequest('invalid_text', `${en} must be text`, `${de} muss Text sein.`, field);
    const s = v.trim();
    if (s.length > max)
      throw badRequest(
        'too_long',
        `${en} is too long (${s.length} characters, at most ${max})`,
        `${de} ist zu lang (${s.length} Zeichen, höchstens ${max}).`,
        field,
      );
    return s;
  }
}

/** The name of an invited (not withdrawn, not declined) town from the same Land as `town`, or null. */
function sameLandAs(town: { id: string; stateName: string; stateCode?: string }, live: InvitationRow[]): string | null {
  const other = live.find(
    (i) =>
      i.townId !== town.id &&
      (i.state === 'invited' || i.state === 'accepted') &&
      (town.stateCode ? i.stateCode === town.stateCode : i.stateName === town.stateName),
  );
  return other?.name ?? null;
}

const sameLandError = (name: string, other: string, land: string) =>
  new DomainError(
    HttpStatus.CONFLICT,
    'same_state',
    `Towns must come from different states: ${other} from ${land} is invited already`,
    `Die Kommunen sollen aus verschiedenen Bundesländern kommen: ${other} aus ${land} ist bereits eingeladen. Nehmen Sie zuerst deren Einladung zurück, wenn ${name} an ihre Stelle treten soll.`,
  );
