import { HttpStatus, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/input.util';
import { PracticeRepository } from '../practices/practice.repository';
import { PracticesService } from '../practices/practices.service';
import { EventRepository } from './event.repository';
import { eventNotFound } from './events.service';

/**
 * A documented event becomes a Methodenkoffer draft (issue 28 phase 2): through the practices module's service (a lower
 * layer), owned by the host town or, for the office's own events, by a town the office picks among those that had a
 * place. One draft per event; a second call answers the existing one.
 */
@Injectable()
export class EventPracticeService {
  constructor(
    private readonly repo: EventRepository,
    private readonly practices: PracticesService,
    private readonly practiceRepo: PracticeRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** The towns that may own the draft: the host, else each town with a place (confirmed), by name. */
  async candidateTowns(id: string): Promise<{ id: string; name: string }[]> {
    const e = await this.repo.findById(id);
    if (!e) throw eventNotFound();
    if (e.hostTownId) return [{ id: e.hostTownId, name: e.hostTownName ?? '' }];
    const seen = new Map<string, string>();
    for (const r of await this.repo.registrations(id)) if (r.status === 'confirmed') seen.set(r.townId, r.townName);
    return [...seen].map(([townId, name]) => ({ id: townId, name })).sort((a, b) => a.name.localeCompare(b.name, 'de'));
  }

  /** The draft of the event, if one was made. */
  draftOf(id: string) {
    return this.practiceRepo.forEvent(id);
  }

  async draft(user: SessionUser, id: string, townId: unknown): Promise<{ practiceId: string; created: boolean }> {
    const e = await this.repo.findById(id);
    if (!e) throw eventNotFound();
    if (e.state !== 'documented' || !e.resultSummary)
      throw new DomainError(
        HttpStatus.CONFLICT,
        'not_documented',
        'Only a documented event becomes a Methodenkoffer draft',
        'Einen Methodenkoffer-Entwurf legen Sie aus einer Veranstaltung an, deren Ergebnisse dokumentiert sind.',
      );
    const existing = await this.practiceRepo.forEvent(id);
    if (existing) return { practiceId: existing.id, created: false };
    const candidates = await this.candidateTowns(id);
    const chosen = e.hostTownId ?? (typeof townId === 'string' && isUuid(townId) ? townId : null);
    if (!chosen || !candidates.some((c) => c.id === chosen))
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'town_required',
        'townId must be one of the towns that had a place (the host town for a hosted event)',
        'Bitte wählen Sie die Kommune, deren Anwendungsbeispiel es werden soll (eine Kommune mit einem Platz).',
        'townId',
      );
    const out = await this.practices.draftFromEvent(
      user,
      { eventId: id, townId: chosen, title: e.title, summary: e.resultSummary, topics: e.topics },
      (m, practiceId) =>
        this.audit.write(m, {
          actorId: user.id,
          action: 'event.practice_drafted',
          subjectType: 'event',
          subjectId: id,
          data: { practiceId, townId: chosen },
        }),
    );
    return { practiceId: out.id, created: out.created };
  }
}
