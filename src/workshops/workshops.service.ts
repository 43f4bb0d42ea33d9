import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { emptyMailReport, type MailReport } from '../accounts/address-book/town-recipients.util';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { formatBerlin } from '../common/berlin-time.util';
import { intInRange, isUuid } from '../common/input.util';
import { optionalText } from '../common/text-input.util';
import { MailService } from '../mail/mail.service';
import { MatchScoringService, type Scoring } from '../matching/match-scoring.service';
import { TownReadRepository } from '../municipalities/town-read.repository';
import { asTransition, WorkshopErrors } from './workshop-errors';
import { chosenBecause, rankReplacements, Replacement } from './workshop-fit.util';
import {
  checkSchedule,
  parseEdit,
  parseWorkshopResult,
  sameLandAs,
  titleText,
  WorkshopEdit,
  WorkshopResultInput,
} from './workshop-input.util';
import { WorkshopMailsService } from './workshop-mails.service';
import { checkInvitable, checkWorkshopRules, MAX_TOWNS, RuleViolation, ruleTownOf } from './workshop-rules.util';
import {
  holdRefusal,
  InvitationAction,
  MIN_ACCEPTED,
  nextInvitationState,
  nextWorkshopState,
  REASON_MAX_LENGTH,
  WorkshopAction,
} from './workshop-transitions.util';
import { WorkshopPatch, WorkshopRepository, WorkshopRow, WorkshopRows } from './workshop.repository';

/** A proposed group's number (the column is a smallint; the API's DTO allows the same range). */
const MAX_GROUP_NO = 10000;
/** Ranked replacements kept per scoring (one entry per workshop group; the oldest goes first). */
const RANKINGS_KEEP = 500;

const reasonText = (v: unknown) => optionalText(v, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung');

/**
 * The office's transfer workshops: drafts from the engine's groups, the editor, invitations, publishing, the towns'
 * answers and the steps to documentation. Mails: WorkshopMailsService; the reminders: WorkshopRemindersService.
 */
@Injectable()
export class WorkshopsService {
  /** Ranked replacements per scoring (see replacements); read-only once stored. */
  private readonly rankings = new WeakMap<Scoring, Map<string, Replacement[]>>();

  constructor(
    private readonly repo: WorkshopRepository,
    private readonly townReads: TownReadRepository,
    private readonly scorer: MatchScoringService,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly mails: WorkshopMailsService,
  ) {}

  /** A draft from one group of the engine's proposal (runId + groupNo), or an empty one for a theme. */
  async createDraft(
    user: SessionUser,
    input: { runId?: string | null; groupNo?: unknown; theme?: string | null; title?: unknown },
  ): Promise<string> {
    let theme = input.theme ?? null;
    let townIds: string[] = [];
    let groupNo: number | null = null;
    if (input.runId) {
      if (!isUuid(input.runId)) throw WorkshopErrors.invalidRun();
      groupNo = intInRange(input.groupNo, 1, MAX_GROUP_NO);
      if (groupNo === null) throw WorkshopErrors.invalidGroup(MAX_GROUP_NO);
      const group = await this.repo.proposalGroup(input.runId, groupNo);
      if (!group) throw WorkshopErrors.groupNotFound();
      theme = group.theme;
      townIds = group.townIds;
    }
    const themeName = theme ? await this.repo.topicName(theme) : null;
    if (!theme || !themeName) throw WorkshopErrors.unknownTheme();
    const title = titleText(input.title) || `Transferwerkstatt ${themeName}`;
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
      await this.audit.writeStep(m, 'workshop', id, user.id, 'workshop.created', null, 'draft', null, {
        runId: input.runId ?? null,
        groupNo,
      });
      return id;
    });
  }

  /** Title, date, duration, format and place. A change of date or place after publishing raises SEQUENCE and tells the towns. */
  async update(user: SessionUser, id: string, input: WorkshopEdit, now = new Date()): Promise<void> {
    const patch = parseEdit(input, now);
    if (patch.hostTownId && !(await this.repo.townName(patch.hostTownId))) throw WorkshopErrors.unknownHost();
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
      if (published) checkSchedule(after, now);
      await this.repo.update(m, id, { ...patch, sequence: after.sequence });
      await this.audit.writeStep(m, 'workshop', id, user.id, 'workshop.edit', w.state, w.state, null, { changed });
      if (!published) return [];
      const invs = (await this.repo.invitations(id, m)).filter((i) => i.state === 'invited' || i.state === 'accepted');
      return this.mails.forInvitations(m, after, invs, 'workshop-update', `update:${after.sequence}`, 'REQUEST', {
        changed: changed.join(','),
      });
    });
    await this.mail.dispatch(mails);
  }

  /** Adds a town. In a published workshop it gets the invitation as things stand now (date, place, state). */
  async invite(user: SessionUser, id: string, townId: string, now = new Date()): Promise<void> {
    // A page form without a chosen town posts an empty field: a clear 400, never a query with an invalid uuid.
    if (!isUuid(townId)) throw WorkshopErrors.invalidTown();
    const w0 = await this.repo.findById(id);
    if (!w0) throw WorkshopErrors.workshopNotFound();
    const [town] = await this.repo.ruleTowns([townId], w0.themeSlug);
    if (!town) throw WorkshopErrors.townNotFound();
    const bad = checkInvitable(town);
    if (bad.length) throw WorkshopErrors.rules(bad);
    const others = (await this.repo.invitations(id)).filter((i) => i.state !== 'withdrawn' && i.townId !== townId).map((i) => i.townId);
    const reasons = await this.reasonsFor(w0.themeSlug, w0.themeName, [...others, townId]);
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      asTransition(() => nextWorkshopState(w.state, 'invite', 'office'));
      const live = (await this.repo.invitations(id, m)).filter((i) => i.state !== 'withdrawn');
      if (live.some((i) => i.townId === townId)) throw WorkshopErrors.alreadyInvited(town.name);
      if (live.filter((i) => i.state !== 'declined').length >= MAX_TOWNS) throw WorkshopErrors.groupFull();
      // Published: the invitation goes out at once, and confirming checks the Länder of the accepted towns — a second
      // town from one Land blocks here. In a draft the editor shows the broken rule and publishing waits for it.
      const sameLand = sameLandAs(town, live);
      if (w.state !== 'draft' && sameLand) throw WorkshopErrors.sameLand(town.name, sameLand, town.stateName);
      const invId = await this.repo.insertInvitation(m, id, townId, reasons.get(townId) ?? '', now);
      await this.audit.writeStep(m, 'workshop', id, user.id, 'workshop.invite', w.state, w.state, null, { townId, townName: town.name });
      if (w.state === 'draft' || !invId) return [];
      const inv = (await this.repo.invitations(id, m)).find((i) => i.id === invId)!;
      return this.mails.forInvitations(m, w, [inv], 'workshop-invitation', `invite:${inv.id}:${now.getTime()}`, 'REQUEST', { later: true });
    });
    await this.mail.dispatch(mails);
  }

  /**
   * The office takes an invitation back (in a draft the town simply leaves the list). In a published workshop the
   * town's contacts get a mail with a calendar cancellation (same UID, the workshop's SEQUENCE raised, so a later
   * invitation of the same town is newer again); the other towns' calendar entries stay as they are.
   */
  async withdrawInvitation(user: SessionUser, id: string, townId: string, input: { reason?: unknown } = {}): Promise<void> {
    if (!isUuid(townId)) throw WorkshopErrors.invalidTown();
    const reason = reasonText(input.reason) || null;
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      const inv = (await this.repo.invitations(id, m)).find((i) => i.townId === townId && i.state !== 'withdrawn');
      if (!inv) throw WorkshopErrors.invitationNotFound();
      asTransition(() => nextWorkshopState(w.state, 'invite', 'office'));
      if (w.state === 'draft') {
        await this.repo.deleteInvitation(m, inv.id);
        await this.audit.writeStep(m, 'workshop', id, user.id, 'workshop.withdraw_invitation', w.state, w.state, reason, {
          townId,
          townName: inv.name,
        });
        return [];
      }
      const to = asTransition(() =>
        nextInvitationState(inv.state, 'withdraw', 'office', { workshopState: w.state, invitationsClosed: !!w.invitationsClosedAt }),
      );
      const sequence = w.sequence + 1;
      await this.repo.updateInvitation(m, inv.id, { state: to });
      await this.repo.update(m, id, { sequence });
      await this.audit.writeStep(m, 'workshop', id, user.id, 'workshop.withdraw_invitation', inv.state, to, reason, {
        townId,
        townName: inv.name,
        sequence,
      });
      // Every published invitation went out with the calendar entry (publishing needs a date): it is cancelled.
      return this.mails.forInvitations(
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
    if (!w) throw WorkshopErrors.workshopNotFound();
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
    if (!w) throw WorkshopErrors.workshopNotFound();
    return checkWorkshopRules(
      (await this.repo.invitations(id)).filter((i) => i.state === 'invited' || i.state === 'accepted').map(ruleTownOf),
    );
  }

  /** draft → invited: the rules must hold, date and place be set; every town gets its invitation with the calendar entry. */
  async publish(user: SessionUser, id: string, now = new Date()): Promise<MailReport> {
    const w0 = await this.repo.findById(id);
    if (!w0) throw WorkshopErrors.workshopNotFound();
    const ids0 = (await this.repo.invitations(id)).filter((i) => i.state !== 'withdrawn').map((i) => i.townId);
    const reasons = await this.reasonsFor(w0.themeSlug, w0.themeName, ids0);
    const report = emptyMailReport();
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      const to = asTransition(() => nextWorkshopState(w.state, 'publish', 'office'));
      checkSchedule(w, now);
      const invs = (await this.repo.invitations(id, m)).filter((i) => i.state !== 'withdrawn');
      const bad = checkWorkshopRules(
        await this.repo.ruleTowns(
          invs.map((i) => i.townId),
          w.themeSlug,
          m,
        ),
      );
      if (bad.length) throw WorkshopErrors.rules(bad);
      for (const i of invs) {
        const because = reasons.get(i.townId);
        if (because !== undefined) await this.repo.setChosenBecause(m, i.id, because, now);
      }
      await this.repo.update(m, id, { state: to, stateChangedAt: now });
      await this.audit.writeStep(m, 'workshop', id, user.id, 'workshop.publish', w.state, to, null, { towns: invs.map((i) => i.name) });
      const fresh = await this.repo.invitations(id, m);
      return this.mails.forInvitations(
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
    if (!user.townId) throw WorkshopErrors.notTownContact();
    const reason = reasonText(input.reason) || null;
    const mails = await this.repo.transaction(async (m) => {
      const w = await this.lock(m, id);
      const inv = (await this.repo.invitations(id, m)).find((i) => i.townId === user.townId && i.state !== 'withdrawn');
      if (!inv || w.state === 'draft') throw WorkshopErrors.workshopNotFound();
      const to = asTransition(() =>
        nextInvitationState(inv.state, action as InvitationAction, 'town', {
          workshopState: w.state,
          invitationsClosed: !!w.invitationsClosedAt,
        }),
      );
      if (to === inv.state) return [];
      await this.repo.updateInvitation(m, inv.id, { state: to, answerReason: reason ?? '', answeredBy: user.id, answeredAt: now });
      await this.audit.writeStep(m, 'workshop', id, user.id, `workshop.${action}`, inv.state, to, reason, {
        townId: inv.townId,
        townName: inv.name,
      });
      return this.mails.answerToOffice(m, w, `answer:${inv.id}:${now.getTime()}`, {
        townName: inv.name,
        accepted: to === 'accepted',
        reason,
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
    const reason = reasonText(input.reason);
    if (action === 'cancel' && reason.length < 3) throw WorkshopErrors.reasonRequired();
    const result =
      action === 'document' ? parseWorkshopResult(input.result ?? {}, new Set((await this.repo.topics()).map((t) => t.slug))) : null;
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
        if (accepted.length < MIN_ACCEPTED) throw WorkshopErrors.tooFewAccepted(accepted.length);
        const bad = checkWorkshopRules(
          await this.repo.ruleTowns(
            accepted.map((i) => i.townId),
            w.themeSlug,
            m,
          ),
        );
        if (bad.length) throw WorkshopErrors.rules(bad);
        checkSchedule(w, now);
      }
      if (action === 'hold') {
        const refused = holdRefusal(w.startsAt, now, formatBerlin);
        if (refused) throw WorkshopErrors.conflict(refused.code, refused.message, refused.messageDe);
      }
      if (action === 'cancel') {
        patch.cancelReason = reason;
        if (w.state !== 'draft') patch.sequence = w.sequence + 1;
      }
      if (result) Object.assign(patch, { resultPresented: result.presented, resultWillTry: result.willTry, resultTopics: result.topics });
      await this.repo.update(m, id, patch);
      await this.audit.writeStep(m, 'workshop', id, user.id, `workshop.${action}`, w.state, to, reason || null, {});
      const after = { ...w, ...patch, state: to };
      if (action === 'confirm')
        return this.mails.forInvitations(
          m,
          after,
          invs.filter((i) => i.state === 'accepted'),
          'workshop-confirmed',
          'confirmed',
          'REQUEST',
          {},
        );
      if (action === 'cancel' && w.state !== 'draft')
        return this.mails.forInvitations(
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

  /**
   * The best towns to take a free place (after a decline), with German reasons; the office invites one with one click.
   * `rows`: the workshop and its invitations when the caller has read them already (the editor).
   */
  async replacements(id: string, limit = 5, rows?: WorkshopRows): Promise<Replacement[]> {
    const [w, invs] = rows ? [rows.r, rows.invs] : await Promise.all([this.repo.findById(id), this.repo.invitations(id)]);
    if (!w) throw WorkshopErrors.workshopNotFound();
    const scoring = await this.scoring();
    const remaining = invs.filter((i) => i.state === 'invited' || i.state === 'accepted').map((i) => i.townId);
    const excluded = invs.map((i) => i.townId);
    // The ranking depends only on the scoring, the theme and these two sets of towns: kept per scoring object, so it is
    // exactly as fresh as the scoring itself (MatchScoringService: a new run or new weights give a new object).
    const key = [w.themeSlug, w.themeName, limit, [...remaining].sort().join(','), [...excluded].sort().join(',')].join('\u0000');
    let perScoring = this.rankings.get(scoring);
    if (!perScoring) this.rankings.set(scoring, (perScoring = new Map<string, Replacement[]>()));
    const hit = perScoring.get(key);
    if (hit) return [...hit];
    const { ctx, towns } = scoring;
    const live = new Set(remaining);
    const members = towns.filter((t) => live.has(t.id));
    const ranked = rankReplacements(ctx, members, towns, new Set(excluded), w.themeSlug, w.themeName, limit);
    if (perScoring.size >= RANKINGS_KEEP) perScoring.delete(perScoring.keys().next().value!);
    perScoring.set(key, ranked);
    return [...ranked];
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private async lock(m: EntityManager, id: string): Promise<WorkshopRow> {
    const w = await this.repo.findForUpdate(m, id);
    if (!w) throw WorkshopErrors.workshopNotFound();
    return w;
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
}
