import { Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { isOffice, type SessionUser } from '../auth/session-user';
import { optionalText } from '../common/text-input.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { reasonList } from '../matching/core/reason-list.util';
import type { ScoreComponent } from '../matching/core/matching-input.types';
import { reasonLine } from '../matching/core/score.util';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';
import { NETWORK_VIEWER } from '../municipalities/visibility/town-visibility.util';
import {
  allowedActions,
  initialState,
  REASON_MAX_LENGTH,
  REASON_REQUIRED,
  TandemAction,
  TandemState,
} from './core/tandem-transitions.util';
import { actorOf } from './tandem-actor.util';
import { TandemErrors } from './tandem-errors';
import { TandemMailsService } from './tandem-mails.service';
import { parseResult, type ResultInput } from './tandem-result.util';
import { TandemStepsService } from './tandem-steps.service';
import { TandemRepository } from './tandem.repository';

const DAY_MS = 24 * 3600_000;

export interface ActInput {
  reason?: string;
  message?: string;
  /**
   * A town's result (the conclusion form): what was taken over or tried (`tried`) and how far (`adoption`), what the
   * towns worked on (`learnt`), a rating 1–5, whether the office may publish it, topics.
   */
  result?: ResultInput;
}

const reasonText = (v: unknown) => optionalText(v, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung');
const messageText = (v: unknown) => optionalText(v, REASON_MAX_LENGTH, 'message', 'The message', 'Die Nachricht');

/**
 * What a town does with tandems: ask for one, dismiss or restore a suggestion, take a step, give its result and answer
 * the fit question. The office's proposals are TandemProposalsService, the hourly job TandemRemindersService; all share
 * TandemStepsService.
 */
@Injectable()
export class TandemsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TandemRepository,
    private readonly audit: AuditRepository,
    private readonly recompute: RecomputeTrigger,
    private readonly views: TownViewRepository,
    private readonly steps: TandemStepsService,
    private readonly mails: TandemMailsService,
  ) {}

  /** "Tandem anfragen": the user's town asks `partnerId` to work on `topic`. */
  async request(user: SessionUser, partnerId: string, input: { topic?: unknown; message?: unknown }, now = new Date()): Promise<string> {
    if (!user.townId)
      throw TandemErrors.notTownContact(
        'Only a town contact can ask for a tandem',
        'Nur Ansprechpersonen einer Kommune können ein Tandem anfragen.',
      );
    const own = user.townId;
    const message = messageText(input.message);
    if (partnerId === own)
      throw TandemErrors.self('A town cannot form a tandem with itself', 'Ihre Kommune kann kein Tandem mit sich selbst bilden.');
    // A town the requester may not see (unknown, unverified, paused) answers like an unknown one; topics are the
    // ones the requester may see in either profile, so a hidden topic answers like one that does not exist.
    const viewer = await this.views.viewerOf(user);
    if (viewer.kind === 'town' && !viewer.verified) throw TandemErrors.ownTownNotVerified();
    const partner = await this.views.profile(viewer, partnerId);
    if (!partner || partner.status !== 'verified' || partner.paused) throw TandemErrors.townNotFound();
    // The topic is shown to both towns: only one both may see (a town's own office-only topic is not offered either).
    const topics = await this.views.pairTopics(NETWORK_VIEWER, own, partnerId);
    const topic = optionalText(input.topic, 60, 'topic', 'The topic', 'Das Thema') || null;
    if (topic && !topics.some((t) => t.slug === topic)) throw TandemErrors.unknownPairTopic();
    const { id, mails } = await this.repo.transaction(async (m) => {
      const towns = await this.steps.checkPair(m, own, partnerId, now);
      const suggestion = await this.repo.suggestionComponents(own, partnerId, m);
      const id = await this.steps.insertLive(m, {
        townA: own,
        townB: partnerId,
        topicSlug: topic,
        origin: 'request',
        state: initialState('request'),
        requestMessage: message,
        runId: suggestion?.runId ?? null,
        score: suggestion?.score ?? null,
        components: suggestion?.components ?? [],
        createdBy: user.id,
        now,
      });
      await this.steps.writeAudit(m, id, user.id, 'requester', null, 'requested', message || null, towns.get(own)!.name, 'requested');
      const t = (await this.repo.findForUpdate(m, id))!;
      const partnerView = await this.repo.suggestionComponents(partnerId, own, m);
      const partnerComponents = (partnerView?.components ?? []) as ScoreComponent[];
      // The reasons as a list (one line per criterion with its share); `reasons` stays for mails recorded before.
      const mails = await this.mails.forTown(m, t, 'B', 'tandem-requested', 'requested', {
        reasons: reasonLine(partnerComponents),
        reasonList: reasonList(partnerComponents),
        message,
      });
      return { id, mails };
    });
    await this.steps.afterCommit(mails);
    return id;
  }

  /** "Kein Interesse" on a suggestion: no tandem, no mail; the pair rests for the cool-down like a decline. */
  async dismissSuggestion(user: SessionUser, partnerId: string, now = new Date()): Promise<void> {
    if (!user.townId)
      throw TandemErrors.notTownContact(
        'Only a town contact can dismiss a suggestion',
        'Nur Ansprechpersonen einer Kommune können Vorschläge ausblenden.',
      );
    if (partnerId === user.townId)
      throw TandemErrors.self('A town cannot dismiss itself', 'Ihre eigene Kommune steht nicht in den Vorschlägen.');
    // Suggestions are for verified towns only: a pending or rejected one has none to dismiss.
    const viewer = await this.views.viewerOf(user);
    if (viewer.kind === 'town' && !viewer.verified) throw TandemErrors.ownTownNotVerified();
    const own = user.townId;
    await this.repo.transaction(async (m) => {
      const towns = await this.repo.lockTowns(m, [own, partnerId]);
      if (towns.length !== 2) throw TandemErrors.townNotFound();
      if (await this.repo.declinedSince(m, own, partnerId, this.steps.cooldownStart(now))) return;
      await this.repo.writePairHistory(m, own, partnerId, 'declined', now, own);
      await this.audit.write(m, {
        actorId: user.id,
        action: 'suggestion.dismissed',
        subjectType: 'town',
        subjectId: own,
        data: { partnerId },
      });
    });
    await this.recompute.request('tandem');
  }

  /** One step on an existing tandem by a signed-in user (town contact or office). */
  async act(user: SessionUser, id: string, action: TandemAction, input: ActInput = {}, now = new Date()): Promise<TandemState> {
    if (action === 'expire') throw TandemErrors.systemOnly();
    if (action === 'not_a_fit') throw TandemErrors.fitCheckOnly();
    const reason = reasonText(input.reason);
    const message = messageText(input.message);
    if (REASON_REQUIRED.includes(action) && reason.length < 3) throw TandemErrors.reasonRequired();
    if (action === 'conclude') return this.conclude(user, id, input, now);
    const { state, mails } = await this.repo.transaction(async (m) => {
      const t = await this.repo.findForUpdate(m, id);
      if (!t) throw TandemErrors.tandemNotFound();
      return this.steps.transition(m, t, action, actorOf(user, t), user.id, { reason, message }, now);
    });
    await this.steps.afterCommit(mails);
    return state;
  }

  /**
   * Concluding (issue 23): each town gives its result; the second result concludes the tandem. After the first, the
   * partner is asked by mail and the tandem concludes at the latest TANDEM_RESULT_DAYS later (the hourly job, or the
   * office then). Before that the office cannot conclude it without the towns.
   */
  private async conclude(user: SessionUser, id: string, input: ActInput, now: Date): Promise<TandemState> {
    const town = !!user.townId && !isOffice(user);
    const result = town ? parseResult(input.result, await this.repo.topicNames()) : null;
    const { state, mails } = await this.repo.transaction(async (m) => {
      const t = await this.repo.findForUpdate(m, id);
      if (!t) throw TandemErrors.tandemNotFound();
      const actor = actorOf(user, t);
      // Not active (or not allowed): the table's own refusal.
      if (!allowedActions(t.state, actor).includes('conclude') || !result) return this.steps.concludeWithout(m, t, actor, user.id, now);
      const townId = actor === 'requester' ? t.townA : t.townB;
      const given = await this.repo.recordResult(m, { tandemId: t.id, townId, ...result, userId: user.id, at: now });
      if (!given) throw TandemErrors.resultGiven();
      const results = await this.repo.results(t.id, m);
      if (results.length >= 2) {
        const topics = [...new Set(results.flatMap((r) => r.topics))];
        const concluded = { result: { tried: result.takenOver, learnt: result.workedOn, topics } };
        return this.steps.transition(m, t, 'conclude', actor, user.id, concluded, now);
      }
      const due = new Date(now.getTime() + this.config.tandemResultDays * DAY_MS);
      await this.repo.setResultDue(m, t.id, due);
      const townName = (await this.repo.townNames([townId], m))[0]?.name ?? null;
      await this.steps.writeAudit(m, t.id, user.id, actor, 'active', 'active', null, townName, 'result_given');
      const mails = await this.mails.forTown(m, t, actor === 'requester' ? 'B' : 'A', 'tandem-result-requested', 'result-requested', {
        due: due.toLocaleDateString('de-DE', { timeZone: 'Europe/Berlin', day: 'numeric', month: 'long', year: 'numeric' }),
        days: this.config.tandemResultDays,
      });
      return { state: t.state, mails };
    });
    await this.steps.afterCommit(mails);
    return state;
  }

  /**
   * The fit check's answer of the user's town (issue 23): "passt" is recorded (the office sees it); "passt nicht" ends
   * the tandem early in its own state — the pair rests for the cool-down, both slots are free, fresh suggestions are
   * computed right away. Each town answers once, and only after the question was asked.
   */
  async answerFit(user: SessionUser, id: string, input: { fits?: unknown; reason?: unknown }, now = new Date()): Promise<TandemState> {
    const fits = input.fits === true || input.fits === 'ja' ? true : input.fits === false || input.fits === 'nein' ? false : null;
    if (fits === null) throw TandemErrors.invalidFit();
    const reason = reasonText(input.reason);
    const { state, mails } = await this.repo.transaction(async (m) => {
      const t = await this.repo.findForUpdate(m, id);
      if (!t) throw TandemErrors.tandemNotFound();
      const actor = actorOf(user, t);
      if (actor !== 'requester' && actor !== 'partner') throw TandemErrors.townsOnly();
      if (t.state !== 'active') throw TandemErrors.notActive();
      if (!t.fitAskedAt) throw TandemErrors.fitNotAsked(this.config.tandemFitCheckWeeks);
      const townId = actor === 'requester' ? t.townA : t.townB;
      if (!(await this.repo.recordFitAnswer(m, { tandemId: t.id, townId, fits, reason, userId: user.id, at: now })))
        throw TandemErrors.fitAnswered();
      if (!fits) return this.steps.transition(m, t, 'not_a_fit', actor, user.id, { reason }, now);
      const names = await this.repo.townNames([townId], m);
      await this.steps.writeAudit(m, t.id, user.id, actor, 'active', 'active', reason || null, names[0]?.name ?? null, 'fit_confirmed');
      return { state: t.state, mails: [] as string[] };
    });
    await this.steps.afterCommit(mails);
    // Not a fit: both towns have a free slot now and get fresh suggestions right away, not after the debounce.
    if (state === 'not_a_fit') await this.recompute.request('not_a_fit', { now: true });
    return state;
  }

  /** Undo "Kein Interesse": the partner may be suggested again (a decline in a tandem stays). */
  async undoDismissal(user: SessionUser, partnerId: string): Promise<void> {
    if (!user.townId)
      throw TandemErrors.notTownContact('Only a town contact can do this', 'Nur Ansprechpersonen einer Kommune können das.');
    const own = user.townId;
    const undone = await this.repo.transaction(async (m) => {
      const n = await this.repo.undoDismissal(m, own, partnerId);
      if (n)
        await this.audit.write(m, {
          actorId: user.id,
          action: 'suggestion.restored',
          subjectType: 'town',
          subjectId: own,
          data: { partnerId },
        });
      return n > 0;
    });
    if (!undone) throw TandemErrors.notDismissed();
    await this.recompute.request('suggestion_restored');
  }

  /** The towns this town hid with "Kein Interesse" that still rest (the cool-down), for "Wieder anzeigen". */
  dismissed(user: SessionUser, now = new Date()) {
    return user.townId ? this.repo.dismissedBy(user.townId, this.steps.cooldownStart(now)) : Promise.resolve([]);
  }
}
