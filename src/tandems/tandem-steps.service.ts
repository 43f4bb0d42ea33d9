import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { COOLDOWN_MONTHS } from '../matching/matching-rules';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import { nextState, TandemAction, TandemActor, TandemState, TandemTransitionError } from './core/tandem-transitions.util';
import { TandemErrors } from './tandem-errors';
import { contactLine, TandemMailsService, UPDATE_TEXT } from './tandem-mails.service';
import type { ResultInput } from './tandem-result.util';
import { LockedTown, TandemRepository, TandemRow } from './tandem.repository';

/** What a step carries: a reason, a message, or the result the tandem concludes with. */
export interface StepInput {
  reason?: string;
  message?: string;
  result?: Pick<ResultInput, 'tried' | 'learnt' | 'topics'>;
}

/** How an audit row names the step: the table's action, how the tandem began, a "passt" or a town's result. */
type AuditEvent = TandemAction | 'requested' | 'proposed' | 'paired' | 'fit_confirmed' | 'result_given';

/**
 * The steps every tandem path shares (requests, the office's proposals, the hourly reminders), each inside the caller's
 * transaction: the pair rules under lock, the insert, the transition on the shared table with its audit row, pair
 * history and promised mails, and what follows a commit.
 */
@Injectable()
export class TandemStepsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TandemRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly recompute: RecomputeTrigger,
    private readonly mails: TandemMailsService,
  ) {}

  /** The rules for a new tandem, checked with both town rows locked (so two requests cannot both take the last slot). */
  async checkPair(m: EntityManager, a: string, b: string, now: Date): Promise<Map<string, LockedTown>> {
    const towns = new Map((await this.repo.lockTowns(m, [a, b])).map((t) => [t.id, t]));
    if (!towns.has(b) || !towns.has(a)) throw TandemErrors.townNotFound();
    for (const t of [towns.get(a)!, towns.get(b)!]) {
      if (t.status !== 'verified') throw TandemErrors.townNotVerified(t.name);
      if (t.optedOut) throw TandemErrors.townOptedOut(t.name);
    }
    const live = await this.repo.livePairState(m, a, b);
    if (live === 'proposed') throw TandemErrors.alreadyProposed(towns.get(a)!.name, towns.get(b)!.name);
    if (live) throw TandemErrors.pairHasTandem();
    if (await this.repo.declinedSince(m, a, b, this.cooldownStart(now))) throw TandemErrors.pairDeclined();
    for (const t of [towns.get(a)!, towns.get(b)!]) {
      const live = await this.repo.liveCount(m, t.id);
      if (live >= t.capacity) throw TandemErrors.atCapacity(t.name, live, t.capacity);
    }
    return towns;
  }

  async insertLive(m: EntityManager, row: Parameters<TandemRepository['insert']>[1]): Promise<string> {
    try {
      return await this.repo.insert(m, row);
    } catch (err) {
      // The partial unique index: another transaction created a live tandem for this pair a moment earlier.
      if ((err as { code?: string }).code === '23505') throw TandemErrors.pairHasTandem();
      throw err;
    }
  }

  /** The step itself: new state, audit row, pair history and the promised mails, all in the caller's transaction. */
  async transition(
    m: EntityManager,
    t: TandemRow,
    action: TandemAction,
    actor: TandemActor,
    actorId: string | null,
    input: StepInput,
    now: Date,
  ): Promise<{ state: TandemState; mails: string[] }> {
    const ownSide = actor === 'requester' ? 'A' : actor === 'partner' ? 'B' : null;
    const otherTownAccepted = ownSide === 'A' ? !!t.acceptedBAt : ownSide === 'B' ? !!t.acceptedAAt : false;
    let to: TandemState;
    try {
      to = nextState(t.state, action, actor, { otherTownAccepted });
    } catch (err) {
      if (err instanceof TandemTransitionError) throw TandemErrors.conflict(err.code, err.message, err.messageDe);
      throw err;
    }
    if (t.state === 'proposed' && action === 'accept' && ((ownSide === 'A' && t.acceptedAAt) || (ownSide === 'B' && t.acceptedBAt))) {
      throw TandemErrors.alreadyAccepted();
    }
    const reason = input.reason || null;
    await this.repo.update(m, t.id, {
      state: to,
      stateChanged: to !== t.state,
      now,
      answerMessage:
        t.origin === 'request' && actor === 'partner' && (action === 'accept' || action === 'decline')
          ? input.message || reason || ''
          : undefined,
      acceptedAAt: action === 'accept' && ownSide === 'A' ? now : undefined,
      acceptedBAt: action === 'accept' && ownSide === 'B' ? now : undefined,
      approvedAt: to === 'approved' ? now : undefined,
      startedAt: to === 'active' ? now : undefined,
      resultTried: input.result?.tried,
      resultLearnt: input.result?.learnt,
      resultTopics: input.result?.topics,
    });
    const names = await this.repo.townNames([t.townA, t.townB], m);
    const actingTown = ownSide ? (names.find((n) => n.id === (ownSide === 'A' ? t.townA : t.townB))?.name ?? null) : null;
    await this.writeAudit(m, t.id, actorId, actor, t.state, to, reason ?? (input.message || null), actingTown, action);
    // A decline, and a tandem that did not fit, let the pair rest for the cool-down.
    if (to === 'declined' || to === 'not_a_fit') await this.repo.writePairHistory(m, t.townA, t.townB, 'declined', now);
    if (to === 'active') await this.repo.writePairHistory(m, t.townA, t.townB, 'tandem', now);
    return { state: to, mails: await this.stepMails(m, t, to, actor, { reason, message: input.message || '' }) };
  }

  /** The office (or the system) concludes with the results there are — only once the deadline for the second has passed. */
  async concludeWithout(m: EntityManager, t: TandemRow, actor: TandemActor, actorId: string | null, now: Date) {
    if (t.state === 'active' && (actor === 'office' || actor === 'system') && !(t.resultDueAt && t.resultDueAt <= now)) {
      throw TandemErrors.resultPending();
    }
    const results = t.state === 'active' ? await this.repo.results(t.id, m) : [];
    const first = results[0];
    const result = first
      ? { tried: first.takenOver, learnt: first.workedOn, topics: [...new Set(results.flatMap((r) => r.topics))] }
      : undefined;
    return this.transition(m, t, 'conclude', actor, actorId, { result }, now);
  }

  async writeAudit(
    m: EntityManager,
    id: string,
    actorId: string | null,
    actor: TandemActor,
    from: TandemState | null,
    to: string,
    reason: string | null,
    townName: string | null,
    event: AuditEvent,
  ): Promise<void> {
    await this.audit.write(m, {
      actorId,
      action: `tandem.${event}`,
      subjectType: 'tandem',
      subjectId: id,
      reason,
      data: { from, to, actor, townName },
    });
  }

  async afterCommit(mailIds: string[]): Promise<void> {
    await this.mail.dispatch(mailIds);
    // Declines and new tandems change the hard rules; the recomputation is debounced, so every step may ask.
    await this.recompute.request('tandem');
  }

  /** Since when a decline still lets the pair rest. */
  cooldownStart(now: Date): Date {
    const d = new Date(now);
    d.setMonth(d.getMonth() - COOLDOWN_MONTHS);
    return d;
  }

  /** The mails a step promises: the requester learns the partner's answer (the office an approval to give), else both towns the new state. */
  private async stepMails(
    m: EntityManager,
    t: TandemRow,
    to: TandemState,
    actor: TandemActor,
    ctx: { reason: string | null; message: string },
  ): Promise<string[]> {
    const after = { ...t, state: to };
    if (t.origin === 'request' && actor === 'partner' && (to === 'accepted' || to === 'declined')) {
      const answered = await this.mails.forTown(m, after, 'A', 'tandem-answered', to, { ...ctx, accepted: to === 'accepted' });
      if (to !== 'accepted') return answered;
      return [...answered, ...(await this.mails.forOffice(m, after, 'tandem-approval-needed', 'approval-needed', ctx))];
    }
    if (to === t.state) return [];
    const text =
      (t.state === 'approved' && to === 'expired'
        ? `Das Tandem wurde freigegeben, aber innerhalb von ${this.config.tandemStart.expiryDays} Tagen nicht begonnen. Es ist deshalb abgelaufen; Sie können jederzeit ein neues Tandem anfragen.`
        : UPDATE_TEXT[to]) ?? '';
    // On approval each town learns whom to call in the other (issue 23): the partner's contact persons.
    const contacts = to === 'approved' ? await this.repo.partnerContacts([t.townA, t.townB], m) : [];
    const mails: string[] = [];
    for (const side of ['A', 'B'] as const) {
      const other = side === 'A' ? t.townB : t.townA;
      const partnerContacts = contacts.filter((c) => c.townId === other).map(contactLine);
      mails.push(...(await this.mails.forTown(m, after, side, 'tandem-update', to, { ...ctx, text, partnerContacts })));
    }
    return mails;
  }
}
