import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { TownRepository } from '../municipalities/town.repository';
import { AddressMailLimit } from '../security/address-mail-limit';
import { hashPassword, passwordWeakness, verifyPassword } from '../auth/password.util';
import type { SessionUser } from '../auth/session-user';
import { hashToken, newToken } from '../auth/token.util';
import { UserRepository } from '../auth/user.repository';
import type { EmailToken } from '../auth/email-token.entity';

const RESET_PURPOSE = 'password-reset';
const EMAIL_CHANGE_PURPOSE = 'email-change';
const EMAIL_CHANGE_HOURS = 24;

const invalidLink = () =>
  new DomainError(
    HttpStatus.BAD_REQUEST,
    'invalid_token',
    'The link is invalid, used or expired',
    'Dieser Link ist ungültig, abgelaufen oder wurde bereits verwendet. Bitte fordern Sie einen neuen an.',
  );
const weakPassword = (reason: string) =>
  new DomainError(
    HttpStatus.BAD_REQUEST,
    'weak_password',
    reason,
    'Das Passwort ist zu schwach: mindestens 10 Zeichen mit drei der vier Arten Kleinbuchstaben, Großbuchstaben, Ziffern und Sonderzeichen, und nicht die E-Mail-Adresse.',
    'password',
  );
const wrongPassword = () =>
  new DomainError(
    HttpStatus.BAD_REQUEST,
    'wrong_password',
    'The current password is wrong',
    'Das aktuelle Passwort ist falsch.',
    'currentPassword',
  );

/** Password reset by mail, change of password and of email address; every change ends the user's sessions. */
const invalidPhone = () =>
  new DomainError(
    HttpStatus.BAD_REQUEST,
    'invalid_phone',
    'The phone number may contain digits, spaces and + ( ) / - only (at most 40 characters)',
    'Bitte geben Sie die Telefonnummer nur mit Ziffern, Leerzeichen und + ( ) / - an (höchstens 40 Zeichen).',
    'phone',
  );

@Injectable()
export class AccountService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly towns: TownRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly mailLimit: AddressMailLimit,
  ) {}

  /**
   * The phone number tandem partners see from approval on (issue 23); optional, empty removes it. Digits, spaces and
   * + ( ) / - only, so nothing but a number can reach a partner's page or mail.
   */
  async setPhone(actor: SessionUser, raw: unknown): Promise<string | null> {
    if (raw != null && typeof raw !== 'string') throw invalidPhone();
    const phone = (raw ?? '').trim().replace(/\s+/g, ' ');
    if (phone && (phone.length > 40 || !/^\+?[0-9(][0-9 ()/-]{3,}$/.test(phone) || (phone.match(/[0-9]/g)?.length ?? 0) < 4))
      throw invalidPhone();
    await this.users.setPhone(actor.id, phone || null);
    return phone || null;
  }

  phoneOf(actor: SessionUser): Promise<string | null> {
    return this.users.phoneOf(actor.id);
  }

  /**
   * Same answer for every address; a mail only when an active account exists and the address is within its hourly
   * limit (counted for every address asked for, known or not, whatever client asks).
   */
  async requestReset(email: string): Promise<void> {
    if (!(await this.mailLimit.allow('password-reset', email))) return;
    const user = await this.users.findWithHashByEmail(email.trim());
    if (!user || (user.townId && (await this.users.townStatusOf(user.id)) === 'rejected')) return;
    const token = newToken();
    const deliveryId = await this.towns.transaction(async (m) => {
      await this.users.revokeTokens(m, user.id, RESET_PURPOSE);
      const row = await this.users.createToken(m, {
        userId: user.id,
        purpose: RESET_PURPOSE,
        tokenHash: token.hash,
        expiresAt: new Date(Date.now() + this.config.resetTokenMinutes * 60_000),
      });
      await this.audit.write(m, { actorId: null, action: 'user.password_reset_requested', subjectType: 'user', subjectId: user.id });
      return this.mail.record(
        {
          dedupeKey: `password-reset:${row.id}`,
          recipient: user.email,
          template: 'password-reset',
          context: { resetUrl: `${this.config.appUrl}/passwort-neu?token=${token.raw}`, validMinutes: this.config.resetTokenMinutes },
        },
        m,
      );
    });
    await this.mail.dispatch([deliveryId]);
  }

  /** Single use: the link sets a new password once, ends every session of the user and tells them by mail. */
  async resetPassword(rawToken: string, password: string): Promise<void> {
    const ids = await this.towns.transaction(async (m) => {
      const token = await this.liveToken(m, rawToken, RESET_PURPOSE);
      const user = (await this.users.findById(token.userId, m))!;
      const weak = passwordWeakness(password, user.email);
      if (weak) throw weakPassword(weak);
      await this.users.setPasswordHash(m, user.id, await hashPassword(password, this.config.passwordHash));
      await this.users.markTokenUsed(m, token.id, user.id);
      await this.users.revokeTokens(m, user.id, RESET_PURPOSE);
      await this.users.endSessions(m, [user.id]);
      await this.audit.write(m, { actorId: user.id, action: 'user.password_reset', subjectType: 'user', subjectId: user.id });
      return [await this.passwordChangedNotice(m, user.id, user.email, token.id)];
    });
    await this.mail.dispatch(ids);
  }

  /** The caller logs the current session in again afterwards; every other session ends. */
  async changePassword(actor: SessionUser, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findWithHashById(actor.id);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) throw wrongPassword();
    const weak = passwordWeakness(newPassword, user.email);
    if (weak) throw weakPassword(weak);
    const hash = await hashPassword(newPassword, this.config.passwordHash);
    const ids = await this.towns.transaction(async (m) => {
      await this.users.setPasswordHash(m, user.id, hash);
      await this.users.revokeTokens(m, user.id, RESET_PURPOSE);
      await this.users.endSessions(m, [user.id]);
      await this.audit.write(m, { actorId: user.id, action: 'user.password_changed', subjectType: 'user', subjectId: user.id });
      return [await this.passwordChangedNotice(m, user.id, user.email, `change-${Date.now()}`)];
    });
    await this.mail.dispatch(ids);
  }

  /** Confirmed on the new address (link), with a notice to the old one; nothing changes until the link is used. */
  async requestEmailChange(actor: SessionUser, currentPassword: string, newEmail: string): Promise<void> {
    const user = await this.users.findWithHashById(actor.id);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) throw wrongPassword();
    const email = newEmail.trim();
    if (email.toLowerCase() === user.email.toLowerCase()) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'same_email',
        'This is already your email address',
        'Das ist bereits Ihre E-Mail-Adresse.',
        'newEmail',
      );
    }
    // Confirmations to one address are limited per hour like reset mails; the answer does not change.
    if (!(await this.mailLimit.allow('email-change', email))) return;
    const token = newToken();
    const ids = await this.towns.transaction(async (m) => {
      await this.users.revokeTokens(m, user.id, EMAIL_CHANGE_PURPOSE);
      const row = await this.users.createToken(m, {
        userId: user.id,
        purpose: EMAIL_CHANGE_PURPOSE,
        tokenHash: token.hash,
        newEmail: email,
        expiresAt: new Date(Date.now() + EMAIL_CHANGE_HOURS * 3600_000),
      });
      await this.audit.write(m, { actorId: user.id, action: 'user.email_change_requested', subjectType: 'user', subjectId: user.id });
      return [
        await this.mail.record(
          {
            dedupeKey: `email-change:${row.id}`,
            recipient: email,
            template: 'email-change',
            context: { confirmUrl: `${this.config.appUrl}/email-bestaetigen?token=${token.raw}`, validHours: EMAIL_CHANGE_HOURS },
          },
          m,
        ),
        await this.mail.record(
          {
            dedupeKey: `email-change-notice:${row.id}`,
            recipient: user.email,
            template: 'email-change-notice',
            context: { newEmail: email, loginUrl: `${this.config.appUrl}/anmelden` },
          },
          m,
        ),
      ];
    });
    await this.mail.dispatch(ids);
  }

  async confirmEmailChange(rawToken: string): Promise<{ email: string }> {
    return this.towns
      .transaction(async (m) => {
        const token = await this.liveToken(m, rawToken, EMAIL_CHANGE_PURPOSE);
        const email = token.newEmail!;
        const owner = await this.users.findIdByEmail(email, m);
        if (owner && owner !== token.userId) {
          throw new DomainError(
            HttpStatus.CONFLICT,
            'email_unavailable',
            'This address cannot be used for your account',
            'Diese E-Mail-Adresse kann für Ihr Konto nicht verwendet werden. Bitte wenden Sie sich an die Geschäftsstelle.',
          );
        }
        await this.users.setEmail(m, token.userId, email);
        await this.users.revokeTokens(m, token.userId, EMAIL_CHANGE_PURPOSE);
        await this.users.revokeTokens(m, token.userId, RESET_PURPOSE);
        await this.users.endSessions(m, [token.userId]);
        await this.audit.write(m, { actorId: token.userId, action: 'user.email_changed', subjectType: 'user', subjectId: token.userId });
        return { email };
      })
      .catch((err) => {
        if ((err as { code?: string } | undefined)?.code === '23505') {
          throw new DomainError(
            HttpStatus.CONFLICT,
            'email_unavailable',
            'This address cannot be used for your account',
            'Diese E-Mail-Adresse kann für Ihr Konto nicht verwendet werden. Bitte wenden Sie sich an die Geschäftsstelle.',
          );
        }
        throw err;
      });
  }

  private async liveToken(m: EntityManager, rawToken: string, purpose: string): Promise<EmailToken> {
    const token = await this.users.findTokenForUpdate(m, hashToken(rawToken), purpose);
    if (!token || token.usedAt || token.expiresAt.getTime() < Date.now()) throw invalidLink();
    if ((await this.users.townStatusOf(token.userId, m)) === 'rejected') throw invalidLink();
    return token;
  }

  private passwordChangedNotice(m: EntityManager, userId: string, email: string, key: string): Promise<string> {
    return this.mail.record(
      {
        dedupeKey: `password-changed:${userId}:${key}`,
        recipient: email,
        template: 'password-changed',
        context: { forgotUrl: `${this.config.appUrl}/passwort-vergessen` },
      },
      m,
    );
  }
}
