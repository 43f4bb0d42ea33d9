import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_KIND_DE } from '../events/core/event-transitions.util';
import { EventAudienceService } from '../events/event-audience.service';
import { formatBerlin } from '../common/berlin-time.util';
import { EventRepository, type EventRow } from '../events/event.repository';
import { placeOf } from '../events/events.service';
import type { DigestSection } from './digest-content.util';
import type { DigestRecipient, DigestSectionProvider } from './digest-section.provider';

/** Upcoming events open for registration whose target fits the town, and that nobody of the town registered for yet. */
@Injectable()
export class EventsSectionProvider implements DigestSectionProvider {
  readonly key = 'events';
  constructor(
    private readonly events: EventRepository,
    private readonly audience: EventAudienceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]> {
    const open = await this.events.listOpen(new Date());
    if (!open.length) return recipients.map(() => null);
    const townIds = [...new Set(recipients.map((r) => r.townId))];
    const [fits, registered] = await Promise.all([
      this.audience.fittingForTowns(townIds, open),
      this.events.registeredTowns(
        open.map((e) => e.id),
        townIds,
      ),
    ]);
    return recipients.map((r) => {
      const own = (fits.get(r.townId) ?? []).filter((e) => !registered.has(`${e.id}:${r.townId}`));
      return own.length ? this.section(own) : null;
    });
  }

  private section(rows: EventRow[]): DigestSection {
    return {
      key: this.key,
      title: 'Veranstaltungen, die zu Ihrer Kommune passen',
      intro: 'Für diese Veranstaltungen können Sie Personen aus Ihrer Kommune anmelden:',
      summary: `${rows.length} passende Veranstaltungen`,
      items: rows.map((e) => ({
        key: `event:${e.id}`,
        title: `${e.title} – ${EVENT_KIND_DE[e.kind]}`,
        detail: `${formatBerlin(e.startsAt)}, ${placeOf(e)}; Anmeldung bis ${formatBerlin(e.registrationDeadline)}`,
      })),
      link: { url: `${this.config.appUrl}/veranstaltungen?passend=ja`, text: 'Zu den passenden Veranstaltungen' },
    };
  }
}
