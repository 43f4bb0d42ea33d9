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
  type TownRecipient,
} from '../accounts/address-book/town-recipients.util';
import { contactFunctionLabel } from '../auth/contact-function.util';
import { MailContact, UserRepository } from '../auth/user.repository';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { ANSWER_EXPIRY_DAYS, STATE_DE, type TandemState } from './core/tandem-transitions.util';
import { PartnerContact, TandemRepository, TandemRow } from './tandem.repository';

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
  expired: `Innerhalb von ${ANSWER_EXPIRY_DAYS} Tagen kam keine Antwort. Die Anfrage bzw. der Vorschlag ist deshalb abgelaufen.`,
};

/**
 * Every tandem mail, recorded in the caller's transaction with a dedupe key per tandem, event and recipient (the mail
 * delivery pattern: the caller dispatches the returned ids after commit).
 */
@Injectable()
export class TandemMailsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TandemRepository,
    private readonly mail: MailService,
    private readonly users: UserRepository,
    private readonly recipients: TownRecipientsRepository,
  ) {}

  link(id: string): string {
    return `${this.config.appUrl}/tandems/${id}`;
  }

  /** To the confirmed contacts of one side's town. */
  async forTown(
    m: EntityManager,
    t: TandemRow,
    side: 'A' | 'B',
    template: string,
    event: string,
    extra: Record<string, unknown>,
  ): Promise<string[]> {
    const townId = side === 'A' ? t.townA : t.townB;
    const contacts = await this.users.confirmedContactsOfTown(m, townId);
    return this.many(m, t, contacts, template, event, { ...extra, side });
  }

  /** To both towns, A then B. */
  async forBoth(m: EntityManager, t: TandemRow, template: string, event: string, extra: Record<string, unknown>): Promise<string[]> {
    return [...(await this.forTown(m, t, 'A', template, event, extra)), ...(await this.forTown(m, t, 'B', template, event, extra))];
  }

  /**
   * The proposal mail to one town: its accounts get tandem-proposed; address-book entries (no account) the variant that
   * says so, how to answer and carries the one-click "keine weiteren Mails" link (RFC 8058 headers). `report` learns
   * who got it, or that the town had nobody.
   */
  async proposed(
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
    return this.many(m, t, recipients, template, 'proposed', { ...extra, side });
  }

  async forOffice(m: EntityManager, t: TandemRow, template: string, event: string, extra: Record<string, unknown>): Promise<string[]> {
    return this.many(m, t, await this.users.officeContacts(m), template, event, { ...extra, forOffice: true });
  }

  private async many(
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
}
