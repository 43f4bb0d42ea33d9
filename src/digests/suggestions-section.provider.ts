import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { reasonList, reasonListLines } from '../matching/core/reason-list.util';
import { reasonLine } from '../matching/core/score.util';
import type { DigestSection } from './digest-content.util';
import { sectionsPerRecipient, type DigestRecipient, type DigestSectionProvider } from './digest-section.provider';
import { DigestRepository } from './digest.repository';

/** New suggested partners, with the same German reasons the suggestions page shows. */
@Injectable()
export class SuggestionsSectionProvider implements DigestSectionProvider {
  readonly key = 'suggestions';
  constructor(
    private readonly repo: DigestRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]> {
    const rows = await this.repo.currentSuggestionsFor([...new Set(recipients.map((r) => r.townId))]);
    return sectionsPerRecipient(recipients, rows, (own) => this.section(own));
  }

  private section(rows: Awaited<ReturnType<DigestRepository['currentSuggestionsFor']>>): DigestSection {
    return {
      key: this.key,
      title: 'Neue Partnervorschläge',
      intro: 'Diese Kommunen passen nach den Angaben in den Profilen gut zu Ihrer Kommune:',
      summary: `${rows.length} neue Partnervorschläge`,
      items: rows.map((s) => ({
        key: `suggestion:${s.partnerId}`,
        title: `${s.name} (${s.stateName})`,
        detail: `${s.population.toLocaleString('de-DE')} Einwohner`,
        reasons: reasonLine(s.components),
        reasonLines: reasonListLines(reasonList(s.components, 'town', s.topicName)),
      })),
      link: { url: `${this.config.appUrl}/vorschlaege`, text: 'Vorschläge ansehen und ein Tandem anfragen' },
    };
  }
}
