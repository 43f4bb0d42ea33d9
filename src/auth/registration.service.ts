import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { MunicipalityRepository } from '../municipalities/municipality.repository';
import { TownRepository } from '../municipalities/town.repository';
import { hashPassword, passwordWeakness } from './password.util';
import { RegisterDto } from './register.dto';
import { hashToken, newToken } from './token.util';
import { UserRepository } from './user.repository';

export const CONFIRM_PURPOSE = 'confirm-email';

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

  /** Creates a pending town, its first contact and the confirmation email, all or nothing. */
  async register(dto: RegisterDto): Promise<{ userId: string; townId: string }> {
    const email = dto.email.trim();
    const weak = passwordWeakness(dto.password, email);
    if (weak) throw new DomainError(HttpStatus.BAD_REQUEST, 'weak_password', weak, germanWeakness(), 'password');
    const passwordHash = await hashPassword(dto.password);
    const token = newToken();

    const result = await this.towns.transaction(async (m) => {
      const municipality = await this.municipalities.findByAgs(dto.ags, m);
      if (!municipality) {
        throw new DomainError(HttpStatus.NOT_FOUND, 'unknown_ags', `No municipality with AGS ${dto.ags} in the official directory`,
          'Diese Kommune steht nicht im amtlichen Gemeindeverzeichnis. Bitte wählen Sie sie aus der Suche aus.', 'ags');
      }
      if (await this.towns.existsForAgs(dto.ags, m)) {
        throw new DomainError(HttpStatus.CONFLICT, 'town_already_registered', `${municipality.name} is already registered`,
          `${municipality.name} ist bereits registriert. Bitte wenden Sie sich an die Geschäftsstelle, wenn Sie als weitere Ansprechperson hinzukommen möchten.`, 'ags');
      }
      if (await this.users.emailExists(email, m)) {
        throw new DomainError(HttpStatus.CONFLICT, 'email_taken', 'An account with this email already exists',
          'Für diese E-Mail-Adresse besteht bereits ein Konto. Bitte melden Sie sich an.', 'email');
      }
      const townId = await this.towns.create(m, dto.ags);
      const user = await this.users.create(m, {
        email, passwordHash, role: 'town_contact', displayName: dto.displayName.trim(), townId, contactFunction: dto.contactFunction,
      });
      const expiresAt = new Date(Date.now() + this.config.confirmTokenHours * 3600_000);
      const tokenRow = await this.users.createToken(m, { userId: user.id, purpose: CONFIRM_PURPOSE, tokenHash: token.hash, expiresAt });
      await this.audit.write(m, { actorId: user.id, action: 'town.registered', subjectType: 'town', subjectId: townId, data: { ags: dto.ags } });
      const deliveryId = await this.mail.record({
        dedupeKey: `confirm-email:${tokenRow.id}`,
        recipient: email,
        template: 'confirm-email',
        context: {
          displayName: user.displayName, townName: municipality.name, stateName: municipality.stateName,
          confirmUrl: `${this.config.appUrl}/bestaetigen?token=${token.raw}`, validHours: this.config.confirmTokenHours,
        },
      }, m);
      return { userId: user.id, townId, deliveryId };
    }).catch((err) => {
      // Two simultaneous registrations of one town or email: the unique index decides, the loser gets the same message.
      if (err?.code === '23505') {
        throw new DomainError(HttpStatus.CONFLICT, 'already_registered', 'The town or email is already registered',
          'Diese Kommune oder E-Mail-Adresse ist bereits registriert.');
      }
      throw err;
    });
    await this.mail.dispatch([result.deliveryId]);
    return { userId: result.userId, townId: result.townId };
  }

  async confirm(rawToken: string): Promise<{ userId: string }> {
    return this.towns.transaction(async (m) => {
      const token = await this.users.findTokenForUpdate(m, hashToken(rawToken), CONFIRM_PURPOSE);
      if (!token) {
        throw new DomainError(HttpStatus.BAD_REQUEST, 'invalid_token', 'The confirmation link is invalid',
          'Dieser Bestätigungslink ist ungültig. Bitte prüfen Sie, ob Sie den Link vollständig kopiert haben.');
      }
      if (token.usedAt) {
        throw new DomainError(HttpStatus.GONE, 'token_used', 'The confirmation link has already been used',
          'Dieser Bestätigungslink wurde bereits verwendet. Sie können sich direkt anmelden.');
      }
      if (token.expiresAt.getTime() < Date.now()) {
        throw new DomainError(HttpStatus.GONE, 'token_expired', 'The confirmation link has expired',
          'Dieser Bestätigungslink ist abgelaufen. Bitte wenden Sie sich an die Geschäftsstelle.');
      }
      await this.users.useToken(m, token.id, token.userId);
      await this.audit.write(m, { actorId: token.userId, action: 'user.email_confirmed', subjectType: 'user', subjectId: token.userId });
      return { userId: token.userId };
    });
  }
}

function germanWeakness(): string {
  return 'Das Passwort ist zu schwach: mindestens 10 Zeichen mit drei der vier Arten Kleinbuchstaben, Großbuchstaben, Ziffern und Sonderzeichen, und nicht die E-Mail-Adresse.';
}
