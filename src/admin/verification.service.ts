import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { UserRepository } from '../auth/user.repository';
import { DomainError, townNotFound } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
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
    private readonly recompute: RecomputeTrigger,
  ) {}

  /**
   * One decision per application: status, audit row and an email to every contact, in one transaction.
   * Verifying one application rejects the competing ones for the same town; a rejected contact's sessions end.
   */
  async decide(actor: SessionUser, townId: string, decision: Decision, reason: string | undefined): Promise<void> {
    const why = reason?.trim() || null;
    if (decision === 'reject' && (!why || why.length < 5)) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'reason_required',
        'A rejection needs a reason (at least 5 characters)',
        'Bitte geben Sie eine Begründung für die Ablehnung an (mindestens 5 Zeichen).',
        'reason',
      );
    }
    const deliveryIds = await this.towns.transaction(async (m) => {
      const town = await this.towns.findByIdForUpdate(m, townId);
      if (!town) throw townNotFound();
      if (town.status !== 'pending') {
        throw new DomainError(
          HttpStatus.CONFLICT,
          'already_decided',
          `This registration was already decided (${town.status})`,
          'Über diese Registrierung wurde bereits entschieden.',
        );
      }
      const townName = (await this.towns.findById(townId, m))!.municipality.name;
      const contacts = await this.users.findContactsOfTown(townId, m);
      if (decision === 'reject') {
        return this.rejectApplication(m, actor, townId, townName, why!, 'town.rejected');
      }
      if (!contacts.some((c) => c.emailConfirmedAt)) {
        throw new DomainError(
          HttpStatus.CONFLICT,
          'email_not_confirmed',
          'No contact of this town has confirmed their email yet',
          'Die Ansprechperson hat ihre E-Mail-Adresse noch nicht bestätigt. Bitte warten Sie mit der Freischaltung.',
        );
      }
      if (await this.towns.verifiedExistsForAgs(town.ags, m, townId)) {
        throw new DomainError(
          HttpStatus.CONFLICT,
          'town_already_verified',
          'Another registration of this town is already verified',
          `Für ${townName} ist bereits eine andere Registrierung bestätigt.`,
        );
      }
      await this.towns.setStatus(m, townId, 'verified', null);
      await this.audit.write(m, { actorId: actor.id, action: 'town.verified', subjectType: 'town', subjectId: townId, reason: why });
      const ids = await this.mailDecision(m, townId, contacts, 'town-verified', (c) => ({
        displayName: c.displayName,
        townName,
        profileUrl: `${this.config.appUrl}/meine-kommune`,
      }));
      const competitorReason = `Für ${townName} hat die Geschäftsstelle eine andere Registrierung bestätigt.`;
      for (const other of await this.towns.pendingCompetitorIds(m, town.ags, townId)) {
        ids.push(...(await this.rejectApplication(m, actor, other, townName, competitorReason, 'town.rejected_competing', townId)));
      }
      return ids;
    });
    await this.mail.dispatch(deliveryIds);
    if (decision === 'verify') await this.recompute.request('verified');
  }

  private async rejectApplication(
    m: EntityManager,
    actor: SessionUser,
    townId: string,
    townName: string,
    reason: string,
    action: 'town.rejected' | 'town.rejected_competing',
    supersededBy?: string,
  ): Promise<string[]> {
    await this.towns.setStatus(m, townId, 'rejected', reason);
    await this.audit.write(m, {
      actorId: actor.id,
      action,
      subjectType: 'town',
      subjectId: townId,
      reason,
      data: supersededBy ? { supersededBy } : {},
    });
    const contacts = await this.users.findContactsOfTown(townId, m);
    await this.users.endSessions(
      m,
      contacts.map((c) => c.id),
    );
    return this.mailDecision(m, townId, contacts, 'town-rejected', (c) => ({
      // An address nobody confirmed gets no text the registrant typed.
      displayName: c.emailConfirmedAt ? c.displayName : null,
      townName,
      reason,
    }));
  }

  /** The decision to each contact of the town, recorded in the caller's transaction; one mail per town and contact. */
  private async mailDecision<C extends { id: string; email: string }>(
    m: EntityManager,
    townId: string,
    contacts: C[],
    template: 'town-verified' | 'town-rejected',
    context: (c: C) => Record<string, unknown>,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const c of contacts) {
      ids.push(
        await this.mail.record({ dedupeKey: `town-decision:${townId}:${c.id}`, recipient: c.email, template, context: context(c) }, m),
      );
    }
    return ids;
  }
}
