import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { MunicipalityRepository } from '../municipalities/municipality.repository';
import { TownRepository } from '../municipalities/town.repository';
import { sanitiseDisplayName } from './display-name.util';
import { hashPassword, passwordWeakness } from '../auth/password.util';
import { RegisterDto } from './register.dto';
import { hashToken, newToken } from '../auth/token.util';
import { UserRepository } from '../auth/user.repository';

const CONFIRM_PURPOSE = 'confirm-email';

@Injectable()
export class RegistrationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly towns: TownRepository,
    private readonly municipalities: MunicipalityRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
  ) {}

  /**
   * Creates a pending application (town row + first contact + confirmation email), all or nothing.
   * Cheap checks run before argon2. An address that already has an account gets the same answer as a new one;
   * only its owner learns the truth, by mail. Another pending application for the same town does not block.
   */
  async register(dto: RegisterDto): Promise<void> {
    const email = dto.email.trim();
    const displayName = sanitiseDisplayName(dto.displayName);
    if (!displayName) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'invalid_display_name',
        "displayName must be 2 to 80 characters: letters, spaces and . - ' only, no addresses or links",
        "Bitte geben Sie Ihren Namen an (2 bis 80 Zeichen, nur Buchstaben, Leerzeichen und . - ').",
        'displayName',
      );
    }
    const weak = passwordWeakness(dto.password, email);
    if (weak) throw new DomainError(HttpStatus.BAD_REQUEST, 'weak_password', weak, germanWeakness(), 'password');
    const municipality = await this.municipalities.findByAgs(dto.ags);
    if (!municipality) {
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        'unknown_ags',
        `No municipality with AGS ${dto.ags} in the official directory`,
        'Diese Kommune steht nicht im amtlichen Gemeindeverzeichnis. Bitte wählen Sie sie aus der Suche aus.',
        'ags',
      );
    }
    // Which towns are verified is public (they appear in the network), so saying so reveals nothing about accounts.
    if (await this.towns.verifiedExistsForAgs(dto.ags)) throw townTaken(municipality.name);

    const passwordHash = await hashPassword(dto.password, this.config.passwordHash);
    const token = newToken();
    const deliveryId = await this.towns
      .transaction(async (m) => {
        await this.users.purgeExpiredRegistrations(m, email);
        const existing = await this.users.findIdByEmail(email, m);
        if (existing) {
          // One notice per account and day, however often someone tries the address.
          return this.mail.record(
            {
              dedupeKey: `account-exists:${existing}:${new Date().toISOString().slice(0, 10)}`,
              recipient: email,
              template: 'account-exists',
              context: { loginUrl: `${this.config.appUrl}/anmelden`, resetUrl: `${this.config.appUrl}/passwort-vergessen` },
            },
            m,
          );
        }
        const townId = await this.towns.create(m, dto.ags);
        const user = await this.users.create(m, {
          email,
          passwordHash,
          role: 'town_contact',
          displayName,
          townId,
          contactFunction: dto.contactFunction,
          privacyAcceptedAt: new Date(),
          mainContact: true,
        });
        const expiresAt = new Date(Date.now() + this.config.confirmTokenHours * 3600_000);
        const tokenRow = await this.users.createToken(m, { userId: user.id, purpose: CONFIRM_PURPOSE, tokenHash: token.hash, expiresAt });
        await this.audit.write(m, {
          actorId: user.id,
          action: 'town.registered',
          subjectType: 'town',
          subjectId: townId,
          data: { ags: dto.ags },
        });
        // The address is not confirmed yet: the mail carries no text the registrant typed (no phishing vehicle).
        return this.mail.record(
          {
            dedupeKey: `confirm-email:${tokenRow.id}`,
            recipient: email,
            template: 'confirm-email',
            context: {
              townName: municipality.name,
              stateName: municipality.stateName,
              confirmUrl: `${this.config.appUrl}/bestaetigen?token=${token.raw}`,
              validHours: this.config.confirmTokenHours,
            },
          },
          m,
        );
      })
      .catch((err) => {
        // Two simultaneous registrations with one email: the unique index decides; the loser's answer looks the same.
        if ((err as { code?: string } | undefined)?.code === '23505') return null;
        throw err;
      });
    if (deliveryId) await this.mail.dispatch([deliveryId]);
  }

  /**
   * "Bestätigungsmail erneut senden": a fresh confirmation link for an application that is still waiting for its
   * address to be confirmed (earlier links keep working until they expire). Same outcome for the caller whatever the
   * address: an unknown, confirmed, invited or expired one gets no mail and no different answer (no enumeration).
   * The new link also keeps the application from expiring for another CONFIRM_TOKEN_HOURS.
   */
  async resendConfirmation(rawEmail: string): Promise<void> {
    const email = rawEmail.trim();
    const deliveryId = await this.towns.transaction(async (m) => {
      // An application whose links all ran out is gone, as at registration: the address registers again.
      await this.users.purgeExpiredRegistrations(m, email);
      const userId = await this.users.findIdByEmail(email, m);
      const user = userId ? await this.users.findById(userId, m) : null;
      if (!user || user.emailConfirmedAt || !user.townId) return null;
      const town = await this.towns.findById(user.townId, m);
      if (!town || town.status !== 'pending') return null;
      const token = newToken();
      const expiresAt = new Date(Date.now() + this.config.confirmTokenHours * 3600_000);
      const tokenRow = await this.users.createToken(m, { userId: user.id, purpose: CONFIRM_PURPOSE, tokenHash: token.hash, expiresAt });
      // The same mail as at registration: no text the (unconfirmed) registrant typed.
      return this.mail.record(
        {
          dedupeKey: `confirm-email:${tokenRow.id}`,
          recipient: user.email,
          template: 'confirm-email',
          context: {
            townName: town.municipality.name,
            stateName: town.municipality.stateName,
            confirmUrl: `${this.config.appUrl}/bestaetigen?token=${token.raw}`,
            validHours: this.config.confirmTokenHours,
          },
        },
        m,
      );
    });
    if (deliveryId) await this.mail.dispatch([deliveryId]);
  }

  async confirm(rawToken: string): Promise<{ userId: string }> {
    return this.towns.transaction(async (m) => {
      const token = await this.users.findTokenForUpdate(m, hashToken(rawToken), CONFIRM_PURPOSE);
      if (!token) {
        throw new DomainError(
          HttpStatus.BAD_REQUEST,
          'invalid_token',
          'The confirmation link is invalid',
          'Dieser Bestätigungslink ist ungültig. Bitte prüfen Sie, ob Sie den Link vollständig kopiert haben.',
        );
      }
      if ((await this.users.townStatusOf(token.userId, m)) === 'rejected') {
        throw new DomainError(
          HttpStatus.GONE,
          'registration_rejected',
          'This registration was rejected; the link is no longer valid',
          'Diese Registrierung wurde von der Geschäftsstelle abgelehnt. Der Link ist nicht mehr gültig.',
        );
      }
      if (token.usedAt) {
        throw new DomainError(
          HttpStatus.GONE,
          'token_used',
          'The confirmation link has already been used',
          'Dieser Bestätigungslink wurde bereits verwendet. Sie können sich direkt anmelden.',
        );
      }
      if (token.expiresAt.getTime() < Date.now()) {
        throw new DomainError(
          HttpStatus.GONE,
          'token_expired',
          'The confirmation link has expired',
          'Dieser Bestätigungslink ist abgelaufen. Bitte registrieren Sie sich erneut.',
        );
      }
      await this.users.useToken(m, token.id, token.userId);
      await this.audit.write(m, { actorId: token.userId, action: 'user.email_confirmed', subjectType: 'user', subjectId: token.userId });
      return { userId: token.userId };
    });
  }
}

const townTaken = (name: string) =>
  new DomainError(
    HttpStatus.CONFLICT,
    'town_already_registered',
    `${name} is already registered`,
    `${name} ist bereits registriert. Bitte wenden Sie sich an die Geschäftsstelle, wenn Sie als weitere Ansprechperson hinzukommen möchten.`,
    'ags',
  );

function germanWeakness(): string {
  return 'Das Passwort ist zu schwach: mindestens 10 Zeichen mit drei der vier Arten Kleinbuchstaben, Großbuchstaben, Ziffern und Sonderzeichen, und nicht die E-Mail-Adresse.';
}
