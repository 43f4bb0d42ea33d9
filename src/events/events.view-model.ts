import { Injectable } from '@nestjs/common';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import type { TownRecipient } from '../accounts/address-book/town-recipients.util';
import { contactFunctionLabel } from '../auth/contact-function.util';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { toCsv } from '../common/csv.util';
import { auditActionLabel } from '../audit/audit-actions';
import { SIZE_CLASSES } from '../municipalities/size-class.util';
import { SIZE_CLASS_OPTIONS } from './core/event-audience.util';
import { waitingRanks } from './core/event-places.util';
import {
  allowedEventActions,
  EVENT_FORMAT_DE,
  EVENT_FORMATS,
  EVENT_KIND_DE,
  EVENT_KINDS,
  EVENT_STATE_DE,
  isProposal,
  isUnannounced,
  registrationRefusal,
  REGISTRATION_STATUS_DE,
} from './core/event-transitions.util';
import { EventAudienceService } from './event-audience.service';
import { berlinInput, formatBerlin } from '../common/berlin-time.util';
import { EventListRow, EventRepository, RegistrationRow } from './event.repository';
import { eventNotFound, placeOf } from './events.service';

export interface EventFilters {
  kind?: string;
  format?: string;
  topic?: string;
  fit?: boolean;
}

/** What the pages and the API show of events: one place, so both say the same. */
@Injectable()
export class EventsViewModel {
  constructor(
    private readonly repo: EventRepository,
    private readonly audience: EventAudienceService,
    private readonly recipients: TownRecipientsRepository,
  ) {}

  /** An event as a list shows it (no ids on pages but in links; labels for every code). */
  async summary(e: EventListRow, names?: Map<string, string>) {
    const topicNames = names ?? (await this.audience.topicNames());
    return {
      id: e.id,
      kind: e.kind,
      kindLabel: EVENT_KIND_DE[e.kind],
      title: e.title,
      description: e.description,
      format: e.format,
      formatLabel: EVENT_FORMAT_DE[e.format],
      place: placeOf(e),
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      registrationDeadline: e.registrationDeadline,
      when: formatBerlin(e.startsAt),
      until: formatBerlin(e.endsAt),
      deadline: formatBerlin(e.registrationDeadline),
      state: e.state,
      stateLabel: EVENT_STATE_DE[e.state],
      registrationOpen: !registrationRefusal(e, new Date()),
      placesTotal: e.placesTotal,
      placesPerTown: e.placesPerTown,
      placesFree: Math.max(0, e.placesTotal - e.confirmed),
      confirmed: e.confirmed,
      waiting: e.waiting,
      invitedTowns: e.invitedTowns,
      sequence: e.sequence,
      topics: e.topics.map((slug) => ({ slug, name: topicNames.get(slug) ?? slug })),
      topicNames: e.topics.map((slug) => topicNames.get(slug) ?? slug).join(', '),
      resultSummary: e.resultSummary,
      cancelReason: e.cancelReason,
      hostTownName: e.hostTownName,
      isProposal: isProposal(e.state),
    };
  }

  /** The list a town contact sees (published events, filtered; "für Sie passend" marked), or the office's list. */
  async list(user: SessionUser, filters: EventFilters = {}) {
    const rows = isOffice(user) ? await this.repo.listAll() : await this.repo.listPublished();
    const fits = user.townId ? await this.audience.fitting(user.townId, rows) : new Set<string>();
    const names = await this.audience.topicNames();
    const chosen = rows.filter(
      (e) =>
        (!filters.kind || e.kind === filters.kind) &&
        (!filters.format || e.format === filters.format) &&
        (!filters.topic || e.topics.includes(filters.topic) || e.targetTopics.includes(filters.topic)) &&
        (!filters.fit || fits.has(e.id)),
    );
    return Promise.all(chosen.map(async (e) => ({ ...(await this.summary(e, names)), fitsYou: fits.has(e.id) })));
  }

  /** The choices of the list's filters, with labels. */
  async filterChoices(f: EventFilters) {
    return {
      kinds: EVENT_KINDS.map((k) => ({ value: k, label: EVENT_KIND_DE[k], selected: f.kind === k })),
      formats: EVENT_FORMATS.map((k) => ({ value: k, label: EVENT_FORMAT_DE[k], selected: f.format === k })),
      topics: (await this.repo.topics()).map((t) => ({ value: t.slug, label: t.name, selected: f.topic === t.slug })),
      fit: !!f.fit,
    };
  }

  /**
   * One event. The office: everything (registrations, steps, timeline, target). A town contact: a published event,
   * its own town's registrations, its contacts to register, and why the event fits it if it was invited.
   */
  async detail(user: SessionUser, id: string) {
    const e = await this.repo.findById(id);
    const isHost = !!e?.hostTownId && e.hostTownId === user.townId;
    if (!e || (isUnannounced(e.state) && !isOffice(user) && !isHost)) throw eventNotFound();
    const names = await this.audience.topicNames();
    const base = await this.summary(e, names);
    const regs = await this.repo.registrations(id);
    const ranks = waitingRanks(regs.filter((r) => r.status === 'waiting').map((r) => ({ ...r, waitingPosition: r.waitingPosition! })));
    const reg = (r: RegistrationRow) => ({
      id: r.id,
      townId: r.townId,
      townName: r.townName,
      name: r.name,
      email: r.email,
      status: r.status,
      statusLabel: r.status === 'waiting' ? `Warteliste, Platz ${ranks.get(r.id)}` : REGISTRATION_STATUS_DE[r.status],
      waitingRank: ranks.get(r.id) ?? null,
      attended: r.attended,
      canCancel: r.status !== 'cancelled' && ['published', 'registration_closed'].includes(e.state),
    });
    if (isOffice(user)) {
      const sizeLabel = new Map(SIZE_CLASSES.map((c) => [c.key, c.label]));
      const states = new Map((await this.repo.states()).map((s) => [s.code, s.name]));
      return {
        ...base,
        address: e.address,
        onlineLink: e.onlineLink,
        target: {
          states: e.targetStates,
          sizeClasses: e.targetSizeClasses,
          topics: e.targetTopics,
          label: targetLabel(
            e.targetStates.map((s) => states.get(s) ?? s),
            e.targetSizeClasses.map((s) => sizeLabel.get(s) ?? s),
            e.targetTopics.map((t) => names.get(t) ?? t),
          ),
        },
        allowedActions: allowedEventActions(e.state, 'office'),
        reviewComment: e.reviewComment,
        registrations: regs.map(reg),
        timeline: (await this.repo.timeline(id)).map((t) => ({ ...t, label: auditActionLabel(t.action), atLabel: formatBerlin(t.at) })),
      };
    }
    const own = user.townId ? regs.filter((r) => r.townId === user.townId && r.status !== 'cancelled').map(reg) : [];
    const reasons = user.townId ? await this.repo.invitationOf(id, user.townId) : null;
    const contacts = user.townId ? await this.recipients.forTownsNow([user.townId]) : new Map<string, TownRecipient[]>();
    const taken = new Set(own.map((r) => r.email.toLowerCase()));
    return {
      ...base,
      isHost,
      // The host town: the office's comment on its returned proposal, whether it may revise it, and who registered.
      reviewComment: isHost ? e.reviewComment : null,
      canRevise: isHost && allowedEventActions(e.state, 'host').includes('propose'),
      hostRegistrations: isHost ? regs.map(reg).map(hostView) : null,
      ownRegistrations: own,
      invitedBecause: reasons,
      contacts: ((user.townId && contacts.get(user.townId)) || [])
        .filter((c) => !taken.has(c.email.toLowerCase()))
        .map((c) => ({
          id: c.id,
          name: c.displayName,
          functionLabel: contactFunctionLabel(c.contactFunction, 'Ansprechperson'),
        })),
    };
  }

  /**
   * Everyone registered for an event, for its host town and the office (API). The host reads name, town and status,
   * never an address (the people gave it to the academy); the office reads the address too. Another town: 403 (404
   * while the event is not announced).
   */
  async registrationsFor(user: SessionUser, id: string) {
    const e = await this.repo.findById(id);
    const isHost = !!e?.hostTownId && e.hostTownId === user.townId;
    if (!e || (isUnannounced(e.state) && !isOffice(user) && !isHost)) throw eventNotFound();
    if (!isOffice(user) && !isHost)
      throw new DomainError(
        403,
        'not_host',
        'Only the host town and the office see every registration; your town sees its own in the event',
        'Alle Anmeldungen sieht nur die einladende Kommune.',
      );
    const regs = await this.repo.registrations(id);
    const ranks = waitingRanks(regs.filter((r) => r.status === 'waiting').map((r) => ({ ...r, waitingPosition: r.waitingPosition! })));
    return regs.map((r) => {
      const row = hostView({
        name: r.name,
        townName: r.townName,
        status: r.status,
        statusLabel: r.status === 'waiting' ? `Warteliste, Platz ${ranks.get(r.id)}` : REGISTRATION_STATUS_DE[r.status],
        waitingRank: ranks.get(r.id) ?? null,
      });
      return isOffice(user) ? { ...row, id: r.id, email: r.email } : row;
    });
  }

  /** The events the user's town hosts (its proposals in every state). */
  async hostedBy(user: SessionUser) {
    if (!user.townId) return [];
    const names = await this.audience.topicNames();
    return Promise.all(
      (await this.repo.listHostedBy(user.townId)).map(async (e) => ({ ...(await this.summary(e, names)), reviewComment: e.reviewComment })),
    );
  }

  /** The office's form values of an event (datetime-local in Berlin time) and the choices. */
  async formFor(e: EventListRow | null) {
    const topics = await this.repo.topics();
    const states = await this.repo.states();
    const has = (list: string[] | undefined, v: string) => !!list?.includes(v);
    return {
      kinds: EVENT_KINDS.map((k) => ({ value: k, label: EVENT_KIND_DE[k], selected: e?.kind === k })),
      formats: EVENT_FORMATS.map((k) => ({ value: k, label: EVENT_FORMAT_DE[k], selected: (e?.format ?? 'in_person') === k })),
      topics: topics.map((t) => ({
        value: t.slug,
        label: t.name,
        selected: has(e?.topics, t.slug),
        targeted: has(e?.targetTopics, t.slug),
      })),
      states: states.map((s) => ({ value: s.code, label: s.name, selected: has(e?.targetStates, s.code) })),
      sizeClasses: SIZE_CLASS_OPTIONS.map((c) => ({ value: c.key, label: c.label, selected: has(e?.targetSizeClasses, c.key) })),
      values: e
        ? {
            title: e.title,
            description: e.description,
            address: e.address,
            onlineLink: e.onlineLink,
            startsAt: berlinInput(e.startsAt),
            endsAt: berlinInput(e.endsAt),
            registrationDeadline: berlinInput(e.registrationDeadline),
            placesTotal: e.placesTotal,
            placesPerTown: e.placesPerTown ?? '',
          }
        : { placesTotal: 20 },
    };
  }

  /** The audience for the office's review: each town with its reasons and whether it was invited already. */
  async audienceOf(id: string) {
    const e = await this.repo.findById(id);
    if (!e) throw eventNotFound();
    const [ranked, invited] = await Promise.all([this.audience.ranked(e), this.repo.invitedTownIds(id)]);
    return ranked.map((a) => ({ ...a, invited: invited.has(a.townId), reasonText: a.reasons.join('; ') }));
  }

  /** The participant list for the office: German headers, BOM, ';' (csv.util). */
  async participantsCsv(id: string): Promise<{ filename: string; body: string }> {
    const e = await this.repo.findById(id);
    if (!e) throw eventNotFound();
    const regs = (await this.repo.registrations(id)).filter((r) => r.status !== 'cancelled');
    const ranks = waitingRanks(regs.filter((r) => r.status === 'waiting').map((r) => ({ ...r, waitingPosition: r.waitingPosition! })));
    const body = toCsv(
      ['Name', 'E-Mail', 'Kommune', 'Stand', 'Platz auf der Warteliste', 'Angemeldet am', 'Teilgenommen'],
      regs.map((r) => [
        r.name,
        r.email,
        r.townName,
        REGISTRATION_STATUS_DE[r.status],
        ranks.get(r.id) ?? '',
        r.createdAt,
        r.attended === null ? '' : r.attended ? 'ja' : 'nein',
      ]),
    );
    return { filename: `teilnehmende-${e.startsAt.toISOString().slice(0, 10)}.csv`, body };
  }
}

/** What the host town reads of a registration: who, from which town, in which status (no address, no id). */
function hostView(r: { name: string; townName: string; status: string; statusLabel: string; waitingRank: number | null }) {
  return { name: r.name, townName: r.townName, status: r.status, statusLabel: r.statusLabel, waitingRank: r.waitingRank };
}

function targetLabel(states: string[], sizes: string[], topics: string[]): string {
  const parts = [
    states.length ? `Länder: ${states.join(', ')}` : '',
    sizes.length ? `Größe: ${sizes.join(', ')}` : '',
    topics.length ? `Themen: ${topics.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'alle Kommunen im Netzwerk';
}
