import { Injectable } from '@nestjs/common';
import { auditActionLabel } from '../audit/audit-actions';
import type { SessionUser } from '../auth/session-user';
import { unknownSort } from '../common/domain-error';
import { pickSort, TANDEM_SORTS } from '../common/list-sort.util';
import { Page, readCountedPage } from '../common/paging.util';
import { reasonList, ReasonList } from '../matching/core/reason-list.util';
import { reasonLine } from '../matching/core/score.util';
import type { ScoreComponent } from '../matching/core/matching-input.types';
import { FitAnswerRow, TandemListRow, TandemRepository, TimelineRow } from './tandem.repository';
import { waitingFor } from './tandem-wording.util';
import { officeActorLabel } from '../accounts/display-name.util';
import { RESTING_FILTER, TandemActivityView } from './tandem-activity.view';
import { actorOf } from './tandem-actor.util';
import { TandemErrors } from './tandem-errors';
import { contactLine } from './tandem-mails.service';
import type { ProposalOutcome } from './tandem-proposals.service';
import { ADOPTION_DE } from './tandem-result.util';
import { pairTopicChoices } from './tandem-topics.util';
import { TownProfileView, TownViewRepository, viewerWith } from '../municipalities/visibility/town-view.repository';
import { NETWORK_VIEWER, OFFICE_VIEWER, type Viewer } from '../municipalities/visibility/town-visibility.util';
import { allowedActions, FINAL_STATES, STATE_DE, TANDEM_STATES, TandemAction, TandemState } from './core/tandem-transitions.util';

export const ACTION_LABEL: Record<TandemAction, string> = {
  accept: 'Annehmen',
  decline: 'Ablehnen',
  withdraw: 'Zurückziehen',
  approve: 'Freigeben',
  reject: 'Zurückweisen',
  start: 'Tandem beginnen',
  conclude: 'Abschließen',
  cancel: 'Vorzeitig beenden',
  expire: 'Ablaufen lassen',
  not_a_fit: 'Passt nicht – beenden',
};
const TIMELINE_LABEL: Record<string, string> = {
  'tandem.requested': 'Tandem angefragt',
  'tandem.proposed': 'Vorschlag der Geschäftsstelle versendet',
  'tandem.paired': 'Vorschlag der Geschäftsstelle versendet (außerhalb einer Tandemrunde)',
  'tandem.accept': 'angenommen',
  'tandem.decline': 'abgelehnt',
  'tandem.withdraw': 'zurückgezogen',
  'tandem.approve': 'von der Geschäftsstelle freigegeben',
  'tandem.reject': 'von der Geschäftsstelle zurückgewiesen',
  'tandem.start': 'Tandem begonnen',
  'tandem.conclude': 'abgeschlossen',
  'tandem.cancel': 'vorzeitig beendet',
  'tandem.expire': 'abgelaufen (keine Antwort innerhalb von 30 Tagen)',
  'tandem.not_a_fit': 'beendet: passt nicht (Passungsfrage)',
  'tandem.fit_confirmed': 'Passungsfrage beantwortet: passt',
  'tandem.result_given': 'Ergebnis eingetragen',
};
export const ORIGIN_DE = { request: 'Anfrage einer Kommune', office_proposal: 'Vorschlag der Geschäftsstelle' } as const;
/** Rows per page of the office's list (the API may ask for up to API_MAX_LIMIT, src/common/page-query.dto.ts). */
export const OFFICE_PAGE_SIZE = 25;
/** Approval cards per page (each shows both towns' profiles). */
export const APPROVALS_PAGE_SIZE = 10;
/** The filter choices on the office's list, in lifecycle order. */
export const STATE_FILTERS = [
  ...TANDEM_STATES.map((s): { value: string; label: string } => ({ value: s, label: STATE_DE[s] })),
  { value: RESTING_FILTER, label: 'ruhend (lange keine Aktivität)' },
];

export interface TandemCard {
  id: string;
  state: TandemState;
  stateLabel: string;
  origin: TandemListRow['origin'];
  originLabel: string;
  townA: { id: string; name: string; stateName: string };
  townB: { id: string; name: string; stateName: string };
  /** From the viewer's town: the other town (null for the office). */
  partnerName: string | null;
  topic: string | null;
  topicName: string | null;
  requestMessage: string;
  answerMessage: string;
  /** The office's own reason for a pair it made outside a tandem round (both towns read it), else null. */
  officeReason: string | null;
  outsideRound: boolean;
  createdAt: Date;
  stateChangedAt: Date;
  waitingFor: string | null;
  acceptedByTownA: boolean;
  acceptedByTownB: boolean;
  result: { tried: string; learnt: string; topics: string[] } | null;
  /** What the viewer may do now (steps of the transition table). */
  allowedActions: TandemAction[];
  actions: { action: TandemAction; label: string; needsReason: boolean }[];
}

/** What the tandem pages and the API show: one builder, so both say the same. */
@Injectable()
export class TandemsViewModel {
  constructor(
    private readonly repo: TandemRepository,
    private readonly views: TownViewRepository,
    private readonly activity: TandemActivityView,
  ) {}

  /** Both towns (or one) as `viewer` may see them: directory facts, and each profile field within its visibility. */
  private async towns(viewer: Viewer, ids: string[]): Promise<Map<string, TandemTown>> {
    return tandemTowns(await this.views.profiles(viewer, ids));
  }

  card(r: TandemListRow, viewer: SessionUser): TandemCard {
    const actor = actorOf(viewer, r);
    // "Passt nicht" is answered in the fit check's own form, not as one of the step buttons.
    let allowed = allowedActions(r.state, actor).filter((a) => a !== 'not_a_fit');
    // A town that accepted a proposal waits for the other; it may still decline.
    if (r.state === 'proposed' && ((actor === 'requester' && r.acceptedAAt) || (actor === 'partner' && r.acceptedBAt)))
      allowed = allowed.filter((a) => a !== 'accept');
    return {
      id: r.id,
      state: r.state,
      stateLabel: STATE_DE[r.state],
      origin: r.origin,
      originLabel: ORIGIN_DE[r.origin],
      townA: { id: r.townA, name: r.nameA, stateName: r.stateA },
      townB: { id: r.townB, name: r.nameB, stateName: r.stateB },
      partnerName: actor === 'requester' ? r.nameB : actor === 'partner' ? r.nameA : null,
      topic: r.topicSlug,
      topicName: r.topicName,
      requestMessage: r.requestMessage,
      answerMessage: r.answerMessage,
      officeReason: r.officeReason ?? null,
      outsideRound: r.origin === 'office_proposal' && r.officeReason != null,
      createdAt: r.createdAt,
      stateChangedAt: r.stateChangedAt,
      waitingFor: waitingFor(r, actor),
      acceptedByTownA: !!r.acceptedAAt,
      acceptedByTownB: !!r.acceptedBAt,
      result: r.resultTried ? { tried: r.resultTried, learnt: r.resultLearnt ?? '', topics: r.resultTopics ?? [] } : null,
      allowedActions: allowed,
      actions: allowed.map((a) => ({
        action: a,
        label: ACTION_LABEL[a],
        needsReason: ['decline', 'withdraw', 'reject', 'cancel'].includes(a),
      })),
    };
  }

  /** "Meine Tandems": incoming (waiting for this town), outgoing (waiting for others), running, past. */
  async mine(viewer: SessionUser) {
    const rows = await this.repo.listForTown(viewer.townId!);
    const cards = rows.map((r) => this.card(r, viewer));
    const own = (c: TandemCard) => (c.townA.id === viewer.townId ? 'A' : 'B');
    const incoming = cards.filter(
      (c) => (c.state === 'requested' && own(c) === 'B') || (c.state === 'proposed' && c.allowedActions.includes('accept')),
    );
    const running = cards.filter((c) => c.state === 'approved' || c.state === 'active');
    const past = cards.filter((c) => FINAL_STATES.includes(c.state));
    const outgoing = cards.filter((c) => !incoming.includes(c) && !running.includes(c) && !past.includes(c));
    return { incoming, outgoing, active: running, past };
  }

  async detail(viewer: SessionUser, id: string) {
    const b = await this.repo.detailBundle(id, viewer.townId);
    if (!b) throw TandemErrors.tandemNotFound();
    const r = b.row;
    const card = this.card(r, viewer); // throws "not found" for someone else's tandem
    // The viewer's own town is one of the two (card() refused anyone else): its status came with the tandem.
    const seer = viewerWith(viewer, viewer.townId === r.townA ? b.statusA : viewer.townId === r.townB ? b.statusB : undefined);
    // Contacts: from approval on, and only for the two towns and the office (card() refused everyone else above).
    const { contacts, fitAnswers, results, timeline } = b;
    const [{ profiles, topics: seen }, topicNames] = await Promise.all([
      // The towns as the viewer sees them; the result's topics as both towns read them (one read).
      this.views.profilesWithTopics(seer, NETWORK_VIEWER, [r.townA, r.townB]),
      this.repo.topicNames(),
    ]);
    const towns = tandemTowns(profiles);
    const pairTopics = pairTopicChoices(seen.get(r.townA), seen.get(r.townB), topicNames);
    const reasons = this.reasonsFor(viewer, r, b.partnerComponents);
    const activity = this.activity.detail(viewer, r, b.meetings, b.silence); // meetings, and for the office: "ruhend" (issue 23)
    // Concluding is giving the town's result (once); the office concludes only after the deadline for the second result.
    const ownTown = viewer.townId === r.townA || viewer.townId === r.townB ? viewer.townId : null;
    const mayConclude = ownTown ? !results.some((x) => x.townId === ownTown) : !!r.resultDueAt && r.resultDueAt.getTime() <= Date.now();
    if (!mayConclude) {
      card.allowedActions = card.allowedActions.filter((a) => a !== 'conclude');
      card.actions = card.actions.filter((a) => a.action !== 'conclude');
    }
    return {
      ...card,
      ...reasons,
      score: r.score,
      towns: [towns.get(r.townA)!, towns.get(r.townB)!],
      contacts: r.approvedAt
        ? [
            { townId: r.townA, townName: r.nameA, people: contacts.filter((c) => c.townId === r.townA).map(contactLine) },
            { townId: r.townB, townName: r.nameB, people: contacts.filter((c) => c.townId === r.townB).map(contactLine) },
          ]
        : null,
      fit: this.fitView(viewer, r, fitAnswers),
      results: results.map((x) => ({
        townName: x.townId === r.townA ? r.nameA : r.nameB,
        workedOn: x.workedOn,
        takenOver: x.takenOver,
        adoption: x.adoption,
        adoptionLabel: ADOPTION_DE[x.adoption],
        rating: x.rating,
        mayPublish: x.mayPublish,
        answeredAt: x.answeredAt,
        answeredBy: x.answeredByName,
      })),
      resultDueAt: r.state === 'active' ? r.resultDueAt : null,
      activity,
      resultTopicNames: (card.result?.topics ?? []).map((t) => topicNames[t] ?? t),
      topicChoices: pairTopics.length ? pairTopics : Object.entries(topicNames).map(([slug, name]) => ({ slug, name, shared: false })),
      timeline: timeline.map((e) => this.timelineEntry(e)),
    };
  }

  /** One page of all tandems (optionally of one state), newest change first. */
  async officeList(
    viewer: SessionUser,
    state: string | undefined,
    page: unknown = 1,
    limit = OFFICE_PAGE_SIZE,
    sortierung?: unknown,
  ): Promise<{ items: (TandemCard & { resting: boolean })[]; sort: string } & Page> {
    const sort = pickSort(TANDEM_SORTS, sortierung);
    if (!sort) throw unknownSort();
    if (state === RESTING_FILTER)
      return { ...(await this.activity.restingList(page, limit, (r) => this.card(r, viewer))), sort: sort.value };
    const valid = TANDEM_STATES.includes(state as TandemState) ? [state as TandemState] : null;
    const { p, rows } = await this.countedPage(valid, page, limit, false, sort.orderBy);
    const items = rows.map((r) => ({ ...this.card(r, viewer), resting: r.restingSince != null, restingSince: r.restingSince }));
    return { ...p, sort: sort.value, items };
  }

  /** The page asked for with the total, in one statement (a page past the end is read again as the last one). */
  private async countedPage(states: TandemState[] | null, page: unknown, limit: number, oldestFirst: boolean, orderBy?: string) {
    const { p, read } = await readCountedPage(page, limit, (offset) =>
      this.repo.listPageCounted(states, limit, offset, oldestFirst, orderBy),
    );
    return { p, rows: read.rows };
  }

  /**
   * What "Vorschläge für die ganze Runde versenden" did, in German: how many went out and, for each pair left out,
   * the towns and the reason (already proposed, no free capacity, …).
   */
  async roundProposalResult(outcomes: ProposalOutcome[]): Promise<{ sent: number; skipped: { towns: string; reason: string }[] }> {
    const left = outcomes.filter((o) => !o.tandemId);
    const names = new Map((await this.repo.townNames(left.flatMap((o) => [o.townA, o.townB]))).map((t) => [t.id, t.name]));
    return {
      sent: outcomes.length - left.length,
      skipped: left.map((o) => ({
        towns: `${names.get(o.townA) ?? 'Kommune'} – ${names.get(o.townB) ?? 'Kommune'}`,
        reason: o.skippedDe ?? 'Der Vorschlag konnte nicht versendet werden.',
      })),
    };
  }

  /** Accepted requests waiting for the office, oldest first, one page at a time, with both towns side by side. */
  async approvalQueue(viewer: SessionUser, page: unknown = 1) {
    const { p, rows } = await this.countedPage(['accepted'], page, APPROVALS_PAGE_SIZE, true);
    const towns = await this.towns(
      OFFICE_VIEWER,
      rows.flatMap((r) => [r.townA, r.townB]),
    );
    const items = rows.map((r) => ({
      ...this.card(r, viewer),
      reasons: reasonLine(r.components as ScoreComponent[]),
      reasonList: reasonList(r.components as ScoreComponent[], 'town', r.topicName),
      reasonsFrom: r.nameA,
      towns: [towns.get(r.townA)!, towns.get(r.townB)!],
    }));
    return { ...p, items };
  }

  /**
   * For the request form: the partner as the requester may see it, the topics either town names visibly and why the
   * matcher suggested it. Null for a partner the requester cannot ask (unknown, not verified, paused, itself).
   */
  async requestForm(viewer: SessionUser, partnerId: string) {
    if (!viewer.townId || viewer.townId === partnerId) return null;
    const seer = await this.views.viewerOf(viewer);
    if (seer.kind === 'town' && !seer.verified) throw TandemErrors.ownTownNotVerified();
    const partner = await this.views.profile(seer, partnerId);
    if (!partner || partner.status !== 'verified' || partner.paused) return null;
    const suggestion = await this.repo.suggestionComponents(viewer.townId, partnerId);
    const topics = await this.views.pairTopics(NETWORK_VIEWER, viewer.townId, partnerId);
    return {
      partner: tandemTown(partner),
      topics,
      // The suggestion's topic comes preselected, but only one both towns may see (one of `topics`).
      suggestedTopic: topics.some((t) => t.slug === suggestion?.topic) ? suggestion!.topic : null,
      reasons: suggestion ? reasonLine(suggestion.components as ScoreComponent[]) : '',
      reasonList: reasonList(
        suggestion?.components as ScoreComponent[] | undefined,
        'town',
        topics.find((t) => t.slug === suggestion?.topic)?.name ?? null,
      ),
    };
  }

  /**
   * The fit check as the viewer sees it: when it was asked, each town's answer (both towns and the office see them),
   * and whether the viewer's own town still has to answer.
   */
  private fitView(viewer: SessionUser, r: TandemListRow, answers: FitAnswerRow[]) {
    if (!r.fitAskedAt) return null;
    const name = (townId: string) => (townId === r.townA ? r.nameA : r.nameB);
    const own = viewer.townId === r.townA || viewer.townId === r.townB ? viewer.townId : null;
    return {
      askedAt: r.fitAskedAt,
      answers: answers.map((a) => ({
        townName: name(a.townId),
        fits: a.fits,
        label: a.fits ? 'passt' : 'passt nicht',
        reason: a.reason,
        answeredAt: a.answeredAt,
        answeredBy: a.answeredByName,
      })),
      canAnswer: !!own && r.state === 'active' && !answers.some((a) => a.townId === own),
    };
  }

  /**
   * Reason texts speak to one town ("Ihre Herausforderung …"): the partner reads its own side (`partnerComponents`, its
   * own suggestion's, read with the tandem), the office reads town A's, named.
   */
  private reasonsFor(
    viewer: SessionUser,
    r: TandemListRow,
    partnerComponents: unknown[] | null,
  ): { reasons: string; reasonList: ReasonList; reasonsFrom: string | null } {
    const actor = actorOf(viewer, r);
    const both = (components: ScoreComponent[], perspective: 'town' | 'network' = 'town') => ({
      reasons: reasonLine(components, perspective),
      reasonList: reasonList(components, perspective, r.topicName),
    });
    // A proposal: both towns read the text built from what each may see of the other (stored by the round).
    if (r.origin === 'office_proposal' && actor !== 'office')
      return { ...both(r.components as ScoreComponent[], 'network'), reasonsFrom: null };
    if (actor === 'partner') return { ...both((partnerComponents ?? []) as ScoreComponent[]), reasonsFrom: null };
    return { ...both(r.components as ScoreComponent[]), reasonsFrom: actor === 'office' ? r.nameA : null };
  }

  private timelineEntry(e: TimelineRow) {
    const who =
      e.actorKind === 'system'
        ? 'System'
        : e.actorKind === 'office'
          ? officeActorLabel(e.actorName)
          : [e.actorName, e.townName].filter(Boolean).join(', ');
    return {
      at: e.at,
      action: e.action.replace(/^tandem\./, ''),
      label: TIMELINE_LABEL[e.action] ?? auditActionLabel(e.action),
      from: e.from,
      to: e.to,
      fromLabel: e.from ? STATE_DE[e.from as TandemState] : null,
      toLabel: e.to ? (STATE_DE[e.to as TandemState] ?? e.to) : null,
      actor: e.actorKind,
      who,
      reason: e.reason,
      reasonLabel: ['tandem.requested', 'tandem.accept'].includes(e.action) ? 'Nachricht' : 'Begründung',
    };
  }
}

/** A town of a tandem as a page or the API shows it; profile fields only where the viewer may see them. */
export interface TandemTown {
  id: string;
  name: string;
  stateName: string;
  districtName: string | null;
  population: number;
  areaKm2: number;
  capacity: number;
  description?: string;
  topics?: string[];
  challenges?: { topic: string; text: string; urgency: number }[];
  experiences?: { topic: string; tried: string; outcome: string }[];
  hiddenFields: TownProfileView['hiddenFields'];
}

/** Towns by id, as the tandem pages show them. */
const tandemTowns = (profiles: TownProfileView[]): Map<string, TandemTown> => new Map(profiles.map((p) => [p.id, tandemTown(p)]));

function tandemTown(p: TownProfileView): TandemTown {
  return {
    id: p.id,
    name: p.name,
    stateName: p.stateName,
    districtName: p.districtName,
    population: p.population,
    areaKm2: p.areaKm2,
    capacity: p.capacity,
    description: p.description,
    topics: p.topics?.map((t) => t.name),
    challenges: p.challenges?.map((c) => ({ topic: c.topicName, text: c.text, urgency: c.urgency })),
    experiences: p.experiences?.map((e) => ({ topic: e.topicName, tried: e.tried, outcome: e.outcome })),
    hiddenFields: p.hiddenFields,
  };
}
