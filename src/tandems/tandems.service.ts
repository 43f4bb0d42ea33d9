import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addressBookUnsubscribeUrl } from '../accounts/address-book/address-book-unsubscribe.util';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import {
  addToReport,
  emptyMailReport,
  recipientMeta,
  withAddressBookVariant,
  type MailReport,
  type MailVariant,
  type TownRecipient,
} from '../accounts/address-book/town-recipients.util';
import { AuditRepository } from '../audit/audit.repository';
import { isOffice, type SessionUser } from '../auth/session-user';
import { contactFunctionLabel } from '../auth/contact-function.util';
import { DomainError, townNotFound } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { reasonList } from '../matching/core/reason-list.util';
import { reasonLine } from '../matching/core/score.util';
import type { ScoreComponent } from '../matching/core/matching-input.types';
import { COOLDOWN_MONTHS } from '../matching/matching-rules';
import { MailContact, UserRepository } from '../auth/user.repository';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';
import { NETWORK_VIEWER } from '../municipalities/visibility/town-visibility.util';
import { LockedTown, PartnerContact, TandemRepository, TandemRow } from './tandem.repository';
import { ADOPTIONS } from './tandem-result.util';
import {
  allowedActions,
  initialState,
  nextState,
  REASON_MAX_LENGTH,
  REASON_REQUIRED,
  STATE_DE,
  TandemAction,
  TandemActor,
  TandemState,
  TandemTransitionError,
} from './core/tandem-transitions.util';

const REMINDER_DAYS = [7, 14] as const;
const EXPIRY_DAYS = 30;
export const RESULT_MAX_LENGTH = 2000;
const DAY_MS = 24 * 3600_000;

export interface ActInput {
  reason?: string;
  message?: string;
  /**
   * A town's result (the conclusion form): what was taken over or tried (`tried`) and how far (`adoption`), what the
   * towns worked on (`learnt`), a rating 1–5, whether the office may publish it, topics.
   */
  result?: { tried?: string; learnt?: string; topics?: string[]; adoption?: unknown; rating?: unknown; mayPublish?: unknown };
}

export interface ProposalOutcome {
  townA: string;
  townB: string;
  tandemId?: string;
  skipped?: string;
  skippedDe?: string;
  /** The rule's code (already_proposed, pair_has_tandem, at_capacity, …). */
  skippedCode?: string;
  /** Who got the proposal mail (issue 25), and the towns that had nobody to receive it. */
  recipients?: MailReport['recipients'];
  unreachableTowns?: MailReport['unreachableTowns'];
}

const conflict = (code: string, en: string, de: string) => new DomainError(HttpStatus.CONFLICT, code, en, de);
const badRequest = (code: string, en: string, de: string, field?: string) => new DomainError(HttpStatus.BAD_REQUEST, code, en, de, field);
/** A partner's contact person as a page and a mail show it: name, role, email, phone where given. */
export function contactLine(c: PartnerContact) {
  return {
    name: c.displayName,
    role: contactFunctionLabel(c.contactFunction, 'Ansprechperson'),
    email: c.email,
    phone: c.phone,
    main: c.mainContact,
  };
}

export const ownTownNotVerified = () =>
  new DomainError(
    HttpStatus.FORBIDDEN,
    'town_not_verified',
    'Your town is not verified by the office yet; you can ask for tandems afterwards',
    'Ihre Kommune ist von der Geschäftsstelle noch nicht bestätigt. Danach können Sie Tandems anfragen.',
  );
export const tandemNotFound = () =>
  new DomainError(
    HttpStatus.NOT_FOUND,
    'tandem_not_found',
    'Tandem not found',
    'Dieses Tandem gibt es nicht, oder es gehört nicht zu Ihrer Kommune.',
  );

/** Which side of the tandem `user` acts for; someone else's tandem is "not found" (its existence is not revealed). */
export function actorOf(user: SessionUser, t: Pick<TandemRow, 'townA' | 'townB'>): TandemActor {
  if (user.townId && user.townId === t.townA) return 'requester';
  if (user.townId && user.townId === t.townB) return 'partner';
  if (isOffice(user)) return 'office';
  throw tandemNotFound();
}

/** Mail texts per new state, for the update mail both towns receive. */
export const UPDATE_TEXT: Partial<Record<TandemState, string>> = {
  approved:
    'Die Geschäftsstelle hat das Tandem freigegeben. Sie können jetzt gemeinsam beginnen; bitte vermerken Sie den Start auf der Tandemseite.',
  rejected: 'Die Geschäftsstelle hat das Tandem nicht freigegeben.',
  active: 'Das Tandem ist jetzt aktiv. Wir wünschen Ihnen einen guten Austausch.',
  concluded: 'Das Tandem wurde abgeschlossen. Vielen Dank für Ihre Erfahrungen, die anderen Kommunen weiterhelfen.',
  cancelled: 'Das Tandem wurde vorzeitig beendet.',
  not_a_fit:
    'Das Tandem wurde nach der Passungsfrage beendet, weil es nicht passte. Ihr Platz ist wieder frei, und Sie erhalten neue Partnervorschläge.',
  withdrawn: 'Die Anfrage bzw. der Vorschlag wurde zurückgezogen.',
  declined: 'Der Vorschlag wurde abgelehnt.',
  expired: `Innerhalb von ${EXPIRY_DAYS} Tagen kam keine Antwort. Die Anfrage bzw. der Vorschlag ist deshalb abgelaufen.`,
};

@Injectable()
export class TandemsService {
  private readonly logger = new Logger(TandemsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TandemRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly recompute: RecomputeTrigger,
    private readonly views: TownViewRepository,
    private readonly recipients: TownRecipientsRepository,
    private readonly users: UserRepository,
  ) {}

  link(id: string): string {
    return `${this.config.appUrl}/tandems/${id}`;
  }

  /** For the weekly digest: requests waiting for this town's answer and the state of its own open tandems. */
  openForTown(townId: string) {
    return this.repo.openForTown(townId);
  }

  /** openForTown for a batch of towns (the digest), one query. */
  openForTowns(townIds: string[]) {
    return this.repo.openForTowns(townIds);
  }

  /** "Tandem anfragen": the user's town asks `partnerId` to work on `topic`. */
  async request(user: SessionUser, partnerId: string, input: { topic?: unknown; message?: unknown }, now = new Date()): Promise<string> {
    if (!user.townId) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_a_town_contact',
        'Only a town contact can ask for a tandem',
        'Nur Ansprechpersonen einer Kommune können ein Tandem anfragen.',
      );
    }
    const own = user.townId;
    const message = this.text(input.message, REASON_MAX_LENGTH, 'message', 'The message', 'Die Nachricht');
    if (partnerId === own)
      throw conflict('self', 'A town cannot form a tandem with itself', 'Ihre Kommune kann kein Tandem mit sich selbst bilden.');
    // A town the requester may not see (unknown, unverified, paused) answers like an unknown one; topics are the
    // ones the requester may see in either profile, so a hidden topic answers like one that does not exist.
    const viewer = await this.views.viewerOf(user);
    if (viewer.kind === 'town' && !viewer.verified) throw ownTownNotVerified();
    const partner = await this.views.profile(viewer, partnerId);
    if (!partner || partner.status !== 'verified' || partner.paused) throw townNotFound();
    // The topic is shown to both towns: only one both may see (a town's own office-only topic is not offered either).
    const topics = await this.views.pairTopics(NETWORK_VIEWER, own, partnerId);
    const topic = this.text(input.topic, 60, 'topic', 'The topic', 'Das Thema') || null;
    if (topic && !topics.some((t) => t.slug === topic)) {
      throw badRequest(
        'unknown_topic',
        'Choose a topic that one of the two towns named in its profile',
        'Bitte wählen Sie ein Thema aus den Profilen der beiden Kommunen.',
        'topic',
      );
    }
    const { id, mails } = await this.repo.transaction(async (m) => {
      const towns = await this.checkPair(m, own, partnerId, now);
      const suggestion = await this.repo.suggestionComponents(own, partnerId, m);
      const id = await this.insertLive(m, {
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
      await this.writeAudit(m, id, user.id, 'requester', null, 'requested', message || null, towns.get(own)!.name, 'requested');
      const t = (await this.repo.findForUpdate(m, id))!;
      const partnerView = await this.repo.suggestionComponents(partnerId, own, m);
      const partnerComponents = (partnerView?.components ?? []) as ScoreComponent[];
      // The reasons as a list (one line per criterion with its share); `reasons` stays for mails recorded before.
      const reasons = reasonLine(partnerComponents);
      const mails = await this.recordForTown(m, t, 'B', 'tandem-requested', 'requested', {
        reasons,
        reasonList: reasonList(partnerComponents),
        message,
      });
      return { id, mails };
    });
    await this.afterCommit(mails);
    return id;
  }

  /** "Kein Interesse" on a suggestion: no tandem, no mail; the pair rests for the cool-down like a decline. */
  async dismissSuggestion(user: SessionUser, partnerId: string, now = new Date()): Promise<void> {
    if (!user.townId)
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_a_town_contact',
        'Only a town contact can dismiss a suggestion',
        'Nur Ansprechpersonen einer Kommune können Vorschläge ausblenden.',
      );
    if (partnerId === user.townId)
      throw conflict('self', 'A town cannot dismiss itself', 'Ihre eigene Kommune steht nicht in den Vorschlägen.');
    // Suggestions are for verified towns only: a pending or rejected one has none to dismiss.
    const viewer = await this.views.viewerOf(user);
    if (viewer.kind === 'town' && !viewer.verified) throw ownTownNotVerified();
    await this.repo.transaction(async (m) => {
      const towns = await this.repo.lockTowns(m, [user.townId!, partnerId]);
      if (towns.length !== 2)
        throw new DomainError(HttpStatus.NOT_FOUND, 'town_not_found', 'Town not found', 'Diese Kommune wurde nicht gefunden.');
      if (await this.repo.declinedSince(m, user.townId!, partnerId, this.cooldownStart(now))) return;
      await this.repo.writePairHistory(m, user.townId!, partnerId, 'declined', now, user.townId!);
      await this.audit.write(m, {
        actorId: user.id,
        action: 'suggestion.dismissed',
        subjectType: 'town',
        subjectId: user.townId!,
        data: { partnerId },
      });
    });
    await this.recompute.request('tandem');
  }

  /** One step on an existing tandem by a signed-in user (town contact or office). */
  async act(user: SessionUser, id: string, action: TandemAction, input: ActInput = {}, now = new Date()): Promise<TandemState> {
    if (action === 'expire')
      throw conflict('system_only', 'Only the system lets a tandem expire', 'Nur das System lässt ein Tandem ablaufen.');
    if (action === 'not_a_fit')
      throw conflict(
        'fit_check_only',
        'A tandem ends as not a fit through the fit check',
        'Ob das Tandem passt, beantworten Sie in der Passungsfrage.',
      );
    const reason = this.text(input.reason, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung');
    const message = this.text(input.message, REASON_MAX_LENGTH, 'message', 'The message', 'Die Nachricht');
    if (REASON_REQUIRED.includes(action) && reason.length < 3) {
      throw badRequest(
        'reason_required',
        'Please give a reason (at least 3 characters)',
        'Bitte geben Sie eine kurze Begründung an (mindestens 3 Zeichen).',
        'reason',
      );
    }
    if (action === 'conclude') return this.conclude(user, id, input, now);
    const { state, mails } = await this.repo.transaction(async (m) => {
      const t = await this.repo.findForUpdate(m, id);
      if (!t) throw tandemNotFound();
      const actor = actorOf(user, t);
      return this.transition(m, t, action, actor, user.id, { reason, message }, now);
    });
    await this.afterCommit(mails);
    return state;
  }

  /**
   * Concluding (issue 23): each town gives its result; the second result concludes the tandem. After the first, the
   * partner is asked by mail and the tandem concludes at the latest TANDEM_RESULT_DAYS later (the hourly job, or the
   * office then). Before that the office cannot conclude it without the towns.
   */
  private async conclude(user: SessionUser, id: string, input: ActInput, now: Date): Promise<TandemState> {
    const town = !!user.townId && !isOffice(user);
    const result = town ? await this.parseResult(input.result) : null;
    const { state, mails } = await this.repo.transaction(async (m) => {
      const t = await this.repo.findForUpdate(m, id);
      if (!t) throw tandemNotFound();
      const actor = actorOf(user, t);
      // Not active (or not allowed): the table's own refusal.
      if (!allowedActions(t.state, actor).includes('conclude') || !result) return this.concludeWithout(m, t, actor, user.id, now);
      const townId = actor === 'requester' ? t.townA : t.townB;
      const given = await this.repo.recordResult(m, { tandemId: t.id, townId, ...result, userId: user.id, at: now });
      if (!given)
        throw conflict('result_given', 'Your town has given its result already', 'Ihre Kommune hat ihr Ergebnis bereits eingetragen.');
      const results = await this.repo.results(t.id, m);
      if (results.length >= 2) {
        const topics = [...new Set(results.flatMap((r) => r.topics))];
        return this.transition(
          m,
          t,
          'conclude',
          actor,
          user.id,
          { result: { tried: result.takenOver, learnt: result.workedOn, topics } },
          now,
        );
      }
      const due = new Date(now.getTime() + this.config.tandemResultDays * DAY_MS);
      await this.repo.setResultDue(m, t.id, due);
      await this.writeAudit(
        m,
        t.id,
        user.id,
        actor,
        'active',
        'active',
        null,
        (await this.repo.townNames([townId], m))[0]?.name ?? null,
        'result_given',
      );
      const other = actor === 'requester' ? 'B' : 'A';
      const mails = await this.recordForTown(m, t, other, 'tandem-result-requested', 'result-requested', {
        due: due.toLocaleDateString('de-DE', { timeZone: 'Europe/Berlin', day: 'numeric', month: 'long', year: 'numeric' }),
        days: this.config.tandemResultDays,
      });
      return { state: t.state, mails };
    });
    await this.afterCommit(mails);
    return state;
  }

  /** The office (or the system) concludes with the results there are — only once the deadline for the second has passed. */
  private async concludeWithout(m: EntityManager, t: TandemRow, actor: TandemActor, actorId: string | null, now: Date) {
    if (t.state === 'active' && (actor === 'office' || actor === 'system') && !(t.resultDueAt && t.resultDueAt <= now)) {
      throw conflict(
        'result_pending',
        "A tandem concludes with both towns' results, or after the deadline once one town has given its result",
        'Ein Tandem wird mit den Ergebnissen beider Kommunen abgeschlossen, oder nach Ablauf der Frist, sobald eine Kommune ihr Ergebnis eingetragen hat.',
      );
    }
    const results = t.state === 'active' ? await this.repo.results(t.id, m) : [];
    const first = results[0];
    return this.transition(
      m,
      t,
      'conclude',
      actor,
      actorId,
      {
        result: first
          ? { tried: first.takenOver, learnt: first.workedOn, topics: [...new Set(results.flatMap((r) => r.topics))] }
          : undefined,
      },
      now,
    );
  }

  private async parseResult(r: ActInput['result']) {
    const tried = this.text(
      r?.tried,
      RESULT_MAX_LENGTH,
      'tried',
      'What was taken over or tried',
      'Was Sie übernommen oder ausprobiert haben',
    );
    const learnt = this.text(r?.learnt, RESULT_MAX_LENGTH, 'learnt', 'What was worked on', 'Woran Sie gearbeitet haben');
    if (tried.length < 3 || learnt.length < 3) {
      throw badRequest(
        'result_required',
        'A concluded tandem needs a short result: what was worked on and what was taken over or tried',
        'Bitte beschreiben Sie kurz, woran Sie gearbeitet und was Sie übernommen oder ausprobiert haben.',
        'result',
      );
    }
    const adoption = ADOPTIONS.find((a) => a === r?.adoption);
    if (!adoption)
      throw badRequest(
        'invalid_adoption',
        'adoption must be one of yes, partly, no, planned',
        'Bitte wählen Sie, wie weit Sie es übernommen haben.',
        'adoption',
      );
    const rating = typeof r?.rating === 'string' ? Number(r.rating) : r?.rating;
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5)
      throw badRequest(
        'invalid_rating',
        'rating must be a whole number from 1 to 5',
        'Bitte bewerten Sie das Tandem mit 1 bis 5.',
        'rating',
      );
    const mayPublish = r?.mayPublish === true || r?.mayPublish === 'ja';
    const topics = [...new Set((r?.topics ?? []).map(String))];
    const known = await this.repo.topicNames();
    if (topics.some((t) => !known[t]) || topics.length > 10) {
      throw badRequest(
        'unknown_topic',
        'Result topics must be known topics (at most 10)',
        'Bitte wählen Sie die Themen aus der Liste.',
        'topics',
      );
    }
    return { takenOver: tried, workedOn: learnt, adoption, rating, mayPublish, topics };
  }

  /**
   * The fit check's answer of the user's town (issue 23): "passt" is recorded (the office sees it); "passt nicht" ends
   * the tandem early in its own state — the pair rests for the cool-down, both slots are free, fresh suggestions are
   * computed right away. Each town answers once, and only after the question was asked.
   */
  async answerFit(user: SessionUser, id: string, input: { fits?: unknown; reason?: unknown }, now = new Date()): Promise<TandemState> {
    const fits = input.fits === true || input.fits === 'ja' ? true : input.fits === false || input.fits === 'nein' ? false : null;
    if (fits === null)
      throw badRequest(
        'invalid_fit',
        'Say whether the tandem fits (fits: true or false)',
        'Bitte wählen Sie, ob das Tandem passt.',
        'fits',
      );
    const reason = this.text(input.reason, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung');
    const { state, mails } = await this.repo.transaction(async (m) => {
      const t = await this.repo.findForUpdate(m, id);
      if (!t) throw tandemNotFound();
      const actor = actorOf(user, t);
      if (actor !== 'requester' && actor !== 'partner')
        throw new DomainError(
          HttpStatus.FORBIDDEN,
          'towns_only',
          'Only the two towns answer the fit check',
          'Die Passungsfrage beantworten die beiden Kommunen.',
        );
      if (t.state !== 'active')
        throw conflict(
          'not_active',
          'Only an active tandem is asked whether it fits',
          'Nur ein laufendes Tandem wird gefragt, ob es passt.',
        );
      if (!t.fitAskedAt) {
        const weeks = this.config.tandemFitCheckWeeks;
        throw conflict(
          'fit_not_asked',
          `The fit question comes ${weeks} weeks after the start`,
          `Ob das Tandem passt, fragen wir ${weeks} Wochen nach dem Start.`,
        );
      }
      const townId = actor === 'requester' ? t.townA : t.townB;
      if (!(await this.repo.recordFitAnswer(m, { tandemId: t.id, townId, fits, reason, userId: user.id, at: now })))
        throw conflict(
          'fit_answered',
          'Your town has answered the fit question already',
          'Ihre Kommune hat die Passungsfrage bereits beantwortet.',
        );
      if (!fits) return this.transition(m, t, 'not_a_fit', actor, user.id, { reason }, now);
      const names = await this.repo.townNames([townId], m);
      await this.writeAudit(m, t.id, user.id, actor, 'active', 'active', reason || null, names[0]?.name ?? null, 'fit_confirmed');
      return { state: t.state, mails: [] as string[] };
    });
    await this.afterCommit(mails);
    // Not a fit: both towns have a free slot now and get fresh suggestions right away, not after the debounce.
    if (state === 'not_a_fit') await this.recompute.request('not_a_fit', { now: true });
    return state;
  }

  /** Undo "Kein Interesse": the partner may be suggested again (a decline in a tandem stays). */
  async undoDismissal(user: SessionUser, partnerId: string): Promise<void> {
    if (!user.townId)
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_a_town_contact',
        'Only a town contact can do this',
        'Nur Ansprechpersonen einer Kommune können das.',
      );
    const undone = await this.repo.transaction(async (m) => {
      const n = await this.repo.undoDismissal(m, user.townId!, partnerId);
      if (n) {
        await this.audit.write(m, {
          actorId: user.id,
          action: 'suggestion.restored',
          subjectType: 'town',
          subjectId: user.townId!,
          data: { partnerId },
        });
      }
      return n > 0;
    });
    if (!undone)
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        'not_dismissed',
        'This town is not hidden by your town',
        'Diese Kommune haben Sie nicht ausgeblendet.',
      );
    await this.recompute.request('suggestion_restored');
  }

  /** The towns this town hid with "Kein Interesse" that still rest (the cool-down), for "Wieder anzeigen". */
  dismissed(user: SessionUser, now = new Date()) {
    return user.townId ? this.repo.dismissedBy(user.townId, this.cooldownStart(now)) : Promise.resolve([]);
  }

  /** The office sends one pair of the current tandem round to both towns as its proposal. */
  async propose(user: SessionUser, townA: string, townB: string, now = new Date()): Promise<ProposalOutcome & { tandemId: string }> {
    const pair = (await this.repo.currentRoundPairs()).find(
      (p) => (p.townA === townA && p.townB === townB) || (p.townA === townB && p.townB === townA),
    );
    if (!pair) {
      throw conflict(
        'not_in_round',
        'This pair is not part of the current tandem round',
        'Dieses Paar gehört nicht zur aktuellen Tandemrunde.',
      );
    }
    const out = await this.proposePair(user, pair, now);
    if (out.skipped) throw conflict(out.skippedCode ?? 'proposal_refused', out.skipped, out.skippedDe!);
    return { ...out, tandemId: out.tandemId! };
  }

  /**
   * The office pairs two towns outside a round (issue 25): the rules of a round's proposal (checkPair, under lock), its
   * own reason and the pair's explanation (`explained`, computed like the round's) go to both towns. The caller has
   * checked the input (PairingService); a broken rule answers 409 with the rule's German message.
   */
  async proposeOutsideRound(
    user: SessionUser,
    p: { townA: string; townB: string; topic: string; reason: string; explained: { score: number; components: unknown[] } | null },
    now = new Date(),
  ): Promise<string> {
    const out = await this.proposePair(
      user,
      {
        runId: null,
        townA: p.townA,
        townB: p.townB,
        topic: p.topic,
        score: p.explained?.score ?? null,
        components: p.explained?.components ?? [],
        officeReason: p.reason,
      },
      now,
    );
    if (out.skipped) throw conflict(out.skippedCode ?? 'proposal_refused', out.skipped, out.skippedDe!);
    return out.tandemId!;
  }

  /** The rule a new tandem of `a` and `b` would break now (checkPair's 409), or null: the pairing form warns before sending. */
  async pairRefusal(a: string, b: string, now = new Date()): Promise<DomainError | null> {
    try {
      // Read-only: the transaction locks both town rows for the check and writes nothing.
      await this.repo.transaction((m) => this.checkPair(m, a, b, now));
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
  }

  /** The recipients of a proposal's mail per town (the result page says who got it). */
  proposalRecipients(id: string) {
    return this.repo.proposalRecipients(id);
  }

  /** The whole current round at once; pairs that break a rule by now are skipped with the reason. */
  async proposeRound(user: SessionUser, now = new Date()): Promise<ProposalOutcome[]> {
    const pairs = await this.repo.currentRoundPairs();
    if (!pairs.length) throw conflict('no_round', 'There is no current tandem round', 'Es gibt noch keine berechnete Tandemrunde.');
    const out: ProposalOutcome[] = [];
    for (const p of pairs) out.push(await this.proposePair(user, p, now));
    return out;
  }

  /**
   * The scheduler's job body (hourly): proposals and requests without an answer expire after 30 days; whoever must act
   * is reminded after 7 and 14 days. Approved tandems the towns never start get one reminder to both towns after
   * TANDEM_START_REMINDER_DAYS and expire after TANDEM_START_EXPIRY_DAYS. Dedupe keys per tandem and reminder make a
   * second run send nothing new.
   */
  async runReminders(now = new Date()): Promise<{ expired: number; reminders: number; fitChecks: number }> {
    const fitChecks = await this.askFit(now);
    await this.concludeOverdue(now);
    const start = this.config.tandemStart;
    let expired = await this.expireWaiting(['requested', 'proposed'], EXPIRY_DAYS, now);
    expired += await this.expireWaiting(['approved'], start.expiryDays, now);
    let reminders = 0;
    for (const { id } of await this.repo.waitingSince(
      ['requested', 'proposed', 'accepted'],
      new Date(now.getTime() - REMINDER_DAYS[0] * DAY_MS),
    )) {
      const mails = await this.repo.transaction(async (m) => {
        const t = await this.repo.findForUpdate(m, id);
        if (!t || !['requested', 'proposed', 'accepted'].includes(t.state)) return [];
        const days = Math.floor((now.getTime() - t.stateChangedAt.getTime()) / DAY_MS);
        // Only the latest due reminder: a scheduler that was down for two weeks sends one, not two.
        const stage = [...REMINDER_DAYS].reverse().find((d) => days >= d);
        if (!stage) return [];
        const key = `reminder-${stage}`;
        const extra = { days, expiresInDays: t.state === 'accepted' ? null : Math.max(1, EXPIRY_DAYS - days) };
        if (t.state === 'requested') return this.recordForTown(m, t, 'B', 'tandem-reminder', key, extra);
        if (t.state === 'accepted') return this.recordForOffice(m, t, 'tandem-reminder', key, { ...extra, forOffice: true });
        const ids: string[] = [];
        if (!t.acceptedAAt) ids.push(...(await this.recordForTown(m, t, 'A', 'tandem-reminder', key, extra)));
        if (!t.acceptedBAt) ids.push(...(await this.recordForTown(m, t, 'B', 'tandem-reminder', key, extra)));
        return ids;
      });
      reminders += mails.length;
      await this.mail.dispatch(mails);
    }
    for (const { id } of await this.repo.waitingSince(['approved'], new Date(now.getTime() - start.reminderDays * DAY_MS))) {
      const mails = await this.repo.transaction(async (m) => {
        const t = await this.repo.findForUpdate(m, id);
        if (!t || t.state !== 'approved') return [];
        const days = Math.floor((now.getTime() - t.stateChangedAt.getTime()) / DAY_MS);
        if (days < start.reminderDays) return [];
        const extra = { days, expiresInDays: Math.max(1, start.expiryDays - days) };
        return [
          ...(await this.recordForTown(m, t, 'A', 'tandem-start-reminder', 'start-reminder', extra)),
          ...(await this.recordForTown(m, t, 'B', 'tandem-start-reminder', 'start-reminder', extra)),
        ];
      });
      reminders += mails.length;
      await this.mail.dispatch(mails);
    }
    return { expired, reminders, fitChecks };
  }

  /** Tandems whose second result did not come in time conclude with the one there is. */
  private async concludeOverdue(now: Date): Promise<void> {
    for (const { id } of await this.repo.resultOverdue(now)) {
      try {
        const mails = await this.repo.transaction(async (m) => {
          const t = await this.repo.findForUpdate(m, id);
          if (!t || t.state !== 'active' || !t.resultDueAt || t.resultDueAt > now) return [];
          return (await this.concludeWithout(m, t, 'system', null, now)).mails;
        });
        await this.afterCommit(mails);
      } catch (err) {
        this.logger.warn(`Could not conclude tandem ${id}: ${(err as Error).message}`);
      }
    }
  }

  /** "Passt das Tandem?" to both towns of every tandem begun TANDEM_FIT_CHECK_WEEKS ago; asked once per tandem. */
  private async askFit(now: Date): Promise<number> {
    const weeks = this.config.tandemFitCheckWeeks;
    let sent = 0;
    for (const { id } of await this.repo.dueForFitCheck(new Date(now.getTime() - weeks * 7 * DAY_MS))) {
      const mails = await this.repo.transaction(async (m) => {
        const t = await this.repo.findForUpdate(m, id);
        if (!t || t.state !== 'active' || t.fitAskedAt) return [];
        await this.repo.markFitAsked(m, id, now);
        return [
          ...(await this.recordForTown(m, t, 'A', 'tandem-fit-check', 'fit-check', { weeks })),
          ...(await this.recordForTown(m, t, 'B', 'tandem-fit-check', 'fit-check', { weeks })),
        ];
      });
      sent += mails.length;
      await this.mail.dispatch(mails);
    }
    return sent;
  }

  /** Lets tandems in `states` expire whose state is older than `days`; each in its own transaction. */
  private async expireWaiting(states: TandemState[], days: number, now: Date): Promise<number> {
    const before = new Date(now.getTime() - days * DAY_MS);
    let expired = 0;
    for (const { id } of await this.repo.waitingSince(states, before)) {
      try {
        const mails = await this.repo.transaction(async (m) => {
          const t = await this.repo.findForUpdate(m, id);
          if (!t || !states.includes(t.state) || t.stateChangedAt.getTime() > before.getTime()) return null;
          return (await this.transition(m, t, 'expire', 'system', null, {}, now)).mails;
        });
        if (mails) {
          expired++;
          await this.afterCommit(mails);
        }
      } catch (err) {
        this.logger.warn(`Could not expire tandem ${id}: ${(err as Error).message}`);
      }
    }
    return expired;
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private async proposePair(
    user: SessionUser,
    p: {
      runId: string | null;
      townA: string;
      townB: string;
      score: number | null;
      components: unknown[];
      topic: string | null;
      /** A pair the office made outside a round: its own reason for both towns. */
      officeReason?: string;
    },
    now: Date,
  ): Promise<ProposalOutcome> {
    try {
      // Both towns read the proposal: its topic is the round's (chosen from what the network may see of both).
      const topics = await this.views.pairTopics(NETWORK_VIEWER, p.townA, p.townB);
      const topic = (p.topic && topics.some((t) => t.slug === p.topic) ? p.topic : null) ?? topics.find((t) => t.shared)?.slug ?? null;
      const { id, mails, report } = await this.repo.transaction(async (m) => {
        await this.checkPair(m, p.townA, p.townB, now);
        const id = await this.insertLive(m, {
          townA: p.townA,
          townB: p.townB,
          topicSlug: topic,
          origin: 'office_proposal',
          state: initialState('office_proposal'),
          requestMessage: '',
          runId: p.runId,
          score: p.score,
          components: p.components,
          createdBy: user.id,
          now,
          officeReason: p.officeReason ?? null,
        });
        const outside = p.officeReason !== undefined;
        await this.writeAudit(m, id, user.id, 'office', null, 'proposed', p.officeReason ?? null, null, outside ? 'paired' : 'proposed');
        const t = (await this.repo.findForUpdate(m, id))!;
        // Both towns get the same text: the third-person variant naming both, built from what each may see of the other.
        const reasons = reasonLine(p.components as ScoreComponent[], 'network');
        const template = outside ? 'tandem-paired' : 'tandem-proposed';
        const extra = {
          reasons,
          reasonList: reasonList(p.components as ScoreComponent[], 'network'),
          officeReason: p.officeReason ?? null,
        };
        // The proposal reaches a town without an account too: the office's address-book entries (issue 25).
        const report = emptyMailReport();
        const mails = [
          ...(await this.recordProposed(m, t, 'A', template, extra, report)),
          ...(await this.recordProposed(m, t, 'B', template, extra, report)),
        ];
        return { id, mails, report };
      });
      await this.afterCommit(mails);
      return { townA: p.townA, townB: p.townB, tandemId: id, ...report };
    } catch (err) {
      if (!(err instanceof DomainError) || err.getStatus() !== 409) throw err;
      const body = err.getResponse() as { message: string };
      return { townA: p.townA, townB: p.townB, skipped: body.message, skippedDe: err.messageDe, skippedCode: err.code };
    }
  }

  /** The rules for a new tandem, checked with both town rows locked (so two requests cannot both take the last slot). */
  private async checkPair(m: EntityManager, a: string, b: string, now: Date): Promise<Map<string, LockedTown>> {
    const towns = new Map((await this.repo.lockTowns(m, [a, b])).map((t) => [t.id, t]));
    if (!towns.has(b) || !towns.has(a))
      throw new DomainError(HttpStatus.NOT_FOUND, 'town_not_found', 'Town not found', 'Diese Kommune wurde nicht gefunden.');
    for (const t of [towns.get(a)!, towns.get(b)!]) {
      if (t.status !== 'verified') {
        throw conflict(
          'town_not_verified',
          `${t.name} is not verified by the office yet`,
          `${t.name} ist von der Geschäftsstelle noch nicht bestätigt.`,
        );
      }
      if (t.optedOut) {
        throw conflict(
          'town_opted_out',
          `${t.name} does not take part in tandems at the moment`,
          `${t.name} nimmt derzeit nicht an Tandems teil.`,
        );
      }
    }
    const live = await this.repo.livePairState(m, a, b);
    if (live === 'proposed') {
      const [na, nb] = [towns.get(a)!.name, towns.get(b)!.name];
      throw conflict(
        'already_proposed',
        `The office has already proposed ${na} and ${nb} as a tandem; the proposal waits for both towns' answers`,
        `Die Geschäftsstelle hat ${na} und ${nb} bereits als Tandem vorgeschlagen. Der Vorschlag wartet auf die Antwort beider Kommunen.`,
      );
    }
    if (live) {
      throw conflict(
        'pair_has_tandem',
        'These two towns already have an open or active tandem',
        'Diese beiden Kommunen haben bereits ein offenes oder aktives Tandem.',
      );
    }
    if (await this.repo.declinedSince(m, a, b, this.cooldownStart(now))) {
      throw conflict(
        'pair_declined',
        `This pair was declined within the last ${COOLDOWN_MONTHS} months`,
        `Dieses Paar wurde in den letzten ${COOLDOWN_MONTHS} Monaten abgelehnt.`,
      );
    }
    for (const t of [towns.get(a)!, towns.get(b)!]) {
      const live = await this.repo.liveCount(m, t.id);
      if (live >= t.capacity) {
        throw conflict(
          'at_capacity',
          `${t.name} has no free tandem capacity (${live} of ${t.capacity} open or active)`,
          `${t.name} hat keine freie Tandem-Kapazität (${live} von ${t.capacity} offen oder aktiv).`,
        );
      }
    }
    return towns;
  }

  private async insertLive(m: EntityManager, row: Parameters<TandemRepository['insert']>[1]): Promise<string> {
    try {
      return await this.repo.insert(m, row);
    } catch (err) {
      // The partial unique index: another transaction created a live tandem for this pair a moment earlier.
      if ((err as { code?: string }).code === '23505') {
        throw conflict(
          'pair_has_tandem',
          'These two towns already have an open or active tandem',
          'Diese beiden Kommunen haben bereits ein offenes oder aktives Tandem.',
        );
      }
      throw err;
    }
  }

  /** The step itself: new state, audit row, pair history and the promised mails, all in the caller's transaction. */
  private async transition(
    m: EntityManager,
    t: TandemRow,
    action: TandemAction,
    actor: TandemActor,
    actorId: string | null,
    input: { reason?: string; message?: string; result?: ActInput['result'] },
    now: Date,
  ): Promise<{ state: TandemState; mails: string[] }> {
    const ownSide = actor === 'requester' ? 'A' : actor === 'partner' ? 'B' : null;
    const otherTownAccepted = ownSide === 'A' ? !!t.acceptedBAt : ownSide === 'B' ? !!t.acceptedAAt : false;
    let to: TandemState;
    try {
      to = nextState(t.state, action, actor, { otherTownAccepted });
    } catch (err) {
      if (err instanceof TandemTransitionError) throw conflict(err.code, err.message, err.messageDe);
      throw err;
    }
    if (t.state === 'proposed' && action === 'accept' && ((ownSide === 'A' && t.acceptedAAt) || (ownSide === 'B' && t.acceptedBAt))) {
      throw conflict(
        'already_accepted',
        'Your town has already accepted this proposal',
        'Ihre Kommune hat diesen Vorschlag bereits angenommen.',
      );
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

    const after = { ...t, state: to };
    const ctx = { reason, message: input.message || '' };
    const mails: string[] = [];
    if (t.origin === 'request' && actor === 'partner' && (to === 'accepted' || to === 'declined')) {
      mails.push(...(await this.recordForTown(m, after, 'A', 'tandem-answered', to, { ...ctx, accepted: to === 'accepted' })));
      if (to === 'accepted') mails.push(...(await this.recordForOffice(m, after, 'tandem-approval-needed', 'approval-needed', ctx)));
    } else if (to !== t.state) {
      const text =
        (t.state === 'approved' && to === 'expired'
          ? `Das Tandem wurde freigegeben, aber innerhalb von ${this.config.tandemStart.expiryDays} Tagen nicht begonnen. Es ist deshalb abgelaufen; Sie können jederzeit ein neues Tandem anfragen.`
          : UPDATE_TEXT[to]) ?? '';
      // On approval each town learns whom to call in the other (issue 23): the partner's contact persons.
      const contacts = to === 'approved' ? await this.repo.partnerContacts([t.townA, t.townB], m) : [];
      for (const side of ['A', 'B'] as const) {
        const other = side === 'A' ? t.townB : t.townA;
        const partnerContacts = contacts.filter((c) => c.townId === other).map(contactLine);
        mails.push(...(await this.recordForTown(m, after, side, 'tandem-update', to, { ...ctx, text, partnerContacts })));
      }
    }
    return { state: to, mails };
  }

  private async writeAudit(
    m: EntityManager,
    id: string,
    actorId: string | null,
    actor: TandemActor,
    from: TandemState | null,
    to: string,
    reason: string | null,
    townName: string | null,
    /** The step taken, how the tandem began (request or proposal), a town's "passt" in the fit check or its result. */
    event: TandemAction | 'requested' | 'proposed' | 'paired' | 'fit_confirmed' | 'result_given',
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

  private async recordForTown(
    m: EntityManager,
    t: TandemRow,
    side: 'A' | 'B',
    template: string,
    event: string,
    extra: Record<string, unknown>,
  ): Promise<string[]> {
    const townId = side === 'A' ? t.townA : t.townB;
    const contacts = await this.users.confirmedContactsOfTown(m, townId);
    return this.recordMany(m, t, contacts, template, event, { ...extra, side });
  }

  /**
   * The proposal mail to one town: its accounts get tandem-proposed; address-book entries (no account) the variant that
   * says so, how to answer and carries the one-click "keine weiteren Mails" link (RFC 8058 headers). `report` learns
   * who got it, or that the town had nobody.
   */
  private async recordProposed(
    m: EntityManager,
    t: TandemRow,
    side: 'A' | 'B',
    template: 'tandem-proposed' | 'tandem-paired',
    extra: Record<string, unknown>,
    report: MailReport,
  ): Promise<string[]> {
    const townId = side === 'A' ? t.townA : t.townB;
    const all: TownRecipient[] = await this.recipients.forTown(m, townId);
    const [town] = await this.repo.townNames([townId], m);
    addToReport(report, { id: townId, name: town?.name ?? 'Kommune' }, all);
    // One batch: an address-book entry gets its own wording, source and opt-out link (the town facts are read once).
    const recipients = withAddressBookVariant(all, 'tandem-proposed-address-book', (id) =>
      addressBookUnsubscribeUrl(this.config.appUrl, this.config.digest.unsubscribeSecret, id),
    );
    return this.recordMany(m, t, recipients, template, 'proposed', { ...extra, side });
  }

  private async recordForOffice(
    m: EntityManager,
    t: TandemRow,
    template: string,
    event: string,
    extra: Record<string, unknown>,
  ): Promise<string[]> {
    return this.recordMany(m, t, await this.users.officeContacts(m), template, event, { ...extra, forOffice: true });
  }

  private async recordMany(
    m: EntityManager,
    t: TandemRow,
    recipients: (MailContact & { variant?: MailVariant })[],
    template: string,
    event: string,
    extra: Record<string, unknown>,
  ): Promise<string[]> {
    if (!recipients.length) return [];
    const facts = await this.repo.townNames([t.townA, t.townB], m);
    const a = facts.find((f) => f.id === t.townA)!;
    const b = facts.find((f) => f.id === t.townB)!;
    const topicName = t.topicSlug ? ((await this.repo.topicNames(m))[t.topicSlug] ?? null) : null;
    const side = extra.side as 'A' | 'B' | undefined;
    const ids: string[] = [];
    for (const r of recipients) {
      ids.push(
        await this.mail.record(
          {
            dedupeKey: `tandem:${t.id}:${event}:${r.id}`,
            recipient: r.email,
            template: r.variant?.template ?? template,
            replyTo: this.config.mailReplyTo,
            headers: r.variant?.headers,
            context: {
              displayName: r.displayName,
              ownTown: side === 'B' ? b.name : side === 'A' ? a.name : null,
              otherTown: side === 'B' ? a.name : side === 'A' ? b.name : null,
              townA: a.name,
              townB: b.name,
              topicName,
              stateLabel: STATE_DE[t.state],
              origin: t.origin,
              link: this.link(t.id),
              requestMessage: t.requestMessage,
              proposal: t.origin === 'office_proposal',
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

  private async afterCommit(mailIds: string[]): Promise<void> {
    await this.mail.dispatch(mailIds);
    // Declines and new tandems change the hard rules; the recomputation is debounced, so every step may ask.
    await this.recompute.request('tandem');
  }

  private cooldownStart(now: Date): Date {
    const d = new Date(now);
    d.setMonth(d.getMonth() - COOLDOWN_MONTHS);
    return d;
  }

  private text(v: unknown, max: number, field: string, en: string, de: string): string {
    if (v == null) return '';
    if (typeof v !== 'string') throw badRequest('invalid_text', `${en} must be text`, `${de} muss Text sein.`, field);
    const s = v.trim();
    if (s.length > max) {
      throw badRequest(
        'too_long',
        `${en} is too long (${s.length} characters, at most ${max})`,
        `${de} ist zu lang (${s.length} Zeichen, höchstens ${max}).`,
        field,
      );
    }
    return s;
  }
}
