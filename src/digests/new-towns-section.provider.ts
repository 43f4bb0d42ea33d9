import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { joinGerman, type DigestSection } from './digest-content.util';
import type { DigestRecipient, DigestSectionProvider } from './digest-section.provider';
import { DigestRepository } from './digest.repository';

/** Towns the Geschäftsstelle verified since the last digest that work on at least one of this town's topics. */
@Injectable()
export class NewTownsSectionProvider implements DigestSectionProvider {
  readonly key = 'new-towns';
  constructor(
    private readonly repo: DigestRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]> {
    const found = await this.repo.newlyVerifiedOnTopics(recipients.map((r) => ({ townId: r.townId, since: r.since })));
    return found.map((rows) => (rows.length ? this.section(rows) : null));
  }

  private section(rows: Awaited<ReturnType<DigestRepository['newlyVerifiedOnTopics']>>[number]): DigestSection {
    return {
      key: this.key,
      title: 'Neu im Netzwerk zu Ihren Themen',
      intro: 'Diese Kommunen sind neu dabei und arbeiten an Themen, die auch Sie angegeben haben:',
      summary: `${rows.length} neue Kommunen zu Ihren Themen`,
      items: rows.map((t) => ({
        key: `new-town:${t.id}`,
        title: `${t.name} (${t.stateName})`,
        detail: `${t.population.toLocaleString('de-DE')} Einwohner`,
        reasons: `Gemeinsame Themen: ${joinGerman(t.topics)}`,
      })),
      link: { url: `${this.config.appUrl}/vorschlaege`, text: 'Zu Ihren Vorschlägen' },
    };
  }
}
