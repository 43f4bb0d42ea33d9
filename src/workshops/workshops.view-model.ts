import { HttpStatus, Injectable } from '@nestjs/common';
import { auditActionLabel } from '../audit/audit-actions';
import { TownProfileView, TownViewRepository } from '../municipalities/visibility/town-view.repository';
import { OFFICE_VIEWER } from '../municipalities/visibility/town-visibility.util';
import { unknownSort } from '../common/domain-error';
import { pickSort, sortOptions, sortQuery, WORKSHOP_SORTS } from '../common/list-sort.util';
import { pageOf, pager } from '../common/paging.util';
import { isOffice, type SessionUser } from '../auth/session-user';
import { groupTownWorkshops } from './town-workshop-list.util';
import { chosenBecauseBlocks } from './workshop-fit.util';
import { checkWorkshopRules, ruleTownOf } from './workshop-rules.util';
import {
  allowedInvitationActions,
  allowedWorkshopActions,
  INVITATION_STATE_DE,
  InvitationState,
  STATE_DE,
  WorkshopAction,
  WorkshopState,
} from './workshop-transitions.util';
import { InvitationRow, WorkshopListRow, WorkshopRepository, WorkshopRows } from './workshop.repository';
import { DomainError } from '../common/domain-error';
import { formatBerlin } from '../common/berlin-time.util';
import { WorkshopErrors } from './workshop-errors';
import { WorkshopsService } from './workshops.service';

export const WORKSHOP_ACTION_LABEL: Partial<Record<WorkshopAction, string>> = {
  publish: 'Veröffentlichen und einladen',
  close: 'Einladungen schließen',
  confirm: 'Werkstatt bestätigen',
  hold: 'Als durchgeführt vermerken',
  cancel: 'Werkstatt absagen',
};
const TIMELINE_LABEL: Record<string, string> = {
  'workshop.created': 'Entwurf angelegt',
  'workshop.edit': 'Angaben geändert',
  'workshop.invite': 'Kommune eingeladen',
  'workshop.withdraw_invitation': 'Einladung zurückgenommen',
  'workshop.publish': 'veröffentlicht, Einladungen versendet',
  'workshop.accept': 'zugesagt',
  'workshop.decline': 'abgesagt',
  'workshop.close': 'Einladungen geschlossen',
  'workshop.confirm': 'bestätigt',
  'workshop.hold': 'durchgeführt',
  'workshop.document': 'Ergebnis dokumentiert',
  'workshop.cancel': 'abgesagt',
};
const TOWN_SEARCH_MAX = 80;
/** Workshops per page on the office list. */
const OFFICE_WORKSHOPS_PER_PAGE = 25;
const FORMAT_DE = { in_person: 'vor Ort', online: 'online' } as const;

export interface WorkshopCard {
  id: string;
  state: WorkshopState;
  stateLabel: string;
  title: string;
  theme: string;
  themeName: string;
  startsAt: Date | null;
  when: string;
  durationMinutes: number;
  format: WorkshopListRow['format'];
  formatLabel: string;
  hostTownId: string | null;
  hostTownName: string | null;
  address: string;
  onlineLink: string;
  sequence: number;
  invitationsClosed: boolean;
  cancelReason: string | null;
  result: { presented: string; willTry: string; topics: string[] } | null;
  counts: { invited: number; accepted: number; declined: number };
  fromProposal: boolean;
}

export interface InvitationView {
  townId: string;
  name: string;
  stateName: string;
  population: number;
  latitude: number | null;
  longitude: number | null;
  state: InvitationState;
  stateLabel: string;
  experience: string[];
  challenge: string[];
  chosenBecause: string;
  answerReason: string | null;
  answeredAt: Date | null;
  answeredBy: string | null;
}

/** What the workshop pages and the API show: one builder, so both say the same. */
@Injectable()
export class WorkshopsViewModel {
  constructor(
    private readonly repo: WorkshopRepository,
    private readonly views: TownViewRepository,
    private readonly workshops: WorkshopsService,
  ) {}

  card(r: WorkshopListRow): WorkshopCard {
    return {
      id: r.id,
      state: r.state,
      stateLabel: STATE_DE[r.state],
      title: r.title,
      theme: r.themeSlug,
      themeName: r.themeName,
      startsAt: r.startsAt,
      when: r.startsAt ? formatBerlin(r.startsAt) : 'noch offen',
      durationMinutes: r.durationMinutes,
      format: r.format,
      formatLabel: FORMAT_DE[r.format],
      hostTownId: r.hostTownId,
      hostTownName: r.hostTownName,
      address: r.address,
      onlineLink: r.onlineLink,
      sequence: r.sequence,
      invitationsClosed: !!r.invitationsClosedAt,
      cancelReason: r.cancelReason,
      result: r.resultPresented ? { presented: r.resultPresented, willTry: r.resultWillTry ?? '', topics: r.resultTopics ?? [] } : null,
      counts: { invited: r.invited, accepted: r.accepted, declined: r.declined },
      fromProposal: !!r.runId,
    };
  }

  /** `profile`: the town as the reader may see it (its experience and challenges on the theme come from there). */
  invitation(i: InvitationRow, theme: string, profile?: TownProfileView): InvitationView {
    return {
      townId: i.townId,
      name: i.name,
      stateName: i.stateName,
      population: i.population,
      latitude: i.latitude,
      longitude: i.longitude,
      state: i.state,
      stateLabel: INVITATION_STATE_DE[i.state],
      experience: (profile?.experiences ?? []).filter((e) => e.topic === theme).map((e) => e.tried),
      challenge: (profile?.challenges ?? []).filter((c) => c.topic === theme).map((c) => c.text),
      chosenBecause: i.chosenBecause,
      answerReason: i.answerReason,
      answeredAt: i.answeredAt,
      answeredBy: i.answeredByName,
    };
  }

  /** The office page's list: every workshop, a page at a time. */
  /** One page of all workshops in the order asked for (?sortierung=, WORKSHOP_SORTS); an unknown order is a 400. */
  async officePage(requested: unknown, sortierung?: unknown) {
    const sort = pickSort(WORKSHOP_SORTS, sortierung);
    if (!sort) throw unknownSort();
    // One statement: the page asked for, with the total on each row. Only a page past the end (no rows) needs the count
    // first, to show the last page instead (pageOf clamps).
    const guess = pageOf(Number.MAX_SAFE_INTEGER, requested, OFFICE_WORKSHOPS_PER_PAGE);
    let rows = await this.repo.listPage(guess.offset, guess.limit, sort.orderBy);
    let p = pageOf(rows[0]?.total ?? 0, requested, OFFICE_WORKSHOPS_PER_PAGE);
    if (!rows.length && guess.offset > 0) {
      p = pageOf(await this.repo.countAll(), requested, OFFICE_WORKSHOPS_PER_PAGE);
      rows = p.total ? await this.repo.listPage(p.offset, p.limit, sort.orderBy) : [];
    }
    const keep = sortQuery(WORKSHOP_SORTS, sort);
    return {
      workshops: rows.map((r) => this.card(r)),
      sorts: sortOptions(WORKSHOP_SORTS, sort),
      pager: pager(p, (n) => `/geschaeftsstelle/werkstaetten?${keep}seite=${n}`, 'Werkstätten', 'Seiten der Werkstätten'),
    };
  }

  /** The office: all workshops; a town contact: its invitations to answer, upcoming and past workshops. */
  async list(user: SessionUser) {
    if (isOffice(user)) return { workshops: (await this.repo.listAll()).map((r) => this.card(r)) };
    const rows = user.townId ? await this.repo.listForTown(user.townId) : [];
    const mine = rows.map((r) => ({
      ...this.card(r),
      invitationState: r.invitationState,
      invitationLabel: INVITATION_STATE_DE[r.invitationState],
      answerReason: r.answerReason,
      /** Why the town was invited, as its invitation mail said it: sentences and per member the reasons with their shares. */
      why: chosenBecauseBlocks(r.chosenBecause),
      allowedAnswers: allowedInvitationActions(r.invitationState, 'town', {
        workshopState: r.state,
        invitationsClosed: !!r.invitationsClosedAt,
      }),
    }));
    return groupTownWorkshops(mine, new Date());
  }

  /** The editor's "Kommune hinzufügen": verified towns by name (at least 2 characters), with their fit to the theme. */
  async townSearch(id: string, q: unknown) {
    const term = typeof q === 'string' ? q.trim() : '';
    if (term.length > TOWN_SEARCH_MAX)
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'too_long',
        `The search text is too long (at most ${TOWN_SEARCH_MAX} characters)`,
        'Der Suchtext ist zu lang.',
        'q',
      );
    if (term.length < 2) {
      if (!(await this.repo.findById(id))) throw WorkshopErrors.workshopNotFound();
      return [];
    }
    return this.workshops.searchTowns(id, term);
  }

  /** One workshop. The office sees everything (towns, rules, steps, timeline); an invited town its own invitation. */
  async detail(user: SessionUser, id: string) {
    return this.detailOf(user, await this.load(id));
  }

  /** The workshop and its invitations, read once (the editor builds its detail and its replacements from the same rows). */
  async load(id: string): Promise<WorkshopRows> {
    const [r, invs] = await Promise.all([this.repo.findById(id), this.repo.invitations(id)]);
    if (!r) throw WorkshopErrors.workshopNotFound();
    return { r, invs };
  }

  async detailOf(user: SessionUser, { r, invs }: WorkshopRows) {
    const card = this.card(r);
    if (!isOffice(user)) {
      const own = invs.find((i) => i.townId === user.townId && i.state !== 'withdrawn');
      if (!own || r.state === 'draft') throw WorkshopErrors.workshopNotFound();
      return {
        ...card,
        towns: invs
          .filter((i) => i.state === 'accepted' || i.townId === own.townId)
          .map((i) => ({
            name: i.name,
            stateName: i.stateName,
            stateLabel: i.townId === own.townId ? INVITATION_STATE_DE[i.state] : 'zugesagt',
          })),
        ownInvitation: this.invitation(own, r.themeSlug, (await this.views.profiles(await this.views.viewerOf(user), [own.townId]))[0]),
        allowedAnswers: allowedInvitationActions(own.state, 'town', { workshopState: r.state, invitationsClosed: !!r.invitationsClosedAt }),
      };
    }
    // The invitation rows carry what the rules read (same towns, same order as repo.ruleTowns): no extra query.
    const group = invs.filter((i) => i.state === 'invited' || i.state === 'accepted');
    const [audit, profiles] = await Promise.all([
      this.repo.timeline(r.id),
      this.views.profiles(
        OFFICE_VIEWER,
        invs.map((i) => i.townId),
      ),
    ]);
    const violations = checkWorkshopRules(group.map(ruleTownOf)).map((v) => ({
      code: v.code,
      towns: v.towns,
      message: v.message,
      messageDe: v.messageDe,
    }));
    const timeline = audit.map((e) => ({
      at: e.at,
      action: e.action,
      label: TIMELINE_LABEL[e.action] ?? auditActionLabel(e.action),
      who: e.actorName,
      townName: e.townName,
      reason: e.reason,
    }));
    const allowedActions = allowedWorkshopActions(r.state, 'office');
    const seen = new Map(profiles.map((p) => [p.id, p]));
    return {
      ...card,
      invitations: invs.map((i) => this.invitation(i, r.themeSlug, seen.get(i.townId))),
      violations,
      allowedActions,
      timeline,
    };
  }
}
