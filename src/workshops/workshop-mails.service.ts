import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addressBookUnsubscribeUrl } from '../accounts/address-book/address-book-unsubscribe.util';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import {
  addToReport,
  recipientMeta,
  withAddressBookVariant,
  type MailReport,
  type MailVariant,
} from '../accounts/address-book/town-recipients.util';
import { MailContact, UserRepository } from '../auth/user.repository';
import { formatBerlin } from '../common/berlin-time.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { MailAttachment } from '../mail/mail-delivery.repository';
import { MailService } from '../mail/mail.service';
import { workshopCalendar } from './workshop-calendar.util';
import { INVITATION_STATE_DE, STATE_DE } from './workshop-transitions.util';
import { InvitationRow, WorkshopRepository, WorkshopRow } from './workshop.repository';

type CalendarMethod = 'REQUEST' | 'CANCEL' | null;

/**
 * Every workshop mail, recorded in the caller's transaction with a dedupe key per workshop, event and recipient, with
 * the calendar entry as it stands (same UID, the workshop's SEQUENCE); the caller dispatches after commit.
 */
@Injectable()
export class WorkshopMailsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WorkshopRepository,
    private readonly mail: MailService,
    private readonly people: UserRepository,
    private readonly recipients: TownRecipientsRepository,
  ) {}

  link(id: string, office = false): string {
    return office ? `${this.config.appUrl}/geschaeftsstelle/werkstaetten/${id}` : `${this.config.appUrl}/werkstaetten`;
  }

  /** Mails to the contacts of each invitation's town, each with the calendar entry as it stands (or none for `method` null). */
  async forInvitations(
    m: EntityManager,
    w: WorkshopRow,
    invs: InvitationRow[],
    template: string,
    event: string,
    method: CalendarMethod,
    extra: Record<string, unknown>,
    report?: MailReport,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const inv of invs) {
      const ctx = { ...extra, townName: inv.name, chosenBecause: inv.chosenBecause, invitationLabel: INVITATION_STATE_DE[inv.state] };
      if (template !== 'workshop-invitation') {
        ids.push(...(await this.many(m, w, await this.people.confirmedContactsOfTown(m, inv.townId), template, event, method, ctx)));
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
      ids.push(...(await this.many(m, w, recipients, template, event, method, ctx)));
    }
    return ids;
  }

  /** A town's answer, to the office. */
  async answerToOffice(m: EntityManager, w: WorkshopRow, event: string, extra: Record<string, unknown>): Promise<string[]> {
    const office = await this.people.officeContacts(m);
    return this.many(m, w, office, 'workshop-answered', event, null, { ...extra, forOffice: true, link: this.link(w.id, true) });
  }

  private async many(
    m: EntityManager,
    w: WorkshopRow,
    recipients: (MailContact & { variant?: MailVariant })[],
    template: string,
    event: string,
    method: CalendarMethod,
    extra: Record<string, unknown>,
  ): Promise<string[]> {
    if (!recipients.length) return [];
    const themeName = (await this.repo.topicName(w.themeSlug, m)) ?? w.themeSlug;
    const hostName = w.hostTownId ? await this.repo.townName(w.hostTownId, m) : null;
    const place = w.format === 'online' ? `Online: ${w.onlineLink}` : `Vor Ort in ${hostName ?? '–'}: ${w.address}`;
    const when = w.startsAt ? formatBerlin(w.startsAt) : 'noch offen';
    const ids: string[] = [];
    for (const r of recipients) {
      ids.push(
        await this.mail.record(
          {
            dedupeKey: `workshop:${w.id}:${event}:${r.id}`,
            recipient: r.email,
            template: r.variant?.template ?? template,
            replyTo: this.config.mailReplyTo,
            attachments: this.calendar(w, method, themeName, hostName, r),
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

  /** The recipient's calendar file (attendee: the recipient), none without a method or a date. */
  private calendar(w: WorkshopRow, method: CalendarMethod, themeName: string, hostName: string | null, r: MailContact): MailAttachment[] {
    if (!method || !w.startsAt) return [];
    const domain = this.config.appUrl.replace(/^https?:\/\//, '').replace(/[:/].*$/, '') || 'kleinstadt-tandem.local';
    return [
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
    ];
  }
}
