import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { joinGerman, type DigestSection } from './digest-content.util';
import type { DigestRecipient, DigestSectionProvider } from './digest-section.provider';
import { DigestRepository } from './digest.repository';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';

type NewExample = Awaited<ReturnType<DigestRepository['newExamplesOnTopics']>>[number][number] & {
  challenges: string[];
  ownTopics: string[];
};

/**
 * Application examples published in the Methodenkoffer since the last digest that answer one of the town's challenges
 * or share one of its topics (issue 27). Published examples are public; the town's challenges are its own.
 */
@Injectable()
export class NewExamplesSectionProvider implements DigestSectionProvider {
  readonly key = 'new-examples';
  constructor(
    private readonly repo: DigestRepository,
    private readonly views: TownViewRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]> {
    // The town's own challenges and topics, read through the visibility layer as the town sees itself.
    const own = new Map((await this.views.ownProfiles(recipients.map((r) => r.townId))).map((p) => [p.id, p]));
    const names = recipients.map((r) => {
      const p = own.get(r.townId);
      const challenges = new Map((p?.challenges ?? []).map((c) => [c.topic, c.topicName]));
      const topics = new Map((p?.topics ?? []).map((t) => [t.slug, t.name]));
      return { challenges, topics };
    });
    const found = await this.repo.newExamplesOnTopics(
      recipients.map((r, i) => ({
        townId: r.townId,
        since: r.since,
        topics: [...new Set([...names[i].challenges.keys(), ...names[i].topics.keys()])],
      })),
    );
    return found.map((rows, i) => {
      const pick = (m: Map<string, string>, slugs: string[]) => [...new Set(slugs.filter((s) => m.has(s)).map((s) => m.get(s)!))].sort();
      const items = rows.map((e) => ({
        ...e,
        challenges: pick(names[i].challenges, e.topics),
        ownTopics: pick(names[i].topics, e.topics),
      }));
      return items.length ? this.section(items) : null;
    });
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
          : `Gemeinsame Themen: ${joinGerman(e.ownTopics)}`,
      })),
      link: { url: `${this.config.appUrl}/methodenkoffer`, text: 'Zum Methodenkoffer' },
    };
  }
}
