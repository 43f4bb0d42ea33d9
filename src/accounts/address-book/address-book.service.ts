import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../../audit/audit.repository';
import type { AuditAction } from '../../audit/audit-actions';
import type { EntityManager } from 'typeorm';
import { contactFunctionLabel } from '../../auth/contact-function.util';
import type { SessionUser } from '../../auth/session-user';
import { INVITATION_PURPOSE, INVITATION_DAYS, type InvitationOutcome, TownContactsService } from '../town-contacts.service';
import { newToken } from '../../auth/token.util';
import { UserRepository } from '../../auth/user.repository';
import { DomainError, townNotFound } from '../../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { MailService } from '../../mail/mail.service';
import { addressBookUnsubscribeHeaders, addressBookUnsubscribeUrl } from './address-book-unsubscribe.util';
import { AddressBookInput, parseAddressBookInput } from './address-book-input.util';
import { AddressBookEntry, AddressBookRepository } from './address-book.repository';

const CLAIM_TEMPLATE = 'town-claim-invitation';

const addressBookEntryNotFound = () =>
  new DomainError(
    HttpStatus.NOT_FOUND,
    'address_book_entry_not_found',
    'No such address-book entry of this town',
    'Diesen Eintrag gibt es im Adressbuch dieser Kommune nicht.',
  );
const conflict = (code: string, en: string, de: string) => new DomainError(HttpStatus.CONFLICT, code, en, de);
const emailTaken = () =>
  conflict(
    'address_book_email_taken',
    'This address is already in the address book of this town',
    'Diese E-Mail-Adresse steht bereits im Adressbuch dieser Kommune.',
  );

/** The office's address book per town (issue 25): entries, the claim invitation, and the person's own opt-out. */
@Injectable()
export class AddressBookService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AddressBookRepository,
    private readonly users: UserRepository,
    private readonly contacts: TownContactsService,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
  ) {}

  async list(townId: string): Promise<{ townId: string; townName: string; entries: AddressBookEntry[] }> {
    const townName = await this.repo.townName(townId);
    if (!townName) throw townNotFound();
    return { townId, townName, entries: await this.repo.list(townId) };
  }

  async add(actor: SessionUser, townId: string, input: AddressBookInput): Promise<AddressBookEntry> {
    const entry = this.parse(input);
    const id = await this.repo
      .transaction(async (m) => {
        if (!(await this.repo.lockTown(m, townId))) throw townNotFound();
        if (await this.repo.emailTaken(m, townId, entry.email, null)) throw emailTaken();
        const id = await this.repo.insert(m, townId, actor.id, entry);
        await this.auditTown(m, actor.id, 'contact.address_added', townId, { contactId: id });
        return id;
      })
      .catch(this.uniqueToConflict);
    return (await this.repo.find(townId, id))!;
  }

  async update(actor: SessionUser, townId: string, id: string, input: AddressBookInput): Promise<AddressBookEntry> {
    const entry = this.parse(input);
    await this.repo
      .transaction(async (m) => {
        if (!(await this.repo.lockTown(m, townId))) throw townNotFound();
        const before = await this.repo.find(townId, id, m);
        if (!before) throw addressBookEntryNotFound();
        if (await this.repo.emailTaken(m, townId, entry.email, id)) throw emailTaken();
        await this.repo.update(m, id, entry);
        await this.auditTown(m, actor.id, 'contact.address_updated', townId, { contactId: id });
      })
      .catch(this.uniqueToConflict);
    return (await this.repo.find(townId, id))!;
  }

  async remove(actor: SessionUser, townId: string, id: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      if (!(await this.repo.lockTown(m, townId))) throw townNotFound();
      if (!(await this.repo.find(townId, id, m))) throw addressBookEntryNotFound();
      await this.repo.delete(m, id);
      await this.auditTown(m, actor.id, 'contact.address_removed', townId, { contactId: id });
    });
  }

  /**
   * The office invites an address-book entry to take the town's account over: the same invitation as a colleague's
   * (INVITATION_PURPOSE, /einladung with password and privacy consent), in the claim wording. Only a verified town:
   * for a pending one the office decides on its registration first, so an accepted claim is never an account that
   * cannot sign in. An address that already has an account gets the same answer and no second account; its holder is
   * told by mail (as TownContactsService.invite does). A claim invitation not accepted yet is sent again with a new link.
   */
  async invite(actor: SessionUser, townId: string, id: string): Promise<void> {
    const token = newToken();
    await this.contacts.completeInvitation(
      actor,
      townId,
      this.repo.transaction(async (m): Promise<InvitationOutcome> => {
        const town = await this.repo.lockTown(m, townId);
        if (!town) throw townNotFound();
        const entry = await this.repo.find(townId, id, m);
        if (!entry) throw addressBookEntryNotFound();
        if (town.status !== 'verified') {
          throw conflict(
            'town_not_verified',
            'The town is not verified; decide on its registration before inviting somebody to take its account over',
            'Die Kommune ist noch nicht bestätigt. Bitte entscheiden Sie zuerst über ihre Registrierung; danach können Sie die Person einladen.',
          );
        }
        if (entry.optedOutAt)
          throw conflict(
            'address_book_opted_out',
            'This person asked for no more mails',
            'Diese Person möchte keine weiteren E-Mails erhalten. Eine Einladung geht deshalb nicht hinaus.',
          );
        if (entry.claimedUserId)
          throw conflict(
            'address_book_claimed',
            'This person has already taken the town account over',
            'Diese Person hat das Konto der Kommune bereits übernommen.',
          );
        await this.users.purgeExpiredRegistrations(m, entry.email);
        const existing = await this.users.findIdByEmail(entry.email, m);
        let invitedBefore: string | undefined;
        if (existing) {
          const holder = await this.users.findById(existing, m);
          const pendingClaim = holder && holder.townId === townId && !holder.emailConfirmedAt && !holder.deletedAt;
          if (!pendingClaim) return { existing: { userId: existing, email: holder?.email ?? entry.email, townName: town.name } };
          // Invited before and not accepted yet (perhaps expired): earlier links stop, a new one goes out.
          await this.users.revokeTokens(m, existing, INVITATION_PURPOSE);
          invitedBefore = existing;
        }
        const { userId, tokenId } = await this.contacts.createInvitation(m, token.hash, {
          userId: invitedBefore,
          email: entry.email,
          displayName: entry.displayName,
          townId,
          contactFunction: entry.contactFunction,
        });
        await this.auditTown(m, actor.id, 'contact.claim_invited', townId, { contactId: id, userId });
        const unsubscribeUrl = addressBookUnsubscribeUrl(this.config.appUrl, this.config.digest.unsubscribeSecret, entry.id);
        const deliveryId = await this.mail.record(
          {
            dedupeKey: `${CLAIM_TEMPLATE}:${tokenId}`,
            recipient: entry.email,
            template: CLAIM_TEMPLATE,
            headers: addressBookUnsubscribeHeaders(unsubscribeUrl),
            context: {
              displayName: entry.displayName,
              functionLabel: contactFunctionLabel(entry.contactFunction, 'Ansprechperson'),
              townName: town.name,
              officeName: actor.displayName,
              source: entry.source,
              acceptUrl: `${this.config.appUrl}/einladung?token=${token.raw}`,
              validDays: INVITATION_DAYS,
              unsubscribeUrl,
            },
          },
          m,
        );
        return { deliveryId };
      }),
    );
  }

  /** The person's one-click "keine weiteren Mails" (a signed link, no account): later mails skip the entry. */
  async optOut(contactId: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      const done = await this.repo.optOut(m, contactId);
      if (!done) return;
      await this.auditTown(m, null, 'contact.address_opted_out', done.townId, { contactId });
    });
  }

  /** Every change to a town's address book is audited on the town. */
  private auditTown(m: EntityManager, actorId: string | null, action: AuditAction, townId: string, data: Record<string, unknown>) {
    return this.audit.write(m, { actorId, action, subjectType: 'town', subjectId: townId, data });
  }

  private parse(input: AddressBookInput) {
    const { entry, problems } = parseAddressBookInput(input ?? {});
    if (!entry) {
      const p = problems[0];
      const err = new DomainError(HttpStatus.BAD_REQUEST, `invalid_${p.field}`, p.message, p.messageDe, p.field);
      Object.assign(err.getResponse() as object, { problems: problems.map((x) => ({ field: x.field, message: x.message })) });
      throw err;
    }
    return entry;
  }

  private readonly uniqueToConflict = (err: unknown): never => {
    if ((err as { code?: string })?.code === '23505') throw emailTaken();
    throw err;
  };
}
