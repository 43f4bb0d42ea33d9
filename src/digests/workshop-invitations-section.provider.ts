import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { WorkshopRepository, type OpenInvitationRow } from '../workshops/workshop.repository';
import { formatBerlin } from '../common/berlin-time.util';
import type { DigestSection } from './digest-content.util';
import { sectionsPerRecipient, type DigestRecipient, type DigestSectionProvider } from './digest-section.provider';

function where(w: OpenInvitationRow): string {
  if (w.format === 'online') return 'online';
  return w.hostTownName ? `vor Ort in ${w.hostTownName}` : 'vor Ort';
}

/** Workshop invitations this town has not answered yet (from the workshops module), one query for the batch. */
@Injectable()
export class WorkshopInvitationsSectionProvider implements DigestSectionProvider {
  readonly key = 'workshop-invitations';
  constructor(
    private readonly workshops: WorkshopRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]> {
    const rows = await this.workshops.openInvitationsForTowns([...new Set(recipients.map((r) => r.townId))], new Date());
    return sectionsPerRecipient(recipients, rows, (own) => this.section(own));
  }

  private section(rows: OpenInvitationRow[]): DigestSection {
    return {
      key: this.key,
      title: 'Einladungen zu Transferwerkstätten',
      intro: 'Ihre Kommune ist zu diesen Werkstätten eingeladen und hat noch nicht geantwortet:',
      summary: `${rows.length} Einladungen zu Transferwerkstätten`,
      items: rows.map((w) => ({
        // One mention per workshop: the invitation mail and its updates carry the details and the calendar entry.
        key: `workshop-invitation:${w.workshopId}`,
        title: `${w.title} – Thema: ${w.themeName}`,
        detail: `${w.startsAt ? formatBerlin(w.startsAt) : 'Termin folgt'}, ${where(w)}`,
        reasons: w.chosenBecause || undefined,
        reasonLines: w.chosenBecause ? w.chosenBecause.split('\n').filter((l) => l.trim()) : undefined,
      })),
      link: { url: `${this.config.appUrl}/werkstaetten`, text: 'Zu Ihren Werkstätten: zusagen oder absagen' },
    };
  }
}
