import { Injectable } from '@nestjs/common';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';
import { OFFICE_VIEWER, type Viewer } from '../municipalities/visibility/town-visibility.util';
import { AudienceEntry, AudienceTown, EventTarget, matchesTarget, rankAudience } from './core/event-audience.util';
import { AudienceFacts, EventRepository, EventRow } from './event.repository';

const targetOf = (e: Pick<EventRow, 'targetStates' | 'targetSizeClasses' | 'targetTopics'>): EventTarget => ({
  states: e.targetStates,
  sizeClasses: e.targetSizeClasses,
  topics: e.targetTopics,
});

/**
 * Which towns an event is for. Profiles are read through the visibility layer: the office's review list as the office
 * reads them; "für Sie passend" as the town reads its own. The reasons name only the town's own facts (its
 * challenges, Land, size class, whether it is connected), so the invitation may carry them to that town.
 */
@Injectable()
export class EventAudienceService {
  constructor(
    private readonly repo: EventRepository,
    private readonly views: TownViewRepository,
  ) {}

  /** The audience of the event, best fit first, with German reasons. */
  async ranked(e: EventRow): Promise<AudienceEntry[]> {
    const facts = await this.repo.audienceFacts();
    const towns = await this.asSeenBy(OFFICE_VIEWER, facts);
    return rankAudience(towns, targetOf(e), e.topics, await this.topicNames());
  }

  /** The events (of `events`) whose target the town matches, as the town reads its own profile. */
  async fitting<E extends EventRow>(townId: string, events: readonly E[]): Promise<Set<string>> {
    const facts = await this.repo.audienceFacts([townId]);
    if (!facts.length) return new Set();
    const [town] = await this.asSeenBy({ kind: 'town', townId, verified: true }, facts);
    return new Set(events.filter((e) => matchesTarget(town, targetOf(e))).map((e) => e.id));
  }

  /**
   * For a batch of towns (the weekly digest), the events of `events` each town's target matches. Read with the
   * office's clearance in one query; each town's result is about its own profile only, which it sees entirely.
   */
  async fittingForTowns(townIds: readonly string[], events: readonly EventRow[]): Promise<Map<string, EventRow[]>> {
    const facts = await this.repo.audienceFacts(townIds);
    const towns = await this.asSeenBy(OFFICE_VIEWER, facts);
    return new Map(towns.map((t) => [t.id, events.filter((e) => matchesTarget(t, targetOf(e)))]));
  }

  async topicNames(): Promise<Map<string, string>> {
    return new Map((await this.repo.topics()).map((t) => [t.slug, t.name]));
  }

  private async asSeenBy(viewer: Viewer, facts: AudienceFacts[]): Promise<AudienceTown[]> {
    const profiles = new Map(
      (
        await this.views.profiles(
          viewer,
          facts.map((f) => f.id),
        )
      ).map((p) => [p.id, p]),
    );
    return facts.map((f) => {
      const p = profiles.get(f.id);
      const challengeTopics = (p?.challenges ?? []).map((c) => c.topic);
      const topics = [...(p?.topics ?? []).map((t) => t.slug), ...challengeTopics, ...(p?.experiences ?? []).map((x) => x.topic)];
      return { ...f, topics: [...new Set(topics)], challengeTopics };
    });
  }
}
