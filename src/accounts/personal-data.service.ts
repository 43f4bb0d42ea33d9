import { HttpStatus, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { DomainError } from '../common/domain-error';
import { TownRepository } from '../municipalities/town.repository';
import { verifyPassword } from '../auth/password.util';
import { MailService } from '../mail/mail.service';
import { AccountErasure } from './account-erasure.service';
import { PersonalDataRepository } from './personal-data.repository';
import type { SessionUser } from '../auth/session-user';
import { UserRepository } from '../auth/user.repository';

/** DSGVO: a contact downloads what is stored about them and their town, and deletes their account. */
@Injectable()
export class PersonalDataService {
  constructor(
    private readonly data: PersonalDataRepository,
    private readonly users: UserRepository,
    private readonly towns: TownRepository,
    private readonly audit: AuditRepository,
    private readonly erasure: AccountErasure,
    private readonly mail: MailService,
  ) {}

  async export(user: SessionUser): Promise<Record<string, unknown>> {
    const account = await this.data.account(user.id);
    return {
      exportedAt: new Date().toISOString(),
      description: 'Alle bei Kleinstadt-Tandem zu Ihrem Konto und Ihrer Kommune gespeicherten Daten (Art. 15 und 20 DSGVO).',
      account,
      town: user.townId ? await this.data.town(user.townId) : null,
      otherContactsOfTown: user.townId ? await this.data.colleagues(user.townId, user.id) : [],
      currentSuggestions: user.townId ? await this.data.suggestions(user.townId) : [],
      history: await this.data.auditTrail(user.id, user.townId),
      mails: await this.mail.sentTo(user.email),
    };
  }

  /**
   * Erases the person; the town and its history stay (attributed to "ehemaliger Kontakt"). The last contact of a
   * verified town cannot leave it without anyone; a pending application that only this person made goes entirely.
   */
  async deleteAccount(user: SessionUser, currentPassword: string): Promise<void> {
    if (user.role !== 'town_contact' || !user.townId) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'office_account',
        'Office accounts are removed by an administrator',
        'Konten der Geschäftsstelle entfernt eine Administratorin oder ein Administrator.',
      );
    }
    const withHash = await this.users.findWithHashById(user.id);
    if (!withHash || !(await verifyPassword(withHash.passwordHash, currentPassword))) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'wrong_password',
        'The current password is wrong',
        'Das Passwort ist falsch.',
        'currentPassword',
      );
    }
    const townId = user.townId;
    await this.towns.transaction(async (m) => {
      const town = await this.towns.findByIdForUpdate(m, townId);
      const others = (await this.users.findContactsOfTown(townId, m)).filter((c) => c.id !== user.id);
      const activeOthers = others.filter((c) => c.emailConfirmedAt);
      await this.users.endSessions(m, [user.id]);
      if (town && town.status !== 'verified' && !others.length) {
        await this.audit.write(m, { actorId: null, action: 'town.application_withdrawn', subjectType: 'town', subjectId: townId });
        await this.erasure.erase(m, user.id);
        await this.towns.delete(m, townId);
        return;
      }
      if (!activeOthers.length) {
        throw new DomainError(
          HttpStatus.CONFLICT,
          'last_contact',
          'The last contact of a town cannot delete the account; invite a successor first',
          'Sie sind die letzte Ansprechperson Ihrer Kommune. Bitte laden Sie zuerst eine Nachfolge ein (Kontakte) oder wenden Sie sich an die Geschäftsstelle.',
        );
      }
      const me = (await this.users.findById(user.id, m))!;
      if (me.mainContact) {
        await this.users.setMainContact(m, townId, activeOthers[0].id);
      }
      await this.audit.write(m, { actorId: user.id, action: 'user.deleted', subjectType: 'town', subjectId: townId });
      await this.erasure.erase(m, user.id);
    });
  }
}
