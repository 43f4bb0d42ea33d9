import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { joinGerman, type DigestSection } from './digest-content.util';
import type { DigestRecipient, DigestSectionProvider } from './digest-section.provider';
import { DigestRepository } from './digest.repository';

type NewExample = Awaited<ReturnType<DigestRepository['newExamplesOnChallenges']>>[number][number];

/**
 * Application examples published in the Methodenkoffer since the last digest that answer one of the town's challenges
 * or share one of its topics (issue 27). Published examples are public; the town's challenges are its own.
 */
@Injectable()
export class NewExamplesSectionProvider implements DigestSectionProvider {
  readonly key = 'new-examples';
  constructor(
    private readonly repo: DigestRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]> {
    const found = await this.repo.newExamplesOnChallenges(recipients.map((r) => ({ townId: r.townId, since: r.since })));
    return found.map((rows) => (rows.length ? this.section(rows) : null));
  }

  private section(rows: NewExample[]): DigestSection {
    return {
      key: this.key,
      title: 'Neue Beispiele zu Ihren Herausforderungen',
      intro: 'Im Methodenkoffer ist Neues erschienen, das zu den Herausforderungen und Themen Ihrer Kommune passt:',
      summary: `${rows.length} neue Beispiele zu Ihren Herausforderungen`,
      items: rows.map((e) => ({
        // The key is the example: a later version of it is no news for the digest.
        key: `practice:${e.id}`,
        title: `„${e.title}“ aus ${e.townName} (${e.stateName})`,
        detail: `${this.config.appUrl}/methodenkoffer/${e.id}`,
        reasons: e.challenges.length
          ? `Zu Ihrer Herausforderung ${joinGerman(e.challenges.map((c) => `»${c}«`))}`
          : `Gemeinsame Themen: ${joinGerman(e.topics)}`,
      })),
      link: { url: `${this.config.appUrl}/methodenkoffer`, text: 'Zum Methodenkoffer' },
    };
  }
}
