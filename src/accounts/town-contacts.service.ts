import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AddressBookRepository } from './address-book/address-book.repository';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError, townNotFound } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { TownRepository } from '../municipalities/town.repository';
import { AddressMailLimit } from '../security/address-mail-limit';
import { sanitiseDisplayName } from './display-name.util';
import { hashPassword, passwordWeakness } from '../auth/password.util';
import { AccountErasure } from './account-erasure.service';
import { isOffice, type SessionUser } from '../auth/session-user';
import { hashToken, newToken } from '../auth/token.util';
import type { ContactFunction } from '../auth/user-account.entity';
import { UserRepository } from '../auth/user.repository';

export const INVITATION_PURPOSE = 'invitation';
export const INVITATION_DAYS = 7;

export interface TownContact {
  id: string;
  displayName: string;
  email: string;
  contactFunction: ContactFunction | null;
  mainContact: boolean;
  /** false while an invitation has not been accepted yet */
  active: boolean;
}

/** What an invitation's transaction leaves to send: its mail, or the account the address already has. */
export interface InvitationOutcome {
  deliveryId?: string;
  existing?: { userId: string; email: string; townName: string };
}

export interface InviteInput {
  email: string;
  displayName: string;
  contactFunction: ContactFunction;
}

const forbidden = () =>
  new DomainError(
    HttpStatus.FORBIDDEN,
    'not_your_town',
    'Only contacts of this town and the office manage its contacts',
    'Die Kontakte einer Kommune verwalten nur ihre Ansprechpersonen und die Geschäftsstelle.',
  );
const contactNotFound = () =>
  new DomainError(
    HttpStatus.NOT_FOUND,
    'contact_not_found',
    'No such contact of this town',
    'Diese Ansprechperson gehört nicht zu der Kommune.',
  );

const lastContact = () =>
  new DomainError(
    HttpStatus.CONFLICT,
    'last_contact',
    'The last contact of a town cannot be removed',
    'Die letzte Ansprechperson einer Kommune kann nicht entfernt werden. Bitte laden Sie zuerst eine Nachfolge ein.',
  );

const privacyConsentMissing = () =>
  new DomainError(
    HttpStatus.BAD_REQUEST,
    'privacy_not_accepted',
    'privacyAccepted must be true (consent to the privacy notice at /datenschutz)',
    'Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.',
    'privacyAccepted',
  );

/** Several contacts per town: invitations by mail, the office's handover of the main contact, removal. */
@Injectable()
export class TownContactsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly towns: TownRepository,
    private readonly erasure: AccountErasure,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly mailLimit: AddressMailLimit,
    private readonly addressBook: AddressBookRepository,
  ) {}

  async list(viewer: SessionUser, townId: string): Promise<TownContact[]> {
    if (viewer.townId !== townId && !isOffice(viewer)) throw forbidden();
    return (await this.users.findContactsOfTown(townId)).map((c) => ({
      id: c.id,
      displayName: c.displayName,
      email: c.email,
      contactFunction: c.contactFunction,
      mainContact: c.mainContact,
      active: !!c.emailConfirmedAt,
    }));
  }

  /** A contact of a verified town invites a colleague; the invitation link sets the password. */
  async invite(actor: SessionUser, townId: string, input: InviteInput): Promise<void> {
    if (actor.townId !== townId) throw forbidden();
    const displayName = sanitiseDisplayName(input.displayName);
    if (!displayName) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'invalid_display_name',
        "displayName must be 2 to 80 characters: letters, spaces and . - ' only",
        "Bitte geben Sie den Namen an (2 bis 80 Zeichen, nur Buchstaben, Leerzeichen und . - ').",
        'displayName',
      );
    }
    const email = input.email.trim();
    const token = newToken();
    await this.completeInvitation(
      actor,
      townId,
      this.towns.transaction(async (m): Promise<InvitationOutcome> => {
        const town = await this.towns.findByIdForUpdate(m, townId);
        if (!town) throw townNotFound();
        if (town.status !== 'verified') {
          throw new DomainError(
            HttpStatus.CONFLICT,
            'town_not_verified',
            'Colleagues can be invited once the office has verified the town',
            'Weitere Ansprechpersonen können Sie einladen, sobald die Geschäftsstelle Ihre Kommune bestätigt hat.',
          );
        }
        await this.users.purgeExpiredRegistrations(m, email);
        const existing = await this.users.findIdByEmail(email, m);
        // The inviter gets the same answer as for a new address; only the account holder learns of it, by mail.
        if (existing) {
          const holder = await this.users.findById(existing, m);
          return { existing: { userId: existing, email: holder?.email ?? email, townName: town.municipality.name } };
        }
        const { userId, tokenId } = await this.createInvitation(m, token.hash, {
          email,
          displayName,
          townId,
          contactFunction: input.contactFunction,
        });
        await this.audit.write(m, {
          actorId: actor.id,
          action: 'contact.invited',
          subjectType: 'town',
          subjectId: townId,
          data: { userId },
        });
        const deliveryId = await this.mail.record(
          {
            dedupeKey: `contact-invitation:${tokenId}`,
            recipient: email,
            template: 'contact-invitation',
            context: {
              displayName,
              inviterName: actor.displayName,
              townName: town.municipality.name,
              acceptUrl: `${this.config.appUrl}/einladung?token=${token.raw}`,
              validDays: INVITATION_DAYS,
            },
          },
          m,
        );
        return { deliveryId };
      }),
    );
  }

  /**
   * The invitation both kinds share (a colleague's, the office's claim): a new unconfirmed contact of the town (or the
   * given one, invited before) and its link token, valid INVITATION_DAYS. Accepting sets the password (acceptInvitation).
   */
  async createInvitation(
    m: EntityManager,
    tokenHash: string,
    person: { userId?: string; email: string; displayName: string; townId: string; contactFunction: ContactFunction },
  ): Promise<{ userId: string; tokenId: string }> {
    const userId =
      person.userId ??
      (
        await this.users.create(m, {
          email: person.email,
          passwordHash: '!',
          role: 'town_contact',
          displayName: person.displayName,
          townId: person.townId,
          contactFunction: person.contactFunction,
          mainContact: false,
        })
      ).id;
    const row = await this.users.createToken(m, {
      userId,
      purpose: INVITATION_PURPOSE,
      tokenHash,
      expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
    });
    return { userId, tokenId: row.id };
  }

  /**
   * Sends what an invitation's transaction recorded: the invitation, or (the address already has an account) the
   * notice to its holder. Two simultaneous invitations of one address: the unique index decides; the loser's answer
   * looks the same.
   */
  async completeInvitation(actor: SessionUser, townId: string, invitation: Promise<InvitationOutcome>): Promise<void> {
    const outcome = await invitation.catch((err): InvitationOutcome => {
      if ((err as { code?: string } | undefined)?.code === '23505') return {};
      throw err;
    });
    if (outcome.deliveryId) await this.mail.dispatch([outcome.deliveryId]);
    const held = outcome.existing;
    if (held) await this.tellAccountHolder(actor, held.userId, held.email, townId, held.townName);
  }

  /**
   * The address already has an account: a notice to its holder (once a day per inviting town, and within the
   * per-address hourly limit), no account and no link. What the inviter typed as the name is not in it.
   */
  private async tellAccountHolder(actor: SessionUser, userId: string, email: string, townId: string, townName: string): Promise<void> {
    if (!(await this.mailLimit.allow('invitation-notice', email))) return;
    const id = await this.mail.record({
      dedupeKey: `invitation-account-exists:${userId}:${townId}:${new Date().toISOString().slice(0, 10)}`,
      recipient: email,
      template: 'invitation-account-exists',
      context: {
        inviterName: actor.displayName,
        townName,
        loginUrl: `${this.config.appUrl}/anmelden`,
        resetUrl: `${this.config.appUrl}/passwort-vergessen`,
      },
    });
    await this.mail.dispatch([id]);
  }

  async invitationFor(rawToken: string): Promise<{ displayName: string; townName: string } | null> {
    const token = await this.users.findLiveToken(hashToken(rawToken), INVITATION_PURPOSE);
    if (!token) return null;
    const user = await this.users.findById(token.userId);
    const town = user?.townId ? await this.towns.findById(user.townId) : null;
    return user && town ? { displayName: user.displayName, townName: town.municipality.name } : null;
  }

  /**
   * Sets the password and records the privacy consent, as a registering mayor gives it (privacy_accepted_at); without
   * the consent nothing changes and the link stays valid.
   */
  async acceptInvitation(rawToken: string, password: string, privacyAccepted: boolean): Promise<void> {
    await this.towns.transaction(async (m) => {
      const token = await this.users.findTokenForUpdate(m, hashToken(rawToken), INVITATION_PURPOSE);
      if (!token || token.usedAt || token.expiresAt.getTime() < Date.now()) {
        throw new DomainError(
          HttpStatus.BAD_REQUEST,
          'invalid_token',
          'The invitation link is invalid, used or expired',
          'Dieser Einladungslink ist ungültig, abgelaufen oder wurde bereits verwendet. Bitte bitten Sie um eine neue Einladung.',
        );
      }
      const user = (await this.users.findById(token.userId, m))!;
      const weak = passwordWeakness(password, user.email);
      if (weak) {
        throw new DomainError(
          HttpStatus.BAD_REQUEST,
          'weak_password',
          weak,
          'Das Passwort ist zu schwach: mindestens 10 Zeichen mit drei der vier Arten Kleinbuchstaben, Großbuchstaben, Ziffern und Sonderzeichen, und nicht die E-Mail-Adresse.',
          'password',
        );
      }
      if (privacyAccepted !== true) throw privacyConsentMissing();
      await this.users.setPasswordHash(m, user.id, await hashPassword(password, this.config.passwordHash));
      await this.users.markTokenUsed(m, token.id, user.id);
      await this.users.recordPrivacyConsent(m, user.id);
      await this.audit.write(m, { actorId: user.id, action: 'contact.joined', subjectType: 'town', subjectId: user.townId! });
      // A town without a main contact (one the office reached through its address book) gets the first one who joins.
      if (!(await this.users.findContactsOfTown(user.townId!, m)).some((c) => c.mainContact && c.id !== user.id))
        await this.users.setMainContact(m, user.townId!, user.id);
      // The office's address-book entry with this address is taken over by the account (issue 25): no second mail to it.
      const claimed = await this.addressBook.claim(m, user.townId!, user.email, user.id);
      if (claimed.length)
        await this.audit.write(m, {
          actorId: user.id,
          action: 'contact.address_claimed',
          subjectType: 'town',
          subjectId: user.townId!,
          data: { contactIds: claimed },
        });
    });
  }

  /** The office hands the main contact over, e.g. to the successor after an election. */
  async setMain(actor: SessionUser, townId: string, userId: string): Promise<void> {
    if (!isOffice(actor)) throw forbidden();
    const deliveryId = await this.towns.transaction(async (m) => {
      const town = await this.towns.findByIdForUpdate(m, townId);
      if (!town) throw townNotFound();
      const contact = (await this.users.findContactsOfTown(townId, m)).find((c) => c.id === userId);
      if (!contact) throw contactNotFound();
      if (!contact.emailConfirmedAt) {
        throw new DomainError(
          HttpStatus.CONFLICT,
          'contact_not_active',
          'The contact has not accepted the invitation yet',
          'Diese Person hat ihre Einladung noch nicht angenommen.',
        );
      }
      if (contact.mainContact) return null;
      await this.users.setMainContact(m, townId, userId);
      await this.audit.write(m, {
        actorId: actor.id,
        action: 'contact.main_changed',
        subjectType: 'town',
        subjectId: townId,
        data: { userId },
      });
      return this.mail.record(
        {
          dedupeKey: `main-contact:${townId}:${userId}:${Date.now()}`,
          recipient: contact.email,
          template: 'main-contact',
          context: {
            displayName: contact.displayName,
            townName: town.municipality.name,
            profileUrl: `${this.config.appUrl}/meine-kommune`,
          },
        },
        m,
      );
    });
    if (deliveryId) await this.mail.dispatch([deliveryId]);
  }

  /** A colleague or the office removes a contact; never the last one, and the main contact only after a handover. */
  async remove(actor: SessionUser, townId: string, userId: string): Promise<void> {
    if (actor.townId !== townId && !isOffice(actor)) throw forbidden();
    await this.towns.transaction(async (m) => {
      const town = await this.towns.findByIdForUpdate(m, townId);
      if (!town) throw townNotFound();
      const contacts = await this.users.findContactsOfTown(townId, m);
      const contact = contacts.find((c) => c.id === userId);
      if (!contact) throw contactNotFound();
      if (contact.emailConfirmedAt && !contacts.some((c) => c.id !== userId && c.emailConfirmedAt)) throw lastContact();
      if (contact.mainContact) {
        throw new DomainError(
          HttpStatus.CONFLICT,
          'main_contact',
          'Hand the main contact over before removing it',
          'Die Hauptansprechperson kann erst entfernt werden, wenn die Geschäftsstelle eine andere Person dazu bestimmt hat.',
        );
      }
      await this.users.endSessions(m, [userId]);
      await this.audit.write(m, { actorId: actor.id, action: 'contact.removed', subjectType: 'town', subjectId: townId });
      await this.erasure.erase(m, userId);
    });
  }
}
