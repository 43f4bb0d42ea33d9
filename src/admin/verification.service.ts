import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { UserRepository } from '../auth/user.repository';
import { DomainError, townNotFound } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { MatchingService } from '../matching/matching.service';
import { TownRepository } from '../municipalities/town.repository';

export type Decision = 'verify' | 'reject';

@Injectable()
export class VerificationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly towns: TownRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly matching: MatchingService,
  ) {}

  /** Pending registrations, oldest first; a page of them, or all (`limit` null). */
  pendingRegistrations(limit: number | null = null, offset = 0) {
    return this.towns.pendingRegistrations(limit, offset);
  }

  /** One decision per registration: status, audit row and an email to every contact, in one transaction. */
  async decide(actor: SessionUser, townId: string, decision: Decision, reason: string | undefined): Promise<void> {
    const why = reason?.trim() || null;
    if (decision === 'reject' && (!why || why.length < 5)) {
      throw new DomainError(HttpStatus.BAD_REQUEST, 'reason_required', 'A rejection needs a reason (at least 5 characters)',
        'Bitte geben Sie eine Begründung für die Ablehnung an (mindestens 5 Zeichen).', 'reason');
    }
    const deliveryIds = await this.towns.transaction(async (m) => {
      const town = await this.towns.findByIdForUpdate(m, townId);
      if (!town) throw townNotFound();
      if (town.status !== 'pending') {
        throw new DomainError(HttpStatus.CONFLICT, 'already_decided', `This registration was already decided (${town.status})`,
          'Über diese Registrierung wurde bereits entschieden.');
      }
      const contacts = await this.users.findContactsOfTown(townId, m);
      if (decision === 'verify' && !contacts.some((c) => c.emailConfirmedAt)) {
        throw new DomainError(HttpStatus.CONFLICT, 'email_not_confirmed', 'No contact of this town has confirmed their email yet',
          'Die Ansprechperson hat ihre E-Mail-Adresse noch nicht bestätigt. Bitte warten Sie mit der Freischaltung.');
      }
      await this.towns.setStatus(m, townId, decision === 'verify' ? 'verified' : 'rejected', decision === 'reject' ? why : null);
      await this.audit.write(m, {
        actorId: actor.id, action: decision === 'verify' ? 'town.verified' : 'town.rejected', subjectType: 'town', subjectId: townId, reason: why,
      });
      const townName = (await this.towns.findById(townId, m))!.municipality.name;
      const ids: string[] = [];
      for (const c of contacts) {
        ids.push(await this.mail.record({
          dedupeKey: `town-decision:${townId}:${c.id}`,
          recipient: c.email,
          template: decision === 'verify' ? 'town-verified' : 'town-rejected',
          context: { displayName: c.displayName, townName, reason: why, profileUrl: `${this.config.appUrl}/meine-kommune` },
        }, m));
      }
      return ids;
    });
    await this.mail.dispatch(deliveryIds);
    if (decision === 'verify') await this.matching.requestRecompute('verified');
  }
}
