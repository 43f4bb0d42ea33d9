import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
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
} from '../accounts/address-book/town-recipients.util';
import { AuditRepository } from '../audit/audit.repository';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/input.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { MailAttachment } from '../mail/mail-delivery.repository';
import { MailService } from '../mail/mail.service';
import { AddressMailLimit } from '../security/address-mail-limit';
import { nextToMoveUp, placementFor, waitingRanks } from './core/event-places.util';
import {
  EVENT_FORMAT_DE,
  EVENT_KIND_DE,
  EventActor,
  EventTransitionError,
  holdRefusal,
  isUnannounced,
  nextEventState,
  OfficeStep,
  nextRegistrationStatus,
  registrationRefusal,
} from './core/event-transitions.util';
import { EventAudienceService } from './event-audience.service';
import { formatBerlin } from '../common/berlin-time.util';
import { eventCalendar } from './event-calendar.util';
import { badRequest, checkAhead, EventInput, fieldsOf, parseEventInput, reasonText, resultText, text } from './event-input.util';
import { EventFields, EventPatch, EventRepository, EventRow, RegistrationRow } from './event.repository';

/** The reminder goes out this many days before the start. */
const REMINDER_DAYS = 2;

const conflict = (code: string, en: string, de: string) => new DomainError(HttpStatus.CONFLICT, code, en, de);
export const eventNotFound = () =>
  new DomainError(HttpStatus.NOT_FOUND, 'event_not_found', 'Event not found', 'Diese Veranstaltung gibt es nicht.');
const registrationNotFound = () =>
  new DomainError(HttpStatus.NOT_FOUND, 'registration_not_found', 'Registration not found', 'Diese Anmeldung gibt es nicht.');

const asTransition = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EventTransitionError) throw conflict(err.code, err.message, err.messageDe);
    throw err;
  }
};

/** Whom to register: a contact of the town (account or address-book entry, by id) or a name and an address. */
export interface RegistrationInput {
  townId?: unknown;
  contactId?: unknown;
  name?: unknown;
  email?: unknown;
}

interface Person {
  /** The registration's id (mails about a registration) or the recipient's id (invitations). */
  id: string;
  name: string;
  email: string;
}

type Method = 'REQUEST' | 'CANCEL' | 'PUBLISH';

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/**
 * Every write on events: the office's steps, registrations with the waiting list, invitations, the scheduler's
 * deadline and reminder. Each step locks the event row (SELECT … FOR UPDATE) in one transaction and works only with
 * that transaction's manager; its mails are recorded there and dispatched after commit.
 */
@Injectable()
export class EventsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: EventRepository,
    private readonly audience: EventAudienceService,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly recipients: TownRecipientsRepository,
    // Web only (the worker registers nobody): a registration by name and address is a mail to an address of the
    // caller's choice, so it counts against that address's hourly limit.
    @Optional() private readonly mailLimit?: AddressMailLimit,
  ) {}

  link(id: string, office = false): string {
    return `${this.config.appUrl}${office ? '/geschaeftsstelle' : ''}/veranstaltungen/${id}`;
  }

  async create(user: SessionUser, input: EventInput): Promise<string> {
    const fields = parseEventInput(input, await this.vocabulary(), null);
    return this.repo.transaction(async (m) => {
      const id = await this.repo.insert(m, fields, user.id);
      await this.audit.writeStep(m, 'event', id, user.id, 'event.created', null, 'draft', null, { title: fields.title });
      return id;
    });
  }

  /**
   * Changes the event. Once published, a change of time or place raises SEQUENCE and sends everyone with a place the
   * updated calendar entry; more places move people up from the waiting list.
   */
  async update(user: SessionUser, id: string, input: EventInput, now = new Date()): Promise<void> {
    const vocab = await this.vocabulary();
    const mails = await this.repo.transaction(async (m) => {
      const e = await this.lock(m, id);
      asTransition(() => nextEventState(e.state, 'edit', 'office'));
      const next = parseEventInput(input, vocab, fieldsOf(e));
      const changed = (Object.keys(next) as (keyof EventFields)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(e[k]));
      if (!changed.length) return [];
      const published = e.state !== 'draft';
      // A published event moves only into the future; the deadline too while registration is open.
      if (e.state === 'published' && (changed.includes('startsAt') || changed.includes('registrationDeadline'))) checkAhead(next, now);
      if (e.state === 'registration_closed' && changed.includes('startsAt'))
        checkAhead({ ...next, registrationDeadline: next.startsAt }, now);
      const moved = (['startsAt', 'endsAt', 'format', 'address', 'onlineLink', 'title'] as const).some((k) => changed.includes(k));
      const patch: EventPatch = { ...next, sequence: published && moved ? e.sequence + 1 : e.sequence };
      await this.repo.update(m, id, patch);
      await this.audit.writeStep(m, 'event', id, user.id, 'event.edit', e.state, e.state, null, { changed });
      const after: EventRow = { ...e, ...patch };
      const ids: string[] = [];
      if (published && moved) {
        const confirmed = (await this.repo.registrations(id, m)).filter((r) => r.status === 'confirmed');
        for (const r of confirmed)
          ids.push(await this.recordFor(m, after, personOf(r), 'event-update', `update:${after.sequence}`, 'REQUEST', { changed: true }));
      }
      if (published) ids.push(...(await this.moveUp(m, after, now)));
      return ids;
    });
    await this.mail.dispatch(mails);
  }

  /** An office step: publish, close, hold, document, cancel. */
  async act(
    user: SessionUser,
    id: string,
    action: OfficeStep,
    input: { reason?: unknown; resultSummary?: unknown } = {},
    now = new Date(),
  ): Promise<void> {
    const reason = reasonText(input.reason);
    if (action === 'cancel' && reason.length < 3)
      throw badRequest(
        'reason_required',
        'Please give a reason (at least 3 characters)',
        'Bitte geben Sie eine kurze Begründung an (mindestens 3 Zeichen).',
        'reason',
      );
    const result = action === 'document' ? resultText(input.resultSummary) : '';
    if (action === 'document' && result.length < 10)
      throw badRequest(
        'result_required',
        'Describe the results in at least 10 characters',
        'Bitte beschreiben Sie die Ergebnisse in einigen Sätzen (mindestens 10 Zeichen).',
        'resultSummary',
      );
    const mails = await this.repo.transaction(async (m) => {
      const e = await this.lock(m, id);
      const to = asTransition(() => nextEventState(e.state, action, 'office'));
      const patch: EventPatch = { state: to, stateChangedAt: now };
      if (action === 'publish') checkAhead(e, now);
      if (action === 'hold') {
        const refused = holdRefusal(e.startsAt, now);
        if (refused) throw conflict(refused.code, refused.message, refused.messageDe);
      }
      if (action === 'document') patch.resultSummary = result;
      if (action === 'cancel') {
        patch.cancelReason = reason;
        patch.sequence = e.sequence + 1;
      }
      await this.repo.update(m, id, patch);
      await this.audit.writeStep(m, 'event', id, user.id, `event.${action}`, e.state, to, reason || null, {});
      if (action !== 'cancel' || e.state === 'draft') return [];
      // Everyone registered is told; those with a place get the calendar cancellation.
      const after = { ...e, ...patch };
      const ids: string[] = [];
      for (const r of (await this.repo.registrations(id, m)).filter((x) => x.status !== 'cancelled')) {
        await this.repo.setRegistrationStatus(m, r.id, nextRegistrationStatus(r.status, 'cancel', 'system'), now);
        ids.push(
          await this.recordFor(m, after, personOf(r), 'event-cancelled', 'cancelled', r.status === 'confirmed' ? 'CANCEL' : null, {
            wholeEvent: true,
            reason,
          }),
        );
      }
      return ids;
    });
    await this.mail.dispatch(mails);
  }

  /**
   * Registers a person for a town: a contact of the town (by id) or a name and an address. A place while places last
   * (in total and for the town), else the waiting list in order. Town contacts register for their own town; the
   * office for any verified town.
   */
  async register(
    user: SessionUser,
    id: string,
    input: RegistrationInput,
    now = new Date(),
  ): Promise<{ id: string; status: 'confirmed' | 'waiting' }> {
    const townId = isOffice(user) ? input.townId : user.townId;
    if (!isUuid(townId))
      throw badRequest('invalid_town', 'townId must be the id of a town', 'Bitte wählen Sie eine Kommune aus.', 'townId');
    const typed = typeof input.email === 'string' && !input.contactId ? input.email.trim().toLowerCase() : null;
    const mayMail = !typed || !this.mailLimit || (await this.mailLimit.allow('event-registration', typed));
    const outcome = await this.repo.transaction(async (m) => {
      const e = await this.lock(m, id);
      if (isUnannounced(e.state) && !isOffice(user)) throw eventNotFound();
      const refused = registrationRefusal(e, now);
      if (refused) throw conflict(refused.code, refused.message, refused.messageDe);
      if (!(await this.repo.isVerifiedTown(m, townId)))
        throw conflict(
          'town_not_verified',
          'Only verified towns can register people',
          'Anmelden können nur Kommunen, deren Registrierung bestätigt ist.',
        );
      const person = await this.personFor(m, townId, input);
      if (await this.repo.liveRegistrationOf(m, id, person.email))
        throw conflict('already_registered', 'This person is already registered', 'Diese Person ist bereits angemeldet.');
      const byTown = await this.repo.confirmedByTown(m, id);
      const total = [...byTown.values()].reduce((a, b) => a + b, 0);
      const status = placementFor(e, total, byTown.get(townId) ?? 0);
      const regId = await this.repo.insertRegistration(m, { eventId: id, townId, ...person, status, by: user.id, now });
      await this.audit.writeStep(
        m,
        'event',
        id,
        user.id,
        status === 'confirmed' ? 'event.registered' : 'event.waitlisted',
        null,
        status,
        null,
        {
          registrationId: regId,
          townId,
        },
      );
      const reg = (await this.repo.registration(m, regId))!;
      const rank = status === 'waiting' ? waitingRanks(await this.repo.waiting(m, id)).get(regId) : undefined;
      // Over the address's limit: registered all the same, without the confirmation (the town's page shows it).
      if (!mayMail) return { id: regId, status, mails: [] };
      const mailId = await this.recordFor(
        m,
        e,
        personOf(reg),
        'event-registration',
        status === 'confirmed' ? 'registered' : 'waiting',
        status === 'confirmed' ? 'REQUEST' : null,
        { confirmed: status === 'confirmed', waitingRank: rank ?? null, townName: reg.townName },
      );
      return { id: regId, status, mails: [mailId] };
    });
    await this.mail.dispatch(outcome.mails);
    return { id: outcome.id, status: outcome.status };
  }

  /** Cancels one registration (its town or the office); a freed place moves the next waiting person up, once. */
  async cancelRegistration(user: SessionUser, id: string, registrationId: string, now = new Date()): Promise<void> {
    const mails = await this.repo.transaction(async (m) => {
      const e = await this.lock(m, id);
      const r = await this.repo.registration(m, registrationId);
      if (!r || r.eventId !== id || (!isOffice(user) && r.townId !== user.townId)) throw registrationNotFound();
      if (!['published', 'registration_closed'].includes(e.state))
        throw conflict(
          'registration_final',
          'Registrations can no longer be changed',
          'Anmeldungen zu dieser Veranstaltung können nicht mehr geändert werden.',
        );
      const actor: EventActor = isOffice(user) ? 'office' : 'town';
      const to = asTransition(() => nextRegistrationStatus(r.status, 'cancel', actor));
      await this.repo.setRegistrationStatus(m, r.id, to, now);
      await this.audit.writeStep(m, 'event', id, user.id, 'event.registration_cancelled', r.status, to, null, {
        registrationId: r.id,
        townId: r.townId,
      });
      const ids: string[] = [];
      let after = e;
      if (r.status === 'confirmed') {
        // The cancellation replaces the calendar entry: a higher SEQUENCE than the REQUEST the person holds.
        after = { ...e, sequence: e.sequence + 1 };
        await this.repo.update(m, id, { sequence: after.sequence });
      }
      ids.push(
        await this.recordFor(
          m,
          after,
          personOf(r),
          'event-cancelled',
          'registration-cancelled',
          r.status === 'confirmed' ? 'CANCEL' : null,
          {
            wholeEvent: false,
          },
        ),
      );
      ids.push(...(await this.moveUp(m, after, now)));
      return ids;
    });
    await this.mail.dispatch(mails);
  }

  /** After the event: who attended (registration ids); everyone else with a place did not. */
  async setAttendance(user: SessionUser, id: string, attendedIds: unknown): Promise<void> {
    const raw = attendedIds == null || attendedIds === '' ? [] : Array.isArray(attendedIds) ? attendedIds : [attendedIds];
    if (raw.length > 10000 || raw.some((x) => !isUuid(x)))
      throw badRequest(
        'invalid_registrations',
        'attended must list registration ids',
        'Bitte wählen Sie Personen aus der Liste.',
        'attended',
      );
    await this.repo.transaction(async (m) => {
      const e = await this.lock(m, id);
      if (e.state !== 'held' && e.state !== 'documented')
        throw conflict(
          'not_yet_held',
          'Attendance is marked once the event is held',
          'Die Teilnahme vermerken Sie, sobald die Veranstaltung als durchgeführt vermerkt ist.',
        );
      const confirmed = new Set((await this.repo.registrations(id, m)).filter((r) => r.status === 'confirmed').map((r) => r.id));
      const chosen = new Set(raw as string[]);
      if ([...chosen].some((x) => !confirmed.has(x)))
        throw badRequest(
          'invalid_registrations',
          'attended lists a registration without a place in this event',
          'Bitte wählen Sie nur angemeldete Personen dieser Veranstaltung.',
          'attended',
        );
      await this.repo.setAttended(m, id, chosen);
      await this.audit.writeStep(m, 'event', id, user.id, 'event.attendance', e.state, e.state, null, {
        attended: chosen.size,
        of: confirmed.size,
      });
    });
  }

  /**
   * Sends the invitation to the chosen towns of the audience (all of it when none are chosen), each once: recipients
   * through the town's address book (accounts and entries), with the reasons the town was chosen for and a calendar
   * entry to note the date.
   */
  async sendInvitations(user: SessionUser, id: string, townIds: unknown): Promise<MailReport> {
    const raw = townIds == null || townIds === '' ? null : Array.isArray(townIds) ? townIds : [townIds];
    if (raw && (raw.length > 20000 || raw.some((x) => !isUuid(x))))
      throw badRequest('invalid_town', 'townIds must list town ids', 'Bitte wählen Sie Kommunen aus der Liste.', 'townIds');
    const e0 = await this.repo.findById(id);
    if (!e0) throw eventNotFound();
    const ranked = await this.audience.ranked(e0);
    const chosen = raw ? ranked.filter((a) => (raw as string[]).includes(a.townId)) : ranked;
    if (raw && chosen.length !== new Set(raw).size)
      throw badRequest(
        'not_in_audience',
        'Some towns are not in the audience of this event',
        'Einige der gewählten Kommunen gehören nicht zur Zielgruppe dieser Veranstaltung.',
        'townIds',
      );
    const report = emptyMailReport();
    const mails = await this.repo.transaction(async (m) => {
      const e = await this.lock(m, id);
      if (registrationRefusal(e, new Date()))
        throw conflict(
          'registration_closed',
          'Invitations go out only while registration is open',
          'Einladungen versenden Sie, solange die Anmeldung offen ist.',
        );
      const fresh = new Set(
        await this.repo.insertInvitations(
          m,
          id,
          chosen.map((c) => ({ townId: c.townId, reasons: c.reasons })),
          user.id,
        ),
      );
      const ids: string[] = [];
      const all = await this.recipients.forTowns(
        m,
        chosen.filter((c) => fresh.has(c.townId)).map((c) => c.townId),
      );
      for (const c of chosen.filter((x) => fresh.has(x.townId))) {
        const people = all.get(c.townId) ?? [];
        addToReport(report, { id: c.townId, name: c.name }, people);
        const withVariant = withAddressBookVariant(people, 'event-invitation-address-book', (rid) =>
          addressBookUnsubscribeUrl(this.config.appUrl, this.config.digest.unsubscribeSecret, rid),
        );
        for (const r of withVariant)
          ids.push(
            await this.recordFor(
              m,
              e,
              { id: r.id, name: r.displayName, email: r.email },
              'event-invitation',
              'invite',
              'PUBLISH',
              {
                townName: c.name,
                reasons: c.reasons,
                ...recipientMeta(r),
              },
              r.variant,
            ),
          );
      }
      if (fresh.size) await this.audit.writeStep(m, 'event', id, user.id, 'event.invited', e.state, e.state, null, { towns: fresh.size });
      return ids;
    });
    await this.mail.dispatch(mails);
    return report;
  }

  /** The scheduler's job: close registration after the deadline; remind everyone with a place two days before. */
  async runTasks(now = new Date()): Promise<{ closed: number; reminders: number }> {
    let closed = 0;
    for (const { id } of await this.repo.dueForClosing(now)) {
      closed += await this.repo.transaction(async (m) => {
        const e = await this.lock(m, id);
        if (e.state !== 'published' || e.registrationDeadline.getTime() > now.getTime()) return 0;
        const to = nextEventState(e.state, 'close', 'system');
        await this.repo.update(m, id, { state: to, stateChangedAt: now });
        await this.audit.writeStep(m, 'event', id, null, 'event.close', e.state, to, null, { deadline: true });
        return 1;
      });
    }
    let reminders = 0;
    for (const { id } of await this.repo.dueForReminder(now, REMINDER_DAYS)) {
      const mails = await this.repo.transaction(async (m) => {
        const e = await this.lock(m, id);
        if (!(await this.repo.claimReminder(m, id, now))) return [];
        const ids: string[] = [];
        for (const r of (await this.repo.registrations(id, m)).filter((x) => x.status === 'confirmed'))
          ids.push(await this.recordFor(m, e, personOf(r), 'event-reminder', 'reminder', null, {}));
        return ids;
      });
      reminders += mails.length;
      await this.mail.dispatch(mails);
    }
    return { closed, reminders };
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private async lock(m: EntityManager, id: string): Promise<EventRow> {
    const e = await this.repo.findForUpdate(m, id);
    if (!e) throw eventNotFound();
    return e;
  }

  private vocabulary() {
    return this.repo.vocabulary();
  }

  /** Moves people up from the waiting list into free places (inside the event's lock), each once, and mails them. */
  private async moveUp(m: EntityManager, e: EventRow, now: Date): Promise<string[]> {
    if (e.state !== 'published' && e.state !== 'registration_closed') return [];
    const up = nextToMoveUp(e, await this.repo.waiting(m, e.id), await this.repo.confirmedByTown(m, e.id));
    const ids: string[] = [];
    for (const regId of up) {
      const r = (await this.repo.registration(m, regId))!;
      await this.repo.setRegistrationStatus(m, regId, nextRegistrationStatus(r.status, 'promote', 'system'), now);
      await this.audit.writeStep(m, 'event', e.id, null, 'event.moved_up', 'waiting', 'confirmed', null, {
        registrationId: regId,
        townId: r.townId,
      });
      ids.push(
        await this.recordFor(m, e, personOf(r), 'event-registration', 'moved-up', 'REQUEST', {
          confirmed: true,
          movedUp: true,
          townName: r.townName,
        }),
      );
    }
    return ids;
  }

  private async personFor(
    m: EntityManager,
    townId: string,
    input: RegistrationInput,
  ): Promise<{ userId: string | null; name: string; email: string }> {
    if (input.contactId != null && input.contactId !== '') {
      if (!isUuid(input.contactId))
        throw badRequest('invalid_contact', 'contactId must be a contact id', 'Bitte wählen Sie eine Person aus der Liste.', 'contactId');
      const c = (await this.recipients.forTown(m, townId)).find((r) => r.id === input.contactId);
      if (!c)
        throw badRequest(
          'invalid_contact',
          'This contact does not belong to the town',
          'Diese Person gehört nicht zu Ihrer Kommune.',
          'contactId',
        );
      return { userId: c.kind === 'account' ? c.id : null, name: c.displayName, email: c.email };
    }
    const name = text(input.name, 200, 'name', 'The name', 'Der Name');
    const email = text(input.email, 320, 'email', 'The email address', 'Die E-Mail-Adresse').toLowerCase();
    if (name.length < 2)
      throw badRequest(
        'name_required',
        'Give a contact or a name and an email address',
        'Bitte wählen Sie eine Person oder geben Sie Name und E-Mail-Adresse an.',
        'name',
      );
    if (!EMAIL.test(email))
      throw badRequest('invalid_email', 'The email address is not valid', 'Bitte geben Sie eine gültige E-Mail-Adresse an.', 'email');
    return { userId: null, name, email };
  }

  /** One mail about the event to one person, with the calendar entry as it stands (none for `method` null). */
  private async recordFor(
    m: EntityManager,
    e: EventRow,
    p: Person,
    template: string,
    key: string,
    method: Method | null,
    extra: Record<string, unknown>,
    variant?: MailVariant,
  ): Promise<string> {
    const domain = this.config.appUrl.replace(/^https?:\/\//, '').replace(/[:/].*$/, '') || 'kleinstadt-tandem.local';
    const place = placeOf(e);
    const attachments: MailAttachment[] = method
      ? [
          {
            filename: method === 'CANCEL' ? 'veranstaltung-abgesagt.ics' : 'veranstaltung.ics',
            contentType: 'text/calendar; charset=utf-8',
            method,
            content: eventCalendar({
              eventId: e.id,
              domain,
              sequence: e.sequence,
              method,
              title: e.title,
              description: `${EVENT_KIND_DE[e.kind]} im Kleinstadt-Tandem.\n${this.link(e.id)}`,
              startsAt: e.startsAt,
              endsAt: e.endsAt,
              location: place,
              url: this.link(e.id),
              organizer: this.config.mailReplyTo,
              attendee: method === 'PUBLISH' ? undefined : { name: p.name || p.email, email: p.email },
            }),
          },
        ]
      : [];
    return this.mail.record(
      {
        dedupeKey: `event:${e.id}:${key}:${p.id}`,
        recipient: p.email,
        template: variant?.template ?? template,
        replyTo: this.config.mailReplyTo,
        attachments,
        headers: variant?.headers,
        context: {
          displayName: p.name,
          title: e.title,
          kindLabel: EVENT_KIND_DE[e.kind],
          when: formatBerlin(e.startsAt),
          until: formatBerlin(e.endsAt),
          deadline: formatBerlin(e.registrationDeadline),
          place,
          formatLabel: EVENT_FORMAT_DE[e.format],
          link: this.link(e.id),
          ...extra,
          ...variant?.extra,
        },
      },
      m,
    );
  }
}

const personOf = (r: RegistrationRow): Person => ({ id: r.id, name: r.name, email: r.email });

/** The place as mails and calendar files name it. */
export function placeOf(e: Pick<EventRow, 'format' | 'address' | 'onlineLink'>): string {
  if (e.format === 'online') return `Online: ${e.onlineLink}`;
  if (e.format === 'hybrid') return `${e.address} oder online: ${e.onlineLink}`;
  return e.address;
}
